package site

import (
	"context"
	"fmt"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
	"github.com/inquest-dev/inquest/pkg/wasmrt"
)

// browserMode returns how the search page of this build answers queries.
// --search-index forces wasm whatever the size; serve's pages ask its API
// and get no files.
func browserMode(cfg config.Search, opts BuildOptions, published int) string {
	switch {
	case opts.Serve:
		return config.BrowserServer
	case opts.SearchIndex:
		return config.BrowserWasm
	}
	return cfg.BrowserMode(published)
}

// browserIndex writes, in wasm mode, the browser's search files (see
// indexer.WriteBrowser) for the published incidents into the site folder
// dir, and returns the manifest that names them. It needs only the
// assembled site, so Build runs it beside the pages; writeBrowserManifest
// finishes the job.
func (b *Assembly) browserIndex(ctx context.Context, dir string) (indexer.Manifest, error) {
	m := indexer.Manifest{Mode: browserMode(b.repo.Config.Search, b.opts, len(b.site.Incidents))}
	switch m.Mode {
	case config.BrowserServer:
		m.API = "api/search"
	case config.BrowserWasm:
		// An index of exactly what this site publishes: drafts and internal
		// incidents left out of the pages must not be found in it either.
		pub := make([]*postmortem.Incident, len(b.site.Incidents))
		for i, v := range b.site.Incidents {
			pub[i] = v.Incident
		}
		rt := indexer.Runtime{WasmGzip: wasmrt.WasmGzip(), WasmExec: wasmrt.WasmExecJS()}
		m, err := indexer.WriteBrowser(ctx, dir, pub, rt, indexer.BrowserOptions{Ref: b.site.Now, ShardSize: b.repo.Config.Search.BrowserShardSize})
		m.Mode = config.BrowserWasm
		return m, err
	}
	return m, nil
}

// writeBrowserManifest writes search/manifest.json for m into dir, with the
// names of the theme's search scripts, once the pages (and assets) are
// written.
func (b *Assembly) writeBrowserManifest(dir string, m indexer.Manifest) error {
	if m.Mode == config.BrowserWasm {
		m.Worker, m.MemFS = b.site.Assets["search-worker.js"], b.site.Assets["memfs.js"]
		if m.Worker == "" || m.MemFS == "" {
			return fmt.Errorf("theme: static/search-worker.js and static/memfs.js are needed for search.browser: wasm")
		}
	}
	return indexer.WriteManifest(dir, m)
}
