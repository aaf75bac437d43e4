package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func TestFindBlame(t *testing.T) {
	names := []string{"Jane Doe", "Jane", "Ahmed Khan", "Ahmed", "Zoë Müller", "Zoë"}
	// want lists "col:phrase" with 1-based byte columns.
	tests := []struct {
		line string
		want []string
	}{
		{"The outage was human error.", []string{"16:human error"}},
		{"Human errors happen.", []string{"1:Human errors"}},
		{"Root cause: operator error while failing over.", []string{"13:operator error"}},
		{"This was a classic user error.", []string{"20:user error"}},
		{"The user error rate rose to 4%.", nil},
		{"User-error pages were served.", nil},
		{"It was Jane's fault.", []string{"8:Jane's fault"}},
		{"It was the intern’s fault.", []string{"12:intern’s fault"}},
		{"It was his fault.", []string{"8:his fault"}},
		{"This was nobody's fault.", nil},
		{"It was not the operator's fault.", nil},
		{"It wasn't his fault.", nil},
		{"The fault of the on-call engineer.", []string{"1:The fault of"}},
		{"He should have known better.", []string{"4:should have known"}},
		{"QA should've caught this.", []string{"4:should've caught"}},
		{"A careless change.", []string{"3:careless"}},
		{"Carelessness and negligence.", []string{"1:Carelessness", "18:negligence"}},
		{"Sloppy review.", []string{"1:Sloppy"}},
		{"The team failed to follow the runbook.", []string{"10:failed to follow"}},
		{"They didn't bother to check.", []string{"6:didn't bother"}},
		{"She was not paying attention.", []string{"5:was not paying attention"}},
		{"A lack of care.", []string{"3:lack of care"}},
		{"The SRE team is to blame.", []string{"14:is to blame"}},
		{"The outage was caused by Jane.", []string{"16:caused by Jane"}},
		{"The outage was caused by Jane Doe.", []string{"16:caused by Jane Doe"}},
		{"It broke because Ahmed ran the script.", []string{"10:because Ahmed"}},
		{"It broke because of Ahmed Khan.", []string{"10:because of Ahmed Khan"}},
		{"Due to Zoë the job ran twice.", []string{"1:Due to Zoë"}},
		{"Then Zoë Müller forgot to drain the node.", []string{"6:Zoë Müller forgot"}},
		{"Ahmed's mistake started it.", []string{"1:Ahmed's mistake"}},
		{"Jane failed to notice the alert.", []string{"1:Jane failed to"}},
		{"It was not because Jane ran it.", nil},
		{"Because Janet ran it, we recovered.", nil},
		{"Jane noticed the alert and paged Ahmed.", nil},
		{"Thanks to Jane the rollback was fast.", nil},
		{"The deploy was caused by a config push.", nil},
		{"The default timeout was too low.", nil},
		{"Should we have more replicas?", nil},
		{"Errors rose; the human operators responded.", nil},
		{"human error, carelessness and Jane's fault", []string{"1:human error", "14:carelessness", "31:Jane's fault"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var got []string
			for _, h := range findBlame(tt.line, names) {
				got = append(got, fmt.Sprintf("%d:%s", h.off+1, h.phrase))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPeople(t *testing.T) {
	inc := &postmortem.Incident{
		Owner:       "Jane Doe, sre-team",
		Reviewers:   []string{"Ahmed Khan", "@mei", "Will"},
		ActionItems: []postmortem.ActionItem{{Owner: "Priya Raman"}, {Owner: "Will Smith"}},
		Extra:       map[string]any{"incident_commander": "Tomás Ferreira", "responders": []any{"Aiko Tanaka", 3}, "region": "Eu West"},
		History:     &postmortem.History{Contributors: []postmortem.Person{{Name: "Kwame Mensah"}, {Name: "bot"}}},
	}
	want := []string{"Tomás Ferreira", "Aiko Tanaka", "Kwame Mensah", "Priya Raman", "Ahmed Khan", "Will Smith", "Jane Doe", "Ahmed", "Priya", "Kwame", "Tomás", "Aiko", "Jane"}
	slices.SortFunc(want, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	if got := people(inc); !slices.Equal(got, want) {
		t.Errorf("people = %q\nwant %q", got, want)
	}
}

// FuzzBlameless checks that the phrase finder never panics and that every
// hit is a piece of the text, on one line, at its offset.
func FuzzBlameless(f *testing.F) {
	for _, s := range []string{
		"It was human error.",
		"caused by Jane Doe\nbecause Ahmed",
		"Jane's fault — nobody’s fault",
		"should've caught\n\nfailed to follow",
		"Zoë Müller forgot; ünïcödé careless",
		"\xff\xfe broken utf-8 Jane's fault",
		"",
	} {
		f.Add(s)
	}
	names := []string{"Jane Doe", "Jane", "Ahmed", "Zoë Müller", "Zoë"}
	f.Fuzz(func(t *testing.T, s string) {
		prev := -1
		for _, h := range findBlame(s, names) {
			if h.off < 0 || h.off+len(h.phrase) > len(s) || s[h.off:h.off+len(h.phrase)] != h.phrase {
				t.Fatalf("hit %q at %d is not in the text", h.phrase, h.off)
			}
			if h.phrase == "" || strings.Contains(h.phrase, "\n") {
				t.Fatalf("hit %q is empty or spans lines", h.phrase)
			}
			if h.off < prev {
				t.Fatalf("hits out of order")
			}
			prev = h.off
		}
		// Through the whole rule: lines and columns stay inside the body.
		inc := &postmortem.Incident{Source: "x.md", Body: []byte(s), BodyLine: 3, Owner: "Jane Doe"}
		f := &file{inc: inc, lines: splitBody(inc.Body, inc.BodyLine)}
		(&checker{}).blameless(f)
		lines := strings.Split(s, "\n")
		for _, fd := range f.findings {
			i := fd.Line - inc.BodyLine
			if i < 0 || i >= len(lines) || fd.Col < 1 || fd.Col > len(lines[i]) {
				t.Fatalf("finding at %d:%d outside the text (%d lines)", fd.Line, fd.Col, len(lines))
			}
			q, err := strconv.QuotedPrefix(fd.Message)
			if err != nil {
				t.Fatalf("message %q does not start with the quoted phrase", fd.Message)
			}
			if phrase, _ := strconv.Unquote(q); !strings.HasPrefix(lines[i][fd.Col-1:], phrase) {
				t.Fatalf("finding %q is not the text at %d:%d", fd.Message, fd.Line, fd.Col)
			}
		}
	})
}
