// Command benchsearch measures the search index on a generated corpus, one
// stage per run so that /usr/bin/time -v reports the peak memory of that
// stage alone:
//
//	go build -o /tmp/benchsearch ./pkg/search/internal/benchsearch
//	/usr/bin/time -v /tmp/benchsearch -corpus /tmp/c10k -index /tmp/idx10k -stage build
//	/usr/bin/time -v /tmp/benchsearch -index /tmp/idx10k -stage query
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

func main() {
	corpus := flag.String("corpus", "", "repository of postmortems (for -stage build and update)")
	index := flag.String("index", "", "index directory")
	stage := flag.String("stage", "build", "load (the corpus only), build, update or query")
	runs := flag.Int("n", 200, "runs of each query")
	batch := flag.Int("batch", 0, "documents per batch (0: the default)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *stage, *corpus, *index, *runs, indexer.BuildOptions{BatchSize: *batch}); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, stage, corpus, index string, runs int, opts indexer.BuildOptions) error {
	if index == "" {
		return fmt.Errorf("-index is required")
	}
	switch stage {
	case "load", "build", "update":
		cfg, err := config.Load(corpus)
		if err != nil {
			return err
		}
		start := time.Now()
		set, err := postmortem.Load(ctx, corpus, cfg)
		if err != nil {
			return err
		}
		fmt.Printf("load   %d incidents in %v\n", len(set.Incidents), time.Since(start).Round(time.Millisecond))
		if stage == "load" {
			return nil
		}
		start = time.Now()
		if stage == "build" {
			err = indexer.Build(ctx, index, set.Incidents, opts)
			fmt.Printf("build  %v\n", time.Since(start).Round(time.Millisecond))
		} else {
			var st indexer.UpdateStats
			st, err = indexer.Update(ctx, index, set.Incidents, opts)
			fmt.Printf("update %v %+v\n", time.Since(start).Round(time.Millisecond), st)
		}
		if err != nil {
			return err
		}
		fmt.Printf("size   %.1f MiB\n", float64(dirSize(index))/(1<<20))
	case "query":
		start := time.Now()
		ix, err := search.Open(index)
		if err != nil {
			return err
		}
		defer ix.Close()
		fmt.Printf("open   %v\n", time.Since(start).Round(time.Microsecond))
		for _, q := range queries {
			var took []time.Duration
			var total uint64
			for range runs {
				start := time.Now()
				res, err := ix.Search(ctx, q.req)
				if err != nil {
					return err
				}
				took = append(took, time.Since(start))
				total = res.Total
			}
			slices.Sort(took)
			fmt.Printf("%-16s hits %5d  p50 %6.2f ms  p99 %6.2f ms\n", q.name, total,
				ms(took[len(took)/2]), ms(took[len(took)*99/100]))
		}
	default:
		return fmt.Errorf("unknown stage %q", stage)
	}
	return nil
}

var queries = []struct {
	name string
	req  search.Request
}{
	{"term", search.Request{Query: "timeout"}},
	{"phrase", search.Request{Query: `"connection pool"`}},
	{"phrase-10%", search.Request{Query: `"lock contention"`}},
	{"tag", search.Request{Query: "+tags:database", Sort: "-date"}},
	{"combined+facets", search.Request{Query: `+severity:SEV1 +services:checkout-api "connection pool" -tags:dns date:>="2020-01-01"`, Facets: true, Highlight: true}},
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
