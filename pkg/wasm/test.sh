#!/bin/sh
# test.sh builds the wasm search runtime, builds an index of a corpus with
# the project's own indexer.Build and the files `inquest build` ships for
# full-text search with indexer.WriteBrowser, and checks that the site's own
# search worker (theme/static/search-worker.js, loading the runtime as a
# reader's browser does) answers like the native search.Index, in node and
# in Chromium when it is installed.
#
#   pkg/wasm/test.sh /tmp/c1k
set -eu
corpus=${1:?usage: test.sh CORPUS}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=
browser=
# stop_browser ends every Chromium process of this run, found by its
# profile folder: the launcher does not wait for the browser, and the zygote
# and renderers outlive a TERM to the main process and write into the
# profile while it is being removed.
stop_browser() {
	[ -n "$browser" ] || return 0
	kill "$browser" 2>/dev/null || true
	profile="--user-data-dir=$work/chromium"
	pkill -TERM -f -- "$profile" 2>/dev/null || true
	i=0
	while pgrep -f -- "$profile" >/dev/null 2>&1 && [ $i -lt 40 ]; do
		sleep 0.25
		i=$((i + 1))
	done
	pkill -KILL -f -- "$profile" 2>/dev/null || true
	wait "$browser" 2>/dev/null || true
	browser=
}
# cleanup never fails the run: a temporary folder that will not go is not
# a failed test.
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null || true
	stop_browser
	for _ in 1 2 3 4 5; do
		rm -rf "$work" 2>/dev/null && return 0
		sleep 1
	done
	echo "test.sh: could not remove $work" >&2
}
trap cleanup EXIT

(cd "$here" && go vet ./... && go test ./...)
# The stand-in modules (see README.md) are modules of their own.
for shim in bboltshim protoshim zapshim geoshim; do
	(cd "$here/$shim" && go vet ./... && go test ./...)
done
sh "$here/build.sh" "$work/inquest.wasm"
echo "wasm: $(wc -c <"$work/inquest.wasm") bytes, gzip -9 $(gzip -9 -c "$work/inquest.wasm" | wc -c)"
queries='database timeout|tags:database severity:sev1|timeline:"rolled back" -status:draft|checkout~1 services:checkout-api'
site=$work/site
mkdir -p "$site/assets"
(cd "$here/internal/mkindex" && IFS='|' && set -f && go run . -corpus "$corpus" -index "$work/index" -shard-size "${SHARD_SIZE:-50}" \
	-site "$site" -wasm "$work/inquest.wasm" -wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js" $queries >"$site/want.json")
# The scripts the site ships, where the manifest names them.
theme=$here/../../theme/static
cp "$theme/search-worker.js" "$theme/memfs.js" "$site/assets/"
node "$here/js/node_test.js" "$site" "$site/want.json"

chromium=$(command -v chromium || true)
if [ -n "$chromium" ] && command -v python3 >/dev/null; then
	cp "$here/js/browser_test.html" "$site/"
	# The page posts its report: the worker runs in real time, which
	# --virtual-time-budget does not wait for.
	port=$((20000 + $$ % 10000))
	python3 "$here/js/report_server.py" "$port" "$work/report" "$site" &
	server=$!
	sleep 1
	"$chromium" --headless=new --no-sandbox --disable-gpu --user-data-dir="$work/chromium" --remote-debugging-port=0 \
		"http://127.0.0.1:$port/browser_test.html" >/dev/null 2>&1 &
	browser=$!
	i=0
	while [ ! -s "$work/report" ] && [ $i -lt 240 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	# Chromium writes its profile until it has exited.
	stop_browser
	echo "chromium:"
	out=$(cat "$work/report" 2>/dev/null || echo "FAIL no report in 120 s")
	echo "$out"
	case $out in *FAIL*) exit 1 ;; *"all done"*) ;; *) exit 1 ;; esac
fi
