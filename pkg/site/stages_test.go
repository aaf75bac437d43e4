package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// stageRepo is a repository of one committed postmortem, and the options
// of a build of it into a folder of the test's own.
func stageRepo(t *testing.T) (*repotest.Repo, BuildOptions) {
	t.Helper()
	r := repotest.New(t)
	r.WriteFile("postmortems/2024/queue.md", []byte(queuePostmortem))
	r.Commit("Author: Jane Doe <jane@example.com>\nDate: 2024-05-03T09:00:00Z\n\nAdd the queue postmortem")
	return r, BuildOptions{Dir: r.Dir, Out: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()}
}

// stageNames are the names of the stages a run timed, in order.
func stageNames(r *buildRun) []string {
	var names []string
	for _, s := range r.res.Stages {
		names = append(names, s.Name)
	}
	return names
}

// runStages runs the stages of r from load up to and including write.
func runStages(t *testing.T, r *buildRun) {
	t.Helper()
	ctx := context.Background()
	for _, stage := range []func(context.Context) error{
		func(ctx context.Context) error { return r.load(ctx, nil) }, r.assemble, r.render, r.write,
	} {
		if err := stage(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStampStage(t *testing.T) {
	t.Parallel()
	r, opts := stageRepo(t)
	run := newBuildRun(opts)
	if fresh, err := run.checkStamp(); err != nil || fresh {
		t.Fatalf("before any build: fresh = %v, %v; want false", fresh, err)
	}
	if _, err := Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	run = newBuildRun(opts)
	fresh, err := run.checkStamp()
	if err != nil || !fresh {
		t.Fatalf("after a build: fresh = %v, %v; want true", fresh, err)
	}
	if run.res.Incidents != 1 || !run.res.UpToDate || run.res.IndexDir == "" {
		t.Errorf("recorded result = %+v, want 1 incident, up to date, with its index", run.res)
	}
	if got := stageNames(run); len(got) != 1 || got[0] != "stamp" {
		t.Errorf("stages = %q, want [stamp]", got)
	}

	forced := opts
	forced.Force = true
	if fresh, err := newBuildRun(forced).checkStamp(); err != nil || fresh {
		t.Errorf("forced: fresh = %v, %v; want false", fresh, err)
	}
	r.WriteFile("postmortems/2024/queue.md", []byte(queuePostmortem+"\nIt drained by noon.\n"))
	if fresh, err := newBuildRun(opts).checkStamp(); err != nil || fresh {
		t.Errorf("after an edit: fresh = %v, %v; want false", fresh, err)
	}
}

func TestLoadStageAlone(t *testing.T) {
	t.Parallel()
	_, opts := stageRepo(t)
	run := newBuildRun(opts)
	defer run.close()
	if err := run.load(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(run.rp.Set.Incidents); n != 1 {
		t.Fatalf("loaded %d postmortems, want 1", n)
	}
	if h := run.rp.Set.Incidents[0].History; h == nil || len(h.Revisions) != 1 {
		t.Errorf("history = %+v, want the one commit", h)
	}
	if err := run.index.wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(run.res.IndexDir); err != nil {
		t.Errorf("the search index was not made beside the load: %v", err)
	}
	if _, err := os.Stat(opts.Out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("load touched the output folder: %v", err)
	}
	if got := stageNames(run); len(got) != 1 || got[0] != "load" {
		t.Errorf("stages = %q, want [load]", got)
	}
}

func TestWriteStageLeavesOutputAlone(t *testing.T) {
	t.Parallel()
	_, opts := stageRepo(t)
	run := newBuildRun(opts)
	runStages(t, run)
	tmp := run.out.Path
	for _, f := range []string{"index.html", "api/incidents.json", "search/manifest.json"} {
		if _, err := os.Stat(filepath.Join(tmp, filepath.FromSlash(f))); err != nil {
			t.Errorf("the write stage made no %s: %v", f, err)
		}
	}
	if pages, _ := filepath.Glob(filepath.Join(tmp, "incidents", "*", "index.html")); len(pages) != 1 {
		t.Errorf("incident pages = %q, want one", pages)
	}
	if _, err := os.Stat(opts.Out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("write touched the output folder: %v", err)
	}
	run.close()
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a run closed without a swap left its folder %s: %v", tmp, err)
	}
}

func TestSwapStageReplacesOutput(t *testing.T) {
	t.Parallel()
	_, opts := stageRepo(t)
	stale := filepath.Join(opts.Out, "stale.html")
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := newBuildRun(opts)
	defer run.close()
	runStages(t, run)
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("the output changed before the swap: %v", err)
	}
	if err := run.swap(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old site's file is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(opts.Out, "index.html")); err != nil {
		t.Errorf("the new site is not in place: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(opts.Out), ".public.*")); len(left) > 0 {
		t.Errorf("the swap left %q beside the output", left)
	}
}

func TestSettleStageFailsOnErrors(t *testing.T) {
	t.Parallel()
	r, opts := stageRepo(t)
	r.WriteFile("postmortems/2024/broken.md", []byte("---\nid: [\n---\n"))
	r.Commit("Author: Jane Doe <jane@example.com>\nDate: 2024-05-04T09:00:00Z\n\nAdd a broken postmortem")
	opts.FailOnErrors = true
	run := newBuildRun(opts)
	defer run.close()
	runStages(t, run)
	if err := run.settle(); !errors.Is(err, ErrFindings) || !run.failed {
		t.Fatalf("settle = %v (failed %v), want ErrFindings with the result", err, run.failed)
	}
	if run.res.Incidents != 1 || run.res.LeftOut.Broken != 1 {
		t.Errorf("result = %d incidents, left out %+v; want 1 and one broken", run.res.Incidents, run.res.LeftOut)
	}
}

// TestAssembleStageStopsWhenCancelled: a build cancelled after the load
// (Ctrl-C in a long build) stops in the assemble stage, learning
// included, with the context's error.
func TestAssembleStageStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	_, opts := stageRepo(t)
	run := newBuildRun(opts)
	defer run.close()
	if err := run.load(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run.assemble(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("assemble with a cancelled context: %v, want context.Canceled", err)
	}
	b, err := assemble(run.rp, run.opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Learn(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Learn with a cancelled context: %v, want context.Canceled", err)
	}
}
