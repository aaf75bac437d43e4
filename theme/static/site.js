// inquest site script: "/" focuses search on every page, the timeline page's
// severity filter, and the search page: an instant catalog filter, then
// full-text search (search-worker.js, or the API of `inquest serve`). No inline
// script anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    var box = document.getElementById("search-q") || document.getElementById("home-q") || document.getElementById("q");
    if (box) { e.preventDefault(); box.focus(); }
  });

  // Timeline: hide incidents of unchecked severities.
  var filter = document.querySelector(".page-timeline .filter");
  if (filter) {
    filter.addEventListener("change", function () {
      var on = {};
      filter.querySelectorAll("input[name=sev]").forEach(function (c) { on[c.value] = c.checked; });
      document.querySelectorAll(".timeline-list li[data-severity]").forEach(function (li) {
        var s = li.getAttribute("data-severity");
        li.hidden = s in on && !on[s];
      });
    });
  }

  // Incident page: the revision an address names (#rev-COMMIT) shows its
  // diff, opened, whether the page was opened at it or a link went there.
  // The id is ASCII: the hash is read as it is, not decoded, which throws
  // on a malformed address (#%E0) and would stop the rest of this script.
  function openRevision() {
    var id = location.hash.slice(1);
    if (id.indexOf("rev-") !== 0) return;
    var li = document.getElementById(id);
    var d = li && li.querySelector("details.revision-diff");
    if (d) d.open = true;
  }
  openRevision();
  window.addEventListener("hashchange", openRevision);

  var app = document.getElementById("search-app");
  if (!app) return;
  var base = document.body.getAttribute("data-base") || "/";
  var input = document.getElementById("search-q");
  var results = document.getElementById("search-results");
  var count = document.getElementById("search-count");
  var facetsEl = document.getElementById("facets");
  var catalog = [];
  var facetNames = { s: "Severity", st: "Status", g: "Tags", v: "Services", y: "Year" };
  var state = readURL();
  var severities = (app.getAttribute("data-severities") || "").split(",").filter(Boolean);
  function sevRank(s) {
    for (var i = 0; i < severities.length; i++) if (severities[i].toLowerCase() === String(s).toLowerCase()) return i;
    return severities.length;
  }
  function sevClass(s) {
    var r = sevRank(s);
    return r < severities.length ? "sev sev-" + Math.min(r + 1, 5) : "sev sev-unknown";
  }

  function readURL() {
    var p = new URLSearchParams(location.search);
    var st = { q: p.get("q") || "", f: {} };
    Object.keys(facetNames).forEach(function (k) { st.f[k] = p.getAll(k); });
    return st;
  }
  function writeURL(push) {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    Object.keys(state.f).forEach(function (k) { state.f[k].forEach(function (v) { p.append(k, v); }); });
    var url = location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  }
  function values(e, k) {
    if (k === "y") return e.d ? [e.d.slice(0, 4)] : [];
    var v = e[k];
    if (!v) return [];
    return Array.isArray(v) ? v : [v];
  }
  function matches(e, words, skip) {
    for (var k in state.f) {
      if (k === skip || state.f[k].length === 0) continue;
      var vs = values(e, k), ok = false;
      for (var i = 0; i < vs.length; i++) if (state.f[k].indexOf(vs[i]) >= 0) { ok = true; break; }
      if (!ok) return false;
    }
    if (words.length) {
      var hay = e.hay || (e.hay = (e.i + " " + e.t + " " + (e.m || "")).toLowerCase());
      for (var j = 0; j < words.length; j++) if (hay.indexOf(words[j]) < 0) return false;
    }
    return true;
  }
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    for (var a in attrs) n.setAttribute(a, attrs[a]);
    if (text != null) n.textContent = text;
    return n;
  }
  // Full-text search answers the query once it can: under `inquest serve`
  // the server's index; on a static host, as search/manifest.json says,
  // the CLI's own search compiled to WebAssembly and run in a worker, or a
  // search API. Until then, and whenever it fails, the catalog filter
  // answers. full(query, done) calls done(error, hits) with hits
  // [{id, frag}], best first.
  var full = null, ftHits = null, ftQuery = "", ftPartial = false, ftSearched = 0, ftError = "", ftSeq = 0, byId = {};
  var label = document.querySelector('label[for="search-q"]');
  var errorEl = document.getElementById("search-error");
  function askFull() {
    if (!full || !state.q) { ftHits = null; ftError = ""; render(); return; }
    var seq = ++ftSeq, q = state.q;
    full(q, function (err, hits, partial, searched) {
      if (seq !== ftSeq) return;
      ftError = err || "";
      ftHits = err ? null : hits;
      ftQuery = q;
      ftPartial = !!partial;
      ftSearched = searched || 0;
      render();
    });
  }
  function setEngine(name, note) {
    app.setAttribute("data-engine", name);
    if (label && name !== "loading") {
      label.textContent = name === "wasm" || name === "server" ?
        'Full text: words, "phrases", field:value, +must, -must-not' : "Words in title, summary or id";
    }
    if (note) app.setAttribute("data-engine-error", note);
  }
  function apiSearch(url) {
    return function (q, done) {
      fetch(url + "?size=100&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (res) {
        if (res.error) { done(res.error); return; }
        done("", (res.hits || []).map(function (h) {
          var f = h.fragments && (h.fragments.summary || h.fragments.title || h.fragments[Object.keys(h.fragments)[0]]);
          return { id: h.id, frag: f && f.length ? f[0] : "" };
        }));
      }).catch(function () { done(""); });
    };
  }
  // siteURL resolves a path the manifest names, refusing any outside the
  // site (another origin, or above the base path): the worker runs what
  // it is told to load with no Content-Security-Policy of its own.
  function siteURL(p) {
    var root = new URL(base, location.href), u = new URL(base + p, location.href);
    if (typeof p !== "string" || u.origin !== root.origin || u.pathname.indexOf(root.pathname) !== 0) {
      throw new Error("search/manifest.json names " + p + ", outside the site");
    }
    return u.href;
  }
  // showShards says, while index shards are still arriving, how many of
  // the incidents the full-text results shown come from (search-worker.js).
  var statusEl = document.getElementById("search-status"), shards = null;
  function showShards() {
    var partial = ftHits && shards && ftSearched > 0 && ftSearched < shards.of;
    app.setAttribute("data-searched", ftHits && shards ? String(ftSearched) : "");
    app.setAttribute("data-of", shards ? String(shards.of) : "");
    if (!statusEl) return;
    statusEl.textContent = partial ? "Searching " + ftSearched.toLocaleString("en-US") + " of " + shards.of.toLocaleString("en-US") + " incidents\u2026" : "";
    statusEl.hidden = !partial;
  }
  function startWorker(m) {
    var init = { type: "init", memfs: siteURL(m.memfs), wasmExec: siteURL(m.wasm_exec), wasm: siteURL(m.wasm),
      shards: (m.shards || []).map(function (s) { return { url: siteURL(s.path), incidents: s.incidents }; }) };
    var w = new Worker(siteURL(m.worker)), waiting = {}, n = 0;
    var fail = function (why) {
      full = null; shards = null; w.terminate(); setEngine("failed", why);
      Object.keys(waiting).forEach(function (k) { waiting[k].done(""); });
      waiting = {};
      askFull();
    };
    w.onmessage = function (e) {
      var d = e.data || {};
      if (d.type === "ready") {
        app.setAttribute("data-engine-ms", JSON.stringify(d.ms));
        full = function (q, done) {
          var seq = ++n;
          // Older queries' answers would be dropped anyway.
          waiting = {};
          waiting[seq] = { done: done, frags: {} };
          // Every match, for the count and the filters.
          w.postMessage({ type: "search", seq: seq, query: q, first: 20, limit: Math.max(catalog.length, 1000) });
        };
        shards = { searched: d.searched, of: d.of };
        setEngine("wasm");
        askFull();
      } else if (d.type === "progress") {
        // One more shard: the same query over more incidents.
        shards = { searched: d.searched, of: d.of };
        askFull();
      } else if (d.type === "error") {
        fail(d.error);
      } else if (d.type === "result" && waiting[d.seq]) {
        var wt = waiting[d.seq];
        if (!d.partial) delete waiting[d.seq];
        if (d.error) { wt.done(d.error); return; }
        // The second answer has the rest of the ids and no fragments.
        if (d.fragments) wt.frags = d.fragments;
        app.setAttribute("data-search-ms", String(d.ms));
        wt.done("", d.ids.map(function (id) { return { id: id, frag: wt.frags[id] || "" }; }), d.partial, d.searched);
      }
    };
    w.onerror = function (e) { e.preventDefault(); fail(e.message || "the search worker failed"); };
    w.postMessage(init);
  }
  var started = false;
  function startFull() {
    if (started) return;
    started = true;
    if (window.performance && performance.mark) performance.mark("inquest-search-start");
    var manifest = app.getAttribute("data-manifest");
    if (document.querySelector('meta[name="inquest-serve"]')) {
      full = apiSearch("/api/search"); setEngine("server"); askFull(); return;
    }
    if (!manifest) { setEngine("catalog"); return; }
    setEngine("loading");
    // The manifest is the one file whose name does not change with a new
    // build: ask the host whether it still holds.
    fetch(manifest, { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error(manifest + ": " + r.status);
      return r.json();
    }).then(function (m) {
      if (m.mode === "server") { full = apiSearch(siteURL(m.api)); setEngine("server"); askFull(); return; }
      if (m.mode !== "wasm") { setEngine("catalog"); return; }
      if (!window.Worker || !window.WebAssembly || !window.DecompressionStream) { setEngine("failed", "this browser lacks Worker, WebAssembly or DecompressionStream"); return; }
      startWorker(m);
    }).catch(function (e) { setEngine("failed", String(e && e.message || e)); });
  }
  // fragment copies a server-made fragment keeping only text and <mark>.
  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var p = el("p", { "class": "fragment" });
    t.content.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") p.appendChild(el("mark", {}, n.textContent));
      else p.appendChild(document.createTextNode(n.textContent));
    });
    return p;
  }
  function render() {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var hits, frags = {}, pool = catalog;
    if (errorEl) {
      errorEl.textContent = ftError;
      errorEl.hidden = !ftError;
    }
    if (ftHits) {
      words = [];
      hits = [];
      pool = [];
      ftHits.forEach(function (h) {
        var e = byId[h.id];
        if (e) pool.push(e);
        if (e && matches(e, words, null)) hits.push(e);
        if (h.frag) frags[h.id] = h.frag;
      });
    } else {
      hits = catalog.filter(function (e) { return matches(e, words, null); });
    }
    count.textContent = hits.length + " of " + catalog.length + " incidents";
    // What the list shows, for tests and measurements.
    app.setAttribute("data-results", ftHits ? "full-text" : "catalog");
    app.setAttribute("data-query", ftHits ? ftQuery : state.q);
    app.setAttribute("data-partial", ftHits && ftPartial ? "true" : "false");
    showShards();
    results.textContent = "";
    hits.slice(0, 200).forEach(function (e) {
      var li = el("li", { "data-id": e.i });
      // A repository that rates no incident gets no "—" badges.
      if (e.s || severities.length) li.appendChild(el("span", { "class": sevClass(e.s) }, e.s || "—"));
      li.appendChild(el("a", { "class": "title", href: base + (e.p || "incidents/" + e.i + "/") }, e.t));
      li.appendChild(el("span", { "class": "meta" }, (e.d || "") + " · " + e.i + (e.v ? " · " + e.v.join(", ") : "")));
      if (frags[e.i]) li.appendChild(fragment(frags[e.i]));
      else if (e.m) li.appendChild(el("p", { "class": "summary" }, e.m));
      results.appendChild(li);
    });
    facetsEl.textContent = "";
    Object.keys(facetNames).forEach(function (k) {
      var counts = {};
      pool.forEach(function (e) {
        if (!matches(e, words, k)) return;
        values(e, k).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      var keys = Object.keys(counts).sort(function (a, b) {
        if (k === "s") return sevRank(a) - sevRank(b);
        if (k === "y") return a < b ? 1 : -1;
        return counts[b] - counts[a] || (a < b ? -1 : 1);
      }).slice(0, 15);
      state.f[k].forEach(function (v) { if (keys.indexOf(v) < 0) keys.push(v); });
      if (!keys.length) return;
      facetsEl.appendChild(el("h2", {}, facetNames[k]));
      keys.forEach(function (v) {
        var label = el("label", {});
        var box = el("input", { type: "checkbox", "data-facet": k, value: v });
        box.checked = state.f[k].indexOf(v) >= 0;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + v + " (" + (counts[v] || 0) + ")"));
        facetsEl.appendChild(label);
      });
    });
  }
  input.value = state.q;
  var timer = null;
  input.addEventListener("input", function () {
    state.q = input.value.trim(); writeURL(false);
    var wasm = full && app.getAttribute("data-engine") === "wasm";
    // The worker answers within milliseconds: rendering the previous
    // query's hits first would only double the work.
    if (!wasm || !state.q) render();
    clearTimeout(timer);
    if (wasm) askFull();
    else if (full) timer = setTimeout(askFull, 120);
  });
  input.addEventListener("focus", startFull);
  facetsEl.addEventListener("change", function (ev) {
    var b = ev.target, k = b.getAttribute("data-facet");
    if (!k) return;
    var list = state.f[k], i = list.indexOf(b.value);
    if (b.checked && i < 0) list.push(b.value);
    if (!b.checked && i >= 0) list.splice(i, 1);
    writeURL(true); render();
  });
  window.addEventListener("popstate", function () { state = readURL(); input.value = state.q; render(); askFull(); });
  fetch(app.getAttribute("data-catalog")).then(function (r) { return r.json(); }).then(function (c) {
    catalog = c;
    catalog.forEach(function (e) { byId[e.i] = e; });
    render();
    // Summaries come second, so the list is usable before they arrive.
    fetch(app.getAttribute("data-summaries")).then(function (r) { return r.json(); }).then(function (sums) {
      catalog.forEach(function (e, i) { e.m = sums[i] || ""; e.hay = null; });
      render();
    }).catch(function () {});
    // The runtime loads when the reader focuses the box, or once the
    // browser has nothing else to do.
    // browser has nothing else to do; at once for a query in the URL or
    // a page of `inquest serve`.
    if (state.q || document.querySelector('meta[name="inquest-serve"]')) startFull();
    else if (window.requestIdleCallback) requestIdleCallback(startFull, { timeout: 3000 });
    else setTimeout(startFull, 500);
  }).catch(function () { if (!catalog.length) count.textContent = "The incident catalog could not be loaded."; });
})();

// Live reload, only when the page comes from `inquest serve`.
(function () {
  "use strict";
  if (!window.EventSource || !document.querySelector('meta[name="inquest-serve"]')) return;
  var es = new EventSource("/_inquest/events");
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("error", function (e) {
    if (!e.data) return;
    var bar = document.getElementById("inquest-build-error") || document.createElement("pre");
    bar.id = "inquest-build-error";
    bar.className = "build-error";
    bar.setAttribute("role", "alert");
    bar.textContent = "Build failed: " + e.data;
    document.body.insertBefore(bar, document.body.firstChild);
  });
  es.onerror = function () { /* the browser reconnects by itself */ };
})();
