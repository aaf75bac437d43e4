// node_test.js runs the wasm search runtime in node over an index read into
// memory, and compares its hits with the native ones mkindex printed:
//
//   node node_test.js inquest.wasm wasm_exec.js /tmp/wasmidx want.json
"use strict";
const nodefs = require("fs");
const nodepath = require("path");
const [wasmFile, wasmExec, indexDir, wantFile] = process.argv.slice(2);

// Read the index directory (recursively) into memory under /idx.
const input = {};
(function walk(dir, rel) {
	for (const e of nodefs.readdirSync(dir, { withFileTypes: true })) {
		const p = nodepath.join(dir, e.name);
		if (e.isDirectory()) walk(p, rel + "/" + e.name);
		else input[rel + "/" + e.name] = new Uint8Array(nodefs.readFileSync(p));
	}
})(indexDir, "/idx");

require("./memfs.js");
installMemFS(input);
require(nodepath.resolve(wasmExec));

const want = JSON.parse(nodefs.readFileSync(wantFile, "utf8"));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

(async () => {
	const go = new Go();
	let t = performance.now();
	const { instance } = await WebAssembly.instantiate(nodefs.readFileSync(wasmFile), go.importObject);
	const tInst = performance.now() - t;
	go.run(instance);
	t = performance.now();
	const openErr = inquestOpen("/idx");
	const tOpen = performance.now() - t;
	if (openErr) { console.error("open:", openErr); process.exit(1); }
	console.log(`instantiate ${tInst.toFixed(1)} ms, open ${tOpen.toFixed(1)} ms`);
	let fail = false;
	for (const w of want) {
		const opts = { limit: 20, facets: true, highlight: true };
		const first = JSON.parse(inquestSearch(w.Query, opts));
		if (first.error) { console.error(w.Query, "error:", first.error); fail = true; continue; }
		const times = [];
		for (let i = 0; i < 20; i++) {
			t = performance.now();
			inquestSearch(w.Query, opts);
			times.push(performance.now() - t);
		}
		const ids = (first.hits || []).map((h) => h.id);
		const scores = (first.hits || []).map((h) => h.score);
		const wantIDs = w.IDs || [];
		const same = JSON.stringify(ids) === JSON.stringify(wantIDs) && first.total === w.Total;
		const maxDiff = Math.max(0, ...scores.map((s, i) => Math.abs(s - (w.Scores || [])[i])));
		console.log(`${same ? "ok  " : "FAIL"} ${JSON.stringify(w.Query)}: total ${first.total} (native ${w.Total}), ` +
			`${ids.length} hits, max score diff ${maxDiff.toExponential(1)}, ` +
			`median ${median(times).toFixed(2)} ms (native ${(median(w.Micros) / 1000).toFixed(2)} ms), ` +
			`facets ${Object.keys(first.facets || {}).length}, fragments on hit 1: ${Object.keys((first.hits[0] || {}).fragments || {}).length}`);
		if (!same) { fail = true; console.log("  wasm:  ", ids.join(" ")); console.log("  native:", wantIDs.join(" ")); }
	}
	console.log(`wasm memory ${(instance.exports.mem.buffer.byteLength / 2 ** 20).toFixed(0)} MiB, node rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
	process.exit(fail ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
