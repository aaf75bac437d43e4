package live

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/bench"

	"github.com/inquest-dev/inquest/pkg/site"
)

// benchCorpus is the corpus repository named by $INQUEST_BENCH_CORPUS,
// made by ../shared/bench/gencorpus.py, linked into a temporary folder
// (see linkTree) so that edits leave it as it was; the benchmark is
// skipped when it is not set.
func benchCorpus(b *testing.B) string {
	b.Helper()
	return linkTree(b, bench.Corpus(b))
}

// corpusEdits are the edits BenchmarkUpdate times, one kind each.
var corpusEdits = []struct {
	name string
	edit func(string) string
}{
	{"body text", func(s string) string {
		return strings.Replace(s, "## Summary\n\n", "## Summary\n\nEdited while serving. ", 1)
	}},
	{"title", func(s string) string { return strings.Replace(s, "title: \"", "title: \"Edited: ", 1) }},
	{"tag", func(s string) string {
		return regexp.MustCompile(`(?m)^tags: \[`).ReplaceAllString(s, "tags: [edited, ")
	}},
	{"severity", func(s string) string {
		return regexp.MustCompile(`(?m)^severity: SEV\d`).ReplaceAllStringFunc(s, func(m string) string {
			if m == "severity: SEV4" {
				return "severity: SEV3"
			}
			return "severity: SEV4"
		})
	}},
	{"action item", func(s string) string {
		return strings.Replace(s, "action_items:\n", "action_items:\n  - {title: \"Edited item\", owner: \"Jane Doe\", due: 2030-01-01}\n", 1)
	}},
}

// BenchmarkUpdate times Site.Update on the corpus of benchCorpus, from
// the call to the site being ready, for each kind of edit in corpusEdits
// (each iteration edits another postmortem), and reports the search index
// update that follows as index-ms/op; then the update that adds a
// postmortem (every page written again from the kept repository) and a
// whole build that reads the repository again:
//
//	python3 ../shared/bench/gencorpus.py --n 10000 --seed 1 --out /tmp/c10k
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/site -run '^$' -bench Update -benchtime 7x -timeout 30m
func BenchmarkUpdate(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	bl := newSite(b, site.BuildOptions{Dir: dir, Serve: true, Drafts: true, CacheDir: b.TempDir()})
	sites := b.TempDir()
	if _, err := bl.Build(ctx, filepath.Join(sites, "site")); err != nil {
		b.Fatal(err)
	}
	// What an update keeps in memory between edits.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("heap in use after the build: %d MiB", ms.HeapInuse>>20)
	var files []string
	for _, inc := range bl.st.rp.Set.Incidents {
		files = append(files, inc.Source)
	}
	next := 17
	pick := func() string {
		f := files[next%len(files)]
		next += 997
		return f
	}
	for _, e := range corpusEdits {
		b.Run(e.name, func(b *testing.B) {
			var index time.Duration
			for b.Loop() {
				b.StopTimer()
				f := pick()
				name := filepath.Join(dir, filepath.FromSlash(f))
				data, err := os.ReadFile(name)
				if err != nil {
					b.Fatal(err)
				}
				replaceFile(b, name, []byte(e.edit(string(data))))
				b.StartTimer()
				res, err := bl.Update(ctx, []string{f}, filepath.Join(sites, "whole"))
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if res.Rebuilt != "" || res.UpToDate {
					b.Fatalf("%s of %s: rebuilt %q, up to date %v", e.name, f, res.Rebuilt, res.UpToDate)
				}
				t0 := time.Now()
				if err := bl.UpdateIndex(ctx); err != nil {
					b.Fatal(err)
				}
				index += time.Since(t0)
				b.StartTimer()
			}
			b.ReportMetric(float64(index.Milliseconds())/float64(b.N), "index-ms/op")
		})
	}
	b.Run("postmortem added", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			src := pick()
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(src)))
			if err != nil {
				b.Fatal(err)
			}
			added := strings.TrimSuffix(src, ".md") + fmt.Sprintf("-copy-%d.md", i)
			text := regexp.MustCompile(`(?m)^id: .*$`).ReplaceAllString(string(data), fmt.Sprintf("id: INC-ADDED-%d", i))
			replaceFile(b, filepath.Join(dir, filepath.FromSlash(added)), []byte(text))
			b.StartTimer()
			if _, err := bl.Update(ctx, []string{added}, filepath.Join(sites, fmt.Sprintf("added-%d", i))); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whole build", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := bl.Build(ctx, filepath.Join(sites, fmt.Sprintf("whole-%d", i))); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// linkTree makes a copy of a folder whose files are hard links to the
// originals (symbolic links are copied as links).
func linkTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		}
		if err := os.Link(p, out); err == nil || !errors.Is(err, syscall.EXDEV) {
			return err
		}
		// Hard links cannot cross file systems (TempDir on /dev/shm, see
		// pkg/internal/testtmp): copy instead.
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// replaceFile writes a new file and renames it over name, leaving any
// other link to the old one as it was.
func replaceFile(t testing.TB, name string, data []byte) {
	t.Helper()
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}
