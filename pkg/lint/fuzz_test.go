package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// FuzzRun checks that no postmortem makes a rule panic, and that every
// finding points at a line of the file and a column inside that line.
func FuzzRun(f *testing.F) {
	f.Add(base)
	f.Add("---\nstatus: draft\n---\n<!-- inquest-disable-next-line\nbroken-link -->\n[x](../../../../y) ![i](<a b.png>)\n```\n[c](d)\n```\n")
	f.Add("# T\n\n## Action items\n\n| Action | Owner |\n|---|---|\n| Investigate | |\n\n## Timeline\n\n- 09:00 — x\n- 08:00 — y\n")
	f.Add("<!--\n<!-- inquest-disable\n-->\n`` ` `` [a](b `c`) [[x]](y) ](z) [ref]: <q\n")
	root := f.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "postmortems", "img"), 0o755); err != nil {
		f.Fatal(err)
	}
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		f.Fatal(err)
	}
	p := postmortem.NewParser(cfg)
	opts := Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Root: root}
	f.Fuzz(func(t *testing.T, content string) {
		// A panic of the parser fails this target too: it is a bug
		// whichever package it is in.
		inc := p.Parse("postmortems/x.md", []byte(content))
		incs := []*postmortem.Incident{inc}
		fs := append(Run(context.Background(), cfg, incs, opts), Apply(cfg, incs, inc.Findings)...)
		lines := strings.Split(string(postmortem.Normalize([]byte(content))), "\n")
		for _, fd := range fs {
			if fd.Line < 1 || fd.Line > len(lines) {
				t.Fatalf("%s finding on line %d of %d", fd.Rule, fd.Line, len(lines))
			}
			if fd.Col < 0 || fd.Col > len(lines[fd.Line-1]) {
				t.Fatalf("%s finding at %d:%d, the line has %d bytes", fd.Rule, fd.Line, fd.Col, len(lines[fd.Line-1]))
			}
			if _, ok := ruleByID(fd.Rule); !ok {
				t.Fatalf("finding with unknown rule %q", fd.Rule)
			}
		}
	})
}
