package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/internal/testhook"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
)

// BuildOptions are the options of `inquest build`.
type BuildOptions struct {
	site.BuildOptions
	Quiet, Verbose, Strict bool
	CPUProfile, MemProfile string
}

func newBuildCmd(e *env) *cobra.Command {
	opts := &BuildOptions{}
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build the static site of a postmortem repository",
		Long: `build reads the repository in DIR (default: the current directory) and writes the
static site to --out (default DIR/public; missing parent folders are made): one page
per incident, tag, service, severity, status and year indexes, a timeline of all
incidents, action items, lessons learned, an operational review digest, metrics, an
Atom feed, sitemap.xml, api/incidents.json and a search page.

It reports the problems check reports, and counts them the same way. On a terminal,
a stage that takes longer than a second shows its progress (not with --quiet, nor
when the CI environment variable is set).

A build whose inputs (every file of the repository, HEAD, options, the inquest binary)
are those the output was built from does nothing and says so; --force builds anyway.
The site is written to a temporary folder and moved into place only when the whole
build succeeded: a failed build leaves the previous site untouched. Broken
postmortems are reported and left out (with --strict they fail the build). Git
history that cannot be read (a corrupt pack) is a warning and the site has no
history (with --strict it fails the build).`,
		Example: `  inquest build
  inquest build examples/acme --out /tmp/acme-site
  inquest build examples/acme --base-url https://org.github.io/postmortems/ --quiet
  inquest build examples/acme --audience public --out /tmp/acme-public`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runBuild(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "", "output folder (default DIR/public)")
	f.StringVar(&opts.BaseURL, "base-url", "", "absolute URL the site is published under (overrides base_url)")
	f.BoolVar(&opts.Drafts, "drafts", false, "include draft postmortems")
	f.StringVar(&opts.Audience, "audience", "internal", "internal, or public to leave out incidents with visibility: internal")
	f.BoolVar(&opts.NoHistory, "no-history", false, "do not read Git history")
	f.IntVar(&opts.PageSize, "page-size", 50, "incidents per list page")
	f.BoolVar(&opts.SearchIndex, "search-index", false, "ship full-text search (WebAssembly) to the browser whatever the site's size, as search.browser: wasm")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress output")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the time each stage took")
	f.BoolVar(&opts.Force, "force", false, "build even when the output was built from the same inputs")
	f.BoolVar(&opts.Strict, "strict", false, "fail (exit 1, previous site kept) when any postmortem has an error or Git history cannot be read (for CI)")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the build to this file")
	f.StringVar(&opts.MemProfile, "memprofile", "", "write a heap profile of the build's largest live heap to this file")
	return cmd
}

func runBuild(ctx context.Context, e *env, opts *BuildOptions) error {
	if opts.Audience != "" && opts.Audience != "internal" && opts.Audience != "public" {
		return usageError("--audience must be internal or public, not %q", opts.Audience)
	}
	if err := checkRepoDir(opts.Dir); err != nil {
		return err
	}
	if opts.Out != "" {
		// As Hugo does: --out a/b/c makes a/b.
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(opts.Out)), 0o755); err != nil {
			return usageError("--out %s: %v", opts.Out, errors.Unwrap(err))
		}
	}
	status := newStatusLine(e.stderr, progressEnabled(e.stderr, opts.Quiet, os.Getenv))
	if status != nil {
		opts.Progress = status
	}
	if p := testhook.ProgressFrom(ctx); p != nil {
		// A test stops the build at a stage to interrupt it there.
		opts.Progress = p
	}
	stop, err := startProfiles(opts.CPUProfile, opts.MemProfile)
	if err != nil {
		return err
	}
	bo := opts.BuildOptions
	bo.FailOnErrors = opts.Strict
	bo.Check, bo.CheckNow = true, checkNow()
	res, err := site.Build(ctx, bo)
	status.Close()
	if perr := stop(); err == nil && perr != nil {
		err = perr
	}
	notReplaced := errors.Is(err, site.ErrFindings)
	noHistory := errors.Is(err, site.ErrHistory)
	if errors.Is(err, repo.ErrNoPostmortems) {
		return &exitError{code: ExitFindings, err: err}
	}
	if err != nil && !notReplaced && !noHistory {
		return err
	}
	if res.Found != "" {
		fmt.Fprintln(e.stderr, res.Found)
	}
	root, _ := filepath.Abs(opts.Dir)
	relativeToWD(res.Findings, root)
	var n findingCount
	for _, f := range res.Findings {
		n.add(f.Level)
		if f.Level != postmortem.LevelInfo {
			fmt.Fprintln(e.stderr, formatFinding(f))
		}
	}
	for _, w := range res.Warnings {
		n.add(postmortem.LevelWarning)
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	for _, note := range res.Notes {
		fmt.Fprintln(e.stderr, "note: "+note)
	}
	if res.Uncommitted > 0 {
		fmt.Fprintf(e.stderr, "note: %s uncommitted changes: the site differs from what HEAD builds\n", plural(res.Uncommitted, "postmortem has", "postmortems have"))
	}
	if opts.Verbose {
		for _, s := range res.Stages {
			fmt.Fprintf(e.stderr, "  %-9s %s\n", s.Name, s.Elapsed.Round(time.Millisecond))
		}
	}
	out, _ := filepath.Abs(res.Out)
	if notReplaced {
		return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: %s in postmortems; %s was left as it was", plural(n.errors, "error"), out)}
	}
	if noHistory {
		return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: Git history could not be read; %s was left as it was", out)}
	}
	if res.UpToDate {
		fmt.Fprintf(e.stdout, "%s is up to date: %s, %s (%s; %s; checked in %s, --force to rebuild)\n",
			out, plural(res.Incidents, "incident"), plural(res.Pages, "page"), leftOutText(res.LeftOut, opts.Audience), n, res.Elapsed.Round(time.Millisecond))
	} else {
		fmt.Fprintf(e.stdout, "built %s, %s into %s in %s (%s; %s)\n",
			plural(res.Incidents, "incident"), plural(res.Pages, "page"), out, res.Elapsed.Round(time.Millisecond), leftOutText(res.LeftOut, opts.Audience), n)
	}
	if opts.Strict && n.errors > 0 {
		return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: %s in postmortems", plural(n.errors, "error"))}
	}
	return nil
}

// leftOutText says which postmortems have no page and why.
func leftOutText(l site.LeftOut, audience string) string {
	var parts []string
	if l.Drafts > 0 {
		parts = append(parts, plural(l.Drafts, "draft")+" left out (--drafts includes "+pick(l.Drafts, "it", "them")+")")
	}
	if l.Internal > 0 {
		parts = append(parts, plural(l.Internal, "internal incident")+" left out (--audience "+audience+")")
	}
	if l.Broken > 0 {
		parts = append(parts, plural(l.Broken, "broken postmortem")+" left out (see the errors above)")
	}
	if len(parts) == 0 {
		return "none left out"
	}
	return strings.Join(parts, ", ")
}

// findingCount counts findings by level.
type findingCount struct{ errors, warnings int }

func (c *findingCount) add(level string) {
	switch level {
	case postmortem.LevelError:
		c.errors++
	case postmortem.LevelWarning:
		c.warnings++
	}
}

func (c findingCount) String() string {
	return plural(c.errors, "error") + ", " + plural(c.warnings, "warning")
}

// plural is "1 error" or "2 errors"; with a third argument, the plural
// form is given in full: plural(n, "postmortem has", "postmortems have").
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
