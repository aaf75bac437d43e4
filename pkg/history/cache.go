package history

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// The cache file is a magic line, the SHA-256 of the payload, then the
// payload: a gob-encoded snapshot. A file that fails any check is rebuilt,
// never trusted.
const (
	cacheMagic = "inquest history cache\n"
	cacheKeep  = 3 // cache files kept per directory, newest first
)

func cacheName(key string, head plumbing.Hash) string {
	return "history-" + key + "-" + head.String() + ".gob"
}

// readCache returns the snapshot cached for key and head, or nil. A file
// that exists but cannot be used is reported as a warning.
func readCache(dir, key string, head plumbing.Hash) (*snapshot, []string) {
	p := filepath.Join(dir, cacheName(key, head))
	s, err := decodeCacheFile(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, []string{fmt.Sprintf("%s: ignoring history cache, rebuilding it: %v", p, err)}
	}
	if s.Key != key || s.Head != head {
		return nil, []string{fmt.Sprintf("%s: ignoring history cache for another repository state", p)}
	}
	return s, nil
}

// readLatestCache returns the newest usable snapshot computed with the same
// options for any HEAD, to reuse its diffs; nil when there is none.
func readLatestCache(dir, key string) *snapshot {
	files, _ := filepath.Glob(filepath.Join(dir, "history-"+key+"-*.gob"))
	sort.Slice(files, func(i, j int) bool { return modTime(files[i]) > modTime(files[j]) })
	for _, f := range files {
		if s, err := decodeCacheFile(f); err == nil && s.Key == key && len(s.Diffed) == len(s.Commits) && len(s.Changes) == len(s.Commits) {
			return s
		}
	}
	return nil
}

func modTime(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.ModTime().UnixNano()
}

func decodeCacheFile(p string) (*snapshot, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte(cacheMagic)) || len(b) < len(cacheMagic)+sha256.Size {
		return nil, errors.New("not a history cache file")
	}
	b = b[len(cacheMagic):]
	sum, payload := b[:sha256.Size], b[sha256.Size:]
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch")
	}
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if len(s.Diffed) != len(s.Commits) || len(s.Changes) != len(s.Commits) {
		return nil, errors.New("inconsistent contents")
	}
	return &s, nil
}

// writeCache stores s atomically: a reader sees the old file or the new
// one, never a partial write. Older cache files beyond cacheKeep are removed.
func writeCache(dir string, s *snapshot) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(s); err != nil {
		return err
	}
	sum := sha256.Sum256(payload.Bytes())
	f, err := os.CreateTemp(dir, ".history-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.WriteString(cacheMagic)
	}
	if err == nil {
		_, err = f.Write(sum[:])
	}
	if err == nil {
		_, err = f.Write(payload.Bytes())
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, cacheName(s.Key, s.Head)))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	pruneCache(dir)
	return nil
}

func pruneCache(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "history-*.gob"))
	if len(files) <= cacheKeep {
		return
	}
	sort.Slice(files, func(i, j int) bool { return modTime(files[i]) > modTime(files[j]) })
	for _, f := range files[cacheKeep:] {
		if strings.HasPrefix(filepath.Base(f), "history-") {
			_ = os.Remove(f)
		}
	}
}
