package history

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// DiffOptions select what WriteDiffs prints.
type DiffOptions struct {
	// Revision is a commit hash or a prefix of one: only that revision's
	// diff is printed, and no changes since approval. "" prints every
	// revision's, newest first, then what changed since each stale
	// sign-off.
	Revision string
	// Color writes ANSI colours; otherwise changed words are marked as
	// git's --word-diff=plain marks them.
	Color bool
}

// WriteDiffs prints, for a terminal, what each revision of an incident's
// postmortem changed (see package revdiff) and, for each stale sign-off,
// what changed from the text the reviewer approved to the current one. A
// revision that created the file is summarised by section rather than
// printed whole. v reads the versions; inc.History must come from the same
// Repo.
func WriteDiffs(w io.Writer, inc *postmortem.Incident, v *Versions, opts DiffOptions) error {
	h := inc.History
	if h == nil || len(h.Revisions) == 0 {
		return fmt.Errorf("%s: no revisions in Git", inc.Source)
	}
	picked := -1
	if opts.Revision != "" {
		want := strings.ToLower(opts.Revision)
		for i, rv := range h.Revisions {
			if strings.HasPrefix(rv.Commit, want) {
				if picked >= 0 {
					return fmt.Errorf("%s: %q names more than one revision", inc.Source, opts.Revision)
				}
				picked = i
			}
		}
		if picked < 0 {
			return fmt.Errorf("%s: %q is not one of its %s (inquest history %s lists them)", inc.Source, opts.Revision, plural(len(h.Revisions), "revision"), inc.Source)
		}
	}
	bw := bufio.NewWriter(w)
	budget := revdiff.NewBudget(revdiff.FileBudget)
	for i, rv := range h.Revisions {
		if picked >= 0 && i != picked {
			continue
		}
		before, after, err := v.Read(inc.Source, i)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "\nRevision %s  %s  %s  %s\n", short(rv.Commit), rv.Date.Format("2006-01-02 15:04 -0700"), rv.Author.Name, rv.Subject)
		if i+1 < len(h.Revisions) && h.Revisions[i+1].Path != rv.Path {
			fmt.Fprintf(bw, "  moved from %s to %s\n", h.Revisions[i+1].Path, rv.Path)
		}
		for _, c := range rv.Changes {
			fmt.Fprintf(bw, "  %s: %s → %s\n", c.Field, orNone(c.From), orNone(c.To))
		}
		d := revdiff.Compare(before, after, budget)
		switch {
		case before == nil:
			writeCreated(bw, d)
			continue
		case after == nil:
			fmt.Fprintf(bw, "  deleted the file\n")
			continue
		case len(d.Sections) == 0 && d.Fallback == "":
			fmt.Fprintf(bw, "  the text is unchanged\n")
			continue
		}
		if err := d.WriteText(bw, opts.Color); err != nil {
			return err
		}
	}
	if picked < 0 {
		if err := writeSinceApproval(bw, inc, v, opts.Color); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeCreated summarises a revision that created the file: the words of
// each section.
func writeCreated(w io.Writer, d *revdiff.Diff) {
	fmt.Fprintf(w, "  created the file\n")
	for _, s := range d.Sections {
		fmt.Fprintf(w, "    %-28s %s\n", revdiff.SectionName(s.Key, s.Heading), plural(s.Added, "word"))
	}
}

// writeSinceApproval prints, once per approved version, the diff from the
// text each stale sign-off approved to the current text.
func writeSinceApproval(w io.Writer, inc *postmortem.Incident, v *Versions, color bool) error {
	seen := map[string]bool{}
	for _, s := range inc.History.SignOffs {
		if !s.Stale || seen[s.Commit] {
			continue
		}
		seen[s.Commit] = true
		var who []string
		for _, o := range inc.History.SignOffs {
			if o.Commit == s.Commit && !slices.Contains(who, o.Name) {
				who = append(who, o.Name)
			}
		}
		d, fields, err := v.SinceSignOff(inc.Source, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nChanged since %s approved at %s (%s)\n", strings.Join(who, " and "), short(s.Commit), s.Date.Format("2006-01-02"))
		for _, c := range fields {
			fmt.Fprintf(w, "  %s: %s → %s\n", c.Field, orNone(c.From), orNone(c.To))
		}
		if err := d.WriteText(w, color); err != nil {
			return err
		}
	}
	return nil
}
