// Package cli implements the inquest command line: one Options struct and
// one run function per command, wired to cobra for flags and help.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/config"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1 // content has error-level findings
	ExitUsage    = 2 // usage or internal error
)

// exitError carries an exit code with an optional message already printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errFindings is returned by commands that printed error-level findings.
var errFindings = &exitError{code: ExitFindings}

// Version is the inquest version, set at build time with -ldflags
// (release builds); when it is not, --version reads the module version and
// the commit from the build information Go records in the binary.
var Version = "dev"

// version is what --version prints: Version when the build set it, else
// the module version of info (from debug.ReadBuildInfo), else its VCS
// revision, time and state, else "dev".
func version(stamped string, info *debug.BuildInfo) string {
	if stamped != "dev" && stamped != "" {
		return stamped
	}
	if info == nil {
		return "dev"
	}
	// A module version, a tag or a pseudo-version (which Go makes from the
	// commit's time and hash, +dirty with uncommitted changes), says it all.
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	details := []string{"commit " + rev}
	if at != "" {
		details = append(details, at)
	}
	if modified {
		details = append(details, "with uncommitted changes")
	}
	return "dev (" + strings.Join(details, ", ") + ")"
}

// env is what every command gets from Run.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Run runs the inquest command line with args (without the program name)
// and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil {
			printError(stderr, xe.err)
		}
		return xe.code
	}
	printError(stderr, err)
	if errors.Is(err, context.Canceled) {
		return interruptCode(ctx)
	}
	return ExitUsage
}

// printError prints err with "inquest: " before every line, so that
// each line of a multi-line error (every problem of a configuration, a
// query with a caret under the fault) is seen to come from inquest and
// the caret stays under its column.
func printError(w io.Writer, err error) {
	for line := range strings.Lines(strings.TrimRight(err.Error(), "\n")) {
		fmt.Fprintf(w, "inquest: %s\n", strings.TrimRight(line, "\n"))
	}
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "inquest",
		Short: "Build a static site from a Git repository of incident postmortems",
		Long: `inquest reads a Git repository of Markdown postmortems and checks them,
exports them as JSON, shows their audit trail from Git history, and builds
a static site from them.

The repository's inquest.yaml (optional) configures where postmortems live,
the severity scale, required fields and field aliases.`,
		Version:       version(Version, buildInfo()),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newBuildCmd(e), newServeCmd(e), newSearchCmd(e), newCheckCmd(e), newExportCmd(e), newHistoryCmd(e))
	root.AddCommand(newInitCmd(e), newNewCmd(e), newAdoptCmd(e))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%w\nrun '%s --help' for usage", err, c.CommandPath())}
	})
	return root
}

// buildInfo is the binary's build information, nil when it has none.
func buildInfo() *debug.BuildInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return info
}

// usageError marks an error as a usage error (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// pathError is the usage error for a path argument that cannot be used,
// worded the same by every command.
func pathError(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return usageError("%s: no such file or folder", p)
	}
	if u := errors.Unwrap(err); u != nil {
		err = u
	}
	return usageError("%s: %v", p, err)
}

// checkRepoDir fails as findRoot does when dir, a repository folder
// argument, does not exist or is not a folder.
func checkRepoDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return pathError(dir, err)
	}
	if !st.IsDir() {
		return usageError("%s: not a folder", dir)
	}
	return nil
}

// findRoot returns the repository root for a path: the nearest ancestor
// holding inquest.yaml or .git, else the directory itself.
func findRoot(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", pathError(p, err)
	}
	dir := abs
	if !st.IsDir() {
		dir = filepath.Dir(abs)
	}
	for d := dir; ; {
		for _, marker := range []string{config.FileName, ".git"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, nil
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	// No marker: the parent of the nearest folder named like a content root.
	for d := dir; ; d = filepath.Dir(d) {
		switch filepath.Base(d) {
		case "postmortems", "incidents", "post-mortems":
			return filepath.Dir(d), nil
		}
		if filepath.Dir(d) == d {
			return dir, nil
		}
	}
}
