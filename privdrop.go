package main

import (
	"fmt"
	"io"
	"os"

	"l7sniff/engine/capture"
)

// privilegeDrop is who l7sniff continues as after leaving root. It is
// decided before any output file is created, so that the files can be
// given to that user.
type privilegeDrop struct {
	id   capture.Identity
	drop bool // false: not root, or --no-drop
}

// planDrop resolves -Z (or sudo's invoking user, or nobody). A process
// that is not root has nothing to drop, whatever it reads.
func planDrop(o *options) (privilegeDrop, error) {
	if os.Geteuid() != 0 || o.noDrop {
		return privilegeDrop{}, nil
	}
	id, err := capture.DropTarget(o.user)
	if err != nil {
		return privilegeDrop{}, err
	}
	return privilegeDrop{id: id, drop: true}, nil
}

// createWriter creates the -w file while still root and gives it to the
// user l7sniff continues as. It writes pcapng when the name asks for it
// or when the source declares more than one link type, which pcap cannot
// hold.
func createWriter(o *options, src *capture.Source, d privilegeDrop) (*capture.PcapWriter, error) {
	w, err := capture.CreateCapture(o.write, 0o600, capture.WriteConfig{
		Link: src.LinkType(), Snaplen: o.src.Snaplen, Buffered: !o.unbuffered,
		Pcapng: capture.WantsPcapng(o.write) || len(src.LinkTypes()) > 1,
	})
	if err != nil {
		return nil, err
	}
	if d.drop {
		if err := w.Chown(d.id.UID, d.id.GID); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// leave leaves root once everything that needs it is open. watched are
// the pattern directories a watcher will reload: one the user cannot
// read keeps the patterns loaded as root, and the user is told that its
// changes will not be followed.
func (d privilegeDrop) leave(o *options, watched []string, stderr io.Writer) error {
	if os.Geteuid() != 0 {
		return nil
	}
	if !d.drop {
		fmt.Fprintln(stderr, "l7sniff: warning: --no-drop: parsing packets as root")
		return nil
	}
	if err := capture.DropPrivileges(d.id); err != nil {
		return err
	}
	for _, dir := range capture.UnreadableDirs(watched) {
		fmt.Fprintf(stderr, "l7sniff: patterns %s: not readable as %s: its patterns stay as loaded, changes there are not followed "+
			"(make it readable, choose a user with -Z, or keep root with --no-drop)\n", dir, d.id.Name)
	}
	return nil
}
