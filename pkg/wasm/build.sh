#!/bin/sh
# build.sh builds the wasm search runtime. It is the one place the build's
# flags live: test.sh and pkg/wasmrt's generator run it. -names keeps the
# function names, for internal/wasmsize.
#
#   pkg/wasm/build.sh [-names] OUT.wasm
set -eu
ldflags="-s -w"
if [ "${1:-}" = -names ]; then
	ldflags="-w"
	shift
fi
out=${1:?usage: build.sh [-names] OUT.wasm}
case $out in /*) ;; *) out=$PWD/$out ;; esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The standard library's expvar is compiled from expvarshim/expvar.go (see
# there why). An overlay replaces files, not packages: stop if the
# toolchain's expvar is more than the one file.
goroot=$(go env GOROOT)
files=$(cd "$goroot/src/expvar" && ls *.go | grep -v '_test\.go$' | tr '\n' ' ')
if [ "$files" != "expvar.go " ]; then
	echo "build.sh: $goroot/src/expvar has $files; expvarshim replaces expvar.go only" >&2
	exit 1
fi
printf '{"Replace": {"%s/src/expvar/expvar.go": "%s/expvarshim/expvar.go"}}\n' "$goroot" "$here" >"$tmp/overlay.json"

# The environment must not change the output: no GOFLAGS, no workspace.
cd "$here"
GOOS=js GOARCH=wasm CGO_ENABLED=0 GOFLAGS= GOWORK=off \
	go build -trimpath -buildvcs=false -overlay "$tmp/overlay.json" -ldflags="$ldflags" -o "$out" .
