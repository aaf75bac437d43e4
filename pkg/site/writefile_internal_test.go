package site

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteBytes checks writeBytes against os.WriteFile: a new file has
// the bytes and the mode os.WriteFile gives it, a longer file written
// over is cut to the new bytes, and a file in a missing folder is an
// error naming it.
func TestWriteBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, want := filepath.Join(dir, "index.html"), filepath.Join(dir, "want.html")
	if err := writeBytes(p, []byte("<h1>A longer first page</h1>")); err != nil {
		t.Fatal(err)
	}
	if err := writeBytes(p, []byte("<h1>B</h1>")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("<h1>B</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "<h1>B</h1>" {
		t.Errorf("read back %q, %v; want %q", got, err, "<h1>B</h1>")
	}
	gi, err1 := os.Stat(p)
	wi, err2 := os.Stat(want)
	if err1 != nil || err2 != nil || gi.Mode() != wi.Mode() {
		t.Errorf("mode %v, want %v as os.WriteFile (%v, %v)", gi.Mode(), wi.Mode(), err1, err2)
	}
	if err := writeBytes(p, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Size() != 0 {
		t.Errorf("no bytes written over a page: %v, %v", fi, err)
	}
	missing := filepath.Join(dir, "none", "index.html")
	err = writeBytes(missing, []byte("x"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != missing || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("in a missing folder: %v, want a not-exist error naming %s", err, missing)
	}
}

// TestMakeDir checks that makeDir makes a folder whose parents are
// missing, accepts one that is there, and fails where a file is in the
// way, as os.MkdirAll does.
func TestMakeDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	deep := filepath.Join(dir, "incidents", "INC-1", "revisions", "0123abcd")
	for range 2 { // made, then there already
		if err := makeDir(deep); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(deep); err != nil || !fi.IsDir() {
			t.Fatalf("%s is not a folder: %v", deep, err)
		}
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{file, filepath.Join(file, "a"), filepath.Join(file, "a", "b")} {
		err, want := makeDir(p), os.MkdirAll(p, 0o755)
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("makeDir(%s): %v, want %v as os.MkdirAll", p, err, want)
		}
	}
}
