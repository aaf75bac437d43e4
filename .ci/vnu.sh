#!/usr/bin/env bash
# Builds the example site and checks every page with the Nu HTML Checker
# (vnu, installed by .ci/webtools.sh): any error fails. Warnings are printed
# and allowed; on this site they are "Resource violates Content Security
# Policy" for the stylesheet and images, which vnu reports because it reads
# the pages as file: URLs, where the policy's 'self' is no origin.
#
#   .ci/vnu.sh [REPOSITORY]   (default examples/acme)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-examples/acme}
jar="$(npm root -g)/vnu-jar/build/dist/vnu.jar"
[ -f "$jar" ] || { echo "$jar is missing: run .ci/webtools.sh"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# -buildvcs=false: a CI container may check out the repository as another user.
go build -buildvcs=false -o "$out/inquest" ./cmd/inquest
"$out/inquest" build "$repo" --out "$out/public" --quiet
pages=$(find "$out/public" -name '*.html' | wc -l)
# vnu exits 1 when it reports an error, 0 when only warnings.
if java -jar "$jar" --skip-non-html "$out/public" 2>"$out/vnu.txt"; then status=0; else status=$?; fi
sed "s#file:$out/public/##" "$out/vnu.txt"
errors=$(grep -c ': error: ' "$out/vnu.txt" || true)
warnings=$(grep -c 'warning: ' "$out/vnu.txt" || true)
echo "vnu: $pages pages of $repo, $errors errors, $warnings warnings"
if [ "$status" != 0 ] || [ "$errors" != 0 ]; then
  exit 1
fi
