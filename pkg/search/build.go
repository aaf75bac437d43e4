package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// sidecarName is the file, inside the index directory, that records the
// mapping version and each document's fingerprint for Update.
const sidecarName = "fingerprints.json"

// defaultBatchSize was chosen by measurement; see BenchmarkBuild.
const defaultBatchSize = 500

// BuildOptions tune Build and Update.
type BuildOptions struct {
	// BatchSize is the number of documents written per batch; 0 means the
	// measured default.
	BatchSize int

	// builder selects Bleve's offline builder instead of batches on a new
	// index (for the measurement in BenchmarkBuild).
	builder bool
}

func (o BuildOptions) batchSize() int {
	if o.BatchSize > 0 {
		return o.BatchSize
	}
	return defaultBatchSize
}

// UpdateStats counts what Update did.
type UpdateStats struct {
	Added, Updated, Deleted, Unchanged int
	// Rebuilt says why the index was rebuilt from scratch instead of
	// updated ("no index", "mapping version 1, want 2", ...); empty when
	// it was updated in place.
	Rebuilt string
}

// sidecar is the content of fingerprints.json.
type sidecar struct {
	MappingVersion int               `json:"mapping_version"`
	Docs           map[string]string `json:"docs"`
}

// prepared is an incident turned into its document.
type prepared struct {
	id  string
	doc map[string]any
	fp  string
}

// prepare turns incidents into documents on all cores, leaving out broken
// incidents and any incident whose ID an earlier one already uses (the
// validator reports those).
func prepare(ctx context.Context, incs []*postmortem.Incident) ([]prepared, error) {
	seen := make(map[string]bool, len(incs))
	var keep []*postmortem.Incident
	for _, inc := range incs {
		if inc == nil || inc.Broken || inc.ID == "" || seen[inc.ID] {
			continue
		}
		seen[inc.ID] = true
		keep = append(keep, inc)
	}
	out := make([]prepared, len(keep))
	errs := make([]error, len(keep))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(keep); i += workers {
				if ctx.Err() != nil {
					return
				}
				d := document(keep[i])
				fp, err := fingerprint(d)
				out[i], errs[i] = prepared{id: keep[i].ID, doc: d, fp: fp}, err
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}

// Build writes a fresh index of incs to dir, replacing any index there only
// once the new one is complete. Broken incidents are skipped.
func Build(ctx context.Context, dir string, incs []*postmortem.Incident, opts BuildOptions) error {
	docs, err := prepare(ctx, incs)
	if err != nil {
		return fmt.Errorf("build search index %s: %w", dir, err)
	}
	if err := build(ctx, dir, docs, opts); err != nil {
		return fmt.Errorf("build search index %s: %w", dir, err)
	}
	return nil
}

func build(ctx context.Context, dir string, docs []prepared, opts BuildOptions) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".build-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "index")
	if opts.builder && len(docs) > 0 {
		err = writeBuilder(ctx, path, tmp, docs, opts.batchSize())
	} else {
		err = writeBatches(ctx, path, docs, opts.batchSize())
	}
	if err != nil {
		return err
	}
	sc := sidecar{MappingVersion: MappingVersion, Docs: make(map[string]string, len(docs))}
	for _, d := range docs {
		sc.Docs[d.id] = d.fp
	}
	if err := writeSidecar(path, sc); err != nil {
		return err
	}
	return replaceDir(path, dir)
}

// writeBatches indexes docs into a new index in batches. Bleve analyses
// each batch on several goroutines.
func writeBatches(ctx context.Context, path string, docs []prepared, size int) (err error) {
	// Scorch's "unsafe_batch" would skip a sync per batch, but in Bleve
	// 2.6.3 it loses the mapping of a new index on Close.
	idx, err := bleve.NewUsing(path, NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := idx.Close(); err == nil {
			err = cerr
		}
	}()
	for start := 0; start < len(docs); start += size {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := idx.NewBatch()
		for _, d := range docs[start:min(start+size, len(docs))] {
			if err := b.Index(d.id, d.doc); err != nil {
				return fmt.Errorf("index %s: %w", d.id, err)
			}
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
	}
	return nil
}

// writeBuilder indexes docs with Bleve's offline builder, which writes
// segments of size documents and merges them once at the end.
func writeBuilder(ctx context.Context, path, tmp string, docs []prepared, size int) error {
	b, err := bleve.NewBuilder(path, NewMapping(), map[string]any{"batchSize": size, "buildPathPrefix": tmp})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			_ = b.Close()
			return err
		}
		if err := b.Index(d.id, d.doc); err != nil {
			_ = b.Close()
			return fmt.Errorf("index %s: %w", d.id, err)
		}
	}
	return b.Close()
}

// replaceDir moves the directory src to dst, moving any existing dst aside
// first and deleting it after. Between the two renames dst is briefly
// absent, but it never holds a partial index.
func replaceDir(src, dst string) error {
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		return os.Rename(src, dst)
	}
	old, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".old-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	aside := filepath.Join(old, "index")
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

func readSidecar(dir string) (sidecar, error) {
	var sc sidecar
	data, err := os.ReadFile(filepath.Join(dir, sidecarName))
	if err != nil {
		return sc, err
	}
	if err := json.Unmarshal(data, &sc); err != nil {
		return sc, fmt.Errorf("%s: %w", filepath.Join(dir, sidecarName), err)
	}
	if sc.Docs == nil {
		sc.Docs = map[string]string{}
	}
	return sc, nil
}

// writeSidecar writes fingerprints.json through a temporary file, so that
// a reader sees the old or the new content, never a torn one.
func writeSidecar(dir string, sc sidecar) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+sidecarName+"-*")
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
	return os.Rename(f.Name(), filepath.Join(dir, sidecarName))
}

// Update brings the index in dir up to date with incs: it indexes the
// incidents that are new or whose content changed since the last build or
// update, deletes those no longer present, and leaves the rest alone.
// It rebuilds the whole index when there is none, when it was written with
// another MappingVersion, or when it cannot be read.
func Update(ctx context.Context, dir string, incs []*postmortem.Incident, opts BuildOptions) (UpdateStats, error) {
	docs, err := prepare(ctx, incs)
	if err != nil {
		return UpdateStats{}, fmt.Errorf("update search index %s: %w", dir, err)
	}
	rebuild := func(reason string) (UpdateStats, error) {
		if err := build(ctx, dir, docs, opts); err != nil {
			return UpdateStats{}, fmt.Errorf("update search index %s: %w", dir, err)
		}
		return UpdateStats{Added: len(docs), Rebuilt: reason}, nil
	}
	sc, err := readSidecar(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return rebuild("no index")
		}
		return rebuild("no " + sidecarName)
	case err != nil:
		return rebuild(fmt.Sprintf("unreadable %s: %v", sidecarName, err))
	case sc.MappingVersion != MappingVersion:
		return rebuild(fmt.Sprintf("mapping version %d, want %d", sc.MappingVersion, MappingVersion))
	}
	idx, err := openWritable(dir)
	if err != nil {
		return rebuild(fmt.Sprintf("unreadable index: %v", err))
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(sc.Docs)) {
		_ = idx.Close()
		return rebuild(fmt.Sprintf("index holds %d documents, %s lists %d", n, sidecarName, len(sc.Docs)))
	}
	stats, err := apply(ctx, idx, &sc, docs, opts.batchSize())
	// Record what was applied even when cancelled part way, so the next
	// update resumes rather than rebuilds.
	cerr := idx.Close()
	if werr := writeSidecar(dir, sc); err == nil {
		err = errors.Join(cerr, werr)
	}
	if err != nil {
		return stats, fmt.Errorf("update search index %s: %w", dir, err)
	}
	return stats, nil
}

// openWritable opens an index for update; a corrupt index can make Bleve
// panic, which is reported as an error so the caller rebuilds.
func openWritable(dir string) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return bleve.Open(dir)
}

// apply indexes changed documents and deletes removed ones in batches,
// keeping sc in step with what has been written.
func apply(ctx context.Context, idx bleve.Index, sc *sidecar, docs []prepared, size int) (UpdateStats, error) {
	var stats UpdateStats
	type op struct {
		id string
		d  *prepared // nil: delete
	}
	var ops []op
	present := make(map[string]bool, len(docs))
	for i := range docs {
		d := &docs[i]
		present[d.id] = true
		switch old, ok := sc.Docs[d.id]; {
		case !ok:
			stats.Added++
			ops = append(ops, op{d.id, d})
		case old != d.fp:
			stats.Updated++
			ops = append(ops, op{d.id, d})
		default:
			stats.Unchanged++
		}
	}
	for id := range sc.Docs {
		if !present[id] {
			stats.Deleted++
			ops = append(ops, op{id, nil})
		}
	}
	for start := 0; start < len(ops); start += size {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		chunk := ops[start:min(start+size, len(ops))]
		b := idx.NewBatch()
		for _, o := range chunk {
			if o.d == nil {
				b.Delete(o.id)
			} else if err := b.Index(o.id, o.d.doc); err != nil {
				return stats, fmt.Errorf("index %s: %w", o.id, err)
			}
		}
		if err := idx.Batch(b); err != nil {
			return stats, err
		}
		for _, o := range chunk {
			if o.d == nil {
				delete(sc.Docs, o.id)
			} else {
				sc.Docs[o.id] = o.d.fp
			}
		}
	}
	return stats, nil
}
