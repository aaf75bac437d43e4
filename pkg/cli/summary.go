package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// maxSummaryIncidents bounds a review summary: GitHub takes at most 1 MiB
// of job summary per step, and a pull request that touches more
// postmortems than this is a migration, not a review.
const maxSummaryIncidents = 100

// reviewSummary writes, in Markdown, the review state of incs: per
// postmortem its review committee, who signed the current text, whose
// sign-off is stale and what changed since, who is missing, and what
// changed since the last approval. scope says which postmortems these are
// ("changed against origin/main").
func reviewSummary(incs []*postmortem.Incident, scope string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## inquest review: %s %s\n", plural(len(incs), "postmortem"), scope)
	if len(incs) == 0 {
		return b.Bytes()
	}
	for i, inc := range incs {
		if i == maxSummaryIncidents {
			fmt.Fprintf(&b, "\n…and %d more, not listed.\n", len(incs)-i)
			break
		}
		fmt.Fprintf(&b, "\n### %s: %s\n\n", mdText(inc.ID), mdText(inc.Title))
		fmt.Fprintf(&b, "`%s`", inc.Source)
		if inc.Status != "" {
			fmt.Fprintf(&b, ", status %s", mdText(inc.Status))
		}
		b.WriteString("\n\n")
		h := inc.History
		switch {
		case h == nil || len(h.Revisions) == 0:
			b.WriteString("Not committed yet: no sign-offs in Git.\n")
			continue
		case len(h.Review.Required) == 0:
			b.WriteString("No review committee (`reviewers` in the front matter).\n")
		default:
			fmt.Fprintf(&b, "%d of %d signed.\n\n| Reviewer | Review |\n| --- | --- |\n", len(h.Review.Signed), len(h.Review.Required))
			for _, m := range h.Review.Required {
				fmt.Fprintf(&b, "| %s | %s |\n", mdText(m), mdText(memberReview(m, h)))
			}
		}
		b.WriteString("\n" + lastApproval(h) + "\n")
	}
	return b.Bytes()
}

// memberReview says where one committee member stands.
func memberReview(member string, h *postmortem.History) string {
	for _, set := range []struct {
		names []string
		stale bool
	}{{h.Review.Signed, false}, {h.Review.Stale, true}} {
		for _, n := range set.names {
			if n != member {
				continue
			}
			s, ok := signOffOf(member, h.SignOffs, set.stale)
			if !ok {
				if set.stale {
					return "stale"
				}
				return "signed"
			}
			if !set.stale {
				return fmt.Sprintf("signed at %s (%s)", short(s.Commit), s.Date.Format("2006-01-02"))
			}
			what := "the text"
			if c := s.ChangedSince(); c != "" {
				what = c
			}
			return fmt.Sprintf("stale: signed at %s (%s); %s changed since", short(s.Commit), s.Date.Format("2006-01-02"), what)
		}
	}
	return "missing"
}

// signOffOf finds the newest sign-off of a committee member as written in
// the front matter ("Bo Chen <bo@example.com>" or a name), stale or not:
// by the email it names, else by name, as history matches them.
func signOffOf(member string, signOffs []postmortem.SignOff, stale bool) (postmortem.SignOff, bool) {
	name, email := member, ""
	if i := strings.IndexByte(member, '<'); i >= 0 && strings.HasSuffix(member, ">") {
		name, email = strings.TrimSpace(member[:i]), member[i+1:len(member)-1]
	}
	for _, s := range signOffs {
		if s.Stale != stale {
			continue
		}
		if email != "" && strings.EqualFold(email, s.Email) || name != "" && strings.EqualFold(name, s.Name) {
			return s, true
		}
	}
	return postmortem.SignOff{}, false
}

// lastApproval says what changed since the newest sign-off.
func lastApproval(h *postmortem.History) string {
	if len(h.SignOffs) == 0 {
		return "No approval recorded in Git yet."
	}
	s := h.SignOffs[0]
	at := fmt.Sprintf("%s approved at %s (%s)", mdText(s.Name), short(s.Commit), s.Date.Format("2006-01-02"))
	if !s.Stale {
		return "Nothing changed since the last approval: " + at + "."
	}
	what := "The text"
	if c := s.ChangedSince(); c != "" {
		what = strings.ToUpper(c[:1]) + c[1:]
	}
	return mdText(what) + " changed since the last approval: " + at + "."
}

// short is a commit hash as the summary shows it.
func short(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// mdText escapes what Markdown would read as markup in a line of text.
func mdText(s string) string {
	return strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "|", "\\|", "\n", " ").Replace(s)
}

// appendSummary appends a summary to the file name, as GitHub expects of
// $GITHUB_STEP_SUMMARY (each step may append to it), after a blank line
// when the file has text already.
func appendSummary(name string, summary []byte) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("review summary: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		summary = append([]byte("\n"), summary...)
	}
	if _, err := f.Write(summary); err != nil {
		f.Close()
		return fmt.Errorf("review summary: %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("review summary: %s: %w", name, err)
	}
	return nil
}
