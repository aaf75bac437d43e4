package search

import (
	"fmt"

	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
)

// Verify checks the index package indexer wrote to dir without opening it
// in Bleve: its sidecar must be readable, of this MappingVersion, and every
// file must be as it was written. A nil error is no proof that Bleve will
// read it (Open also counts the documents), but any damage to a file, or a
// file added or missing, is found.
func Verify(dir string) error {
	sc, err := indexdir.ReadSidecar(dir)
	if err != nil {
		return fmt.Errorf("search index %s: %w", dir, err)
	}
	if sc.MappingVersion != MappingVersion {
		return fmt.Errorf("search index %s: mapping version %d, want %d", dir, sc.MappingVersion, MappingVersion)
	}
	if err := indexdir.VerifyFiles(dir, sc.Files); err != nil {
		return fmt.Errorf("search index %s is damaged: %w", dir, err)
	}
	return nil
}
