package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/inquest-dev/inquest/pkg/internal/tmpdir"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
)

// defaultBatchSize was chosen by measurement (BenchmarkBuild, 10,000
// generated postmortems on two cores): 500 builds as fast as 2,000, in
// 1.0 GB peak RSS instead of 1.6 GB and a 114 MiB index instead of
// 131 MiB, because Bleve merges the smaller segments in the background.
const defaultBatchSize = 500

// BuildOptions tune Build and Update.
type BuildOptions struct {
	// BatchSize is the number of documents written per batch; 0 means the
	// measured default.
	BatchSize int

	// Browser builds the index a static site ships to browsers: the same
	// fields, analysis and scores as any other index, but only the fields
	// results show are stored (search.NewBrowserMapping), the documents
	// are merged into one segment by Bleve's offline builder, and
	// fingerprints.json lists the documents without their fingerprints.
	// Update rebuilds such an index rather than updating it.
	Browser bool

	// builder selects Bleve's offline builder instead of batches on a new
	// index, for the measurements in BenchmarkBuild.
	builder bool
}

// mappingFor returns the index mapping of a browser index or of any other.
func mappingFor(browser bool) mapping.IndexMapping {
	if browser {
		return search.NewBrowserMapping()
	}
	return search.NewMapping()
}

func (o BuildOptions) batchSize() int {
	if o.BatchSize > 0 {
		return o.BatchSize
	}
	return defaultBatchSize
}

// UpdateStats counts what Update did. After a rebuild every incident
// counts as added.
type UpdateStats struct {
	Added, Updated, Deleted, Unchanged int
	// Rebuilt says why the index was rebuilt from scratch instead of
	// updated ("no index", "mapping version 1, want 2", ...); empty when
	// it was updated in place.
	Rebuilt string
}

// indexable returns the incidents that go into the index: not broken, and
// not using an ID an earlier incident already uses (the validator reports
// those).
func indexable(incs []*postmortem.Incident) []*postmortem.Incident {
	seen := make(map[string]bool, len(incs))
	var keep []*postmortem.Incident
	for _, inc := range incs {
		if inc == nil || inc.Broken || inc.ID == "" || seen[inc.ID] {
			continue
		}
		seen[inc.ID] = true
		keep = append(keep, inc)
	}
	return keep
}

// documents turns incidents into documents and their fingerprints on all
// cores. Callers take a batch at a time, so that the documents of a whole
// corpus are never in memory at once; with keepDocs false only the
// fingerprints are kept.
func documents(ctx context.Context, incs []*postmortem.Incident, keepDocs bool) ([]map[string]any, []string, error) {
	docs := make([]map[string]any, len(incs))
	fps := make([]string, len(incs))
	errs := make([]error, len(incs))
	var wg sync.WaitGroup
	tr := postmortem.NewTextReader()
	workers := min(runtime.GOMAXPROCS(0), max(len(incs), 1))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(incs); i += workers {
				if ctx.Err() != nil {
					return
				}
				fields := document(incs[i], tr).Fields()
				fps[i], errs[i] = fingerprint(fields)
				if keepDocs {
					docs[i] = fields
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return docs, fps, errors.Join(errs...)
}

// Build writes a fresh index of incs to dir, replacing any index there only
// once the new one is complete. Broken incidents are skipped.
func Build(ctx context.Context, dir string, incs []*postmortem.Incident, opts BuildOptions) error {
	registerSegments()
	if err := build(ctx, dir, indexable(incs), opts); err != nil {
		return fmt.Errorf("build search index %s: %w", dir, err)
	}
	return nil
}

func build(ctx context.Context, dir string, incs []*postmortem.Incident, opts BuildOptions) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	sweep(dir)
	td, err := tmpdir.Make(parent, buildPattern(dir))
	if err != nil {
		return err
	}
	defer td.Remove()
	tmp := td.Path
	path := filepath.Join(tmp, "index")
	sc := indexdir.Sidecar{MappingVersion: search.MappingVersion, Browser: opts.Browser, Docs: make(map[string]string, len(incs))}
	if (opts.builder || opts.Browser) && len(incs) > 0 {
		err = writeBuilder(ctx, path, tmp, incs, opts.batchSize(), mappingFor(opts.Browser), sc.Docs)
	} else {
		err = writeBatches(ctx, path, incs, opts.batchSize(), sc.Docs)
	}
	if err != nil {
		return err
	}
	if opts.Browser {
		// Only the count is checked when opening; the fingerprints would
		// be 70 incompressible bytes a document for every reader.
		for id := range sc.Docs {
			sc.Docs[id] = ""
		}
	} else if sc.Files, err = indexdir.SumFiles(path, nil); err != nil {
		return err
	}
	if err := indexdir.WriteSidecar(path, sc); err != nil {
		return err
	}
	return replaceDir(path, dir)
}

// writeBatches indexes incidents into a new index in batches, which Bleve
// analyses on several goroutines, recording their fingerprints in fps.
// Bleve's offline builder (writeBuilder) analyses on one goroutine: in
// BenchmarkBuild it used about a tenth less CPU and wrote a single segment
// 6% smaller, but took longer whenever the second core was free.
func writeBatches(ctx context.Context, path string, incs []*postmortem.Incident, size int, fps map[string]string) (err error) {
	// Scorch's "unsafe_batch" would skip a sync per batch, but in Bleve
	// 2.6.3 it loses the mapping of a new index on Close.
	idx, err := bleve.NewUsing(path, search.NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := idx.Close(); err == nil {
			err = cerr
		}
	}()
	for start := 0; start < len(incs); start += size {
		chunk := incs[start:min(start+size, len(incs))]
		docs, chunkFPs, err := documents(ctx, chunk, true)
		if err != nil {
			return err
		}
		b := idx.NewBatch()
		for i, inc := range chunk {
			if err := b.Index(inc.ID, docs[i]); err != nil {
				return fmt.Errorf("index %s: %w", inc.ID, err)
			}
			fps[inc.ID] = chunkFPs[i]
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
	}
	return nil
}

// writeBuilder indexes incidents with Bleve's offline builder, which writes
// segments of size documents and merges them once at the end.
//
// The builder is closed only when every document went in: its Close
// merges and writes the index (wasted work after an error), and panics
// when no segment was written yet (index out of range in scorch's
// Builder.Close, Bleve 2.6.3), as when a build is cancelled before its
// first batch. Between batches it holds no open file; its segments are in
// tmp, which the caller removes.
func writeBuilder(ctx context.Context, path, tmp string, incs []*postmortem.Incident, size int, m mapping.IndexMapping, fps map[string]string) error {
	if len(incs) == 0 {
		return errors.New("the offline builder needs at least one document")
	}
	b, err := bleve.NewBuilder(path, m, map[string]any{"batchSize": size, "buildPathPrefix": tmp})
	if err != nil {
		return err
	}
	for start := 0; start < len(incs); start += size {
		chunk := incs[start:min(start+size, len(incs))]
		docs, chunkFPs, err := documents(ctx, chunk, true)
		if err != nil {
			return err
		}
		for i, inc := range chunk {
			if err := b.Index(inc.ID, docs[i]); err != nil {
				return fmt.Errorf("index %s: %w", inc.ID, err)
			}
			fps[inc.ID] = chunkFPs[i]
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return closeBuilder(b)
}

// closeBuilder closes an offline builder, turning a panic inside Bleve into
// an error: one bad build must not take the process (a server) down.
func closeBuilder(b bleve.Builder) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bleve: offline builder: %v", r)
		}
	}()
	return b.Close()
}

// buildPattern and oldPattern name the temporary folders beside an index
// at dir: a build under way, and an index moved aside to be deleted.
func buildPattern(dir string) string { return "." + filepath.Base(dir) + ".build-*" }
func oldPattern(dir string) string   { return "." + filepath.Base(dir) + ".old-*" }

// sweep removes what builds of the index at dir killed part way left
// beside it (see package tmpdir).
func sweep(dir string) {
	tmpdir.Sweep(filepath.Dir(dir), buildPattern(dir))
	tmpdir.Sweep(filepath.Dir(dir), oldPattern(dir))
}

// replaceDir moves the directory src to dst, moving any existing dst aside
// first and deleting it after. Between the two renames dst is briefly
// absent, but it never holds a partial index.
func replaceDir(src, dst string) error {
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		return os.Rename(src, dst)
	}
	old, err := tmpdir.Make(filepath.Dir(dst), oldPattern(dst))
	if err != nil {
		return err
	}
	defer old.Remove()
	aside := filepath.Join(old.Path, "index")
	if err := os.Rename(dst, aside); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		if rerr := os.Rename(aside, dst); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return nil
}

// Update brings the index in dir up to date with incs: it indexes the
// incidents that are new or whose content changed since the last build or
// update, deletes those no longer present, and leaves the rest alone.
// It rebuilds the whole index when there is none, when it was written with
// another MappingVersion, when it cannot be read, or when another process
// (a server) has it open: the rebuild is renamed into place and the reader
// keeps the files it opened.
func Update(ctx context.Context, dir string, incs []*postmortem.Incident, opts BuildOptions) (UpdateStats, error) {
	registerSegments()
	incs = indexable(incs)
	rebuild := func(reason string) (UpdateStats, error) {
		if err := build(ctx, dir, incs, opts); err != nil {
			return UpdateStats{}, fmt.Errorf("update search index %s: %w", dir, err)
		}
		return UpdateStats{Added: len(incs), Rebuilt: reason}, nil
	}
	sc, err := indexdir.ReadSidecar(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return rebuild("no index")
		}
		return rebuild("no " + indexdir.SidecarName)
	case err != nil:
		return rebuild(fmt.Sprintf("unreadable %s: %v", indexdir.SidecarName, err))
	case sc.MappingVersion != search.MappingVersion:
		return rebuild(fmt.Sprintf("mapping version %d, want %d", sc.MappingVersion, search.MappingVersion))
	case sc.Browser || opts.Browser:
		return rebuild("a browser index is always built anew")
	}
	if err := indexdir.VerifyFiles(dir, sc.Files); err != nil {
		return rebuild("the index is damaged: " + err.Error())
	}
	_, fps, err := documents(ctx, incs, false)
	if err != nil {
		return UpdateStats{}, fmt.Errorf("update search index %s: %w", dir, err)
	}
	idx, err := openWritable(dir)
	if err != nil {
		// Also when another process has it open: a rebuild beside it and a
		// rename do not disturb that reader.
		return rebuild(fmt.Sprintf("cannot open the index for update: %v", err))
	}
	if n, err := indexdir.DocCount(idx); err != nil || n != uint64(len(sc.Docs)) {
		_ = idx.Close()
		return rebuild(fmt.Sprintf("index holds %d documents, %s lists %d", n, indexdir.SidecarName, len(sc.Docs)))
	}
	stats, err := apply(ctx, idx, &sc, incs, fps, opts.batchSize())
	// Record what was applied even when cancelled part way, so the next
	// update resumes rather than rebuilds; and the files as they now are.
	cerr := idx.Close()
	sums, serr := indexdir.SumFiles(dir, sc.Files)
	sc.Files = sums
	if werr := indexdir.WriteSidecar(dir, sc); err == nil {
		err = errors.Join(cerr, serr, werr)
	}
	if err != nil {
		return stats, fmt.Errorf("update search index %s: %w", dir, err)
	}
	return stats, nil
}

// openWritable opens an index for update; a corrupt index can make Bleve
// panic, which is reported as an error so the caller rebuilds.
func openWritable(dir string) (bleve.Index, error) {
	return indexdir.OpenBleve(dir, map[string]any{"bolt_timeout": indexdir.LockTimeout})
}

// apply indexes changed incidents and deletes removed ones in batches,
// keeping sc in step with what has been written. fps are the incidents'
// fingerprints.
func apply(ctx context.Context, idx bleve.Index, sc *indexdir.Sidecar, incs []*postmortem.Incident, fps []string, size int) (UpdateStats, error) {
	var stats UpdateStats
	var changed []*postmortem.Incident
	var changedFPs []string
	present := make(map[string]bool, len(incs))
	for i, inc := range incs {
		present[inc.ID] = true
		switch old, ok := sc.Docs[inc.ID]; {
		case !ok:
			stats.Added++
		case old != fps[i]:
			stats.Updated++
		default:
			stats.Unchanged++
			continue
		}
		changed = append(changed, inc)
		changedFPs = append(changedFPs, fps[i])
	}
	var deleted []string
	for id := range sc.Docs {
		if !present[id] {
			deleted = append(deleted, id)
		}
	}
	slices.Sort(deleted)
	stats.Deleted = len(deleted)
	for start := 0; start < len(deleted); start += size {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		chunk := deleted[start:min(start+size, len(deleted))]
		b := idx.NewBatch()
		for _, id := range chunk {
			b.Delete(id)
		}
		if err := idx.Batch(b); err != nil {
			return stats, err
		}
		for _, id := range chunk {
			delete(sc.Docs, id)
		}
	}
	for start := 0; start < len(changed); start += size {
		chunk := changed[start:min(start+size, len(changed))]
		docs, _, err := documents(ctx, chunk, true)
		if err != nil {
			return stats, err
		}
		b := idx.NewBatch()
		for i, inc := range chunk {
			if err := b.Index(inc.ID, docs[i]); err != nil {
				return stats, fmt.Errorf("index %s: %w", inc.ID, err)
			}
		}
		if err := idx.Batch(b); err != nil {
			return stats, err
		}
		for i, inc := range chunk {
			sc.Docs[inc.ID] = changedFPs[start+i]
		}
	}
	return stats, nil
}
