package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// HistoryOptions are the options of `inquest history`.
type HistoryOptions struct {
	Target string // a file path or an incident id
	Dir    string
	JSON   bool
	// Diff prints what each revision changed, or only Revision's.
	Diff     bool
	Revision string
	Color    string // auto, always or never
}

func newHistoryCmd(e *env) *cobra.Command {
	opts := &HistoryOptions{}
	cmd := &cobra.Command{
		Use:   "history PATH|ID [--diff [REV]]",
		Short: "Show the audit trail of one postmortem from Git history",
		Long: `history prints the audit trail of one postmortem, named by its file path or its id:
every revision (short hash, date, author, subject, pull request), the front-matter
fields each revision changed, the sign-offs found in commit trailers and merges, and
the review status (who of the review committee signed off, who is missing, and which
sign-offs are stale because the text changed after them, and what changed since).

With --diff it then prints what each revision changed, newest first: section by
section, the changed words marked within each changed line, following the file
across renames; then, for each stale sign-off, what changed from the text the
reviewer approved to the current one. --diff REV prints only the revision whose
commit hash starts with REV. Colour is used on a terminal only, never when
NO_COLOR is set.`,
		Example: `  inquest history postmortems/2024/2024-03-01-payment-webhook-outage.md
  inquest history INC-2024-001
  inquest history -C examples/acme INC-2022-001 --json
  inquest history INC-2024-001 --diff
  inquest history INC-2024-001 --diff 9bdf26a`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if len(args) == 2 {
				if !opts.Diff {
					return usageError("a revision (%q) is only read with --diff", args[1])
				}
				opts.Revision = args[1]
			}
			return runHistory(cmd, e, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "also print what each revision changed (or only revision REV's), and what changed since each stale sign-off")
	cmd.Flags().StringVar(&opts.Color, "color", "auto", "colour the diff: auto (on a terminal, unless NO_COLOR is set), always or never")
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", ".", "repository folder")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON (the incident's export form, history included)")
	return cmd
}

func runHistory(cmd *cobra.Command, e *env, opts *HistoryOptions) error {
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	repo, err := repo.Load(cmd.Context(), root, repo.Options{History: true})
	if err != nil {
		return err
	}
	for _, w := range repo.Warnings {
		cmd.PrintErrln("warning: " + w)
	}
	inc := findIncident(repo, opts.Target)
	if inc == nil {
		return usageError("no postmortem with path or id %q in %s", opts.Target, root)
	}
	if opts.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inc.ToJSON())
	}
	if opts.Diff && opts.JSON {
		return usageError("--diff and --json cannot be used together: the JSON has each revision's word counts by section (revisions[].diff)")
	}
	if err := history.WriteText(e.stdout, inc); err != nil || !opts.Diff {
		return err
	}
	v, err := repo.History().Versions()
	if err != nil {
		return fmt.Errorf("%s: %w", inc.Source, err)
	}
	defer v.Close()
	color, err := useColor(opts.Color, e.stdout)
	if err != nil {
		return err
	}
	return history.WriteDiffs(e.stdout, inc, v, history.DiffOptions{Revision: opts.Revision, Color: color})
}

// findIncident finds an incident by id (case-insensitive) or by path,
// relative to the working directory or the repository root.
func findIncident(repo *repo.Repo, target string) *postmortem.Incident {
	var rels []string
	if abs, err := filepath.Abs(target); err == nil {
		if rel, err := filepath.Rel(repo.Root, abs); err == nil {
			rels = append(rels, filepath.ToSlash(rel))
		}
	}
	rels = append(rels, filepath.ToSlash(filepath.Clean(target)))
	for _, inc := range repo.Set.Incidents {
		for _, r := range rels {
			if inc.Source == r {
				return inc
			}
		}
	}
	for _, inc := range repo.Set.Incidents {
		if strings.EqualFold(inc.ID, target) {
			return inc
		}
	}
	return nil
}

// useColor reads a --color flag: auto colours on a terminal unless
// NO_COLOR is set (https://no-color.org).
func useColor(flag string, w io.Writer) (bool, error) {
	switch flag {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return isTerminal(w) && os.Getenv("NO_COLOR") == "", nil
	}
	return false, usageError("--color %q: use auto, always or never", flag)
}
