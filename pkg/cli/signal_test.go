package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func postmortemText(i int) string {
	tags := []string{"database", "dns", "network", "capacity", "deploy", "cache"}
	svcs := []string{"api", "checkout", "search", "auth", "billing"}
	return fmt.Sprintf(`---
id: INC-%05d
title: Generated incident %d about %s
date: 2023-%02d-%02d
severity: SEV%d
status: published
owner: Owner %d
reviewers: [Reviewer One, Reviewer Two]
tags: [%s, %s]
services: [%s]
---
## Summary

Incident %d: the %s service degraded after a %s change. Lorem ipsum dolor sit
amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.

## Timeline

- 09:00 UTC — impact started
- 09:10 UTC — alert fired (detected)
- 09:40 UTC — resolved

## Customer impact

Requests to the service failed for forty minutes.

## Contributing factors

A configuration change reached every region at once.

## Lessons learned

- Lesson %d about %s.

## Action items

- [ ] Follow up %d — Owner %d, due 2023-12-01, [T-1](https://tracker.example/T-1)
`, i, i, tags[i%6], 1+i%12, 1+i%28, 1+i%4, i%17, tags[i%6], tags[(i/6)%6], svcs[i%5], i, svcs[i%5], tags[i%6], i, tags[i%6], i, i%17)
}

// genRepo writes n generated postmortems (numbered from first) into dir,
// a folder without Git.
func genRepo(t *testing.T, dir string, first, n int) {
	t.Helper()
	files := map[string]string{"inquest.yaml": "title: Generated\n"}
	for i := first; i < first+n; i++ {
		files[fmt.Sprintf("postmortems/%03d/inc-%05d.md", i/100, i)] = postmortemText(i)
	}
	writeFiles(t, dir, files)
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameTree(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d files, then %d", what, len(a), len(b))
	}
	n := 0
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			t.Errorf("%s: %s changed or vanished", what, k)
			if n++; n > 5 {
				return
			}
		}
	}
}

// onlyOutput fails when the output's parent holds anything but the output:
// a .public.tmp-* or public.old-* folder left by an interrupted build.
func onlyOutput(t *testing.T, out string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != filepath.Base(out) {
			t.Errorf("left behind %s next to the output", e.Name())
		}
	}
}

func runCLI(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestStrict: a postmortem with an error makes `build --strict` exit 1 and
// name the file; without errors it exits 0, and without --strict errors
// do not change the exit code.
func TestStrict(t *testing.T) {
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1717200000")
	dir := t.TempDir()
	genRepo(t, dir, 0, 3)
	out := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()

	if code, stdout, stderr := runCLI(ctx, "build", dir, "--out", out, "--strict", "--no-history"); code != 0 {
		t.Fatalf("clean repository: exit %d\n%s%s", code, stdout, stderr)
	}
	clean := readTree(t, out)

	const bad = "postmortems/bad/binary.md"
	writeFiles(t, dir, map[string]string{bad: "---\nid: X\n---\n\x00\x00binary"})
	res, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: filepath.Join(t.TempDir(), "lib"), NoHistory: true, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool { return f.File == bad && f.Level == postmortem.LevelError }) {
		t.Fatalf("site.Build does not report %s as an error: %v", bad, res.Findings)
	}
	if res.Incidents != 3 || res.Skipped != 1 {
		t.Errorf("site.Build: %d incidents, %d skipped; want 3 and 1", res.Incidents, res.Skipped)
	}

	code, stdout, stderr := runCLI(ctx, "build", dir, "--out", out, "--strict", "--no-history")
	if code != cli.ExitFindings {
		t.Errorf("--strict with an error: exit %d, want %d\n%s%s", code, cli.ExitFindings, stdout, stderr)
	}
	if !strings.Contains(stderr, bad) || !strings.Contains(stderr, "--strict") {
		t.Errorf("--strict stderr does not name the file and the flag:\n%s", stderr)
	}
	onlyOutput(t, out)
	// An up-to-date rerun must fail the same way: the stamp keeps the findings.
	if code, _, stderr := runCLI(ctx, "build", dir, "--out", out, "--strict", "--no-history"); code != cli.ExitFindings {
		t.Errorf("up-to-date --strict rerun with an error: exit %d, want %d\n%s", code, cli.ExitFindings, stderr)
	}
	if code, _, stderr := runCLI(ctx, "build", dir, "--out", out, "--no-history", "--force"); code != 0 {
		t.Errorf("without --strict an error is reported only: exit %d\n%s", code, stderr)
	}
	_ = clean
}

// TestStrictFailureKeepsPreviousSite: a --strict build that fails on a
// postmortem's error leaves the previous site as it was.
func TestStrictFailureKeepsPreviousSite(t *testing.T) {
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1717200000")
	dir := t.TempDir()
	genRepo(t, dir, 0, 3)
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runCLI(context.Background(), "build", dir, "--out", out, "--strict", "--no-history"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	before := readTree(t, out)
	writeFiles(t, dir, map[string]string{"postmortems/bad/binary.md": "\x00binary", "postmortems/new.md": postmortemText(99)})
	if code, _, _ := runCLI(context.Background(), "build", dir, "--out", out, "--strict", "--no-history"); code != cli.ExitFindings {
		t.Fatalf("exit %d, want 1", code)
	}
	sameTree(t, "failed --strict build", before, readTree(t, out))
	onlyOutput(t, out)
}

// cancelAt cancels a build at one point of its progress: as stage begins
// (on "begin"), as it ends ("end") or after its first step ("step"). It
// counts the steps of the stage taken after the cancel.
type cancelAt struct {
	stage, on string
	cancel    context.CancelFunc
	mu        sync.Mutex
	events    []string  // what the build said, in order
	at        time.Time // when it cancelled
	total     int       // the stage's steps, as it began
	after     int       // its steps taken after the cancel
}

func (w *cancelAt) Begin(stage string, total int) {
	w.hear("begin", stage, func() { w.total = total })
}

func (w *cancelAt) Advance(stage string, n int) {
	w.hear("step", stage, func() {
		if !w.at.IsZero() {
			w.after += n
		}
	})
}

func (w *cancelAt) End(stage string) { w.hear("end", stage, nil) }

// hear records the event on of stage, calls also (when not nil) if the
// stage is the one watched, and cancels the build at the watched point.
func (w *cancelAt) hear(on, stage string, also func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, on+" "+stage)
	if stage != w.stage {
		return
	}
	if also != nil {
		also()
	}
	if on == w.on && w.at.IsZero() {
		w.at = time.Now()
		w.cancel()
	}
}

// TestInterruptedBuildKeepsPreviousSite cancels a build at each of its
// stages, at a point the build reports through its Progress (no timer, so
// no dependence on the machine's speed or the site's size): the error is
// context.Canceled, the previous site is byte-identical and no temporary
// folder is left; a write cancelled after its first page stops handing out
// pages at once; a later build over the interrupted ones' cache succeeds.
func TestInterruptedBuildKeepsPreviousSite(t *testing.T) {
	t.Parallel()
	// SOURCE_DATE_EPOCH's day, given to the build: a parallel test cannot
	// set the environment.
	now := time.Unix(1717200000, 0).UTC()
	dir := t.TempDir()
	cache := t.TempDir()
	genRepo(t, dir, 0, 5)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, NoHistory: true, Now: now}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)
	// The interrupted builds have new postmortems to index and more pages
	// to write than the cores that write them.
	const added = 20
	genRepo(t, dir, 5, added)

	for _, tc := range []struct {
		name      string
		stage, on string
	}{
		{"as-load-begins", site.StageLoad, "begin"},
		{"after-load", site.StageLoad, "end"},
		{"as-index-update-begins", site.StageIndex, "begin"},
		{"as-render-begins", site.StageRender, "begin"},
		{"after-render", site.StageRender, "end"},
		{"after-first-page", site.StageWrite, "step"},
		{"as-browser-index-begins", site.StageBrowser, "begin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &cancelAt{stage: tc.stage, on: tc.on, cancel: cancel}
			res, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, NoHistory: true, Now: now, Progress: w})
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.at.IsZero() {
				// Its error says why, if it had one (res is nil then).
				t.Fatalf("the build never reached %s %q (it said %q; error %v; result %+v)", tc.on, tc.stage, w.events, err, res)
			}
			stopping := time.Since(w.at)
			if err == nil {
				t.Fatalf("build finished after the cancel at %s %q (%d incidents; progress %q)", tc.on, tc.stage, res.Incidents, w.events)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("interrupted build: error %q is not context.Canceled", err)
			}
			if stopping > 2*time.Second {
				t.Errorf("interrupted build took %s to stop after the cancel", stopping)
			}
			if tc.on == "step" {
				// The pages being written as the cancel came are finished,
				// one more may have been handed out, and no other.
				if max := runtime.GOMAXPROCS(0); w.after > max {
					t.Errorf("%d pages written after the cancel, want at most %d (one a core)", w.after, max)
				}
				if 1+w.after >= w.total {
					t.Errorf("every page (%d) was written: the write stage did not stop", w.total)
				}
			}
			sameTree(t, "interrupted build", before, readTree(t, out))
			onlyOutput(t, out)
		})
	}

	// The cache the interrupted builds left (a half-updated search index)
	// does not break the next build.
	res, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, NoHistory: true, Now: now})
	if err != nil {
		t.Fatalf("build after interrupted builds: %v", err)
	}
	if res.Incidents != added+5 {
		t.Errorf("built %d incidents, want %d", res.Incidents, added+5)
	}
	onlyOutput(t, out)
}

// stopEnv names the stage at which TestMain's inquest command stops its
// build (see stopAt).
const stopEnv = "INQUEST_TEST_STOP_AT"

// stoppedAt starts the line stopAt writes as the build stops.
const stoppedAt = "test: stopped at "

// stopAt is the build progress of TestMain's inquest command when stopEnv
// names a stage: as that stage begins, it says so on w and waits for the
// command's context to end (an interrupt), so that a test signals the
// process while the build is at a known point.
type stopAt struct {
	ctx   context.Context
	stage string
	w     io.Writer
}

func (s stopAt) Begin(stage string, _ int) {
	if stage == s.stage {
		fmt.Fprintf(s.w, "%s%s\n", stoppedAt, stage)
		<-s.ctx.Done()
	}
}

func (stopAt) Advance(string, int) {}
func (stopAt) End(string)          {}

// TestSignalInterruptsBuild runs the command line in a process of its own
// (the test binary as inquest, see TestMain), stops its build at a stage
// and sends it SIGINT or SIGTERM there: it exits 130 or 143 (128 plus
// the signal's number, as shells report) and leaves the previous site and
// no temporary folder.
func TestSignalInterruptsBuild(t *testing.T) {
	t.Parallel()
	// testscript.Main put a copy of the test binary on PATH as inquest.
	bin, err := exec.LookPath("inquest")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	genRepo(t, dir, 0, 5)
	out := filepath.Join(t.TempDir(), "public")
	env := append(os.Environ(), "INQUEST_CACHE_DIR="+t.TempDir(), "SOURCE_DATE_EPOCH=1717200000")
	first := exec.Command(bin, "build", dir, "--out", out, "--no-history")
	first.Env = env
	if msg, err := first.CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, msg)
	}
	before := readTree(t, out)
	genRepo(t, dir, 5, 5)

	for _, tc := range []struct {
		stage string
		sig   syscall.Signal
		code  int
	}{
		{site.StageLoad, syscall.SIGINT, 130},
		{site.StageWrite, syscall.SIGINT, 130},
		// What CI runners and container stops send.
		{site.StageWrite, syscall.SIGTERM, 143},
	} {
		stage := tc.stage
		t.Run(stage+"/"+tc.sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "build", dir, "--out", out, "--no-history")
			cmd.Env = append(env, stopEnv+"="+stage)
			pipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The build says where it stopped; by then main's signal
			// handler is installed.
			var stderr strings.Builder
			sc := bufio.NewScanner(pipe)
			reached := false
			for !reached && sc.Scan() {
				fmt.Fprintln(&stderr, sc.Text())
				reached = sc.Text() == stoppedAt+stage
			}
			if !reached {
				err := cmd.Wait()
				t.Fatalf("the build did not stop at %q: %v\n%s", stage, err, stderr.String())
			}
			if stage == site.StageWrite {
				// The signal comes as the pages are written: the
				// temporary folder beside the output must go too.
				entries, err := os.ReadDir(filepath.Dir(out))
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) < 2 {
					t.Fatalf("no temporary folder beside the output as the build writes")
				}
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatalf("signal: %v", err)
			}
			done := make(chan error, 1)
			go func() {
				for sc.Scan() {
					fmt.Fprintln(&stderr, sc.Text())
				}
				done <- cmd.Wait()
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("build did not stop within 10 s of %v", tc.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("build interrupted by %v exited %d, want %d (128 + the signal's number)\n%s", tc.sig, code, tc.code, stderr.String())
			}
			sameTree(t, "build interrupted by "+tc.sig.String(), before, readTree(t, out))
			onlyOutput(t, out)
		})
	}
}
