package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzRender checks that no input makes Render fail or panic, that valid
// UTF-8 stays valid, that rendering is deterministic, and that in safe mode
// no script, event handler, style attribute or script URL reaches the
// output. With a plan that replaces every list and puts a slot after
// every heading, the slots must fall inside the HTML and cut it where no
// tag is open. Seeds are the golden inputs, the hostile inputs and the
// files in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	for _, in := range goldenInputs(f) {
		f.Add(in)
	}
	for _, in := range hostileInputs {
		f.Add(in)
	}
	pm, err := os.ReadFile(filepath.Join("testdata", "postmortem.md"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(pm))

	safe := New(Options{})
	unsafe := New(Options{Unsafe: true, Host: "example.com"})
	res := fakeResolver()
	f.Fuzz(func(t *testing.T, in string) {
		src := []byte(in)
		for _, r := range []*Renderer{safe, unsafe} {
			out, err := r.Render(src, res)
			if err != nil {
				t.Fatalf("Render(%q): %v", in, err)
			}
			if utf8.Valid(src) && !utf8.Valid(out.HTML) {
				t.Fatalf("Render(%q) wrote invalid UTF-8: %q", in, out.HTML)
			}
			again, _ := r.Render(src, res)
			if !bytes.Equal(out.HTML, again.HTML) {
				t.Fatalf("Render(%q) is not deterministic", in)
			}
			for _, p := range out.Problems {
				if p.Line < 1 || p.Line > bytes.Count(src, []byte("\n"))+1 {
					t.Fatalf("Render(%q): problem %v is outside the document", in, p)
				}
			}
			if r == safe {
				checkSafeHTML(t, in, out.HTML, false)
			}
			planned, err := r.RenderPlan(src, res, everySlot)
			if err != nil {
				t.Fatalf("RenderPlan(%q): %v", in, err)
			}
			for _, at := range planned.Slots {
				if at < -1 || at > len(planned.HTML) {
					t.Fatalf("RenderPlan(%q): slot at %d of %d bytes", in, at, len(planned.HTML))
				}
				if at > 0 && planned.HTML[at-1] != '\n' {
					t.Fatalf("RenderPlan(%q): slot at %d is not between blocks: %q", in, at, planned.HTML[max(0, at-20):at])
				}
			}
		}
	})
}

// everySlot is a Plan that replaces every list and puts a slot after every
// heading.
func everySlot(blocks []Block) []Slot {
	var slots []Slot
	for i, b := range blocks {
		switch b.Kind {
		case BlockList:
			slots = append(slots, Slot{Block: i, Replace: true})
		case BlockHeading:
			slots = append(slots, Slot{Block: i})
		}
	}
	return slots
}
