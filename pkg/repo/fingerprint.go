package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

// Fingerprint summarises the postmortem files of a repository (path, size,
// modification time), its configuration and the search mapping version
// without reading the files, so a
// command can tell in milliseconds that an index built earlier is current.
func Fingerprint(ctx context.Context, root string) (string, error) {
	cfg, err := config.Load(root)
	if err != nil {
		return "", err
	}
	tree, err := Tree(root)
	if err != nil {
		return "", err
	}
	paths, _, err := postmortem.Discover(ctx, tree, cfg)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	// An index made by an inquest that turned incidents into documents
	// another way is not current, whatever the files say.
	fmt.Fprintf(h, "search mapping %d\n", search.MappingVersion)
	if data, err := os.ReadFile(filepath.Join(root, config.FileName)); err == nil {
		h.Write(data)
	}
	for _, p := range paths {
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			fmt.Fprintf(h, "%s\x00missing\n", p)
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", p, st.Size(), st.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// IndexDir is the search index of the repository inside a cache folder.
func IndexDir(cache string) string { return filepath.Join(cache, "search-all") }

func stampFile(cache string) string { return filepath.Join(cache, "search-all.stamp") }

// IndexCurrent reports whether the index in cache was built from files with
// fingerprint fp and is whole: every file of it as it was written (see
// search.Verify). On any doubt the caller updates it, which rebuilds what
// is damaged.
func IndexCurrent(cache, fp string) bool {
	old, err := os.ReadFile(stampFile(cache))
	if err != nil || string(old) != fp {
		return false
	}
	return search.Verify(IndexDir(cache)) == nil
}

// UpdateIndex brings the search index in cache up to date with incs
// (adding, re-indexing and deleting only what changed) and records that it
// now matches fingerprint fp.
func UpdateIndex(ctx context.Context, cache, fp string, incs []*postmortem.Incident) (indexer.UpdateStats, error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return indexer.UpdateStats{}, fmt.Errorf("search index: %w", err)
	}
	st, err := indexer.Update(ctx, IndexDir(cache), incs, indexer.BuildOptions{})
	if err != nil {
		return st, fmt.Errorf("search index: %w", err)
	}
	if err := MarkIndexed(cache, fp); err != nil {
		return st, fmt.Errorf("search index: %w", err)
	}
	return st, nil
}

// MarkIndexed records that the index in cache matches fingerprint fp.
func MarkIndexed(cache, fp string) error {
	return os.WriteFile(stampFile(cache), []byte(fp), 0o644)
}
