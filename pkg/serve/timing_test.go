package serve

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkEditToReload serves the corpus named by $INQUEST_BENCH_CORPUS
// (made by ../shared/bench/gencorpus.py) and times, for each iteration,
// an edit to the summary of another postmortem: the wall time from the
// file written to the reload event reaching a page (the watcher, its
// 150 ms quiet period and the update in place).
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/serve -run '^$' -bench EditToReload -benchtime 7x -timeout 30m
//
// The corpus is copied as hard links (cp -al; a copy across file systems) and each edited file
// replaced, so the corpus itself is not changed. It is skipped when
// INQUEST_BENCH_CORPUS is not set.
func BenchmarkEditToReload(b *testing.B) {
	src := bench.Corpus(b)
	dir := filepath.Join(b.TempDir(), "corpus")
	if _, err := exec.Command("cp", "-al", src, dir).CombinedOutput(); err != nil {
		// Hard links cannot cross file systems (TempDir on /dev/shm,
		// see pkg/internal/testtmp): copy instead.
		_ = os.RemoveAll(dir)
		if out, err := exec.Command("cp", "-a", src, dir).CombinedOutput(); err != nil {
			b.Fatalf("cp -a: %v: %s", err, out)
		}
	}
	b.Setenv("INQUEST_CACHE_DIR", b.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	log := &syncBuffer{}
	base, done := startServer(ctx, b, Options{Dir: dir, Drafts: true, Verbose: true, Log: log})
	files, err := filepath.Glob(filepath.Join(dir, "postmortems", "*", "*.md"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no postmortems in %s: %v", dir, err)
	}
	slices.Sort(files)
	for k := 0; b.Loop(); k++ {
		b.StopTimer()
		resp, err := http.Get(base + "/_inquest/events")
		if err != nil {
			b.Fatal(err)
		}
		rd := bufio.NewReader(resp.Body)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			if strings.HasPrefix(line, ": connected") {
				break
			}
		}
		f := files[(17+997*k)%len(files)]
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		edited := strings.Replace(string(data), "## Summary\n\n", "## Summary\n\nEdited while serving. ", 1)
		if err := os.WriteFile(f+".tmp", []byte(edited), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := os.Rename(f+".tmp", f); err != nil {
			b.Fatal(err)
		}
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			if strings.HasPrefix(line, "event: ") {
				if ev := strings.TrimSpace(strings.TrimPrefix(line, "event: ")); ev != "reload" {
					b.Fatalf("event %q; log:\n%s", ev, log)
				}
				break
			}
		}
		b.StopTimer()
		resp.Body.Close()
		// Let the search index take the edit before the next one.
		time.Sleep(2 * time.Second)
		b.StartTimer()
	}
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Error(err)
	}
}
