package main

import (
	"runtime"
	"runtime/debug"
)

// version is set at link time by the Makefile (-X main.version=…, from git
// describe); builds without it fall back to what the Go toolchain recorded.
var version string

// versionLine is what --version prints: l7sniff's version, the commit when
// known, and the Go release and platform it was built with.
func versionLine() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = "devel"
		if info.Main.Version != "(devel)" {
			v = info.Main.Version // a tag when built with go install …@vX.Y.Z
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
			if s.Key == "vcs.modified" && s.Value == "true" {
				v += "-dirty"
			}
		}
	}
	return "l7sniff " + v + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
