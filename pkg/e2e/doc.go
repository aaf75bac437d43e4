// Package e2e holds the browser end-to-end tests of the built site. They
// build a repository with the real build, serve the output under a sub-path
// with a plain static file server, and drive Chromium through chromedp, so
// they check what a reader's browser does: links that respect the base path,
// the search page's script, the Content-Security-Policy. The package has no
// code outside its tests.
//
// The tests drive Chromium's headless shell, or Chromium when there is no
// shell (the benchmarks prefer Chromium, as readers have it), and skip when
// neither is installed (apt-get install -y chromium-headless-shell
// chromium), except under CI=1, where they fail. INQUEST_CHROME names
// another browser.
// INQUEST_SCREENSHOTS=DIR writes the README screenshots into DIR.
package e2e
