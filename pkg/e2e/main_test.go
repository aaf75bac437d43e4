package e2e

import (
	"fmt"
	"io"
	"os"
	"testing"
)

// TestMain says, in one line, that the browser tests were skipped: go test
// prints a passing package's output only with -v, so the line goes to the
// terminal go test runs in (/dev/tty) when there is one, and to standard
// error, which -v and a failure show, when there is not. In CI a missing
// browser fails the tests instead (see findChrome).
func TestMain(m *testing.M) {
	code := m.Run()
	if chromePath() == "" && os.Getenv("CI") == "" {
		var w io.Writer = os.Stderr
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		}
		fmt.Fprintf(w, "github.com/inquest-dev/inquest/pkg/e2e: browser tests skipped: %s\n", noChrome)
	}
	os.Exit(code)
}
