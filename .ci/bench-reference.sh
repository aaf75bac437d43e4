#!/usr/bin/env bash
# Times the reference tools on the corpora .ci/bench.sh uses, side by side
# with it on the same machine: Hugo 0.111 with GitInfo building one page per
# postmortem, then Pagefind 1.6 indexing that site. Prints a Markdown table
# (medians of $RUNS, default 3; sites on tmpfs).
#
#   .ci/bench-reference.sh [N...]   default: 1000 10000
#
# The layout is the least Hugo can be asked for: each page shows the title,
# the date, GitInfo's author and commit, and the rendered Markdown; lists
# link their pages. A theme with navigation, taxonomy pages and a timeline
# costs Hugo (and then Pagefind, which reads every page) more, so these
# figures are a floor for what a team gets from these tools. Installs Hugo
# (apt-get) and Pagefind (npm) when missing. Corpora are those bench.sh
# made in $BENCH_DIR (default /tmp/inquest-bench); run it first.
set -euo pipefail
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
BENCH_DIR=${BENCH_DIR:-/tmp/inquest-bench}
RUNS=${RUNS:-3}
OUT_DIR=${OUT_DIR:-/dev/shm/inquest-bench-ref}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v hugo >/dev/null || { apt-get update -qq && apt-get install -y -qq hugo; }
pagefind="$BENCH_DIR/pagefind/node_modules/.bin/pagefind"
[ -x "$pagefind" ] || { mkdir -p "$BENCH_DIR/pagefind" && (cd "$BENCH_DIR/pagefind" && npm install --silent pagefind@1.6.0 >/dev/null); }
mkdir -p "$OUT_DIR"

median() { sort -n | sed -n "$(( (RUNS+1)/2 ))p"; }

echo "| N | Hugo $(hugo version | grep -o 'v0\.[0-9.]*') (s) | Pagefind $("$pagefind" --version | grep -o '[0-9.]*$') (s) | together (s) | peak (MiB, larger process) |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  corpus="$BENCH_DIR/c$n"
  [ -d "$corpus/.git" ] || { echo "missing $corpus: run .ci/bench.sh $n first" >&2; exit 2; }
  # A copy, so that Hugo's files stay out of the corpus inquest reads.
  site="$BENCH_DIR/hugo-$n"
  rm -rf "$site" && mkdir -p "$site" && cp -a "$corpus/." "$site/"
  cat >"$site/hugo.toml" <<'EOF'
baseURL = "https://org.github.io/pm/"
title = "Postmortems"
contentDir = "postmortems"
enableGitInfo = true
EOF
  mkdir -p "$site/layouts/_default"
  cat >"$site/layouts/_default/baseof.html" <<'EOF'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>
EOF
  cat >"$site/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}{{ with .GitInfo }} · last changed by {{ .AuthorName }} in {{ .AbbreviatedHash }}{{ end }}</p>{{ .Content }}</article>{{ end }}
EOF
  cat >"$site/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF
  cp "$site/layouts/_default/list.html" "$site/layouts/index.html"
  out="$OUT_DIR/hugo-$n"
  hw=() pw=() tw=() pk=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    (cd "$site" && /usr/bin/time -f "%e %M" -o "$BENCH_DIR/ref-hugo.out" hugo --quiet -d "$out" >/dev/null 2>&1)
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/ref-pf.out" "$pagefind" --site "$out" --quiet >/dev/null 2>&1
    read -r h hm <"$BENCH_DIR/ref-hugo.out"
    read -r p pm <"$BENCH_DIR/ref-pf.out"
    hw+=("$h") pw+=("$p") tw+=("$(awk -v a="$h" -v b="$p" 'BEGIN { printf "%.2f", a + b }')") pk+=("$(( (hm > pm ? hm : pm) / 1024 ))")
  done
  echo "| $n | $(printf '%s\n' "${hw[@]}" | median) | $(printf '%s\n' "${pw[@]}" | median) | $(printf '%s\n' "${tw[@]}" | median) | $(printf '%s\n' "${pk[@]}" | median) |"
  rm -rf "$site" "$out"
done
