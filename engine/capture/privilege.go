package capture

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// Identity is the user l7sniff continues as once it leaves root.
type Identity struct {
	Name     string // for messages
	UID, GID int
}

// DropTarget says who to continue as after leaving root: the user name
// (-Z) when given; otherwise the user who ran l7sniff through sudo
// (SUDO_UID and SUDO_GID), so files saved later are theirs and can be
// written where they work; otherwise nobody.
func DropTarget(name string) (Identity, error) {
	if name == "" {
		if id, ok, err := sudoUser(); ok || err != nil {
			return id, err
		}
		name = "nobody"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return Identity{}, fmt.Errorf("drop privileges to %q: %w", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return Identity{}, fmt.Errorf("drop privileges to %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return Identity{}, fmt.Errorf("drop privileges to %q: gid %q: %w", name, u.Gid, err)
	}
	return Identity{Name: name, UID: uid, GID: gid}, nil
}

// sudoUser returns the user sudo says invoked it; ok is false when there
// is none (or it was root itself, which is nothing to go back to).
func sudoUser() (id Identity, ok bool, err error) {
	su, sg := os.Getenv("SUDO_UID"), os.Getenv("SUDO_GID")
	if su == "" || sg == "" {
		return Identity{}, false, nil
	}
	uid, err1 := strconv.Atoi(su)
	gid, err2 := strconv.Atoi(sg)
	if err := errors.Join(err1, err2); err != nil || uid < 0 || gid < 0 {
		return Identity{}, false, fmt.Errorf("drop privileges to SUDO_UID=%q SUDO_GID=%q: not numeric ids (%v)", su, sg, err)
	}
	if uid == 0 {
		return Identity{}, false, nil
	}
	name := "uid " + su
	if u, err := user.LookupId(su); err == nil {
		name = u.Username
	}
	return Identity{Name: name, UID: uid, GID: gid}, true, nil
}

// DropPrivileges makes the process run as id (with its group and no
// supplementary groups) once the capture handles and output files are
// open, as tcpdump -Z does: a parser bug reached by a crafted packet
// then runs without root. Leaving uid 0 also clears every thread's
// effective and permitted capabilities (capabilities(7)). It does
// nothing when the process is not root.
func DropPrivileges(id Identity) error {
	if os.Geteuid() != 0 {
		return nil
	}
	if id.UID == 0 {
		return fmt.Errorf("drop privileges to %q: that user is root", id.Name)
	}
	// Order matters: groups and gid can only be changed while still root.
	// With cgo these go through the C library, which applies them to
	// every thread of the process.
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("drop privileges: setgroups: %w", err)
	}
	if err := syscall.Setgid(id.GID); err != nil {
		return fmt.Errorf("drop privileges: setgid %d: %w", id.GID, err)
	}
	if err := syscall.Setuid(id.UID); err != nil {
		return fmt.Errorf("drop privileges: setuid %d: %w", id.UID, err)
	}
	if os.Geteuid() != id.UID || syscall.Setuid(0) == nil {
		return fmt.Errorf("drop privileges to %q: still privileged after setuid", id.Name)
	}
	return nil
}

// UnreadableDirs returns the pattern directories the process cannot list
// (after dropping privileges, the watcher can no longer reload them).
func UnreadableDirs(dirs []string) []string {
	var bad []string
	for _, d := range dirs {
		f, err := os.Open(d)
		if err == nil {
			_, err = f.Readdirnames(1)
			f.Close()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			bad = append(bad, d)
		}
	}
	return bad
}
