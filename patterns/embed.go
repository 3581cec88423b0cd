package patterns

import "embed"

// defaults holds the project's own pattern files, written from the
// protocols' specifications (each file names its sources).
//
//go:embed defaults/*.pat
var defaults embed.FS

// Default loads the embedded default pattern set with default Options.
// Its patterns' files are named "defaults/<name>.pat".
func Default() (*Set, []LoadError) { return Options{}.Default() }

// Default loads the embedded default pattern set with o.
func (o Options) Default() (*Set, []LoadError) { return o.LoadFS(defaults, "defaults") }
