package markdown

import (
	"os"
	"path/filepath"
	"testing"
)

// allFound resolves every destination, as the site does for a repository
// with no broken links.
var allFound = ResolverFunc(func(dest string, image bool) (string, bool) {
	return "/base/" + dest, true
})

func loadPostmortem(b *testing.B) []byte {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "postmortem.md"))
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkRender renders a realistic 7 KB postmortem on one goroutine.
func BenchmarkRender(b *testing.B) {
	src := loadPostmortem(b)
	r := New(Options{Host: "postmortems.example.com"})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(src, allFound); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderParallel renders the same postmortem from GOMAXPROCS
// goroutines sharing one Renderer, as the site build does.
func BenchmarkRenderParallel(b *testing.B) {
	src := loadPostmortem(b)
	r := New(Options{Host: "postmortems.example.com"})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Render(src, allFound); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
