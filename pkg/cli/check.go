package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// CheckOptions are the options of `inquest check`.
type CheckOptions struct {
	Paths     []string
	Format    string // text, json or github
	Changed   string // check only files changed against the merge base with this ref
	NoHistory bool
	// Summary names a file the review summary (Markdown) is appended to;
	// with Format github, $GITHUB_STEP_SUMMARY is one too.
	Summary string
	// Verbose lists every inferred field and where it came from, and the
	// scales learned from the postmortems.
	Verbose bool
}

// checkNow is the time overdue items and old drafts are measured against:
// SOURCE_DATE_EPOCH when set (reproducible CI runs and tests), else now.
func checkNow() time.Time {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now()
}

func newCheckCmd(e *env) *cobra.Command {
	opts := &CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Validate postmortems and report every problem with its file and line",
		Long: `check parses every postmortem of the repository that contains PATH (default: the
current directory) and reports all problems at once, as path:line:col: level: message.
With file or folder arguments, only findings in those files are printed (ids are still
checked for duplicates across the whole repository).

Rules have ids and levels that inquest.yaml can change (rules: {vague-action-item: error,
blameless-language: off}); a comment <!-- inquest-disable rule-id --> in a postmortem turns
a rule off for that file, <!-- inquest-disable-next-line rule-id --> for the next line.
The README lists every rule.

Exit status: 0 when there are no errors (warnings allowed), 1 when any error-level
finding exists, 2 on a usage or internal error.`,
		Example: `  inquest check --changed          # pull requests: only what the branch changed
  inquest check
  inquest check postmortems/2024/2024-03-01-payment-webhook-outage.md
  inquest check --format github   # annotations on pull requests
  inquest check --format json examples/acme`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			return runCheck(cmd, e, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text, json or github (workflow annotations)")
	cmd.Flags().StringVar(&opts.Changed, "changed", "", "check only postmortems changed since the merge base with this branch (e.g. origin/main), committed or not")
	cmd.Flags().Lookup("changed").NoOptDefVal = "origin/main"
	cmd.Flags().StringVar(&opts.Summary, "summary", "", "append a Markdown review summary of the postmortems checked (committee, sign-offs, what changed since approval) to this file, e.g. for a GitLab CI report")
	cmd.Flags().BoolVar(&opts.NoHistory, "no-history", false, "do not read Git history (skips review-signoff; stale-draft uses the incident date)")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every field inquest inferred (not written in front matter) and where it came from, and the scales it learned")
	return cmd
}

func runCheck(cmd *cobra.Command, e *env, opts *CheckOptions) error {
	if opts.Format != "text" && opts.Format != "json" && opts.Format != "github" {
		return usageError("--format must be text, json or github, not %q", opts.Format)
	}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root, err := findRoot(paths[0])
	if err != nil {
		return err
	}
	repo, err := repo.Load(cmd.Context(), root, repo.Options{History: !opts.NoHistory, OneLoad: true})
	if err != nil {
		return err
	}
	if err := lint.Validate(repo.Config); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if err := repo.NoneFound(); err != nil {
		return &exitError{code: ExitFindings, err: err}
	}
	if line := repo.Found(); line != "" {
		fmt.Fprintln(e.stderr, line)
	}
	var filters []string
	for _, p := range opts.Paths {
		abs, _ := filepath.Abs(p)
		rel, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			return usageError("%s is not inside the repository %s", p, root)
		}
		if rel != "." {
			filters = append(filters, filepath.ToSlash(rel))
		}
	}
	if opts.Changed != "" {
		changed, err := changedFiles(cmd.Context(), root, opts.Changed, repo)
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			fmt.Fprintf(e.stdout, "no postmortem changed against %s\n", opts.Changed)
			return writeSummaries(opts, reviewSummary(nil, "changed against "+opts.Changed))
		}
		filters = append(filters, changed...)
	}
	all := repo.Set.AllFindings()
	if len(filters) == 0 {
		for _, w := range repo.Warnings {
			all = append(all, postmortem.Finding{Level: postmortem.LevelWarning, Rule: "git", Message: w})
		}
	}
	all = lint.Apply(repo.Config, repo.Set.Incidents, all)
	all = append(all, lint.Run(cmd.Context(), repo.Config, repo.Set.Incidents, lint.Options{Root: root, Now: checkNow()})...)
	postmortem.SortFindings(all)
	var findings []postmortem.Finding
	for _, f := range all {
		if matchesFilter(f.File, filters) {
			findings = append(findings, f)
		}
	}
	relativeToWD(findings, root)
	var inferred []inference
	if opts.Verbose {
		wd, _ := filepath.Abs(".")
		inferred = inferences(repo, func(file string) bool { return matchesFilter(file, filters) }, wd, root)
	}
	n := len(repo.Set.Incidents)
	if err := writeFindings(e.stdout, opts.Format, findings, inferred, n); err != nil {
		return err
	}
	if summaryFiles(opts) != nil {
		scope, of := summaryScope(cmd.Context(), root, opts, filters, repo)
		var incs []*postmortem.Incident
		for _, inc := range repo.Set.Incidents {
			if matchesFilter(inc.Source, of) {
				incs = append(incs, inc)
			}
		}
		if err := writeSummaries(opts, reviewSummary(incs, scope)); err != nil {
			return err
		}
	}
	for _, f := range findings {
		if f.Level == postmortem.LevelError {
			return errFindings
		}
	}
	return nil
}

// summaryFiles are the files the review summary is appended to: --summary,
// and $GITHUB_STEP_SUMMARY with --format github.
func summaryFiles(opts *CheckOptions) []string {
	var out []string
	if opts.Summary != "" {
		out = append(out, opts.Summary)
	}
	if s := os.Getenv("GITHUB_STEP_SUMMARY"); s != "" && opts.Format == "github" {
		out = append(out, s)
	}
	return out
}

// summaryScope says which postmortems the review summary is of, and the
// filters that select them: those check --changed selected; else, in a
// pull or merge request's pipeline, those changed against its target
// branch (origin/$GITHUB_BASE_REF, origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME),
// found as --changed finds them; else those checked.
func summaryScope(ctx context.Context, root string, opts *CheckOptions, filters []string, r *repo.Repo) (string, []string) {
	if opts.Changed != "" {
		return "changed against " + opts.Changed, filters
	}
	for _, v := range []string{"GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"} {
		base := os.Getenv(v)
		if base == "" {
			continue
		}
		ref := "origin/" + base
		changed, err := changedFiles(ctx, root, ref, r)
		if err != nil {
			return fmt.Sprintf("checked (the changes against %s could not be found: %v)", ref, err), filters
		}
		var of []string
		for _, c := range changed {
			if matchesFilter(c, filters) {
				of = append(of, c)
			}
		}
		if of == nil {
			of = []string{"\x00none"} // matches no file
		}
		return "changed against " + ref, of
	}
	return "checked", filters
}

func writeSummaries(opts *CheckOptions, summary []byte) error {
	for _, f := range summaryFiles(opts) {
		if err := appendSummary(f, summary); err != nil {
			return err
		}
	}
	return nil
}

func matchesFilter(file string, filters []string) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if file == f || strings.HasPrefix(file, f+"/") {
			return true
		}
	}
	return false
}

func writeFindings(w io.Writer, format string, findings []postmortem.Finding, inferred []inference, files int) error {
	var n findingCount
	for _, f := range findings {
		n.add(f.Level)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []postmortem.Finding{}
		}
		return enc.Encode(struct {
			Findings []postmortem.Finding `json:"findings"`
			Inferred []inference          `json:"inferred,omitempty"`
			Files    int                  `json:"files"`
			Errors   int                  `json:"errors"`
			Warnings int                  `json:"warnings"`
		}{findings, inferred, files, n.errors, n.warnings})
	case "github":
		for _, f := range findings {
			level := map[string]string{postmortem.LevelError: "error", postmortem.LevelWarning: "warning"}[f.Level]
			if level == "" {
				level = "notice"
			}
			props := []string{}
			if f.File != "" {
				props = append(props, "file="+ghProp(f.File))
				if f.Line > 0 {
					props = append(props, fmt.Sprintf("line=%d", f.Line))
				}
				if f.Col > 0 {
					props = append(props, fmt.Sprintf("col=%d", f.Col))
				}
			}
			title := "inquest"
			if f.Rule != "" {
				title += " " + f.Rule
			}
			props = append(props, "title="+ghProp(title))
			fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(f.Message))
		}
		fmt.Fprintf(w, "%s checked: %s\n", plural(files, "file"), n)
	default:
		for _, f := range findings {
			fmt.Fprintln(w, formatFinding(f))
		}
		for _, in := range inferred {
			fmt.Fprintln(w, in.String())
		}
		fmt.Fprintf(w, "%s checked: %s\n", plural(files, "file"), n)
	}
	return nil
}

// relativeToWD rewrites the paths of findings, relative to the repository
// root, relative to the working directory, so that editors and CI
// annotations find the files.
func relativeToWD(findings []postmortem.Finding, root string) {
	wd, _ := filepath.Abs(".")
	for i := range findings {
		if findings[i].File == "" {
			continue
		}
		if rel, err := filepath.Rel(wd, filepath.Join(root, filepath.FromSlash(findings[i].File))); err == nil {
			findings[i].File = filepath.ToSlash(rel)
		}
	}
}

// formatFinding renders path:line:col: level: message [rule].
func formatFinding(f postmortem.Finding) string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Line > 0 {
			col := max(f.Col, 1)
			fmt.Fprintf(&b, ":%d:%d", f.Line, col)
		}
		b.WriteString(": ")
	}
	b.WriteString(f.Level)
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Rule != "" {
		fmt.Fprintf(&b, " [%s]", f.Rule)
	}
	return b.String()
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
