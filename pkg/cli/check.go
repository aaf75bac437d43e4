package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// CheckOptions are the options of `inquest check`.
type CheckOptions struct {
	Paths  []string
	Format string // text, json or github
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

Exit status: 0 when there are no errors (warnings allowed), 1 when any error-level
finding exists, 2 on a usage or internal error.`,
		Example: `  inquest check
  inquest check postmortems/2024/2024-03-01-db-outage.md
  inquest check --format github   # annotations on pull requests
  inquest check --format json examples/acme`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			return runCheck(cmd, e, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text, json or github (workflow annotations)")
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
	repo, err := repo.Load(cmd.Context(), root, repo.Options{})
	if err != nil {
		return err
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
	var findings []postmortem.Finding
	for _, f := range repo.Set.AllFindings() {
		if matchesFilter(f.File, filters) {
			findings = append(findings, f)
		}
	}
	for _, w := range repo.Warnings {
		if len(filters) == 0 {
			findings = append(findings, postmortem.Finding{Level: postmortem.LevelWarning, Rule: "git", Message: w})
		}
	}
	// Paths are printed relative to the working directory, so editors and CI
	// annotations find the files.
	wd, _ := filepath.Abs(".")
	for i := range findings {
		if findings[i].File == "" {
			continue
		}
		if rel, err := filepath.Rel(wd, filepath.Join(root, filepath.FromSlash(findings[i].File))); err == nil {
			findings[i].File = filepath.ToSlash(rel)
		}
	}
	n := len(repo.Set.Incidents)
	if err := writeFindings(e.stdout, opts.Format, findings, n); err != nil {
		return err
	}
	for _, f := range findings {
		if f.Level == postmortem.LevelError {
			return errFindings
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

func writeFindings(w io.Writer, format string, findings []postmortem.Finding, files int) error {
	errs, warns := 0, 0
	for _, f := range findings {
		switch f.Level {
		case postmortem.LevelError:
			errs++
		case postmortem.LevelWarning:
			warns++
		}
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
			Files    int                  `json:"files"`
			Errors   int                  `json:"errors"`
			Warnings int                  `json:"warnings"`
		}{findings, files, errs, warns})
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
		fmt.Fprintf(w, "%d files checked: %d errors, %d warnings\n", files, errs, warns)
	default:
		for _, f := range findings {
			fmt.Fprintln(w, formatFinding(f))
		}
		fmt.Fprintf(w, "%d files checked: %d errors, %d warnings\n", files, errs, warns)
	}
	return nil
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
