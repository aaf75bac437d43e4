// inquest site script: "/" focuses search on every page, the timeline page's
// severity filter, and the search page's instant catalog filter. No inline
// script anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    var box = document.getElementById("search-q") || document.getElementById("q");
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
  var severities = (app.getAttribute("data-severities") || "").split(",");
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
  // Under `inquest serve` the page asks the server's Bleve index for
  // full-text matches; on a static host it filters the catalog alone.
  var api = null, apiHits = null, apiSeq = 0, byId = {};
  function askAPI() {
    if (!api || !state.q) { apiHits = null; render(); return; }
    var seq = ++apiSeq;
    fetch(api + "?size=100&q=" + encodeURIComponent(state.q)).then(function (r) { return r.json(); }).then(function (res) {
      if (seq !== apiSeq) return;
      if (res.error) { apiHits = null; count.textContent = res.error; return; }
      apiHits = res.hits;
      render();
    }).catch(function () { apiHits = null; render(); });
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
    if (apiHits) {
      words = [];
      hits = [];
      pool = [];
      apiHits.forEach(function (h) {
        var e = byId[h.id];
        if (e) pool.push(e);
        if (e && matches(e, words, null)) hits.push(e);
        var f = h.fragments && (h.fragments.summary || h.fragments.title || h.fragments[Object.keys(h.fragments)[0]]);
        if (f && f.length) frags[h.id] = f[0];
      });
    } else {
      hits = catalog.filter(function (e) { return matches(e, words, null); });
    }
    count.textContent = hits.length + " of " + catalog.length + " incidents";
    results.textContent = "";
    hits.slice(0, 200).forEach(function (e) {
      var li = el("li", { "data-id": e.i });
      li.appendChild(el("span", { "class": sevClass(e.s) }, e.s || "—"));
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
      facetsEl.appendChild(el("h3", {}, facetNames[k]));
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
    state.q = input.value.trim(); writeURL(false); render();
    if (api) { clearTimeout(timer); timer = setTimeout(askAPI, 120); }
  });
  facetsEl.addEventListener("change", function (ev) {
    var b = ev.target, k = b.getAttribute("data-facet");
    if (!k) return;
    var list = state.f[k], i = list.indexOf(b.value);
    if (b.checked && i < 0) list.push(b.value);
    if (!b.checked && i >= 0) list.splice(i, 1);
    writeURL(true); render();
  });
  window.addEventListener("popstate", function () { state = readURL(); input.value = state.q; render(); askAPI(); });
  fetch(app.getAttribute("data-catalog")).then(function (r) { return r.json(); }).then(function (c) {
    catalog = c;
    catalog.forEach(function (e) { byId[e.i] = e; });
    render();
    // Summaries come second, so the list is usable before they arrive.
    fetch(app.getAttribute("data-summaries")).then(function (r) { return r.json(); }).then(function (sums) {
      catalog.forEach(function (e, i) { e.m = sums[i] || ""; e.hay = null; });
      render();
    }).catch(function () {});
    if (document.querySelector('meta[name="inquest-serve"]')) {
      api = "/api/search";
      askAPI();
    }
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
