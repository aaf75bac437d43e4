package indexdir

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileSum is what an index's sidecar records of each of its files, to
// tell a damaged file from a good one before Bleve reads it: Bleve trusts
// its files (a damaged root.bolt makes bbolt panic, damaged segments open
// as an empty index).
type FileSum struct {
	Size int64  `json:"size"`
	CRC  uint32 `json:"crc32c"`
	// ModTime (Unix nanoseconds) lets an update skip hashing again the
	// files it did not write; Verify does not trust it.
	ModTime int64 `json:"mtime"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// indexFiles lists the files of the index at dir, slash paths, sorted,
// without the sidecar and its temporary copies.
func indexFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || name == SidecarName || strings.HasPrefix(name, "."+SidecarName) {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	slices.Sort(out)
	return out, err
}

// sumFile hashes one file.
func sumFile(path string) (FileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileSum{}, err
	}
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, err
	}
	return FileSum{Size: n, CRC: h.Sum32(), ModTime: st.ModTime().UnixNano()}, nil
}

// SumFiles records every file of the index at dir. A file whose size and
// modification time are those prev records keeps prev's sum: an update
// rewrites a few files of many.
func SumFiles(dir string, prev map[string]FileSum) (map[string]FileSum, error) {
	names, err := indexFiles(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]FileSum, len(names))
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if old, ok := prev[n]; ok {
			if st, err := os.Stat(p); err == nil && st.Size() == old.Size && st.ModTime().UnixNano() == old.ModTime {
				out[n] = old
				continue
			}
		}
		if out[n], err = sumFile(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VerifyFiles checks every file of the index at dir against the sums its
// sidecar records: the same files, each of the recorded size and CRC-32C.
func VerifyFiles(dir string, sums map[string]FileSum) error {
	if len(sums) == 0 {
		return errors.New("the index records no checksums (written by an older inquest)")
	}
	names, err := indexFiles(dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, ok := sums[n]; !ok {
			return fmt.Errorf("%s is not a file the index was written with", n)
		}
	}
	for n, want := range sums {
		got, err := sumFile(filepath.Join(dir, filepath.FromSlash(n)))
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", n, err)
		case got.Size != want.Size || got.CRC != want.CRC:
			return fmt.Errorf("%s does not hold what was written (%d bytes, CRC-32C %08x; written %d bytes, %08x)", n, got.Size, got.CRC, want.Size, want.CRC)
		}
	}
	return nil
}
