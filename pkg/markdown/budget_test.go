package markdown

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// pathological are documents goldmark takes seconds to minutes on, each a
// shape found by trying: the first three are the issue's.
func pathological() map[string]string {
	return map[string]string{
		"link openers":            strings.Repeat("[a](", 100_000),
		"a 4 MB line of one word": strings.Repeat("a", 4<<20),
		"20,000 table columns":    "|" + strings.Repeat(" a |", 20_000) + "\n|" + strings.Repeat("---|", 20_000) + "\n|" + strings.Repeat(" b |", 20_000) + "\n",
		"link openers on lines":   strings.Repeat("[a](\n", 100_000),
		"emphasis":                strings.Repeat("*a ", 50_000),
		"100,000 block quotes":    strings.Repeat(">", 100_000) + " deep\n",
		"1,000 nested lists": func() string {
			var b strings.Builder
			for i := range 1000 {
				b.WriteString(strings.Repeat("  ", i) + "- item\n")
			}
			return b.String()
		}(),
	}
}

// TestBudget: each pathological document is shown as text at once, with a
// render problem at its line; ordinary documents, long ones included, are
// rendered.
func TestBudget(t *testing.T) {
	r := New(Options{})
	for name, src := range pathological() {
		t.Run(name, func(t *testing.T) {
			doc := "## Summary\n\nBefore <b>.\n\n" + src
			start := time.Now()
			res, err := r.Render([]byte(doc), nil)
			t.Logf("%d bytes: %s", len(doc), time.Since(start))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Problems) != 1 || res.Problems[0].Rule != RuleRender || res.Problems[0].Line < 5 {
				t.Errorf("problems %v", res.Problems)
			}
			if !bytes.HasPrefix(res.HTML, []byte(`<div class="unrendered">`)) || !bytes.Contains(res.HTML, []byte("Before &lt;b&gt;.")) {
				t.Errorf("HTML %.200s", res.HTML)
			}
		})
	}
	var ok strings.Builder
	for i := range 3000 {
		ok.WriteString("- 09:" + string(rune('0'+i%6)) + "0 — **paged** the [on-call](https://pager.example/" + strings.Repeat("x", i%7) + ") about `db-1`\n")
		if i%20 == 19 {
			ok.WriteString("\n")
		}
	}
	res, err := r.Render([]byte(ok.String()), nil)
	if err != nil || len(res.Problems) > 0 || !bytes.Contains(res.HTML, []byte("<strong>paged</strong>")) {
		t.Errorf("an ordinary long document: %v %v", err, res.Problems)
	}
}

// TestRenderTimeout: past the time budget the document is shown as text,
// and the resolver the abandoned render holds is called no more.
func TestRenderTimeout(t *testing.T) {
	r := New(Options{})
	r.timeout = time.Nanosecond
	var calls atomic.Int64
	var after atomic.Bool
	res := ResolverFunc(func(dest string, image bool) (string, bool) {
		if after.Load() {
			t.Error("the resolver was called after the render was abandoned")
		}
		calls.Add(1)
		return "/x", true
	})
	src := strings.Repeat("A [link](a.md) and ![img](b.png).\n\n", 20_000)
	out, err := r.Render([]byte(src), res)
	after.Store(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Problems) != 1 || out.Problems[0].Rule != RuleRender || !strings.Contains(out.Problems[0].Message, "longer than") {
		t.Fatalf("problems %v", out.Problems)
	}
	time.Sleep(200 * time.Millisecond) // let the abandoned render try
}
