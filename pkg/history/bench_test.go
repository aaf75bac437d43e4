package history

import (
	"context"
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
