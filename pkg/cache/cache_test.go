package cache

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFor: one folder per repository path, under $INQUEST_CACHE_DIR.
func TestFor(t *testing.T) {
	base := t.TempDir()
	t.Setenv("INQUEST_CACHE_DIR", base)
	a, b := For("/srv/Ops Postmortems"), For("/home/ana/ops-postmortems")
	if filepath.Dir(a.Dir()) != base || !strings.HasPrefix(filepath.Base(a.Dir()), "ops-postmortems-") {
		t.Errorf("For = %q, want ops-postmortems-HASH in %s", a.Dir(), base)
	}
	if a.Dir() == b.Dir() {
		t.Errorf("two repositories share %s", a.Dir())
	}
	if For("/srv/Ops Postmortems") != a {
		t.Error("For is not the same for the same path")
	}
}

// TestOpenLayout1: the files an inquest of layout 1 kept at the top of the
// folder are removed when the folder is first opened; anything else stays.
func TestOpenLayout1(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := []string{
		"history-0123abcd-4567.gob", ".history-1.tmp", "fields-89ab.bin", ".fields-2.tmp",
		"search-all/store/root.bolt", "search-all.stamp", ".search-all.build-3/x", "build-cdef.json",
	}
	kept := []string{"notes.txt", "history/by-hand.txt"}
	for _, name := range append(slices.Clone(old), kept...) {
		write(t, filepath.Join(dir, name), "old")
	}
	f := At(dir)
	p, err := f.Open(History)
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "history") {
		t.Errorf("Open(History) = %q", p)
	}
	for _, name := range old {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s of layout 1 left: %v", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed: %v", name, err)
		}
	}
	// Once settled, opening removes nothing.
	write(t, filepath.Join(dir, "search-all.stamp"), "written since")
	if _, err := f.Open(Search); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "search-all.stamp")); err != nil {
		t.Errorf("a settled folder was swept again: %v", err)
	}
}

// TestOpenOtherLayout: a folder another layout settled, or whose LAYOUT
// file is damaged, has every kind's folder emptied.
func TestOpenOtherLayout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, layout string }{
		{"newer", "inquest cache layout 9\n"},
		{"damaged", "\x00\xff"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write(t, filepath.Join(dir, layoutFile), tc.layout)
			write(t, filepath.Join(dir, "history", "snapshot-x.gob"), "other layout")
			write(t, filepath.Join(dir, "builds", "y.json"), "other layout")
			if _, err := At(dir).Open(Search); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"history/snapshot-x.gob", "builds/y.json"} {
				if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s of another layout left: %v", name, err)
				}
			}
			if got, _ := os.ReadFile(filepath.Join(dir, layoutFile)); string(got) != layout {
				t.Errorf("LAYOUT = %q, want %q", got, layout)
			}
		})
	}
}

// TestZeroFolder: no folder, no caching, no error.
func TestZeroFolder(t *testing.T) {
	t.Parallel()
	var f Folder
	if p, err := f.Open(History); p != "" || err != nil {
		t.Errorf("Open = %q, %v", p, err)
	}
	if f.Path(Builds) != "" {
		t.Errorf("Path = %q", f.Path(Builds))
	}
}

// readers are the two ways of reading a file WriteFile wrote.
var readers = []struct {
	name string
	read func(name, magic string) ([]byte, error)
}{{"ReadFile", ReadFile}, {"MapFile", MapFile}}

// TestFiles: what WriteFile wrote reads back, by ReadFile and MapFile; a
// file of another format, cut short or changed does not.
func TestFiles(t *testing.T) {
	t.Parallel()
	for _, r := range readers {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			testFiles(t, r.read)
		})
	}
}

func testFiles(t *testing.T, read func(name, magic string) ([]byte, error)) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.bin")
	const magic = "inquest test 1"
	payload := []byte("the payload\nwith lines\x00and bytes")
	if err := WriteFile(name, magic, payload); err != nil {
		t.Fatal(err)
	}
	if got, err := read(name, magic); err != nil || string(got) != string(payload) {
		t.Fatalf("read = %q, %v", got, err)
	}
	if _, err := read(filepath.Join(dir, "missing"), magic); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		bytes func([]byte) []byte
		magic string
	}{
		{"another version", func(b []byte) []byte { return b }, "inquest test 2"},
		{"flipped byte", func(b []byte) []byte { b[len(b)-3] ^= 0x20; return b }, magic},
		{"cut short", func(b []byte) []byte { return b[:len(b)-4] }, magic},
		{"only the magic line", func([]byte) []byte { return []byte(magic + "\n") }, magic},
		{"empty", func([]byte) []byte { return nil }, magic},
		{"garbage", func([]byte) []byte { return []byte("\x00\xffgarbage") }, magic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "a.bin")
			write(t, p, string(tc.bytes(slices.Clone(good))))
			if got, err := read(p, tc.magic); err == nil {
				t.Errorf("read trusted it: %q", got)
			}
		})
	}
	// No temporary file is left beside it.
	if files, _ := filepath.Glob(filepath.Join(dir, ".*")); len(files) > 0 {
		t.Errorf("left behind: %q", files)
	}
}

// TestMapFileReplaced: a file MapFile mapped reads as it was after
// WriteFile replaced it, and the new one maps as the new payload.
func TestMapFileReplaced(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "a.bin")
	const magic = "inquest test 1"
	old := strings.Repeat("the old payload ", 1000)
	if err := WriteFile(name, magic, []byte(old)); err != nil {
		t.Fatal(err)
	}
	mapped, err := MapFile(name, magic)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, magic, []byte("the new one")); err != nil {
		t.Fatal(err)
	}
	if string(mapped) != old {
		t.Errorf("the mapped payload changed to %.40q", mapped)
	}
	if got, err := MapFile(name, magic); err != nil || string(got) != "the new one" {
		t.Errorf("MapFile of the new file = %q, %v", got, err)
	}
}

// TestPrune keeps the most recently written or touched files.
func TestPrune(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := time.Now().Add(-time.Hour)
	for i, name := range []string{"s-1", "s-2", "s-3", "s-4", "other"} {
		p := filepath.Join(dir, name)
		write(t, p, name)
		when := start.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	Touch(filepath.Join(dir, "s-1"))
	Prune(dir, "s-*", 2)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"other", "s-1", "s-4"}; !slices.Equal(left, want) {
		t.Errorf("left %q, want %q", left, want)
	}
}

// TestKey: parts are told apart however they are cut.
func TestKey(t *testing.T) {
	t.Parallel()
	keys := map[string][]string{}
	for _, parts := range [][]string{{"ab", "c"}, {"a", "bc"}, {"abc"}, {"abc", ""}, {}} {
		k := Key(parts...)
		if len(k) != 24 {
			t.Errorf("Key(%q) = %q, want 24 hex digits", parts, k)
		}
		if other, dup := keys[k]; dup {
			t.Errorf("Key(%q) = Key(%q)", parts, other)
		}
		keys[k] = parts
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
