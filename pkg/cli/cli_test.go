package cli_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/internal/testhook"
	"github.com/inquest-dev/inquest/pkg/internal/testtmp"
)

func TestMain(m *testing.M) {
	// Temporary folders on a memory file system, the scripts' and the
	// inquest processes' too (see package testtmp).
	undo := testtmp.Use()
	testscript.Main(afterTests{m, func() { cli.RemoveTestFixtures(); undo() }}, map[string]func(){
		// As cmd/inquest does: an interrupt cancels the command.
		"inquest": func() {
			ctx, stop := cli.NotifyContext(context.Background())
			if stage := os.Getenv(stopEnv); stage != "" {
				// TestSignalInterruptsBuild stops the build there.
				ctx = testhook.WithProgress(ctx, stopAt{ctx, stage, os.Stderr})
			}
			code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		},
	})
}

// afterTests runs the tests, then after.
type afterTests struct {
	m     *testing.M
	after func()
}

func (a afterTests) Run() int {
	defer a.after()
	// The collector set for tests (see package testtmp), in the test
	// process alone: the inquest processes the scripts start run as
	// cmd/inquest does.
	testtmp.GC()
	return a.m.Run()
}

// TestScripts runs the CLI scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			env.Setenv("INQUEST_CACHE_DIR", env.WorkDir+"/.cache")
			// Overdue items and old drafts are measured against a fixed day.
			env.Setenv("SOURCE_DATE_EPOCH", "1710028800") // 2024-03-10
			// A free port for serve.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
			return ln.Close()
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"httpget": httpGet,
		},
	})
}

// httpGet is the script command "httpget URL [REGEXP...]": it fetches URL,
// retrying for up to 60 s while nothing listens there (serve builds the
// site first), and fails unless the status is 200 and the body matches
// every REGEXP. With !, it fails when the status is 200.
func httpGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: httpget URL [REGEXP...]")
	}
	deadline := time.Now().Add(60 * time.Second)
	var resp *http.Response
	for {
		var err error
		resp, err = http.Get(args[0])
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("httpget %s: %v", args[0], err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.Fatalf("httpget %s: %v", args[0], err)
	}
	if neg {
		if resp.StatusCode == http.StatusOK {
			ts.Fatalf("httpget %s: status 200, want another", args[0])
		}
		return
	}
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("httpget %s: status %s", args[0], resp.Status)
	}
	for _, re := range args[1:] {
		if !regexp.MustCompile(re).Match(body) {
			ts.Fatalf("httpget %s: no match for %q in the body:\n%s", args[0], re, clip(body))
		}
	}
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return fmt.Sprintf("%s… (%d bytes)", b[:2000], len(b))
	}
	return string(b)
}
