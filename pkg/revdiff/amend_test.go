package revdiff_test

import (
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// amendBase is a made-up postmortem that each case below edits once.
const amendBase = `---
id: INC-7
severity: SEV3
title: Search latency during the index rebuild
---
## Summary

Search answered slowly for 42 minutes while the nightly index rebuild ran
on the primary instead of the replica. See the [runbook](https://wiki.example/run/412).

## Impact

About 1,200 requests timed out; p99 latency reached 9.5 s.

## Timeline

- 02:10 rebuild starts on the primary
- 02:25 latency alert fires
- 02:52 rebuild moved to the replica

## Contributing factors

The rebuild job read its target from a stale config map.

## Action items

- [ ] Pin the rebuild to the replica (owner: Ana)
- [ ] Alert on rebuilds that run on the primary (owner: Tom)
`

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		from, to    string
		fields      []postmortem.FieldChange
		substantive bool
		reason      string // one of the reasons, when substantive
	}{
		{name: "typo fix", from: "answered slowly", to: "answerd slowly"},
		{name: "rewording", from: "while the nightly index rebuild ran", to: "because the nightly rebuild of the index ran"},
		{name: "link moved", from: "https://wiki.example/run/412", to: "https://wiki.example/runbooks/413"},
		{name: "action item reworded", from: "Pin the rebuild to the replica", to: "Pin the index rebuild to the replica"},
		{name: "action item ticked", from: "- [ ] Pin the rebuild", to: "- [x] Pin the rebuild"},
		{name: "title reworded", fields: []postmortem.FieldChange{{Field: "title", From: "Search latency", To: "Slow search"}}},
		{name: "tags changed", fields: []postmortem.FieldChange{{Field: "tags", From: "search", To: "search, index"}}},
		{name: "severity raised", fields: []postmortem.FieldChange{{Field: "severity", From: "SEV3", To: "SEV2"}}, substantive: true, reason: "severity SEV3 → SEV2"},
		{name: "factors in the front matter", fields: []postmortem.FieldChange{{Field: "factors", To: "capacity, configuration"}}, substantive: true, reason: "the contributing factors"},
		{name: "impact figure in the front matter", fields: []postmortem.FieldChange{{Field: "impact.customers", From: "1200", To: "1900"}}, substantive: true, reason: "impact.customers 1200 → 1900"},
		{name: "impact number in the text", from: "About 1,200 requests", to: "About 1,900 requests", substantive: true, reason: "a number or time in Impact"},
		{name: "duration", from: "for 42 minutes", to: "for 47 minutes", substantive: true, reason: "a number or time in Summary"},
		{name: "timeline time", from: "02:25 latency alert", to: "02:31 latency alert", substantive: true, reason: "a number or time in Timeline"},
		{name: "contributing factors", from: "from a stale config map.", to: "from a stale config map that no test covered.", substantive: true, reason: "the contributing factors"},
		{name: "action item added", from: "(owner: Tom)\n", to: "(owner: Tom)\n- [ ] Document the rebuild's target (owner: Ana)\n", substantive: true, reason: "an action item added or removed"},
		{name: "action item removed", from: "- [ ] Alert on rebuilds that run on the primary (owner: Tom)\n", to: "", substantive: true, reason: "an action item added or removed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			after := amendBase
			if c.from != "" {
				if !strings.Contains(amendBase, c.from) {
					t.Fatalf("the base text has no %q", c.from)
				}
				after = strings.Replace(amendBase, c.from, c.to, 1)
			}
			d := revdiff.Compare([]byte(amendBase), []byte(after), nil)
			if c.from != "" && len(d.Sections) == 0 {
				t.Fatal("the edit changed nothing")
			}
			a := revdiff.Classify(d, c.fields)
			if a.Substantive != c.substantive {
				t.Fatalf("Substantive = %v, want %v (reasons %q)", a.Substantive, c.substantive, a.Reasons)
			}
			if c.reason != "" && !contains(a.Reasons, c.reason) {
				t.Errorf("reasons %q, want one %q", a.Reasons, c.reason)
			}
			if !c.substantive && len(a.Reasons) > 0 {
				t.Errorf("an editorial amendment has reasons %q", a.Reasons)
			}
		})
	}
}

func TestClassifyFallback(t *testing.T) {
	t.Parallel()
	d := &revdiff.Diff{Fallback: "too big", Sections: []revdiff.Section{{Key: "summary", LinesAdded: 1}}}
	if a := revdiff.Classify(d, nil); !a.Substantive {
		t.Errorf("a line summary is editorial: %+v", a)
	}
	if a := revdiff.Classify(nil, nil); a.Substantive {
		t.Errorf("nothing compared and no fields is substantive: %+v", a)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
