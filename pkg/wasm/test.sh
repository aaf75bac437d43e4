#!/bin/sh
# test.sh builds the wasm search runtime, builds an index of a corpus with
# the project's own search.Build, and checks that the runtime answers like
# the native search.Index in node (and in Chromium when it is installed).
#
#   pkg/wasm/test.sh /tmp/c1k
set -eu
corpus=${1:?usage: test.sh CORPUS}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=

(cd "$here" && go vet ./... && go test ./...)
# The stand-in modules (see README.md) are modules of their own.
for shim in bboltshim protoshim zapshim geoshim; do
	(cd "$here/$shim" && go vet ./... && go test ./...)
done
sh "$here/build.sh" "$work/inquest.wasm"
echo "wasm: $(wc -c <"$work/inquest.wasm") bytes, gzip -9 $(gzip -9 -c "$work/inquest.wasm" | wc -c)"
queries='database timeout|tags:database severity:sev1|timeline:"rolled back" -status:draft|checkout~1 services:checkout-api'
(cd "$here/internal/mkindex" && IFS='|' && set -f && go run . -corpus "$corpus" -index "$work/index" $queries >"$work/want.json")
node "$here/js/node_test.js" "$work/inquest.wasm" "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$work/index" "$work/want.json"

chromium=$(command -v chromium || true)
if [ -n "$chromium" ] && command -v python3 >/dev/null; then
	cp "$here/js/memfs.js" "$here/js/loader.js" "$here/js/browser_test.html" "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$work/"
	(cd "$work/index" && find . -type f | sed 's|^\./||' | python3 -c 'import json,sys; print(json.dumps(sorted(l.strip() for l in sys.stdin)))' >manifest.json)
	port=$((20000 + $$ % 10000))
	(cd "$work" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
	server=$!
	sleep 1
	dom=$("$chromium" --headless=new --no-sandbox --disable-gpu --virtual-time-budget=60000 --dump-dom "http://127.0.0.1:$port/browser_test.html" 2>/dev/null)
	# Virtual time: the page's own clock does not advance while Go runs, so
	# this checks results only; node_test.js measures latency.
	out=$(echo "$dom" | tr '\n' '\r' | sed 's|.*<pre id="out">\([^<]*\)</pre>.*|\1|' | tr '\r' '\n')
	echo "chromium:"
	echo "$out"
	case $out in *FAIL*) exit 1 ;; *"all done"*) ;; *) exit 1 ;; esac
fi
