package e2e

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/testtmp"
)

// TestMain puts the tests' temporary folders on a memory file system when
// there is one (see package testtmp), gives the tests one cache folder
// for what they run of the CLI (`inquest search` in TestWasmSearchPage; a
// parallel test cannot set the environment), and after them stops the
// shared browser and removes the sites they built (see sharedBrowser and
// builtSites).
//
// It also says, in one line, that the browser tests were skipped: go test
// prints a passing package's output only with -v, so the line goes to the
// terminal go test runs in (/dev/tty) when there is one, and to standard
// error, which -v and a failure show, when there is not. In CI a missing
// browser fails the tests instead (see findChrome).
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run is TestMain's body, so that its deferred clean-ups run before
// os.Exit.
func run(m *testing.M) int {
	// Sites, caches and the browser's profile on a memory file system
	// (see package testtmp).
	defer testtmp.Use()()
	cache, err := os.MkdirTemp("", "inquest-e2e-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(cache)
	os.Setenv("INQUEST_CACHE_DIR", cache)
	defer sites.removeAll()
	defer chrome.close()
	code := m.Run()
	if chromePath(testBrowsers) == "" && os.Getenv("CI") == "" {
		var w io.Writer = os.Stderr
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		}
		fmt.Fprintf(w, "github.com/inquest-dev/inquest/pkg/e2e: browser tests skipped: %s\n", noChrome)
	}
	return code
}
