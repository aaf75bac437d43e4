package exestamp

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOf: another size or another modification time is another stamp;
// the same file gives the same one.
func TestOf(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "inquest")
	if err := os.WriteFile(p, []byte("one"), 0o755); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	stamp := func() string {
		t.Helper()
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
		s, err := Of(p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := stamp()
	if again := stamp(); again != first {
		t.Errorf("one file, two stamps: %q then %q", first, again)
	}
	if err := os.WriteFile(p, []byte("rebuilt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if grown := stamp(); grown == first {
		t.Errorf("another size, the same stamp %q", grown)
	}
	at = at.Add(time.Second)
	if err := os.WriteFile(p, []byte("one"), 0o755); err != nil {
		t.Fatal(err)
	}
	if later := stamp(); later == first {
		t.Errorf("another modification time, the same stamp %q", later)
	}
	if _, err := Of(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file has a stamp")
	}
	if _, err := Running(); err != nil {
		t.Errorf("the running binary: %v", err)
	}
}
