package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
)

func newBuildCmd(e *env) *cobra.Command {
	opts := site.BuildOptions{}
	var quiet, verbose, strict bool
	var cpuProfile, memProfile string
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build the static site of a postmortem repository",
		Long: `build reads the repository in DIR (default: the current directory) and writes the
static site to --out (default DIR/public): one page per incident, tag, service,
severity, status and year indexes, a timeline of all incidents, action items, lessons
learned, an operational review digest, metrics, an Atom feed, sitemap.xml,
api/incidents.json and a search page.

A build whose inputs (every file of the repository, HEAD, options, the inquest binary)
are those the output was built from does nothing and says so; --force builds anyway.
The site is written to a temporary folder and moved into place only when the whole
build succeeded: a failed build leaves the previous site untouched. Broken
postmortems are reported and left out (with --strict they fail the build). Git
history that cannot be read (a corrupt pack) is a warning and the site has no
history (with --strict it fails the build).`,
		Example: `  inquest build
  inquest build examples/acme --out /tmp/acme-site
  inquest build --base-url https://org.github.io/postmortems/ --quiet
  inquest build --audience public --out public-site`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if opts.Audience != "" && opts.Audience != "internal" && opts.Audience != "public" {
				return usageError("--audience must be internal or public, not %q", opts.Audience)
			}
			if !quiet && isTerminal(e.stderr) {
				opts.Progress = e.stderr
			}
			stop, err := startProfiles(cpuProfile, memProfile)
			if err != nil {
				return err
			}
			opts.FailOnErrors = strict
			res, err := site.Build(cmd.Context(), opts)
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
			errs, warns := 0, 0
			for _, f := range res.Findings {
				switch f.Level {
				case postmortem.LevelError:
					errs++
				case postmortem.LevelWarning:
					warns++
				}
				if f.Level != postmortem.LevelInfo {
					fmt.Fprintln(e.stderr, formatFinding(f))
				}
			}
			for _, w := range res.Warnings {
				warns++
				fmt.Fprintln(e.stderr, "warning: "+w)
			}
			if res.Uncommitted > 0 {
				warns++
				fmt.Fprintf(e.stderr, "warning: %d postmortems have uncommitted changes: the site differs from HEAD\n", res.Uncommitted)
			}
			if verbose {
				for _, s := range res.Stages {
					fmt.Fprintf(e.stderr, "  %-9s %s\n", s.Name, s.Elapsed.Round(time.Millisecond))
				}
			}
			out, _ := filepath.Abs(res.Out)
			if notReplaced {
				return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: %d errors in postmortems; %s was left as it was", errs, out)}
			}
			if noHistory {
				return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: Git history could not be read; %s was left as it was", out)}
			}
			if res.UpToDate {
				fmt.Fprintf(e.stdout, "%s is up to date: %d incidents, %d pages (%d errors, %d warnings; checked in %s, --force to rebuild)\n",
					out, res.Incidents, res.Pages, errs, warns, res.Elapsed.Round(time.Millisecond))
			} else {
				fmt.Fprintf(e.stdout, "built %d incidents, %d pages into %s in %s (%d skipped, %d errors, %d warnings)\n",
					res.Incidents, res.Pages, out, res.Elapsed.Round(time.Millisecond), res.Skipped, errs, warns)
			}
			if strict && errs > 0 {
				return &exitError{code: ExitFindings, err: fmt.Errorf("--strict: %d errors in postmortems", errs)}
			}
			return nil
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
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the time each stage took")
	f.BoolVar(&opts.Force, "force", false, "build even when the output was built from the same inputs")
	f.BoolVar(&strict, "strict", false, "fail (exit 1, previous site kept) when any postmortem has an error or Git history cannot be read (for CI)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the build to this file")
	f.StringVar(&memProfile, "memprofile", "", "write a heap profile at the end of the build to this file")
	return cmd
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
