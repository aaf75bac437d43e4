package tmpdir

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestMain lets the test binary be the process that is killed: with
// TMPDIR_TEST_HOLD set it makes a folder there, prints it and waits.
func TestMain(m *testing.M) {
	if parent := os.Getenv("TMPDIR_TEST_HOLD"); parent != "" {
		d, err := Make(parent, ".public.tmp-*")
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(d.Path + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSweepAfterKill: a folder whose process was killed with SIGKILL is
// removed by the next Sweep; one that a live process (this one) holds, one
// that another live process holds, and files that merely match are left.
func TestSweepAfterKill(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no file locks")
	}
	parent := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TMPDIR_TEST_HOLD="+parent)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	theirs := line[:len(line)-1]

	mine, err := Make(parent, ".public.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Remove()
	if err := os.WriteFile(filepath.Join(parent, ".public.tmp-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Sweep(parent, ".public.tmp-*"); len(got) > 0 {
		t.Fatalf("swept folders in use: %v", got)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := Sweep(parent, ".public.tmp-*"); !slices.Equal(got, []string{theirs}) {
		t.Errorf("swept %v, want %v", got, []string{theirs})
	}
	for _, p := range []string{mine.Path, filepath.Join(parent, ".public.tmp-file")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s is gone", p)
		}
	}
}

// TestKeepAndUnlocked: Keep leaves the folder without its lock file, and a
// young folder without a lock is left by Sweep, an old one removed.
func TestKeepAndUnlocked(t *testing.T) {
	parent := t.TempDir()
	d, err := Make(parent, ".x.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Keep(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(d.Path); len(entries) != 0 {
		t.Errorf("Keep left %v", entries)
	}
	if got := Sweep(parent, ".x.tmp-*"); len(got) > 0 {
		t.Errorf("swept a young unlocked folder: %v", got)
	}
	old := time.Now().Add(-2 * unlockedAge)
	if err := os.Chtimes(d.Path, old, old); err != nil {
		t.Fatal(err)
	}
	if got := Sweep(parent, ".x.tmp-*"); !slices.Equal(got, []string{d.Path}) {
		t.Errorf("swept %v, want the old unlocked folder", got)
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
}
