package history

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// A snapshot is cached as a file of package cache (its framing and
// checksum) named by the key of the options and HEAD, holding the
// gob-encoded snapshot. A file that fails any check is rebuilt, never
// trusted.
const (
	// snapshotFormat names the snapshot's format and the way it is
	// computed; change it whenever either changes, so that old files are
	// not read. It carries the section kinds' behaviour, which names the
	// sections each revision changed.
	snapshotFormat = "inquest history snapshot 3 " + postmortem.SectionsBehaviour
	snapshotsKept  = 3 // snapshot files kept per folder, newest first
)

func snapshotName(key string, head plumbing.Hash) string {
	return "snapshot-" + key + "-" + head.String() + ".gob"
}

// readCache returns the snapshot cached for key and head, or nil. A file
// that exists but cannot be used is reported as a warning.
func readCache(dir, key string, head plumbing.Hash) (*snapshot, []string) {
	p := filepath.Join(dir, snapshotName(key, head))
	s, err := decodeCacheFile(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, []string{fmt.Sprintf("ignoring history cache, rebuilding it: %v", err)}
	}
	if s.Key != key || s.Head != head {
		return nil, []string{fmt.Sprintf("%s: ignoring history cache for another repository state", p)}
	}
	return s, nil
}

// readLatestCache returns the newest usable snapshot computed with the same
// options for any HEAD, to reuse its diffs; nil when there is none.
func readLatestCache(dir, key string) *snapshot {
	files, _ := filepath.Glob(filepath.Join(dir, "snapshot-"+key+"-*.gob"))
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
	payload, err := cache.ReadFile(p, snapshotFormat)
	if err != nil {
		return nil, err
	}
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: decode: %w", p, err)
	}
	if len(s.Diffed) != len(s.Commits) || len(s.Changes) != len(s.Commits) {
		return nil, fmt.Errorf("%s: inconsistent contents", p)
	}
	return &s, nil
}

// writeCache stores s whole (see cache.WriteFile); older snapshot files
// beyond snapshotsKept are removed.
func writeCache(dir string, s *snapshot) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(s); err != nil {
		return err
	}
	if err := cache.WriteFile(filepath.Join(dir, snapshotName(s.Key, s.Head)), snapshotFormat, payload.Bytes()); err != nil {
		return err
	}
	cache.Prune(dir, "snapshot-*.gob", snapshotsKept)
	return nil
}

// cacheKey names the snapshots computed with the same roots of a clone
// cut at the same shallow commits.
func cacheKey(roots []string, shallow []plumbing.Hash) string {
	sh := make([]string, len(shallow))
	for i, s := range shallow {
		sh[i] = s.String()
	}
	sort.Strings(sh)
	return cache.Key(snapshotFormat, strings.Join(roots, "\x00"), strings.Join(sh, ","))
}
