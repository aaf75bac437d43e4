package postmortem

import (
	"strings"
	"testing"
)

func TestSummaryText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		all      bool
		want     string
	}{
		{"list with a citation", "- Orders waited up to 40 minutes [[1]](#References).\n- No order was lost; **all** were processed.\n", false,
			"Orders waited up to 40 minutes. No order was lost; all were processed."},
		{"code span and link", "On 1 March, `payment_intent` webhooks stopped ([status page](https://status.example.com)).\n\nMore.", false,
			"On 1 March, payment_intent webhooks stopped (status page)."},
		{"a link to a heading that is not a citation", "See [the timeline](#timeline) and [2](#refs).", false, "See the timeline and."},
		{"comment, heading, table and code first", "<!-- what broke? -->\n\n### Short version\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nlog\n```\n\nThe cache ran dry.\n", false,
			"The cache ran dry."},
		{"block quote", "> Quoted summary\n> over two lines.", false, "Quoted summary over two lines."},
		{"hard break, entity and escape", "A &amp; B \\* C\\\nnext line", false, "A & B * C next line"},
		{"footnote reference", "Errors rose[^1].\n\n[^1]: per the dashboard", false, "Errors rose."},
		{"image alt text", "![Error graph](img/errors.png) Errors rose.", false, "Error graph Errors rose."},
		{"reference link", "See [the runbook][rb].\n\n[rb]: https://wiki.example.com/rb", false, "See the runbook."},
		{"raw HTML is shown as written", "Checkout <b>failed</b> for <i>all</i> users<!-- check -->.", false, "Checkout <b>failed</b> for <i>all</i> users."},
		{"front matter, every paragraph", "First paragraph.\n\nSecond *paragraph*.", true, "First paragraph. Second paragraph."},
		{"only a placeholder", "TBD", false, "TBD"},
		{"empty", "  \n", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewTextReader().summary(tc.in, tc.all); got != tc.want {
				t.Errorf("summary(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestIsCitation(t *testing.T) {
	for s, want := range map[string]bool{"[1]": true, "[ab]": true, "12": true, " [3] ": true,
		"see": false, "[1234]": false, "[a": false, "[]": false, "ab": false, "[a-b]": false} {
		if got := isCitation(s); got != want {
			t.Errorf("isCitation(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	in := "<!-- the question -->\n\n### Short *version*\n\n- Orders waited [[1]](#References).\n- [ ] Nothing **lost**.\n\n| Time | Event |\n|---|---|\n| 14:02 | `deploy` |\n\n```\npanic: nil map\n```\n\n> Quoted.\n\n<div>raw</div>\n"
	want := "Short version\nOrders waited.\nNothing lost.\nTime | Event\n14:02 | deploy\npanic: nil map\nQuoted.\n<div>raw</div>"
	if got := NewTextReader().PlainText(in); got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func BenchmarkSummaryText(b *testing.B) {
	src := "On 1 March 2024, our payment provider stopped delivering webhooks for almost five hours. Acme relied\nonly on the `payment_intent.succeeded` webhook to move an order from `pending_payment` to `paid`, so\nfrom 14:05 UTC every successful payment left its order stuck as \"payment pending\". See https://status.example.com.\n\nWe mitigated at 17:20 by polling the provider's API.\n"
	b.SetBytes(int64(len(src)))
	r := NewTextReader()
	for b.Loop() {
		r.summary(src, false)
	}
}

// TestTextPastBudget: text goldmark would take minutes over (see
// mdtext.OverBudget) is not parsed: summaries and plain text are the text
// as written. Before, this test ran into the test binary's deadline.
func TestTextPastBudget(t *testing.T) {
	t.Parallel()
	links := strings.Repeat("[a](", 100_000)
	r := NewTextReader()
	if got := r.PlainText(links + "\n"); got != links {
		t.Errorf("PlainText gave %d bytes, want the %d as written", len(got), len(links))
	}
	if got := r.summary("First paragraph "+links+"\n\nSecond.\n", false); got != "First paragraph "+links {
		t.Errorf("summary gave %.40q…, want the first paragraph as written", got)
	}
}
