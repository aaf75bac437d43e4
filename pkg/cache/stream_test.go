package cache

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteStream: a payload written in pieces gives the file WriteFile
// gives of the pieces joined, which ReadFile reads; a write that fails
// leaves the old file and no temporary one.
func TestWriteStream(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pieces := [][]byte{[]byte("first "), {}, bytes.Repeat([]byte("x"), 3<<20), []byte(" last")}
	whole := bytes.Join(pieces, nil)
	a, b := filepath.Join(dir, "a.bin"), filepath.Join(dir, "b.bin")
	if err := WriteFile(a, "test stream 1", whole); err != nil {
		t.Fatal(err)
	}
	err := WriteStream(b, "test stream 1", func(w io.Writer) error {
		for _, p := range pieces {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(a)
	got, _ := os.ReadFile(b)
	if !bytes.Equal(got, want) {
		t.Fatalf("WriteStream wrote %d bytes unlike WriteFile's %d", len(got), len(want))
	}
	if payload, err := ReadFile(b, "test stream 1"); err != nil || !bytes.Equal(payload, whole) {
		t.Fatalf("ReadFile: %d bytes, %v", len(payload), err)
	}

	boom := errors.New("boom")
	err = WriteStream(b, "test stream 1", func(w io.Writer) error {
		_, _ = w.Write([]byte("part"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("a failed write: %v", err)
	}
	if got, _ := os.ReadFile(b); !bytes.Equal(got, want) {
		t.Error("a failed write changed the file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
