// loader.js starts the search runtime in a page:
//
//   <script src="memfs.js"></script>
//   <script src="loader.js"></script>
//   const search = await inquestLoad({wasm: "inquest.wasm", wasmExec: "wasm_exec.js", index: "index/"});
//   const res = search("database timeout", {limit: 20, facets: true, highlight: true});
//
// index/ must hold manifest.json, the list of the index directory's files
// (relative paths), beside the files. Every file is fetched before the first
// query: the runtime reads the whole index into memory.
"use strict";

globalThis.inquestLoad = async function ({ wasm, wasmExec, index }) {
	const base = new URL(index, location.href);
	const names = await (await fetch(new URL("manifest.json", base))).json();
	const files = {};
	await Promise.all(names.map(async (name) => {
		const r = await fetch(new URL(name, base));
		if (!r.ok) throw new Error(`${name}: ${r.status}`);
		files["/index/" + name] = new Uint8Array(await r.arrayBuffer());
	}));
	installMemFS(files);
	await new Promise((resolve, reject) => {
		const s = document.createElement("script");
		s.src = wasmExec;
		s.onload = resolve;
		s.onerror = () => reject(new Error(`${wasmExec}: failed to load`));
		document.head.appendChild(s);
	});
	const go = new Go();
	const { instance } = await WebAssembly.instantiateStreaming(fetch(wasm), go.importObject);
	go.run(instance);
	const err = inquestOpen("/index");
	if (err) throw new Error(err);
	return (query, opts) => JSON.parse(inquestSearch(query, opts || {}));
};
