package history

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// WriteText prints an incident's history for a terminal: each revision
// (short hash, date, author, subject, pull request) with the front-matter
// fields it changed indented below it, then the sign-offs and the review
// status.
func WriteText(w io.Writer, inc *postmortem.Incident) error {
	bw := bufio.NewWriter(w)
	title := inc.Source
	if inc.ID != "" {
		title = inc.ID + "  " + inc.Source
	}
	fmt.Fprintf(bw, "%s\n", title)
	h := inc.History
	if h == nil {
		fmt.Fprintf(bw, "  no Git history\n")
		return bw.Flush()
	}
	var facts []string
	if len(h.Revisions) > 0 {
		facts = append(facts,
			"created "+h.Created.Format("2006-01-02"),
			"updated "+h.Updated.Format("2006-01-02"),
			plural(len(h.Revisions), "revision"))
	}
	if h.Uncommitted {
		facts = append(facts, "uncommitted changes in the work tree")
	}
	fmt.Fprintf(bw, "  %s\n", strings.Join(facts, ", "))
	if len(h.Contributors) > 0 {
		names := make([]string, len(h.Contributors))
		for i, p := range h.Contributors {
			names[i] = personString(p)
		}
		fmt.Fprintf(bw, "  contributors: %s\n", strings.Join(names, ", "))
	}

	if len(h.Revisions) > 0 {
		fmt.Fprintf(bw, "\nRevisions\n")
		width := 0
		for _, rv := range h.Revisions {
			width = max(width, utf8.RuneCountInString(rv.Author.Name))
		}
		for _, rv := range h.Revisions {
			line := fmt.Sprintf("  %s  %s  %s  %s", short(rv.Commit), rv.Date.Format("2006-01-02 15:04 -0700"), pad(rv.Author.Name, width), rv.Subject)
			if rv.PR > 0 && !strings.Contains(rv.Subject, fmt.Sprintf("#%d", rv.PR)) {
				line += fmt.Sprintf("  (PR #%d)", rv.PR)
			}
			fmt.Fprintln(bw, line)
			if len(h.Revisions) > 1 && rv.Path != h.Revisions[0].Path {
				fmt.Fprintf(bw, "%12s  path: %s\n", "", rv.Path)
			}
			for _, c := range rv.Changes {
				fmt.Fprintf(bw, "%12s  %s: %s → %s\n", "", c.Field, orNone(c.From), orNone(c.To))
			}
		}
	}

	if len(h.SignOffs) > 0 {
		fmt.Fprintf(bw, "\nSign-offs\n")
		kw, pw := 0, 0
		for _, s := range h.SignOffs {
			kw = max(kw, utf8.RuneCountInString(s.Trailer))
			pw = max(pw, utf8.RuneCountInString(personString(postmortem.Person{Name: s.Name, Email: s.Email})))
		}
		for _, s := range h.SignOffs {
			line := fmt.Sprintf("  %s  %s  %s  %s", pad(s.Trailer, kw), pad(personString(postmortem.Person{Name: s.Name, Email: s.Email}), pw), short(s.Commit), s.Date.Format("2006-01-02"))
			if s.Stale {
				if c := s.ChangedSince(); c != "" {
					line += "  stale: " + c + " changed since"
				} else {
					line += "  stale: the file changed since"
				}
			}
			fmt.Fprintln(bw, line)
		}
	}

	if rv := h.Review; len(rv.Required) > 0 {
		fmt.Fprintf(bw, "\nReview: %d of %d signed\n", len(rv.Signed), len(rv.Required))
		for _, g := range []struct {
			label string
			names []string
		}{{"signed", rv.Signed}, {"stale", rv.Stale}, {"missing", rv.Missing}} {
			if len(g.names) > 0 {
				fmt.Fprintf(bw, "  %-8s %s\n", g.label+":", strings.Join(g.names, ", "))
			}
		}
	}
	return bw.Flush()
}

func short(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func personString(p postmortem.Person) string {
	switch {
	case p.Email == "":
		return p.Name
	case p.Name == "":
		return "<" + p.Email + ">"
	}
	return p.Name + " <" + p.Email + ">"
}
