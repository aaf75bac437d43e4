package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runMain makes the test binary run main instead of the tests, so that the
// tests below run the real program in a process of its own.
const runMain = "INQUEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command is the program, run as inquest with args in dir.
func command(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMain+"=1", "INQUEST_CACHE_DIR="+t.TempDir())
	return cmd
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	out, err := command(t, t.TempDir(), "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("inquest --version: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "inquest ") {
		t.Errorf("inquest --version printed %q, want it to start with \"inquest \"", out)
	}
}

// TestSignalStopsServer stops a server with each signal main listens to:
// main turns the signal into a cancelled context, and the server shuts
// down and exits 0, as a server stopped on purpose. Without main's
// handler the signal would kill the process (no exit code). The exit
// codes of a build a signal interrupts (130, 143) are tested in pkg/cli,
// whose test binary runs this same wiring with a hook that stops the
// build at a stage.
func TestSignalStopsServer(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	pm := "---\nid: INC-1\ntitle: Queue backlog\ndate: 2024-06-01\nseverity: SEV3\nstatus: published\n---\n## Summary\n\nThe queue grew for an hour.\n"
	if err := os.MkdirAll(filepath.Join(repo, "postmortems"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "postmortems", "2024-06-01-queue.md"), []byte(pm), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "Add the queue postmortem"}} {
		git := exec.Command("git", args...)
		git.Dir = repo
		if out, err := git.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := command(t, repo, "serve", "--addr", "127.0.0.1:0")
			pipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			sc := bufio.NewScanner(pipe)
			serving := false
			for !serving && sc.Scan() {
				stderr.WriteString(sc.Text() + "\n")
				serving = strings.HasPrefix(sc.Text(), "serving ")
			}
			if !serving {
				cmd.Wait()
				t.Fatalf("the server did not start:\n%s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				for sc.Scan() {
					stderr.WriteString(sc.Text() + "\n")
				}
				done <- cmd.Wait()
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("the server did not stop within 20 s of %v:\n%s", sig, stderr.String())
			}
			if got := cmd.ProcessState.ExitCode(); got != 0 {
				t.Errorf("after %v the server exited %d (-1: killed by the signal), want 0\n%s", sig, got, stderr.String())
			}
		})
	}
}
