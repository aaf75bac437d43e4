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
)

// TestEditToReloadCorpus serves the corpus named by $INQUEST_BENCH_CORPUS
// and times, for seven edits to the summary of one postmortem each, the
// wall time from the file written to the reload event reaching a page:
// the watcher, its 150 ms quiet period and the update in place.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/serve -run EditToReload -v -timeout 30m
//
// The corpus is copied as hard links (cp -al) and each edited file
// replaced, so the corpus itself is not changed. It is skipped when
// INQUEST_BENCH_CORPUS is not set.
func TestEditToReloadCorpus(t *testing.T) {
	src := os.Getenv("INQUEST_BENCH_CORPUS")
	if src == "" {
		t.Skip("INQUEST_BENCH_CORPUS is not set")
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	if out, err := exec.Command("cp", "-al", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp -al: %v: %s", err, out)
	}
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	log := &syncBuffer{}
	base, done := startServer(ctx, t, Options{Dir: dir, Drafts: true, Verbose: true, Log: log})
	files, err := filepath.Glob(filepath.Join(dir, "postmortems", "*", "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no postmortems in %s: %v", dir, err)
	}
	slices.Sort(files)
	var took []time.Duration
	for k := range 7 {
		resp, err := http.Get(base + "/_inquest/events")
		if err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(resp.Body)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(line, ": connected") {
				break
			}
		}
		f := files[(17+997*k)%len(files)]
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		edited := strings.Replace(string(data), "## Summary\n\n", "## Summary\n\nEdited while serving. ", 1)
		if err := os.WriteFile(f+".tmp", []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := os.Rename(f+".tmp", f); err != nil {
			t.Fatal(err)
		}
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(line, "event: ") {
				if ev := strings.TrimSpace(strings.TrimPrefix(line, "event: ")); ev != "reload" {
					t.Fatalf("event %q; log:\n%s", ev, log)
				}
				break
			}
		}
		took = append(took, time.Since(t0))
		resp.Body.Close()
		// Let the search index take the edit before the next one.
		time.Sleep(2 * time.Second)
	}
	t.Logf("file written to reload event: %v", took)
	slices.Sort(took)
	t.Logf("median %s, fastest %s, slowest %s", took[len(took)/2].Round(time.Millisecond), took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	t.Logf("server log:\n%s", log)
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
