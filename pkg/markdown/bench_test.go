package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
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

// BenchmarkRenderCorpus renders every postmortem of a repository made by
// ../shared/bench/gencorpus.py, front matter removed, on all CPUs:
//
//	python3 ../shared/bench/gencorpus.py --n 1000 --seed 1 --out /tmp/c1k
//	INQUEST_BENCH_CORPUS=/tmp/c1k go test ./pkg/markdown -run '^$' -bench Corpus
//
// It is skipped when INQUEST_BENCH_CORPUS is not set.
func BenchmarkRenderCorpus(b *testing.B) {
	dir := bench.Corpus(b)
	var docs [][]byte
	var total int64
	err := filepath.WalkDir(filepath.Join(dir, "postmortems"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".md" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// The site splits off front matter before rendering.
		if rest, ok := bytes.CutPrefix(src, []byte("---\n")); ok {
			if _, body, ok := bytes.Cut(rest, []byte("\n---\n")); ok {
				src = body
			}
		}
		docs = append(docs, src)
		total += int64(len(src))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r := New(Options{Host: "postmortems.example.com"})
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(docs)); i = next.Add(1) - 1 {
					if _, err := r.Render(docs[i], allFound); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(docs)), "docs/op")
}
