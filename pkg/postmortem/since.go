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
	for _, c := range s.Since {
		if c.Section == "front_matter" {
			frontMatter = true
			continue
		}
		lines := "1 line"
		if c.Lines != 1 {
			lines = fmt.Sprintf("%d lines", c.Lines)
		}
		parts = append(parts, lines+" in "+sectionName(c))
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
