// Package indexdir is the layout of a search index folder that both sides
// of search rely on: the Bleve (scorch) files, and fingerprints.json beside
// them, which records the mapping version, the documents and a checksum of
// every file. Package indexer writes it; package search reads it.
package indexdir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// SidecarName is the file, inside the index folder, that records the
// mapping version and each document's fingerprint.
const SidecarName = "fingerprints.json"

// LockTimeout bounds the wait for an index another process has open: a
// reader (inquest serve) holds a shared lock that a writer would otherwise
// wait on for ever.
const LockTimeout = "2s"

// Sidecar is the content of fingerprints.json.
type Sidecar struct {
	MappingVersion int  `json:"mapping_version"`
	Browser        bool `json:"browser,omitempty"`
	// Docs maps each document's id to its fingerprint (empty in a browser
	// index, which is checked by its count only).
	Docs map[string]string `json:"docs"`
	// DocCount, when not zero, is the number of documents in place of
	// len(Docs): a browser index in shards (indexer.WriteBrowser) has one
	// fingerprints.json per prefix of its shards, and listing the ids in
	// each would repeat them in every shard a reader downloads.
	DocCount int `json:"doc_count,omitempty"`
	// Files are the sums of the index's files; a browser index, built
	// anew each time and checked by its count, has none.
	Files map[string]FileSum `json:"files,omitempty"`
}

// ReadSidecar reads the fingerprints.json of the index in dir. A missing
// file is an error satisfying errors.Is(err, os.ErrNotExist).
func ReadSidecar(dir string) (Sidecar, error) {
	var sc Sidecar
	data, err := os.ReadFile(filepath.Join(dir, SidecarName))
	if err != nil {
		return sc, err
	}
	if err := json.Unmarshal(data, &sc); err != nil {
		return sc, fmt.Errorf("%s: %w", filepath.Join(dir, SidecarName), err)
	}
	if sc.Docs == nil {
		sc.Docs = map[string]string{}
	}
	return sc, nil
}

// Want is the number of documents the index should hold.
func (sc Sidecar) Want() int {
	if sc.DocCount > 0 {
		return sc.DocCount
	}
	return len(sc.Docs)
}

// WriteSidecar writes fingerprints.json through a temporary file, so that
// a reader sees the old or the new content, never a torn one.
func WriteSidecar(dir string, sc Sidecar) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+SidecarName+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, SidecarName))
}

// OpenBleve opens the index in dir with Bleve, turning a panic (bbolt's
// "assertion failed" on a damaged root.bolt) into an error.
func OpenBleve(dir string, cfg map[string]any) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("bleve: %v", r)
		}
	}()
	return bleve.OpenUsing(dir, cfg)
}

// DocCount counts an index's documents, a panic being an error: Bleve
// opens an index whose segments are gone or cut short as an empty one,
// and the sidecar knows how many documents there should be.
func DocCount(idx bleve.Index) (n uint64, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("bleve: %v", r)
		}
	}()
	return idx.DocCount()
}
