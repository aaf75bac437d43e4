// Command mkindex builds the search index of a repository of postmortems
// with the project's own indexer.Build, then runs queries on it with the
// native search.Index and prints the results as JSON, for the wasm runtime's
// test to compare against:
//
//	go run . -corpus /tmp/c1k -index /tmp/wasmidx 'query 1' 'query 2' > want.json
//
// It is a module of its own because the wasm module replaces bbolt with a
// read-only reader, which cannot build an index.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"os"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

type result struct {
	Query  string
	IDs    []string
	Scores []float64
	Total  uint64
	Micros []int64 // latency of each of the timed runs
}

func main() {
	corpus := flag.String("corpus", "", "repository of postmortems (empty: use the existing index)")
	index := flag.String("index", "", "index directory")
	runs := flag.Int("n", 20, "timed runs of each query")
	flag.Parse()
	ctx := context.Background()
	if *corpus != "" {
		cfg, err := config.Load(*corpus)
		if err != nil {
			log.Fatal(err)
		}
		set, err := postmortem.Load(ctx, *corpus, cfg)
		if err != nil {
			log.Fatal(err)
		}
		start := time.Now()
		if err := indexer.Build(ctx, *index, set.Incidents, indexer.BuildOptions{}); err != nil {
			log.Fatal(err)
		}
		log.Printf("built %d incidents in %v", len(set.Incidents), time.Since(start))
	}
	start := time.Now()
	ix, err := search.Open(*index)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	log.Printf("open %v", time.Since(start))
	var out []result
	for _, q := range flag.Args() {
		r := result{Query: q}
		for i := 0; i <= *runs; i++ {
			t := time.Now()
			res, err := ix.Search(ctx, search.Request{Query: q, Limit: 20, Facets: true, Highlight: true})
			if err != nil {
				log.Fatal(err)
			}
			if i == 0 { // the first run is the warm-up
				r.Total = res.Total
				for _, h := range res.Hits {
					r.IDs = append(r.IDs, h.ID)
					r.Scores = append(r.Scores, h.Score)
				}
				continue
			}
			r.Micros = append(r.Micros, time.Since(t).Microseconds())
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		log.Fatal(err)
	}
}
