#!/usr/bin/env bash
# Installs, once, the web checkers the tests and CI point at the built site,
# from npm: axe-core (the accessibility rules pkg/e2e injects into each page)
# and vnu-jar (the Nu HTML Checker, which needs java). Pinned; run again, it
# installs nothing when both are there at these versions. Install scripts are
# not run: vnu-jar's would download a Java runtime, and Debian's is used.
#
#   axe-core: $(npm root -g)/axe-core/axe.min.js  (pkg/e2e reads $INQUEST_AXE)
#   vnu-jar:  $(npm root -g)/vnu-jar/build/dist/vnu.jar
set -euo pipefail
axe=4.14.1
vnu=26.9.27
root=$(npm root -g)
version() { node -p "require(process.argv[1]).version" "$root/$1/package.json" 2>/dev/null || true; }
if [ "$(version axe-core)" != "$axe" ] || [ "$(version vnu-jar)" != "$vnu" ]; then
  npm install -g --ignore-scripts --no-fund --no-audit --loglevel=error "axe-core@$axe" "vnu-jar@$vnu"
fi
echo "axe-core $(version axe-core), vnu-jar $(version vnu-jar) in $root"
