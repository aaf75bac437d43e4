// Command mkindex builds the search index of a repository of postmortems
// with the project's own indexer.Build, then runs queries on it with the
// native search.Index and prints the results as JSON, for the wasm runtime's
// test to compare against:
//
//	go run . -corpus /tmp/c1k -index /tmp/wasmidx 'query 1' 'query 2' > want.json
//
// With -site, it also writes what `inquest build` ships for full-text
// search into that folder, with indexer.WriteBrowser and the runtime given
// by -wasm: search/manifest.json, the index bundle, the gzipped runtime and
// wasm_exec.js (-wasm-exec). The manifest names assets/search-worker.js and
// assets/memfs.js, which the caller copies from theme/static.
//
// It is a module of its own because the wasm module replaces bbolt with a
// read-only reader, which cannot build an index.
package main

import (
	"bytes"
	"compress/gzip"
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
	site := flag.String("site", "", "also write the site's search files into this folder")
	wasm := flag.String("wasm", "", "with -site: the runtime (inquest.wasm)")
	wasmExec := flag.String("wasm-exec", "", "with -site: wasm_exec.js")
	shardSize := flag.Int("shard-size", 0, "with -site: incidents in the first shard of the browser index, the rest in shards of up to ten times that (0: the default)")
	flag.Parse()
	ctx := context.Background()
	if *site != "" && *corpus == "" {
		log.Fatal("-site needs -corpus")
	}
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
		if *site != "" {
			if err := writeSite(ctx, *site, set.Incidents, *wasm, *wasmExec, *shardSize); err != nil {
				log.Fatal(err)
			}
		}
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

// writeSite writes the search files of a site of incs into dir, as
// `inquest build` does, with the runtime in the file wasm, with a first
// shard of shardSize incidents.
func writeSite(ctx context.Context, dir string, incs []*postmortem.Incident, wasm, wasmExec string, shardSize int) error {
	raw, err := os.ReadFile(wasm)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	exec, err := os.ReadFile(wasmExec)
	if err != nil {
		return err
	}
	m, err := indexer.WriteBrowser(ctx, dir, incs, indexer.Runtime{WasmGzip: gz.Bytes(), WasmExec: exec}, indexer.BrowserOptions{Ref: time.Now(), ShardSize: shardSize})
	if err != nil {
		return err
	}
	m.Mode, m.Worker, m.MemFS = "wasm", "assets/search-worker.js", "assets/memfs.js"
	return indexer.WriteManifest(dir, m)
}
