package postmortem_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// benchCorpus returns the corpus in INQUEST_BENCH_CORPUS (a folder made by
// ../shared/bench/gencorpus.py), its configuration and its postmortems'
// paths, or skips the benchmark when it is not set.
func benchCorpus(b *testing.B) (string, *config.Config, []string) {
	b.Helper()
	dir := os.Getenv("INQUEST_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set INQUEST_BENCH_CORPUS to a generated corpus")
	}
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	paths, _, err := postmortem.Discover(context.Background(), dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return dir, cfg, paths
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
