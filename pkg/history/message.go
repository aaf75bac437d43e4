package history

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// defaultTrailers are the trailer keys read when Options.Trailers is empty.
var defaultTrailers = []string{"Signed-off-by", "Reviewed-by", "Approved-by", "Acked-by", "Co-authored-by"}

// message is a commit message split into its parts.
type message struct {
	Subject  string
	Body     string // without the subject and the trailer block
	Trailers []postmortem.Trailer
	PR       int
}

// parseMessage splits a commit message into subject, body and trailers and
// finds the pull or merge request number. Only trailers whose key is in
// keys (case-insensitively) are returned, spelt as in keys.
func parseMessage(msg string, keys []string) message {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	paras := paragraphs(msg)
	var m message
	if len(paras) == 0 {
		return m
	}
	// The subject is the first paragraph joined into one line, as git does.
	m.Subject = strings.Join(strings.Fields(paras[0]), " ")
	rest := paras[1:]
	if len(rest) > 0 {
		if tr, ok := parseTrailerBlock(rest[len(rest)-1], keys); ok {
			m.Trailers = tr
			rest = rest[:len(rest)-1]
		}
	}
	m.Body = strings.Join(rest, "\n\n")
	m.PR = parsePR(m.Subject, msg)
	return m
}

// paragraphs splits text at blank lines, trimming trailing space.
func paragraphs(s string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

var trailerLine = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$`)

// parseTrailerBlock parses the last paragraph of a message as trailers. As
// in git interpret-trailers, the paragraph is a trailer block when every line
// is a "Key: value" line or a continuation (indented) line, or when at least
// a quarter of its lines are trailers and one of them is a known key.
func parseTrailerBlock(para string, keys []string) ([]postmortem.Trailer, bool) {
	lines := strings.Split(para, "\n")
	type kv struct{ k, v string }
	var all []kv
	trailers, others, known := 0, 0, false
	for _, line := range lines {
		if (line[0] == ' ' || line[0] == '\t') && len(all) > 0 {
			all[len(all)-1].v += " " + strings.TrimSpace(line)
			continue
		}
		sm := trailerLine.FindStringSubmatch(line)
		if sm == nil {
			others++
			continue
		}
		trailers++
		all = append(all, kv{sm[1], strings.TrimSpace(sm[2])})
		if canonicalKey(sm[1], keys) != "" {
			known = true
		}
	}
	if trailers == 0 || (others > 0 && !(known && trailers*4 >= trailers+others)) {
		return nil, false
	}
	var out []postmortem.Trailer
	for _, t := range all {
		k := canonicalKey(t.k, keys)
		if k == "" {
			continue
		}
		p := parsePerson(t.v)
		out = append(out, postmortem.Trailer{Key: k, Name: p.Name, Email: p.Email, Value: t.v})
	}
	return out, true
}

func canonicalKey(k string, keys []string) string {
	for _, want := range keys {
		if strings.EqualFold(k, want) {
			return want
		}
	}
	return ""
}

// parsePerson reads "Name <email>", "<email>", "email@host" or "Name".
func parsePerson(s string) postmortem.Person {
	s = strings.TrimSpace(s)
	if lt := strings.IndexByte(s, '<'); lt >= 0 {
		if gt := strings.IndexByte(s[lt:], '>'); gt > 0 {
			return postmortem.Person{
				Name:  strings.TrimSpace(strings.Trim(strings.TrimSpace(s[:lt]), `"`)),
				Email: strings.TrimSpace(s[lt+1 : lt+gt]),
			}
		}
	}
	if strings.Contains(s, "@") && !strings.ContainsAny(s, " \t") {
		return postmortem.Person{Email: s}
	}
	return postmortem.Person{Name: s}
}

var (
	githubMerge = regexp.MustCompile(`^Merge pull request #([0-9]+) from `)
	squashPR    = regexp.MustCompile(`\(#([0-9]+)\)$`)
	gitlabMR    = regexp.MustCompile(`(?m)^See merge request [^\s!]+!([0-9]+)\s*$`)
	bitbucketPR = regexp.MustCompile(`\(pull request #([0-9]+)\)`)
)

// parsePR finds the pull or merge request number: GitHub's merge commit
// subject "Merge pull request #N from …", the "(#N)" that GitHub appends to
// squash-merge subjects, GitLab's "See merge request group/project!N" line and
// Bitbucket's "(pull request #N)".
func parsePR(subject, msg string) int {
	for _, re := range []*regexp.Regexp{githubMerge, squashPR, bitbucketPR} {
		if m := re.FindStringSubmatch(subject); m != nil {
			return atoi(m[1])
		}
	}
	if all := gitlabMR.FindAllStringSubmatch(msg, -1); all != nil {
		return atoi(all[len(all)-1][1])
	}
	return 0
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
