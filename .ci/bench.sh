#!/usr/bin/env bash
# Benchmarks inquest on the shared synthetic corpus and prints a Markdown
# table: full build cold (no caches), warm (history and index cached, output
# forced), no-change (nothing to do), one postmortem edited, and search.
#
#   .ci/bench.sh [N...]        default: 1000 10000
#
# Needs python3 and ../shared/bench/gencorpus.py beside the checkout, and
# GNU time (/usr/bin/time, Debian package "time"). Corpora are cached in
# $BENCH_DIR (default /tmp/inquest-bench). Sites are written under $OUT_DIR
# (default /dev/shm/inquest-bench when /dev/shm exists: tmpfs, as in the
# Hugo and Pagefind reference figures). Medians of $RUNS runs (default 3).
# The serve row is the mean of seven edits, each timed from the file
# written to the reload event in a connected client (pkg/serve's
# BenchmarkEditToReload).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
BENCH_DIR=${BENCH_DIR:-/tmp/inquest-bench}
RUNS=${RUNS:-3}
gen=../shared/bench/gencorpus.py
[ -f "$gen" ] || { echo "missing $gen"; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
mkdir -p "$BENCH_DIR"
if [ -z "${OUT_DIR:-}" ]; then
  OUT_DIR=$BENCH_DIR
  [ -d /dev/shm ] && OUT_DIR=/dev/shm/inquest-bench
fi
mkdir -p "$OUT_DIR"
bin="$BENCH_DIR/inquest"
go build -trimpath -o "$bin" ./cmd/inquest

# measure LABEL CMD...: runs CMD $RUNS times, prints "median_wall median_peak_mib"
measure() {
  local walls=() peaks=()
  for _ in $(seq "$RUNS"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>&1
    read -r w m < "$BENCH_DIR/time.out"
    walls+=("$w"); peaks+=("$m")
  done
  local w m
  w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS+1)/2 ))p")
  m=$(printf '%s\n' "${peaks[@]}" | sort -n | sed -n "$(( (RUNS+1)/2 ))p")
  echo "$w $(( m / 1024 ))"
}

# merge_one CORPUS FILE: commits a copy of FILE with a new id and title.
merge_one() {
  local n copy
  n=$(date +%s%N)
  copy="$(dirname "$2")/merged-$n.md"
  sed -e "s/^id: .*/id: INC-M$n/" -e "s/^title: \"/title: \"Merged for the benchmark: /" "$2" > "$copy"
  git -C "$1" add "$copy"
  git -C "$1" -c user.name=Bench -c user.email=bench@example.com commit -q -m "Add a postmortem for the benchmark"
}

echo "| N | commits | step | wall (s) | peak (MiB) |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  corpus="$BENCH_DIR/c$n"
  if [ ! -d "$corpus/.git" ]; then
    python3 "$gen" --n "$n" --seed 1 --out "$corpus" >/dev/null
  fi
  commits=$(git -C "$corpus" rev-list --count HEAD)
  cache="$BENCH_DIR/cache-$n"
  out="$OUT_DIR/out-$n"
  row() { read -r w m; echo "| $n | $commits | $1 | $w | $m |"; }

  BEFORE="rm -rf '$cache' '$out'" measure env INQUEST_CACHE_DIR="$cache" "$bin" build "$corpus" --out "$out" --base-url https://org.github.io/pm/ -q | row "build, cold (no cache)"
  BEFORE="" measure env INQUEST_CACHE_DIR="$cache" "$bin" build "$corpus" --out "$out" --base-url https://org.github.io/pm/ -q --force | row "build, warm caches (--force)"
  BEFORE="" measure env INQUEST_CACHE_DIR="$cache" "$bin" build "$corpus" --out "$out" --base-url https://org.github.io/pm/ -q | row "build, no change"
  first=$(find "$corpus/postmortems" -name '*.md' | sort | sed -n 1p)
  BEFORE="printf '\nEdited for the benchmark at %s.\n' \"\$(date +%s%N)\" >> '$first'" measure env INQUEST_CACHE_DIR="$cache" "$bin" build "$corpus" --out "$out" --base-url https://org.github.io/pm/ -q | row "build, one postmortem edited"
  git -C "$corpus" checkout -q -- .
  # One postmortem merged, as CI publishes a merge: a new commit adds a
  # postmortem (the newest one, copied with a new id and title), and the
  # build finds the cache a build of the commit before it left, as the
  # publish workflow's restored cache has it. Untimed before each run: the
  # corpus back at its commit, built once to warm the cache there.
  base=$(git -C "$corpus" rev-parse HEAD)
  newest=$(find "$corpus/postmortems" -name '*.md' | sort | tail -n 1)
  BEFORE="git -C '$corpus' reset -q --hard $base; env INQUEST_CACHE_DIR='$cache' '$bin' build '$corpus' --out '$out' --base-url https://org.github.io/pm/ -q >/dev/null 2>&1; merge_one '$corpus' '$newest'" measure env INQUEST_CACHE_DIR="$cache" "$bin" build "$corpus" --out "$out" --base-url https://org.github.io/pm/ -q | row "build, one postmortem merged (a new commit)"
  git -C "$corpus" reset -q --hard "$base"
  # The edit changed the files: the first search brings the index up to date.
  env INQUEST_CACHE_DIR="$cache" "$bin" search -C "$corpus" x >/dev/null 2>&1
  BEFORE="" measure env INQUEST_CACHE_DIR="$cache" "$bin" search -C "$corpus" '+tags:database +severity:SEV1 "connection pool"' --facets | row "search, end to end"
  # A failed benchmark leaves the row "(failed)"; the rows after it are
  # still measured.
  # TMPDIR on the corpus's disk, as in earlier rounds: the test binaries
  # otherwise make their folders on /dev/shm (pkg/internal/testtmp), and
  # the benchmark's copy of the corpus would be on tmpfs.
  serve=$( (TMPDIR=${TMPDIR:-/tmp} INQUEST_BENCH_CORPUS="$corpus" go test ./pkg/serve -run '^$' -bench '^BenchmarkEditToReload$' -benchtime 7x -count=1 -timeout 30m 2>&1 || true) |
    awk '/^BenchmarkEditToReload/ { printf "%.2f\n", $3 / 1e9; exit }')
  echo "| $n | $commits | serve, one postmortem edited → reload | ${serve:-(failed)} | |"
  BEFORE="" measure git -C "$corpus" log --name-only --no-merges --format=%H | row "git log --name-only (reference)"
done
