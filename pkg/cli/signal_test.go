package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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

// cancelWriter cancels a build when the stage named match ends; it
// records the stages that ended in lines.
type cancelWriter struct {
	match  string
	cancel context.CancelFunc
	mu     sync.Mutex
	lines  []string
	at     time.Time // when it cancelled
}

func (w *cancelWriter) Begin(string, int)   {}
func (w *cancelWriter) Advance(string, int) {}

func (w *cancelWriter) End(stage string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, stage)
	if w.match != "" && stage == w.match && w.at.IsZero() {
		w.at = time.Now()
		w.cancel()
	}
}

// cancelNow cancels the build, if the writer has not already.
func (w *cancelWriter) cancelNow() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at.IsZero() {
		w.at = time.Now()
		w.cancel()
	}
}

// sinceCancel is how long ago the build was cancelled.
func (w *cancelWriter) sinceCancel() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return time.Since(w.at)
}

const bigN = 2000

// TestInterruptedBuildKeepsPreviousSite cancels a build of 2,000
// postmortems at several points: the error is context.Canceled, the
// previous site is byte-identical and no temporary folder is left; a later
// build over the interrupted one's cache succeeds.
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
	genRepo(t, dir, 5, bigN)

	for _, tc := range []struct {
		name  string
		match string        // cancel when this stage ends
		after time.Duration // or after this long
	}{
		{"after-parse", site.StageLoad, 0},
		{"after-render", site.StageRender, 0},
		{"after-100ms", "", 100 * time.Millisecond},
		{"after-10ms", "", 10 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &cancelWriter{match: tc.match, cancel: cancel}
			if tc.after > 0 {
				time.AfterFunc(tc.after, w.cancelNow)
			}
			start := time.Now()
			res, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, NoHistory: true, Now: now, Progress: w})
			took, stopping := time.Since(start), w.sinceCancel()
			if err == nil {
				t.Fatalf("build of %d postmortems finished in %s before the cancel (%d incidents; progress %q)", bigN, took, res.Incidents, w.lines)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("interrupted build: error %q is not context.Canceled", err)
			}
			// Measured from the cancel: how long the build ran before it
			// depends on the machine's load.
			if stopping > 2*time.Second {
				t.Errorf("interrupted build took %s to stop after the cancel", stopping)
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
	if res.Incidents != bigN+5 {
		t.Errorf("built %d incidents, want %d", res.Incidents, bigN+5)
	}
	onlyOutput(t, out)
}

// TestSignalInterruptsBuild runs the real binary and sends it SIGINT in the
// middle of a build: it exits non-zero (130) and leaves the previous site
// and no temporary folder.
func TestSignalInterruptsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the inquest binary")
	}
	t.Parallel()
	// The binary links while the repository is written.
	bin := filepath.Join(t.TempDir(), "inquest")
	gb := exec.Command("go", "build", "-o", bin, "github.com/inquest-dev/inquest/cmd/inquest")
	gb.Dir = filepath.Join("..", "..")
	built := make(chan error, 1)
	var gbOut bytes.Buffer
	gb.Stdout, gb.Stderr = &gbOut, &gbOut
	if err := gb.Start(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	go func() { built <- gb.Wait() }()
	dir := t.TempDir()
	genRepo(t, dir, 0, 5)
	if err := <-built; err != nil {
		t.Fatalf("go build: %v\n%s", err, gbOut.String())
	}
	out := filepath.Join(t.TempDir(), "public")
	env := append(os.Environ(), "INQUEST_CACHE_DIR="+t.TempDir(), "SOURCE_DATE_EPOCH=1717200000")
	first := exec.Command(bin, "build", dir, "--out", out, "--no-history")
	first.Env = env
	if msg, err := first.CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, msg)
	}
	before := readTree(t, out)
	genRepo(t, dir, 5, bigN)

	cmd := exec.Command(bin, "build", dir, "--out", out, "--no-history")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Signal only once the build is writing (its temporary folder beside
	// the output exists): by then main has installed its signal handler.
	// A fixed sleep raced the process's start on a loaded machine, and
	// the default SIGINT action killed it before the handler was there.
	waitForTempDir(t, filepath.Dir(out), 30*time.Second)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("signal: %v (the build finished before the signal?)", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("build did not stop within 10 s of SIGINT")
	}
	code := cmd.ProcessState.ExitCode()
	if code == 0 {
		t.Fatalf("interrupted build exited 0 (finished before the signal?)\n%s", stderr.String())
	}
	if code != 130 {
		t.Errorf("interrupted build exited %d, want 130 (interrupted)\n%s", code, stderr.String())
	}
	sameTree(t, "build interrupted by SIGINT", before, readTree(t, out))
	onlyOutput(t, out)
}

// waitForTempDir waits until dir holds an entry other than the output
// folder "public": the build's temporary folder.
func waitForTempDir(t *testing.T, dir string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "public" {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no temporary folder appeared in %s within %s", dir, limit)
}
