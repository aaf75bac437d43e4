// search-worker.js runs inquest's own search (Bleve compiled to WebAssembly,
// see pkg/wasm) in a Web Worker, so that neither loading it nor answering a
// query blocks the page. The search page starts it with
//
//   {type: "init", memfs, wasmExec, wasm, shards: [{url, incidents}]}   (absolute URLs)
//
// and it answers {type: "ready", bytes, ms, searched, of} once the runtime
// and the first shard of the index (the newest incidents) are loaded, or
// {type: "error", error}. It then loads the other shards, three at a
// time, and whenever it has opened the index with more of them (see rest)
// answers {type: "progress", bytes, ms, searched, of}: searched is the
// number of incidents searched from then on, of their total. Then
//
//   {type: "search", seq, query, first, limit}
//
// is answered {type: "result", seq, total, ids, fragments, partial,
// searched, of, ms}: the first `first` ids, best first, with fragments (an
// id → one HTML fragment with <mark>), and partial true when a second
// result with up to `limit` ids and no fragments follows; or {type:
// "result", seq, error} for a query that does not parse; or {type:
// "error", error} when the runtime has failed and will answer no more.
// The runtime and the shards are gzip files, decompressed here, so that
// any static host serves them small; a shard is a bundle of index files
// (see pkg/search/indexer/browser.go), and the files of shards 1..k make
// one index of their incidents, which is opened again as they arrive.
// Once every shard is in, the answers are those of `inquest search`. The
// runtime answers in the JSON of `inquest search --json` (pkg/search
// json.go).
"use strict";

var ready = false;

function gunzip(buf) {
  var b = new Uint8Array(buf);
  // A host that sends .gz files with Content-Encoding: gzip has them
  // decompressed by the browser already.
  if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return Promise.resolve(buf);
  return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

function fetchBytes(url) {
  return fetch(url).then(function (r) {
    if (!r.ok) throw new Error(url + ": " + r.status);
    return r.arrayBuffer();
  });
}

// unbundle splits a bundle: a JSON line {"files": [{name, offset, size}]}
// and then the files' bytes, offsets counted from the end of that line.
function unbundle(buf, root) {
  var all = new Uint8Array(buf);
  var nl = all.indexOf(10);
  if (nl < 0) throw new Error("index bundle: no table");
  var table = JSON.parse(new TextDecoder().decode(all.subarray(0, nl)));
  var data = all.subarray(nl + 1), files = {};
  table.files.forEach(function (f) {
    if (f.offset + f.size > data.length) throw new Error("index bundle: " + f.name + " is cut short");
    files[root + "/" + f.name] = data.subarray(f.offset, f.offset + f.size);
  });
  return files;
}

// searched and of count incidents: those in the shards opened, of all.
var searched = 0, of = 0;

function init(m) {
  var t0 = performance.now(), bytes = 0;
  importScripts(m.memfs);
  var get = function (url) { return fetchBytes(url).then(function (b) { bytes += b.byteLength; return gunzip(b); }); };
  var shards = m.shards || [];
  if (!shards.length) return Promise.reject(new Error("the manifest names no index shards"));
  shards.forEach(function (s) { of += s.incidents; });
  // wasm_exec.js installs its own stub fs unless one is there already.
  var mem = installMemFS({});
  importScripts(m.wasmExec);
  // open adds the files of shards to memfs and opens the index again: the
  // root.bolt of the last one lists every segment so far. The runtime
  // keeps what it read (the segments too, see pkg/wasm/memseg), so the
  // files are forgotten here.
  var open = function (bufs, n) {
    bufs.forEach(function (buf) { mem.add(unbundle(buf, "/index")); });
    var err = inquestOpen("/index");
    mem.release();
    if (err) throw new Error(err);
    searched += n;
  };
  // The runtime and the newest shard first, with nothing else in the way;
  // the runtime (the smaller) starts as soon as it is in, while the shard
  // is still arriving. ms are the stages' ends, from the worker's start;
  // started is that start on the clock pages share (performance.timeOrigin
  // plus now), so a page can tell how long the worker took to start.
  var ms = { started: performance.timeOrigin + t0 };
  var runtime = get(m.wasm).then(function (buf) {
    ms.runtime = performance.now() - t0;
    var go = new Go();
    return WebAssembly.instantiate(buf, go.importObject).then(function (res) {
      ms.instantiate = performance.now() - t0;
      go.run(res.instance);
    });
  });
  var first = get(shards[0].url).then(function (buf) {
    ms.shard = performance.now() - t0;
    return buf;
  });
  return Promise.all([runtime, first]).then(function (got) {
    open([got[1]], shards[0].incidents);
    got[1] = null;
    ms.open = performance.now() - t0;
    ready = true;
    postMessage({ type: "ready", bytes: bytes, searched: searched, of: of, ms: ms });
    return rest(shards, get, open, t0, function () { return bytes; });
  });
}

// rest loads shards[1:], three downloading at once, and opens the index
// again with the shards that have arrived in order once every shard has,
// or once the first of them has waited `patience` ms for the others: each
// open is followed by the page's query run again, so shards that arrive
// close together are opened together, while on a slow network the
// results still grow as shards come in.
function rest(shards, get, open, t0, bytes) {
  var inFlight = 3, patience = 1000, next = 1, done = 1, got = 1, arrived = {}, waiting = null, timer = null;
  return new Promise(function (resolve, reject) {
    var start = function () {
      while (next < shards.length && next - got < inFlight) {
        (function (i) {
          get(shards[i].url).then(function (buf) {
            arrived[i] = buf;
            got++;
            start();
            // Let a search the page asked for run before the open.
            setTimeout(apply, 0);
          }, reject);
        })(next++);
      }
    };
    var apply = function () {
      var upTo = done;
      while (arrived[upTo]) upTo++;
      if (upTo === done) return;
      if (waiting === null) waiting = performance.now();
      var wait = patience - (performance.now() - waiting);
      if (upTo < shards.length && wait > 0) {
        if (timer === null) timer = setTimeout(function () { timer = null; apply(); }, wait);
        return;
      }
      var bufs = [], n = 0;
      for (; done < upTo; done++) {
        bufs.push(arrived[done]);
        n += shards[done].incidents;
        delete arrived[done];
      }
      waiting = null;
      try {
        open(bufs, n);
      } catch (err) {
        reject(err);
        return;
      }
      postMessage({ type: "progress", bytes: bytes(), searched: searched, of: of, ms: performance.now() - t0 });
      if (done >= shards.length) resolve();
    };
    if (shards.length <= 1) resolve();
    else start();
  });
}

// latest is the newest search asked for: the rest of an older one's hits
// are not worth finding.
var latest = 0;

// search answers in two steps: the first `first` hits with fragments,
// which is what the page shows first, and then, when there are more, up
// to `limit` ids without fragments, for the page's counts and filters.
// Loading a hit's stored fields is most of a query's cost.
function search(m) {
  var t0 = performance.now();
  var res = JSON.parse(inquestSearch(m.query, { limit: m.first, highlight: true }));
  if (res.error) { postMessage({ type: "result", seq: m.seq, error: res.error }); return; }
  var ids = [], frags = {};
  res.hits.forEach(function (h) {
    ids.push(h.id);
    var f = h.fragments || {};
    var pick = f.summary || f.title || f[Object.keys(f).sort()[0]];
    if (pick && pick.length) frags[h.id] = pick[0];
  });
  var more = res.total > ids.length && m.limit > ids.length;
  var counted = searched;
  postMessage({ type: "result", seq: m.seq, total: res.total, ids: ids, fragments: frags, partial: more, searched: counted, of: of, ms: performance.now() - t0 });
  if (!more) return;
  // After a pause: while the reader types, the next query comes first.
  setTimeout(function () {
    // A shard that opened in the pause changes the hits: the page asks
    // again on its progress message.
    if (m.seq !== latest || searched !== counted) return;
    // Every id at once, without the fields of each hit.
    var t1 = performance.now(), page = JSON.parse(inquestIDs(m.query, { limit: Math.min(res.total, m.limit) }));
    var all = page.error ? ids : page.ids;
    postMessage({ type: "result", seq: m.seq, total: res.total, ids: all, partial: false, searched: counted, of: of, ms: performance.now() - t1 });
  }, 200);
}

onmessage = function (e) {
  var m = e.data || {};
  if (m.type === "init") {
    init(m).catch(function (err) {
      // A shard that fails after the first leaves the search with fewer
      // incidents: the page is told, as for any failure of the runtime.
      ready = false;
      postMessage({ type: "error", error: String(err && err.message || err) });
    });
  } else if (m.type === "search") {
    latest = m.seq;
    if (!ready) { postMessage({ type: "result", seq: m.seq, error: "search is not loaded" }); return; }
    try {
      search(m);
    } catch (err) {
      // A query that does not parse is answered with res.error above. A
      // throw is the runtime itself failing (it exited, or panicked):
      // no later query would fare better, so the page is told to give up
      // on it and filter the catalog.
      ready = false;
      postMessage({ type: "error", error: String(err && err.message || err) });
    }
  }
};
