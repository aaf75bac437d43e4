package site

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/markdown"
)

// impactFact is one labelled value of a postmortem's customer impact.
type impactFact struct {
	Label, Value string
}

// impactUnits are the key suffixes that say a value's unit, and how a
// value in it is written.
var impactUnits = []struct {
	suffix string
	format func(float64) string
}{
	{"_usd", func(v float64) string { return "$" + thousands(v) }},
	{"_eur", func(v float64) string { return "€" + thousands(v) }},
	{"_gbp", func(v float64) string { return "£" + thousands(v) }},
	{"_minutes", func(v float64) string { return humanDuration(time.Duration(v * float64(time.Minute))) }},
	{"_mins", func(v float64) string { return humanDuration(time.Duration(v * float64(time.Minute))) }},
	{"_hours", func(v float64) string { return humanDuration(time.Duration(v * float64(time.Hour))) }},
	{"_seconds", func(v float64) string { return humanDuration(time.Duration(v * float64(time.Second))) }},
	{"_percent", func(v float64) string { return thousands(v) + "%" }},
	{"_pct", func(v float64) string { return thousands(v) + "%" }},
}

// impactFacts is a postmortem's impact map as a reader reads it, sorted
// by key: "revenue_usd: 27300" is Revenue, $27,300; "duration_minutes:
// 195" is Duration, 3 h 15 min; a number without a unit gets thousands
// separators; anything else is written as given.
func impactFacts(m map[string]any) []impactFact {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]impactFact, 0, len(keys))
	for _, k := range keys {
		name, format := strings.ToLower(k), func(v float64) string { return thousands(v) }
		for _, u := range impactUnits {
			if n, ok := strings.CutSuffix(name, u.suffix); ok && n != "" {
				name, format = n, u.format
				break
			}
		}
		label := strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(name)), " ")
		if label == "" {
			label = k
		}
		label = strings.ToUpper(label[:1]) + label[1:]
		value := fmt.Sprint(m[k])
		if v, ok := number(m[k]); ok {
			value = format(v)
		}
		out = append(out, impactFact{label, value})
	}
	return out
}

// number is v as a float when it is a number, as YAML and TOML decoders
// give them, or a string that is one.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(n), ",", ""), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// thousands writes v with a comma between groups of three digits and at
// most two decimals: 1240000 is "1,240,000", 12.5 is "12.5".
func thousands(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// trackerText is what an action item's tracker cell says: its ticket as
// written ("PAY-431", "#42"), else its link's host with the last part of
// the path when that names an item ("jira.acme.example PAY-431",
// "github.com #42"), else the host alone. "" without either.
func trackerText(ticket, link string) string {
	if t := strings.TrimSpace(ticket); t != "" {
		return t
	}
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return link
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	last := path.Base(strings.TrimSuffix(u.Path, "/"))
	switch {
	case last == "" || last == "." || last == "/" || !strings.ContainsAny(last, "0123456789"):
		return host
	case strings.Trim(last, "0123456789") == "":
		return host + " #" + last
	}
	if len(last) > 24 {
		return host
	}
	return host + " " + last
}

// detailLines are the sub-bullets written under an action item (its
// Detail), one inline-rendered line each, without their list markers.
func detailLines(detail string) []template.HTML {
	var out []template.HTML
	for _, l := range strings.Split(detail, "\n") {
		l = strings.TrimSpace(l)
		for _, m := range []string{"- ", "* ", "+ "} {
			l = strings.TrimPrefix(l, m)
		}
		if l != "" {
			out = append(out, inlineHTML(l))
		}
	}
	return out
}

// tocMinSections is how many sections (H2) a postmortem has before its
// page gets a table of contents: a short one reads at a glance.
const tocMinSections = 4

// toc is the table of contents of a postmortem's page, its H2 and H3
// headings, or nothing for one of fewer than tocMinSections sections.
func toc(hs []markdown.Heading) []markdown.Heading {
	var out []markdown.Heading
	sections := 0
	for _, h := range hs {
		if h.ID == "" || h.Level < 2 || h.Level > 3 {
			continue
		}
		if h.Level == 2 {
			sections++
		}
		out = append(out, h)
	}
	if sections < tocMinSections {
		return nil
	}
	return out
}
