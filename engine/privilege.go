package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// DropPrivileges makes the process run as user name (with that user's
// primary group and no supplementary groups) once the capture handles and
// output files are open, as tcpdump -Z does: a parser bug reached by a
// crafted packet then runs without root. Leaving uid 0 also clears every
// thread's effective and permitted capabilities (capabilities(7)). It does
// nothing when the process is not root.
func DropPrivileges(name string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("drop privileges to %q: %w", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("drop privileges to %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("drop privileges to %q: gid %q: %w", name, u.Gid, err)
	}
	if uid == 0 {
		return fmt.Errorf("drop privileges to %q: that user is root", name)
	}
	// Order matters: groups and gid can only be changed while still root.
	// With cgo these go through the C library, which applies them to
	// every thread of the process.
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("drop privileges: setgroups: %w", err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("drop privileges: setgid %d: %w", gid, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("drop privileges: setuid %d: %w", uid, err)
	}
	if os.Geteuid() != uid || syscall.Setuid(0) == nil {
		return fmt.Errorf("drop privileges to %q: still privileged after setuid", name)
	}
	return nil
}

// CheckReadable reports a pattern directory the process cannot read (after
// dropping privileges, a root-only directory would silently stop reloads).
func CheckReadable(dirs []string) error {
	for _, d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			return fmt.Errorf("pattern directory %s is not readable after dropping privileges (%w); "+
				"make it readable, choose a user with -Z, or keep root with --no-drop", d, err)
		}
		_, err = f.Readdirnames(1)
		f.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("pattern directory %s: %w", d, err)
		}
	}
	return nil
}
