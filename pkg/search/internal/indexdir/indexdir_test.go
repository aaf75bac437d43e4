package indexdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes an index folder's files (their content made up).
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

func TestSidecarRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := ReadSidecar(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no sidecar: %v, want os.ErrNotExist", err)
	}
	want := Sidecar{MappingVersion: 7, Docs: map[string]string{"INC-1": "ab"}, Files: map[string]FileSum{"x": {Size: 1, CRC: 2, ModTime: 3}}}
	if err := WriteSidecar(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSidecar(dir)
	if err != nil || got.MappingVersion != 7 || got.Docs["INC-1"] != "ab" || got.Files["x"] != want.Files["x"] {
		t.Errorf("read back %+v, %v", got, err)
	}
	// No temporary file is left beside it.
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("folder holds %v", entries)
	}
	// A sidecar without documents reads as an empty map, not nil.
	writeFiles(t, dir, map[string]string{SidecarName: `{"mapping_version": 1}`})
	if got, err := ReadSidecar(dir); err != nil || got.Docs == nil {
		t.Errorf("no docs: %+v, %v", got, err)
	}
	writeFiles(t, dir, map[string]string{SidecarName: `{"mapping_version": "x"`})
	if _, err := ReadSidecar(dir); err == nil || !strings.Contains(err.Error(), SidecarName) {
		t.Errorf("garbage: %v, want an error naming the file", err)
	}
}

// TestVerifyFiles: the sums find a changed byte, a file added or removed,
// and a file that is not a regular one; SumFiles reuses the sum of a file
// whose size and time are unchanged.
func TestVerifyFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{"index_meta.json": `{"storage":"scorch"}`, "store/root.bolt": "bolt", "store/000000000001.zap": "zap"}
	for _, tc := range []struct {
		name   string
		damage func(dir string) error
		want   string
	}{
		{"untouched", func(string) error { return nil }, ""},
		{"a byte changed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "store", "root.bolt"), []byte("BOLT"), 0o644)
		}, "store/root.bolt does not hold what was written"},
		{"a file added", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "store", "000000000002.zap"), nil, 0o644)
		}, "not a file the index was written with"},
		{"a file removed", func(dir string) error { return os.Remove(filepath.Join(dir, "store", "000000000001.zap")) }, "000000000001.zap"},
		{"a link", func(dir string) error {
			return os.Symlink("root.bolt", filepath.Join(dir, "store", "link.bolt"))
		}, "not a regular file"},
		{"the sidecar changes", func(dir string) error { return WriteSidecar(dir, Sidecar{MappingVersion: 9}) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFiles(t, dir, files)
			sums, err := SumFiles(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(sums) != len(files) {
				t.Fatalf("sums of %v", sums)
			}
			if err := tc.damage(dir); err != nil {
				t.Fatal(err)
			}
			err = VerifyFiles(dir, sums)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("VerifyFiles: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("VerifyFiles: %v, want an error with %q", err, tc.want)
			}
		})
	}
	if err := VerifyFiles(t.TempDir(), nil); err == nil {
		t.Error("no sums: no error")
	}
	// A sum whose file kept its size and time is taken as it is.
	dir := t.TempDir()
	writeFiles(t, dir, files)
	prev := map[string]FileSum{}
	sums, _ := SumFiles(dir, nil)
	for n, s := range sums {
		s.CRC++
		prev[n] = s
	}
	again, err := SumFiles(dir, prev)
	if err != nil || again["store/root.bolt"] != prev["store/root.bolt"] {
		t.Errorf("SumFiles hashed a file it had the sum of: %v, %v", again, err)
	}
}

// TestOpenBleveDamaged: a damaged index is an error, not a panic.
func TestOpenBleveDamaged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"index_meta.json": `{"storage":"scorch","index_type":"scorch"}`, "store/root.bolt": strings.Repeat("\x07", 8192)})
	if idx, err := OpenBleve(dir, map[string]any{"read_only": true, "bolt_timeout": LockTimeout}); err == nil {
		idx.Close()
		t.Error("opened a damaged index")
	}
}
