package postmortem_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// benchCorpus returns the corpus in INQUEST_BENCH_CORPUS (a folder made by
// ../shared/bench/gencorpus.py), its configuration and its postmortems'
// paths, or skips the benchmark when it is not set.
func benchCorpus(b *testing.B) (string, *config.Config, []string) {
	b.Helper()
	dir := bench.Corpus(b)
	cfg, paths := discoverCorpus(b, dir)
	return dir, cfg, paths
}

// discoverCorpus loads the configuration of the repository in dir and
// finds its postmortems, as every command does first.
func discoverCorpus(b *testing.B, dir string) (*config.Config, []string) {
	b.Helper()
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := worktree.New(dir, worktree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	paths, _, err := postmortem.Discover(context.Background(), tree, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return cfg, paths
}

// BenchmarkLoad parses a whole repository (see benchCorpus). It reports
// MB/s of Markdown.
func BenchmarkLoad(b *testing.B) {
	dir, cfg, paths := benchCorpus(b)
	var size int64
	for _, p := range paths {
		st, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		set, err := postmortem.Load(context.Background(), dir, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if len(set.Incidents) != len(paths) {
			b.Fatalf("parsed %d of %d", len(set.Incidents), len(paths))
		}
	}
}

// BenchmarkFields reads the front-matter fields of every postmortem of the
// corpus (see benchCorpus), as the history does for each version.
func BenchmarkFields(b *testing.B) {
	dir, cfg, paths := benchCorpus(b)
	var files [][]byte
	var size int64
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		size += int64(len(data))
	}
	parser := postmortem.NewParser(cfg)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			parser.Fields(f)
		}
	}
}

// BenchmarkDiscover finds the postmortems of the corpus in
// INQUEST_BENCH_CORPUS as every command does first, from a freshly loaded
// configuration: with no content configured, by inferring it.
func BenchmarkDiscover(b *testing.B) {
	dir := bench.Corpus(b)
	n := -1
	for b.Loop() {
		_, paths := discoverCorpus(b, dir)
		if n >= 0 && len(paths) != n {
			b.Fatalf("found %d, then %d", n, len(paths))
		}
		n = len(paths)
	}
	b.ReportMetric(float64(n), "files")
}
