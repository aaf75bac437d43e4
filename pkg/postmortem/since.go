package postmortem

import (
	"fmt"
	"strings"
)

// ChangedSince says what changed in the text since the sign-off, for a
// sentence such as "… changed since Bo Chen approved at abc1234": "3 lines
// in Contributing factors and the severity". It is "" when that was not
// compared (Since is nil).
func (s SignOff) ChangedSince() string {
	if s.Since == nil {
		return ""
	}
	var parts []string
	frontMatter := false
	total := 0
	for _, c := range s.Since {
		if c.Section == "front_matter" {
			frontMatter = true
			continue
		}
		total += c.Lines
		parts = append(parts, lines(c.Lines)+" in "+sectionName(c))
	}
	// Past three sections a list reads as noise: the count says it.
	if len(parts) > 3 {
		parts = []string{fmt.Sprintf("%s in %d sections", lines(total), len(parts))}
	}
	for _, f := range s.SinceFields {
		parts = append(parts, "the "+strings.ReplaceAll(f.Field, "_", " "))
	}
	if frontMatter && len(s.SinceFields) == 0 {
		parts = append(parts, "the front matter")
	}
	switch len(parts) {
	case 0:
		return "only line ends"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func lines(n int) string {
	if n == 1 {
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}

// sectionName names a changed section to a reader: its heading as
// written, else what its kind is called.
func sectionName(c SectionChange) string {
	switch {
	case c.Heading != "":
		return c.Heading
	case c.Section == "body":
		return "the text before the first heading"
	}
	k := strings.ReplaceAll(c.Section, "_", " ")
	return strings.ToUpper(k[:1]) + k[1:]
}

// ChangedSinceApproval says what changed since a member of the review
// committee, as written in Reviewers (Review.Stale lists them so), last
// approved: "3 lines in Contributing factors and the severity changed
// since Bo Chen approved at abc1234". It is "" when the member has no
// stale sign-off or what changed was not compared. Members are matched to
// sign-offs by the name or email they are written with.
func (h *History) ChangedSinceApproval(member string) string {
	if h == nil {
		return ""
	}
	m := strings.ToLower(member)
	for _, s := range h.SignOffs { // newest first
		named := s.Name != "" && strings.Contains(m, strings.ToLower(s.Name)) ||
			s.Email != "" && strings.Contains(m, strings.ToLower(s.Email))
		if !s.Stale || !named {
			continue
		}
		c := s.ChangedSince()
		if c == "" {
			return ""
		}
		commit := s.Commit
		if len(commit) > 7 {
			commit = commit[:7]
		}
		return fmt.Sprintf("%s changed since %s approved at %s", c, s.Name, commit)
	}
	return ""
}
