// node_test.js runs the site's own search worker (theme/static/search-worker.js)
// in node, on the files `inquest build` ships (mkindex -site writes them):
// the worker fetches search/manifest.json's runtime and index shards,
// decompresses them, starts the runtime with memfs.js and wasm_exec.js, and
// answers search messages, exactly as in a reader's browser. Its hits are
// compared with the native ones mkindex printed:
//
//   node node_test.js SITE want.json
//
// SITE holds search/manifest.json and the files it names. node lacks what
// a worker has (importScripts, postMessage, fetch of files): those few are
// defined here, over the site folder.
"use strict";
const nodefs = require("fs");
const nodepath = require("path");
const vm = require("vm");
const [site, wantFile] = process.argv.slice(2);

const manifest = JSON.parse(nodefs.readFileSync(nodepath.join(site, "search", "manifest.json"), "utf8"));
const file = (p) => nodepath.join(site, p);
let fetched = 0;
globalThis.fetch = async (p) => {
	const b = nodefs.readFileSync(p);
	fetched++;
	return new Response(b);
};
globalThis.importScripts = (p) => vm.runInThisContext(nodefs.readFileSync(p, "utf8"), { filename: p });
const answers = [];
let onAnswer = null;
globalThis.postMessage = (m) => { answers.push(m); if (onAnswer) onAnswer(m); };
globalThis.onmessage = null;
importScripts(file(manifest.worker));

// next waits for the worker's next message.
const next = () => new Promise((resolve) => {
	if (answers.length) { resolve(answers.shift()); return; }
	onAnswer = () => { onAnswer = null; resolve(answers.shift()); };
});
const ask = (m) => { globalThis.onmessage({ data: m }); return next(); };
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

(async () => {
	const shards = manifest.shards.map((s) => ({ url: file(s.path), incidents: s.incidents }));
	const ready = await ask({ type: "init", memfs: file(manifest.memfs), wasmExec: file(manifest.wasm_exec), wasm: file(manifest.wasm), shards });
	if (ready.type !== "ready") { console.error("init:", ready.error); process.exit(1); }
	console.log(`worker ready: ${fetched} files, ${ready.bytes} bytes, ${ready.searched} of ${ready.of} incidents, instantiated at ${ready.ms.instantiate.toFixed(1)} ms, open at ${ready.ms.open.toFixed(1)} ms`);
	// The other shards, each announced with the incidents searched so far.
	for (let last = ready; last.searched < last.of;) {
		const p = await next();
		if (p.type !== "progress" || p.searched <= last.searched || p.of !== ready.of) { console.error("FAIL loading shards:", JSON.stringify(p)); process.exit(1); }
		last = p;
		console.log(`shard: ${p.searched} of ${p.of} incidents at ${p.ms.toFixed(1)} ms, ${p.bytes} bytes`);
	}
	const want = JSON.parse(nodefs.readFileSync(wantFile, "utf8"));
	let fail = false, seq = 0;
	for (const w of want) {
		// The first 20 hits with fragments, as the search page asks.
		const search = () => ask({ type: "search", seq: ++seq, query: w.Query, first: 20, limit: 20 });
		const first = await search();
		if (first.error) { console.error(w.Query, "error:", first.error); fail = true; continue; }
		const times = [];
		for (let i = 0; i < 20; i++) times.push((await search()).ms);
		const wantIDs = w.IDs || [];
		const same = JSON.stringify(first.ids) === JSON.stringify(wantIDs) && first.total === w.Total && !first.partial && first.searched === first.of;
		console.log(`${same ? "ok  " : "FAIL"} ${JSON.stringify(w.Query)}: total ${first.total} (native ${w.Total}), ` +
			`${first.ids.length} hits, ${Object.keys(first.fragments).length} with a fragment, ` +
			`median ${median(times).toFixed(2)} ms (native ${(median(w.Micros) / 1000).toFixed(2)} ms)`);
		if (!same) { fail = true; console.log("  wasm:  ", first.ids.join(" ")); console.log("  native:", wantIDs.join(" ")); }
	}
	console.log(`node rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
	process.exit(fail ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
