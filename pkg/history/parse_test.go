package history

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func TestParseMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		msg      string
		subject  string
		body     string
		trailers []postmortem.Trailer
	}{
		{name: "subject only", msg: "Fix typo\n", subject: "Fix typo"},
		{
			name:    "trailers",
			msg:     "Publish INC-1\n\nBody text.\n\nReviewed-by: Samuel Levi <samuel@example.com>\nSigned-off-by: Deepa <deepa@example.com>\n",
			subject: "Publish INC-1",
			body:    "Body text.",
			trailers: []postmortem.Trailer{
				{Key: "Reviewed-by", Name: "Samuel Levi", Email: "samuel@example.com", Value: "Samuel Levi <samuel@example.com>"},
				{Key: "Signed-off-by", Name: "Deepa", Email: "deepa@example.com", Value: "Deepa <deepa@example.com>"},
			},
		},
		{
			name:     "key case and spacing",
			msg:      "S\n\nreviewed-BY :  <x@example.com>\nACKED-by: Jo\n",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Reviewed-by", Email: "x@example.com", Value: "<x@example.com>"}, {Key: "Acked-by", Name: "Jo", Value: "Jo"}},
		},
		{
			name:     "bare email",
			msg:      "S\n\nApproved-by: jo@example.com",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Approved-by", Email: "jo@example.com", Value: "jo@example.com"}},
		},
		{
			name:     "unknown keys kept out, block still trailers",
			msg:      "S\n\nIncident: INC-2\nReviewed-by: A <a@x>\n",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Reviewed-by", Name: "A", Email: "a@x", Value: "A <a@x>"}},
		},
		{
			name:    "prose is not a trailer block",
			msg:     "S\n\nWe fixed it.\nNote: the pager was silent.\nIt took an hour.\nThen more.\nAnd more.",
			subject: "S",
			body:    "We fixed it.\nNote: the pager was silent.\nIt took an hour.\nThen more.\nAnd more.",
		},
		{
			name:     "mixed block with a known trailer",
			msg:      "S\n\nCherry-picked from the hotfix branch\nSigned-off-by: A <a@x>",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Signed-off-by", Name: "A", Email: "a@x", Value: "A <a@x>"}},
		},
		{
			name:     "continuation line",
			msg:      "S\n\nCo-authored-by: Very Long\n  Name <v@x>",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Co-authored-by", Name: "Very Long Name", Email: "v@x", Value: "Very Long Name <v@x>"}},
		},
		{
			name:    "only the last paragraph",
			msg:     "S\n\nReviewed-by: A <a@x>\n\nMore prose after it.",
			subject: "S",
			body:    "Reviewed-by: A <a@x>\n\nMore prose after it.",
		},
		{
			name:     "CRLF and trailing blank lines",
			msg:      "S\r\n\r\nAcked-by: B <b@x>\r\n\r\n\r\n",
			subject:  "S",
			trailers: []postmortem.Trailer{{Key: "Acked-by", Name: "B", Email: "b@x", Value: "B <b@x>"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parseMessage(tt.msg, defaultTrailers)
			if m.Subject != tt.subject || m.Body != tt.body || !reflect.DeepEqual(m.Trailers, tt.trailers) {
				t.Errorf("got subject %q body %q trailers %+v\nwant subject %q body %q trailers %+v", m.Subject, m.Body, m.Trailers, tt.subject, tt.body, tt.trailers)
			}
		})
	}
	t.Run("configured keys", func(t *testing.T) {
		m := parseMessage("S\n\nTested-by: T <t@x>\nReviewed-by: R <r@x>", []string{"Tested-by"})
		if len(m.Trailers) != 1 || m.Trailers[0].Key != "Tested-by" {
			t.Errorf("trailers = %+v", m.Trailers)
		}
	})
}

func TestParsePR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, msg string
		want      int
	}{
		{"github merge", "Merge pull request #7 from acme/fix\n\nFix it", 7},
		{"squash", "Fix the timeline (#12)", 12},
		{"squash with body", "Fix the timeline (#12)\n\n* step one (#3)", 12},
		{"gitlab", "Merge branch 'fix' into 'main'\n\nFix it\n\nSee merge request infra/postmortems!34", 34},
		{"gitlab subgroup", "Merge branch 'a' into 'main'\n\nSee merge request group/sub/proj!5\n", 5},
		{"bitbucket", "Merged in fix (pull request #9)", 9},
		{"issue reference is not a PR", "Fixes #5 in the timeline", 0},
		{"hash mid-subject", "Revert (#4) partially done", 0},
		{"plain", "Edit INC-1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseMessage(tt.msg, defaultTrailers).PR; got != tt.want {
				t.Errorf("PR = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMailmap(t *testing.T) {
	t.Parallel()
	mm := parseMailmap(`# comment
Proper One <one@x>
<two@proper> <two@commit>
Proper Three <three@proper> <three@commit>
Proper Four <four@proper> Commit Four <four@commit>
Other Four <other@proper> Another Name <FOUR@commit>  # trailing comment
broken line without email
`)
	tests := []struct {
		name, inName, inEmail string
		want                  postmortem.Person
	}{
		{"name only", "one", "ONE@x", postmortem.Person{Name: "Proper One", Email: "ONE@x"}},
		{"email only", "Two", "two@commit", postmortem.Person{Name: "Two", Email: "two@proper"}},
		{"both", "3", "three@commit", postmortem.Person{Name: "Proper Three", Email: "three@proper"}},
		{"by name", "commit four", "four@commit", postmortem.Person{Name: "Proper Four", Email: "four@proper"}},
		{"by other name", "Another Name", "four@commit", postmortem.Person{Name: "Other Four", Email: "other@proper"}},
		{"name not listed", "Someone", "four@commit", postmortem.Person{Name: "Someone", Email: "four@commit"}},
		{"unknown", "X", "x@y", postmortem.Person{Name: "X", Email: "x@y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mm.person(tt.inName, tt.inEmail); got != tt.want {
				t.Errorf("person(%q, %q) = %+v, want %+v", tt.inName, tt.inEmail, got, tt.want)
			}
		})
	}
}

func FuzzParseMessage(f *testing.F) {
	f.Add("Subject\n\nBody\n\nReviewed-by: A <a@x>\nSigned-off-by: B\n")
	f.Add("Merge pull request #7 from acme/fix\n\nCo-authored-by: C <c@x>\n  continued")
	f.Add("S\n\nSee merge request g/p!3")
	f.Add("\n\n\n: <>\n\t\n")
	f.Fuzz(func(t *testing.T, msg string) {
		m := parseMessage(msg, defaultTrailers)
		if strings.Contains(m.Subject, "\n") {
			t.Errorf("subject has a newline: %q", m.Subject)
		}
		if m.PR < 0 {
			t.Errorf("negative PR %d", m.PR)
		}
		for _, tr := range m.Trailers {
			if canonicalKey(tr.Key, defaultTrailers) != tr.Key {
				t.Errorf("unexpected key %q", tr.Key)
			}
			if utf8.ValidString(msg) && (!utf8.ValidString(tr.Name) || !utf8.ValidString(tr.Email)) {
				t.Errorf("invalid UTF-8 from valid input: %+v", tr)
			}
		}
	})
}

func FuzzParseMailmap(f *testing.F) {
	f.Add("Proper <p@x> Commit <c@x>\n<a@b> <c@d>\n# c\nName <e@f>\n", "Commit", "C@X")
	f.Add("<<>>\n<", "", "")
	f.Add("A <a@x> <b@x> <c@x>", "n", "b@x")
	f.Fuzz(func(t *testing.T, text, name, email string) {
		mm := parseMailmap(text)
		p := mm.person(name, email)
		if email == "" && (p.Name != name || p.Email != "") {
			t.Errorf("no email, but mapped to %+v", p)
		}
		// Mapping is idempotent for a mailmap without chains.
		_ = mm.person(p.Name, p.Email)
	})
}
