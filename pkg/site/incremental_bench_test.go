package site

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestUpdateTimingCorpus times Builder.Update on the corpus named by
// $INQUEST_BENCH_CORPUS, a repository made by
//
//	python3 ../shared/bench/gencorpus.py --n 10000 --seed 1 --out /tmp/c10k
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/site -run TestUpdateTimingCorpus -v -timeout 30m
//
// It links the corpus into a temporary folder (each edited file is
// replaced, never written through the link), builds the whole site once,
// then applies $INQUEST_BENCH_EDITS (default 7) edits of each kind to
// different postmortems and logs the median, fastest and slowest update
// from the call to the site being ready, with the stages of the median
// one, and the search index update that follows; then adds a postmortem.
// It is skipped when INQUEST_BENCH_CORPUS is not set.
func TestUpdateTimingCorpus(t *testing.T) {
	src := os.Getenv("INQUEST_BENCH_CORPUS")
	if src == "" {
		t.Skip("INQUEST_BENCH_CORPUS is not set")
	}
	n := 7
	if v := os.Getenv("INQUEST_BENCH_EDITS"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatal(err)
		}
	}
	dir := linkTree(t, src)
	ctx := context.Background()
	bl := NewBuilder(BuildOptions{Dir: dir, Serve: true, Drafts: true, CacheDir: t.TempDir()})
	sites := t.TempDir()
	t0 := time.Now()
	res, err := bl.Build(ctx, filepath.Join(sites, "site"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("whole build: %d incidents, %d pages in %s", res.Incidents, res.Pages, time.Since(t0).Round(time.Millisecond))
	// What an update keeps in memory between edits.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap in use after the build: %d MiB", ms.HeapInuse>>20)
	var files []string
	for _, inc := range bl.st.rp.Set.Incidents {
		files = append(files, inc.Source)
	}
	edits := []struct {
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
	next := 17
	for _, e := range edits {
		var took []time.Duration
		var stages [][]Stage
		var index []time.Duration
		for range n {
			f := files[next%len(files)]
			next += 997
			name := filepath.Join(dir, filepath.FromSlash(f))
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			replaceFile(t, name, []byte(e.edit(string(data))))
			t0 := time.Now()
			res, err := bl.Update(ctx, []string{f}, filepath.Join(sites, "whole"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Rebuilt != "" || res.UpToDate {
				t.Fatalf("%s of %s: rebuilt %q, up to date %v", e.name, f, res.Rebuilt, res.UpToDate)
			}
			took = append(took, time.Since(t0))
			stages = append(stages, res.Stages)
			t0 = time.Now()
			if err := bl.UpdateIndex(ctx); err != nil {
				t.Fatal(err)
			}
			index = append(index, time.Since(t0))
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return int(took[a] - took[b]) })
		mid := order[n/2]
		var st []string
		for _, s := range stages[mid] {
			st = append(st, s.Name+" "+s.Elapsed.Round(time.Millisecond).String())
		}
		slices.Sort(index)
		t.Logf("%-12s median %s (fastest %s, slowest %s) [%s]; index update median %s", e.name,
			took[mid].Round(time.Millisecond), took[order[0]].Round(time.Millisecond), took[order[n-1]].Round(time.Millisecond),
			strings.Join(st, ", "), index[n/2].Round(time.Millisecond))
	}
	addTiming(ctx, t, bl, dir, sites, files[next%len(files)])
}

// addTiming logs the time of one update that adds a postmortem (every
// page is written again, from the kept repository) and of a whole build
// that reads the repository again.
func addTiming(ctx context.Context, t *testing.T, bl *Builder, dir, sites, src string) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(src)))
	if err != nil {
		t.Fatal(err)
	}
	added := strings.TrimSuffix(src, ".md") + "-copy.md"
	text := regexp.MustCompile(`(?m)^id: .*$`).ReplaceAllString(string(data), "id: INC-ADDED")
	replaceFile(t, filepath.Join(dir, filepath.FromSlash(added)), []byte(text))
	t0 := time.Now()
	res, err := bl.Update(ctx, []string{added}, filepath.Join(sites, "added"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("postmortem added: %s (%s)", time.Since(t0).Round(time.Millisecond), res.Rebuilt)
	t0 = time.Now()
	if _, err := bl.Build(ctx, filepath.Join(sites, "whole")); err != nil {
		t.Fatal(err)
	}
	t.Logf("whole build, repository read again: %s", time.Since(t0).Round(time.Millisecond))
}

// linkTree makes a copy of a folder whose files are hard links to the
// originals (symbolic links are copied as links).
func linkTree(t *testing.T, src string) string {
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
		return os.Link(p, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// replaceFile writes a new file and renames it over name, leaving any
// other link to the old one as it was.
func replaceFile(t *testing.T, name string, data []byte) {
	t.Helper()
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}
