#!/usr/bin/env bash
# What the audit trail (issue #18) costs a 10k build, cold and warm: one binary
# of HEAD with .ci/audit-switch.patch applied, whose INQUEST_AUDIT_OFF=1 turns
# the trail's work off (no revision or since-approval comparison, no
# action-item lifetimes, their caches not read, no audit on the site). Cold,
# then warm (--force) builds with the trail on and off in turns, the order
# swapped every pair, a fresh cache and output folder for each pair; wall time
# and CPU time (perf stat task-clock, when perf is there) of each build, then
# the medians of each side and their ratios.
#
#   .ci/bench-audit.sh [PAIRS] [N]     default: 12 pairs of the 10000 corpus
#   .ci/bench-audit.sh check           only apply the patch and build (.ci/run)
#
# The corpus is $BENCH_DIR/c$N as .ci/bench.sh makes it; builds write under
# $OUT_DIR (default /dev/shm when it exists). Run it on an idle machine: a
# pair takes about a minute and a half at 10k.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-12}
n=${2:-10000}
BENCH_DIR=${BENCH_DIR:-/tmp/inquest-bench}
OUT_DIR=${OUT_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo "$BENCH_DIR")}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work" "$OUT_DIR"/audit-bench-*' EXIT
git worktree add -q --detach "$work/src" HEAD
git -C "$work/src" apply "$PWD/.ci/audit-switch.patch"
(cd "$work/src" && go build -trimpath -o "$work/inquest" ./cmd/inquest)
if [ "$pairs" = check ]; then
  echo "the switch applies to HEAD and builds"
  exit 0
fi
corpus="$BENCH_DIR/c$n"
if [ ! -d "$corpus/.git" ]; then
  mkdir -p "$BENCH_DIR"
  python3 ../shared/bench/gencorpus.py --n "$n" --seed 1 --out "$corpus" >/dev/null
fi
results="$work/results"
: > "$results"

# run MODE KIND PAIR: one build, its line appended to $results.
run() {
  local mode=$1 kind=$2 i=$3 off=0 force=()
  [ "$mode" = off ] && off=1
  [ "$kind" = warm ] && force=(--force)
  local start end cpu=""
  start=$(date +%s.%N)
  if command -v perf >/dev/null; then
    env INQUEST_AUDIT_OFF=$off INQUEST_CACHE_DIR="$OUT_DIR/audit-bench-cache-$mode" \
      perf stat -x, -e task-clock -o "$work/perf" \
      "$work/inquest" build "$corpus" --out "$OUT_DIR/audit-bench-out-$mode" -q "${force[@]}" >/dev/null 2>&1
    cpu=$(awk -F, '/task-clock/ {printf "%.1f", $1/1000}' "$work/perf")
  else
    env INQUEST_AUDIT_OFF=$off INQUEST_CACHE_DIR="$OUT_DIR/audit-bench-cache-$mode" \
      "$work/inquest" build "$corpus" --out "$OUT_DIR/audit-bench-out-$mode" -q "${force[@]}" >/dev/null 2>&1
  fi
  end=$(date +%s.%N)
  printf '%s %s %s %.2f %s\n' "$kind" "$mode" "$i" "$(awk "BEGIN {print $end - $start}")" "${cpu:-nan}" | tee -a "$results"
}

for i in $(seq "$pairs"); do
  rm -rf "$OUT_DIR"/audit-bench-*
  order="on off"
  [ $((i % 2)) = 0 ] && order="off on"
  for m in $order; do run "$m" cold "$i"; done
  for m in $order; do run "$m" warm "$i"; done
done

python3 - "$results" <<'PY'
import statistics as st, sys
d = {}
for line in open(sys.argv[1]):
    kind, mode, i, wall, cpu = line.split()
    d.setdefault((kind, mode), {})[int(i)] = (float(wall), float(cpu))
print("| build | on (s) | off (s) | ratio | CPU on / off (s) | CPU ratio | pairs' ratios (median) |")
print("|---|---|---|---|---|---|---|")
for kind in ("cold", "warm"):
    on, off = d[(kind, "on")], d[(kind, "off")]
    both = sorted(set(on) & set(off))
    w_on, w_off = st.median(on[i][0] for i in both), st.median(off[i][0] for i in both)
    c_on, c_off = st.median(on[i][1] for i in both), st.median(off[i][1] for i in both)
    r = [on[i][0] / off[i][0] for i in both]
    print(f"| {kind} | {w_on:.2f} | {w_off:.2f} | {w_on / w_off:.3f} | {c_on:.1f} / {c_off:.1f} | {c_on / c_off:.3f} | {min(r):.2f}–{max(r):.2f} ({st.median(r):.3f}) |")
PY
