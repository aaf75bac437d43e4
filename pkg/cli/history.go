package cli

import (
	"encoding/json"
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
}

func newHistoryCmd(e *env) *cobra.Command {
	opts := &HistoryOptions{}
	cmd := &cobra.Command{
		Use:   "history PATH|ID",
		Short: "Show the audit trail of one postmortem from Git history",
		Long: `history prints the audit trail of one postmortem, named by its file path or its id:
every revision (short hash, date, author, subject, pull request), the front-matter
fields each revision changed, the sign-offs found in commit trailers and merges, and
the review status (who of the review committee signed off, who is missing, and which
sign-offs are stale because the text changed after them).`,
		Example: `  inquest history postmortems/2024/2024-03-01-payment-webhook-outage.md
  inquest history INC-2024-001
  inquest history -C examples/acme INC-2022-001 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return runHistory(cmd, e, opts)
		},
	}
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
	return history.WriteText(e.stdout, inc)
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
