package chart

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// parse reads a chart and returns its elements by tag.
func parse(t *testing.T, h string) map[string][]*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*html.Node{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out[n.Data] = append(out[n.Data], n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// inside checks that every x, x1, x2 and width is a percentage within
// 0..100, or a small number of pixels: nothing is placed past the width.
func inside(t *testing.T, els map[string][]*html.Node) {
	t.Helper()
	for _, tag := range []string{"rect", "text", "line"} {
		for _, n := range els[tag] {
			for _, k := range []string{"x", "x1", "x2", "width"} {
				v := attr(n, k)
				if v == "" {
					continue
				}
				if p, ok := strings.CutSuffix(v, "%"); ok {
					f, err := strconv.ParseFloat(p, 64)
					if err != nil || f < 0 || f > 100 {
						t.Errorf("<%s %s=%q>", tag, k, v)
					}
					continue
				}
				if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 || f > 200 {
					t.Errorf("<%s %s=%q>: pixels past a phone's width", tag, k, v)
				}
			}
		}
	}
}

func TestDistributions(t *testing.T) {
	t.Parallel()
	edges := []time.Duration{time.Minute, 10 * time.Minute, time.Hour, 24 * time.Hour}
	h := Distributions("Time to resolve <by> severity", edges, []DistRow{
		{Label: "SEV1", Note: "3 incidents", Bins: []int{0, 1, 2, 0, 0}, P50: 30 * time.Minute, P90: 2 * time.Hour},
		{Label: "<b>x</b>", Note: "1 incident", Bins: []int{0, 0, 0, 0, 1}},
	})
	els := parse(t, string(h))
	if len(els["svg"]) != 1 || attr(els["svg"][0], "aria-label") != "Time to resolve <by> severity" || attr(els["svg"][0], "viewbox") != "" {
		t.Fatalf("svg %v", els["svg"])
	}
	if got := text(els["title"][0]); got != "Time to resolve <by> severity" {
		t.Errorf("title %q", got)
	}
	if strings.Contains(string(h), "<b>") {
		t.Error("a label is not escaped")
	}
	if n := len(els["rect"]); n != 3 {
		t.Errorf("%d bars, want 3 (one per non-empty bin)", n)
	}
	var labels []string
	for _, n := range els["text"] {
		labels = append(labels, text(n))
	}
	all := strings.Join(labels, "|")
	for _, want := range []string{"SEV1|3 incidents", "1 min", "10 min", "1 h", "1 d", "log scale"} {
		if !strings.Contains(all, want) {
			t.Errorf("no label %q in %q", want, all)
		}
	}
	if strings.Contains(all, "7 d") {
		t.Error("a tick past the last edge")
	}
	// 30 minutes is in the third bin (10 min to 1 h), log(3)/log(6) of
	// the way along it: (2 + 0.613) / 5.
	var p50 string
	for _, n := range els["line"] {
		if strings.HasPrefix(text(n), "p50") {
			p50 = attr(n, "x1")
		}
	}
	if p50 != "52.26%" {
		t.Errorf("p50 at %s", p50)
	}
	inside(t, els)
}

func TestBarsAndColumns(t *testing.T) {
	t.Parallel()
	els := parse(t, string(Bars("Open items by owner", []Bar{{"Dana", 4, "4"}, {"no owner", 2, "2"}, {"zero", 0, "0"}})))
	if len(els["rect"]) != 3 || attr(els["rect"][0], "width") != "82%" || attr(els["rect"][1], "width") != "41%" {
		t.Errorf("bars %v", els["rect"])
	}
	inside(t, els)
	periods := []string{"2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4", "2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"}
	h := Columns("Action items opened and closed per quarter", "items", periods, []Series{
		{Name: "opened", Values: []int{3, 0, 1, 2, 5, 1, 0, 2}, Class: "bar"}, {Name: "closed", Values: []int{0, 1, 1, 0, 2, 2, 3, 1}, Class: "s2"},
	})
	els = parse(t, string(h))
	inside(t, els)
	labelled := 0
	for _, n := range els["text"] {
		if strings.Contains(text(n), " Q") {
			labelled++
		}
	}
	if labelled != 4 {
		t.Errorf("%d periods labelled, want every other of 8 (4)", labelled)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "0 min", 20 * time.Second: "<1 min", 17 * time.Minute: "17 min", 125 * time.Minute: "2 h 5 min", 3 * time.Hour: "3 h", 76 * time.Hour: "3 d 4 h", 48 * time.Hour: "2 d"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
