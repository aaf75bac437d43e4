package indexer

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/bench"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
)

// benchCorpus loads the repository named by $INQUEST_BENCH_CORPUS (made by
// ../shared/bench/gencorpus.py), or skips.
func benchCorpus(b testing.TB) []*postmortem.Incident {
	b.Helper()
	dir := bench.Corpus(b)
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	set, err := postmortem.Load(context.Background(), dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return set.Incidents
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkBuild compares Bleve's two write paths for a fresh index: batches
// on a new index (analysed on several goroutines) and the offline builder
// (one segment per batch, merged at the end), at several batch sizes.
func BenchmarkBuild(b *testing.B) {
	incs := benchCorpus(b)
	for _, method := range []string{"batches", "builder"} {
		for _, size := range []int{100, 500, 2000, 5000} {
			b.Run(fmt.Sprintf("%s/%d", method, size), func(b *testing.B) {
				opts := BuildOptions{BatchSize: size, builder: method == "builder"}
				var size int64
				cpu := bench.CPUTime()
				for b.Loop() {
					dir := filepath.Join(b.TempDir(), "search")
					if err := Build(context.Background(), dir, incs, opts); err != nil {
						b.Fatal(err)
					}
					size = dirSize(dir)
				}
				b.ReportMetric((bench.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(size)/(1<<20), "MiB")
				b.ReportMetric(float64(len(incs)), "docs")
			})
		}
	}
}

// BenchmarkBrowserIndex reports the size of the index a static site ships
// (BuildOptions.Browser) next to a full one: raw, and each file gzipped at
// the best level as the site publishes it.
func BenchmarkBrowserIndex(b *testing.B) {
	incs := benchCorpus(b)
	for _, browser := range []bool{false, true} {
		b.Run(fmt.Sprintf("browser=%v", browser), func(b *testing.B) {
			var raw, gz int64
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "search")
				if err := Build(context.Background(), dir, incs, BuildOptions{Browser: browser, builder: true}); err != nil {
					b.Fatal(err)
				}
				raw, gz = dirSize(dir), gzipSize(b, dir)
			}
			b.ReportMetric(float64(raw)/(1<<20), "MiB")
			b.ReportMetric(float64(gz)/(1<<20), "gzip-MiB")
		})
	}
}

// gzipSize is the total size of the files in dir, each gzipped.
func gzipSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(data)
		w.Close()
		n += int64(buf.Len())
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkSearch measures the four kinds of query on the corpus, on an
// index from each write path, and reports the median and 99th percentile
// of their latency.
func BenchmarkSearch(b *testing.B) {
	incs := benchCorpus(b)
	for _, method := range []string{"batches", "builder"} {
		dir := filepath.Join(b.TempDir(), "search")
		if err := Build(context.Background(), dir, incs, BuildOptions{builder: method == "builder"}); err != nil {
			b.Fatal(err)
		}
		ix, err := search.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range benchQueries {
			b.Run(method+"/"+q.name, func(b *testing.B) {
				ctx := context.Background()
				var took []time.Duration
				var total uint64
				cpu := bench.CPUTime()
				for b.Loop() {
					start := time.Now()
					res, err := ix.Search(ctx, q.req)
					if err != nil {
						b.Fatal(err)
					}
					took = append(took, time.Since(start))
					total = res.Total
				}
				b.ReportMetric(float64((bench.CPUTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(total), "hits")
			})
		}
		ix.Close()
	}
}

// benchQueries are the query kinds of BenchmarkSearch.
var benchQueries = []struct {
	name string
	req  search.Request
}{
	{"term", search.Request{Query: "timeout"}},
	{"phrase", search.Request{Query: `"connection pool"`}},
	{"phrase-10%", search.Request{Query: `"lock contention"`}},
	{"tag", search.Request{Query: "+tags:database", Sort: "-date"}},
	{"combined+facets", search.Request{Query: `+severity:SEV1 +services:checkout-api "connection pool" -tags:dns date:>="2020-01-01"`, Facets: true, Highlight: true}},
}

// BenchmarkDocuments makes the index documents and fingerprints of the
// corpus, the part of an index build that is not Bleve's.
func BenchmarkDocuments(b *testing.B) {
	incs := benchCorpus(b)
	for b.Loop() {
		if _, _, err := documents(context.Background(), incs, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteBrowser measures what a site build spends on the browser
// index (WriteBrowser: the shards, their bundles, gzip) in CPU seconds, and
// what it ships:
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/search/indexer -run '^$' -bench WriteBrowser -benchtime 2x
func BenchmarkWriteBrowser(b *testing.B) {
	incs := benchCorpus(b)
	var m Manifest
	cpu := bench.CPUTime()
	for b.Loop() {
		var err error
		m, err = WriteBrowser(context.Background(), b.TempDir(), incs, testRuntime, BrowserOptions{Ref: time.Unix(0, 0)})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((bench.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(m.Shards)), "shards")
	b.ReportMetric(float64(m.Bytes-int64(len(testRuntime.WasmGzip)))/1e6, "index-gzip-MB")
	b.ReportMetric(float64(m.Shards[0].Bytes)/1e6, "first-shard-gzip-MB")
}
