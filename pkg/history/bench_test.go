package history

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// BenchmarkLoad reads the whole history of the corpus named by
// $INQUEST_BENCH_CORPUS, a repository made by
// ../shared/bench/gencorpus.py, e.g.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench Load -benchtime 3x ./pkg/history/
func BenchmarkLoad(b *testing.B) {
	dir := bench.Corpus(b)
	opts := Options{
		Roots:   []string{"postmortems"},
		Include: func(p string) bool { return strings.HasSuffix(p, ".md") },
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Load(context.Background(), dir, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		opts := opts
		opts.CacheDir = b.TempDir()
		if _, _, err := Load(context.Background(), dir, opts); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			r, _, err := Load(context.Background(), dir, opts)
			if err != nil {
				b.Fatal(err)
			}
			if !r.stats.fromCache {
				b.Fatal("cache not used")
			}
		}
	})
}

// BenchmarkAttach attaches history, with field changes from the postmortem
// parser, to every postmortem of the corpus named by $INQUEST_BENCH_CORPUS:
// parsing every version, then with the fields cache filled.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench Attach -benchtime 3x ./pkg/history/
func BenchmarkAttach(b *testing.B) {
	dir := bench.Corpus(b)
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	cache := b.TempDir()
	opts := Options{
		Roots:    []string{"postmortems"},
		Include:  func(p string) bool { return strings.HasSuffix(p, ".md") },
		Fields:   postmortem.NewParser(cfg),
		CacheDir: cache,
	}
	r, _, err := Load(context.Background(), dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for p := range r.live {
		paths = append(paths, p)
	}
	attach := func(b *testing.B, r *Repo) {
		incs := make([]*postmortem.Incident, len(paths))
		for i, p := range paths {
			incs[i] = &postmortem.Incident{Source: p}
		}
		if err := r.Attach(context.Background(), incs); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			attach(b, r)
		}
	})
	b.Run("cached", func(b *testing.B) {
		opts := opts
		opts.FieldsVersion = "bench"
		r, _, err := Load(context.Background(), dir, opts)
		if err != nil {
			b.Fatal(err)
		}
		attach(b, r)
		for b.Loop() {
			attach(b, r)
		}
	})
}

// BenchmarkTrail is a whole build's history pass with its caches warm, as
// a build with --force runs it (Load, AttachRevisions, AttachChanges,
// AttachSinceApproval): the work-tree postmortems parsed once, before the
// timer, and every cache of the history (snapshot, fields, diffs, items,
// since) written by a first pass. It reports CPU time beside wall time.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench Trail -benchtime 5x ./pkg/history/
func BenchmarkTrail(b *testing.B) {
	dir := bench.Corpus(b)
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	parser := postmortem.NewParser(cfg)
	fields := parser.NewFieldsCache()
	opts := Options{
		Roots:         cfg.ContentRoots(),
		Include:       cfg.Match,
		Trailers:      cfg.Trailers,
		Fields:        fields,
		FieldsVersion: parser.FieldsVersion(),
		Items:         fields,
		ItemsVersion:  fields.ItemsVersion(),
		CacheDir:      b.TempDir(),
		MapCaches:     true,
	}
	r, _, err := Load(context.Background(), dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	var parsed []*postmortem.Incident
	for p := range r.live {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			b.Fatal(err)
		}
		parsed = append(parsed, parser.Parse(p, data))
	}
	pass := func(b *testing.B) *Repo {
		r, _, err := Load(context.Background(), dir, opts)
		if err != nil {
			b.Fatal(err)
		}
		incs := make([]*postmortem.Incident, len(parsed))
		for i, inc := range parsed {
			c := *inc
			c.History = nil
			incs[i] = &c
		}
		if err := r.Attach(context.Background(), incs); err != nil {
			b.Fatal(err)
		}
		return r
	}
	pass(b) // the caches
	b.Run("warm", func(b *testing.B) {
		cpu := bench.CPUTime()
		// Labelled, for a -cpuprofile of the warm passes alone:
		// go tool pprof -tagfocus pass=warm.
		pprof.Do(context.Background(), pprof.Labels("pass", "warm"), func(context.Context) {
			for b.Loop() {
				if r := pass(b); r.stats.compared > 0 {
					b.Fatalf("a warm pass compared %d revisions", r.stats.compared)
				}
			}
		})
		b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(b.N)/1e9, "cpu-s/op")
	})
}
