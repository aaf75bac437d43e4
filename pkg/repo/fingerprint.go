package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/exestamp"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

// Fingerprint summarises the postmortem files of a repository (path, size,
// modification time), its configuration, the search mapping version and
// the inquest reading them (buildIdentity) without reading the files, so
// a command can tell in milliseconds that an index built earlier is
// current.
func Fingerprint(ctx context.Context, root string) (string, error) {
	return fingerprint(ctx, root, buildIdentity())
}

// buildIdentity names the inquest binary: its module version and the
// commit it was built from, with whether that tree was modified, as its
// build information records them. A newer inquest may read the same
// files into other documents (a milestone its timeline parser now reads,
// a heading it now knows): the index of an older one is not current for
// it, though each document's own fingerprint would tell, for the index
// is not updated at all while the repository's fingerprint is unchanged.
// Read on first use, not when the program starts.
var buildIdentity = sync.OnceValue(func() string {
	bi, _ := debug.ReadBuildInfo()
	return identityOf(bi, exestamp.Running)
})

// identityOf is the identity of a binary whose build information is bi
// (nil for none). A commit names the code only when its tree was not
// modified, and a module version only when it is a release; otherwise
// the binary itself is named, by exe: two builds of one modified work
// tree have the same build information, and the index the first made
// would be current for the second, whose parser may have changed.
func identityOf(bi *debug.BuildInfo, exe func() (string, error)) string {
	var id string
	named, modified := false, false
	if bi != nil {
		id = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				named = true
			case "vcs.modified":
				modified = s.Value == "true"
			default:
				continue
			}
			id += " " + s.Key + "=" + s.Value
		}
		// "(devel)", or "v0.0.0-…+dirty" as Go stamps a modified tree.
		v := bi.Main.Version
		named = named || v != "" && v != "(devel)" && !strings.HasSuffix(v, "+dirty")
	}
	if named && !modified {
		return id
	}
	if s, err := exe(); err == nil {
		id += " exe=" + s
	}
	return id
}

// fingerprint is Fingerprint with the binary named identity.
func fingerprint(ctx context.Context, root, identity string) (string, error) {
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
	fmt.Fprintf(h, "search mapping %d\ninquest %s\n%s\n", search.MappingVersion, identity, postmortem.SectionsBehaviour)
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

// The search index lives in the cache folder's Search kind, with the
// fingerprint of the files it was built from.
const (
	indexName       = "index"
	fingerprintName = "fingerprint"
	// fingerprintFormat frames the fingerprint file (see cache.WriteFile).
	fingerprintFormat = "inquest search fingerprint 1"
)

// IndexDir is the search index of the repository inside the cache folder
// cacheDir.
func IndexDir(cacheDir string) string {
	return filepath.Join(cache.At(cacheDir).Path(cache.Search), indexName)
}

func fingerprintFile(cacheDir string) string {
	return filepath.Join(cache.At(cacheDir).Path(cache.Search), fingerprintName)
}

// IndexCurrent reports whether the index in the cache folder cacheDir was
// built from files with fingerprint fp and is whole: every file of it as
// it was written (see search.Verify). On any doubt the caller updates it,
// which rebuilds what is damaged.
func IndexCurrent(cacheDir, fp string) bool {
	old, err := cache.ReadFile(fingerprintFile(cacheDir), fingerprintFormat)
	if err != nil || string(old) != fp {
		return false
	}
	return search.Verify(IndexDir(cacheDir)) == nil
}

// UpdateIndex brings the search index in the cache folder cacheDir up to
// date with incs (adding, re-indexing and deleting only what changed) and
// records that it now matches fingerprint fp.
func UpdateIndex(ctx context.Context, cacheDir, fp string, incs []*postmortem.Incident) (indexer.UpdateStats, error) {
	if _, err := cache.At(cacheDir).Open(cache.Search); err != nil {
		return indexer.UpdateStats{}, fmt.Errorf("search index: %w", err)
	}
	st, err := indexer.Update(ctx, IndexDir(cacheDir), incs, indexer.BuildOptions{})
	if err != nil {
		return st, fmt.Errorf("search index: %w", err)
	}
	if err := markIndexed(cacheDir, fp); err != nil {
		return st, fmt.Errorf("search index: %w", err)
	}
	return st, nil
}

// markIndexed records that the index in the cache folder cacheDir matches
// fingerprint fp.
func markIndexed(cacheDir, fp string) error {
	if _, err := cache.At(cacheDir).Open(cache.Search); err != nil {
		return err
	}
	return cache.WriteFile(fingerprintFile(cacheDir), fingerprintFormat, []byte(fp))
}
