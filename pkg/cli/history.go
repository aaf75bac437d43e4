package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
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
sign-offs are stale because the text changed after them, and what changed since),
then each action item with when it was opened and closed: from Git, with the commit
that added or ticked it, else from the incident's or the due date, named; an open
one is "open for N days" as of the site's reference time.

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
	if opts.Diff && opts.JSON {
		return usageError("--diff and --json cannot be used together: the JSON has each revision's word counts by section (revisions[].diff)")
	}
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	repo, err := repo.Load(cmd.Context(), root, repo.Options{History: true, OneLoad: true})
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
	if err := history.WriteText(e.stdout, inc); err != nil {
		return err
	}
	now, _ := site.ReferenceTime(repo)
	if err := writeItemDates(e.stdout, inc, now); err != nil || !opts.Diff {
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

// writeItemDates lists the incident's action items with when each was
// opened and closed, as the site's action item tables date them
// (postmortem.Incident.ItemDates): from Git with the commit, else from the
// incident's or the due date, named. An open item is "open for N days" as
// of now, the reference time the site uses, which the heading gives.
func writeItemDates(w io.Writer, inc *postmortem.Incident, now time.Time) error {
	if len(inc.ActionItems) == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nAction items (as of %s)\n", now.Format(time.DateOnly))
	var lives []postmortem.ItemLife
	if h := inc.History; h != nil && len(h.Items) == len(inc.ActionItems) {
		lives = h.Items
	}
	for k, a := range inc.ActionItems {
		line := a.Title
		if a.Owner != "" {
			line += " — " + a.Owner
		}
		if !a.Due.IsZero() {
			line += ", due " + a.Due.Format(time.DateOnly)
		}
		fmt.Fprintf(&sb, "  %-7s  %s\n", a.Status, line)
		var life postmortem.ItemLife
		if lives != nil {
			life = lives[k]
		}
		opened, closed, openedFrom, closedFrom := inc.ItemDates(k)
		var facts []string
		if !opened.IsZero() {
			facts = append(facts, "opened "+datedFrom(opened, openedFrom, life.OpenedCommit))
		}
		if lives != nil && life.Opened.IsZero() {
			// Written since the last commit: Git has no date for it yet.
			facts = append(facts, "not committed yet")
		}
		switch {
		case !closed.IsZero():
			if life.DoneWhenAdded {
				// Git says only that it was done by then: the date is the due date.
				closedFrom += "; done when first written"
			}
			facts = append(facts, "closed "+datedFrom(closed, closedFrom, life.ClosedCommit))
		case a.Status == postmortem.StatusDone && life.DoneWhenAdded:
			facts = append(facts, "done when first written")
		case a.Status == postmortem.StatusOpen && !opened.IsZero() && !now.Before(opened):
			facts = append(facts, fmt.Sprintf("open for %s", plural(int(now.Sub(opened).Hours()/24), "day", "days")))
		}
		if len(facts) > 0 {
			fmt.Fprintf(&sb, "  %-7s  %s\n", "", strings.Join(facts, ", "))
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// datedFrom is a date and where it came from: the commit's short hash
// for a date from Git, else the source's name ("incident date").
func datedFrom(t time.Time, from, commit string) string {
	if from == postmortem.ItemFromGit && commit != "" {
		from = commit[:min(8, len(commit))]
	}
	return t.Format(time.DateOnly) + " (" + from + ")"
}
