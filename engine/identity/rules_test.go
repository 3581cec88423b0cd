package identity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *Services {
	t.Helper()
	s := NewServices()
	if errs := s.Parse("t.rules", strings.NewReader(text)); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	return s
}

func TestLookupExactAndWildcard(t *testing.T) {
	s := mustParse(t, `
# a comment
youtube *.youtube.com youtu.be *.googlevideo.com   # trailing comment
google  *.google.com *.googleapis.com google.com
maps    maps.google.com
deep    *.a.b.google.com
`)
	cases := []struct{ host, want string }{
		{"www.youtube.com", "youtube"},
		{"youtube.com", ""}, // *. matches subdomains only
		{"youtu.be", "youtube"},
		{"x.youtu.be", ""}, // exact rules are exact
		{"rr3---sn-4g5e6nze.googlevideo.com", "youtube"},
		{"WWW.YouTube.COM.", "youtube"}, // case and trailing dot
		{"google.com", "google"},
		{"maps.google.com", "maps"},     // exact beats a shorter wildcard
		{"x.maps.google.com", "google"}, // maps is exact only
		{"c.a.b.google.com", "deep"},    // longest suffix wins
		{"a.b.google.com", "google"},    // *.a.b.google.com needs a label more
		{"notgoogle.com", ""},           // suffixes end at a label boundary
		{"evilgoogle.com", ""},
		{"", ""},
		{strings.Repeat("a.", 130) + "google.com", ""}, // longer than DNS allows
	}
	for _, c := range cases {
		got, ok := s.Lookup(c.host)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Lookup(%q) = %q, %v; want %q", c.host, got, ok, c.want)
		}
	}
	if got := strings.Join(s.Names(), " "); got != "youtube google maps deep" {
		t.Errorf("Names = %q", got)
	}
}

func TestBrokenRulesReportFileLine(t *testing.T) {
	s := NewServices()
	errs := s.Parse("svc/broken.rules", strings.NewReader(`good *.good.example
lonely
bad host*.example.com
tld *.com
dup *.good.example other.example
"quoted" x.example
emptylabel a..b.example
`))
	want := []string{
		"svc/broken.rules:2: service lonely has no host patterns",
		`svc/broken.rules:3: host*.example.com: a wildcard is allowed only as a leading "*."`,
		"svc/broken.rules:4: *.com: a wildcard over a whole top-level domain names too much",
		"svc/broken.rules:5: *.good.example is already a rule of good (svc/broken.rules:1)",
		`svc/broken.rules:6: service name "\"quoted\"": use letters, digits, '-', '_' or '.'`,
		"svc/broken.rules:7: a..b.example: empty label",
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// What was valid still loads, including the good half of line 5.
	for host, svc := range map[string]string{"a.good.example": "good", "other.example": "dup"} {
		if got, _ := s.Lookup(host); got != svc {
			t.Errorf("Lookup(%q) = %q, want %q", host, got, svc)
		}
	}
}

func TestDefaultServices(t *testing.T) {
	s, errs := loadFS(defaults, "defaults", "defaults")
	for _, e := range errs {
		t.Error(e.Error())
	}
	if s.Len() < 100 {
		t.Errorf("built-in rules name %d services, want at least 100", s.Len())
	}
	// Hosts nDPI's captures name, with the service a person would say.
	for host, svc := range map[string]string{
		"yt3.ggpht.com":             "youtube",
		"www.facebook.com":          "facebook",
		"scontent.xx.fbcdn.net":     "facebook",
		"api.github.com":            "github",
		"r4---sn-x.googlevideo.com": "youtube",
		"www.google.com":            "google",
		"maps.googleapis.com":       "googlemaps",
		"client.dropbox.com":        "dropbox",
		"teams.microsoft.com":       "teams",
		"login.microsoftonline.com": "microsoft",
	} {
		if got, _ := s.Lookup(host); got != svc {
			t.Errorf("Lookup(%q) = %q, want %q", host, got, svc)
		}
	}
}

func TestLoadServicesDirs(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub", ".hidden"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.rules"), []byte("alpha *.alpha.example\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "b.rules"), []byte("beta beta.example\nbroken\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", ".hidden", "c.rules"), []byte("gamma gamma.example\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("delta delta.example\n"), 0o644)
	s, errs := LoadServices(dir)
	if len(errs) != 1 || errs[0].Error() != filepath.Join(dir, "sub", "b.rules")+":2: service broken has no host patterns" {
		t.Errorf("errors = %v", errs)
	}
	if got := strings.Join(s.Names(), " "); got != "alpha beta" {
		t.Errorf("services = %q, want alpha beta (hidden dirs and other files are ignored)", got)
	}
}

func TestLookupAllocatesNothing(t *testing.T) {
	s := DefaultServices()
	if n := testing.AllocsPerRun(100, func() { s.Lookup("Rr3---SN-abc.GoogleVideo.com.") }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}

func BenchmarkServiceLookup(b *testing.B) {
	s := DefaultServices()
	hosts := []string{"rr3---sn-4g5e6nze.googlevideo.com", "www.facebook.com", "api.github.com", "unknown.example.org"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Lookup(hosts[i%len(hosts)])
	}
}
