package site

import (
	"reflect"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

func TestInlineHTML(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"set `pool_size` to **40**":          "set <code>pool_size</code> to <strong>40</strong>",
		"<script>alert(1)</script>":          "&lt;script&gt;alert(1)&lt;/script&gt;",
		"`<img onerror=x>` and _em_ here":    "<code>&lt;img onerror=x&gt;</code> and <em>em</em> here",
		"see [runbook](javascript:alert(1))": "see runbook)",
		"snake_case stays":                   "snake_case stays",
		"**unclosed bold":                    "<strong>unclosed bold</strong>",
		"alert fired ![graph](/img/q.png)":   "alert fired graph",
	}
	for in, want := range tests {
		if got := string(inlineHTML(in)); got != want {
			t.Errorf("inlineHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildEventsMarksFrontMatterMilestones(t *testing.T) {
	t.Parallel()
	at := func(h, m int) time.Time { return time.Date(2024, 3, 1, h, m, 0, 0, time.UTC) }
	inc := &postmortem.Incident{Detected: at(9, 27), Resolved: at(10, 1), Timeline: []timeline.Event{
		{Time: at(9, 19), Text: "pool exhausted"},
		{Time: at(9, 27), Text: "someone noticed"},
		{Time: at(9, 41), Text: "rolled back", Kind: timeline.KindMitigated},
		{Time: at(10, 1), Text: "error rate normal"},
		{Text: "no time"},
	}}
	evs := buildEvents(inc)
	kinds := []timeline.Kind{"", timeline.KindDetected, timeline.KindMitigated, timeline.KindResolved, ""}
	offsets := []string{"+0 min", "+8 min", "+22 min", "+42 min", ""}
	for i, e := range evs {
		if e.Kind != kinds[i] || e.Offset != offsets[i] {
			t.Errorf("event %d: kind %q offset %q, want %q %q", i, e.Kind, e.Offset, kinds[i], offsets[i])
		}
	}
	if evs[4].Percent != -1 || evs[3].Percent != 100 {
		t.Errorf("percent: %v, %v", evs[3].Percent, evs[4].Percent)
	}
}

// TestEventCopiesTimelineEvent: site.Event repeats the fields of
// timeline.Event instead of embedding it (see Event); a field added there
// and not here, or not copied, fails this test.
func TestEventCopiesTimelineEvent(t *testing.T) {
	t.Parallel()
	var in timeline.Event
	fillFields(t, reflect.ValueOf(&in).Elem())
	in.Kind = timeline.KindDetected
	out := buildEvents(&postmortem.Incident{Timeline: []timeline.Event{in}})
	if len(out) != 1 {
		t.Fatalf("%d events, want 1", len(out))
	}
	checkCopied(t, reflect.ValueOf(in), reflect.ValueOf(out[0]))
}

// TestActionCopiesActionItem: every field of postmortem.ActionItem is on
// site.Action, with its value.
func TestActionCopiesActionItem(t *testing.T) {
	t.Parallel()
	var in postmortem.ActionItem
	fillFields(t, reflect.ValueOf(&in).Elem())
	in.Status = postmortem.StatusOpen // only an open item is overdue
	v := &Incident{Incident: &postmortem.Incident{ActionItems: []postmortem.ActionItem{{}, in}}}
	got := NewAction(v, 1, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	checkCopied(t, reflect.ValueOf(in), reflect.ValueOf(got))
	if got.Incident != v || got.item != 1 || !got.Overdue {
		t.Errorf("incident %p (want %p), item %d (want 1), overdue %v (want true)", got.Incident, v, got.item, got.Overdue)
	}
}

// fillFields sets every field of the struct v to a value other than its
// zero: a string names its field, a time is in March 2024.
func fillFields(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x" + v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(7 + i))
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(time.Date(2024, 3, 1, 9, 19, 0, 0, time.UTC)))
		default:
			t.Fatalf("%s.%s: no test value for a %s", v.Type(), v.Type().Field(i).Name, f.Kind())
		}
	}
}

// checkCopied reports each field of the struct in that got lacks or holds
// another value in.
func checkCopied(t *testing.T, in, got reflect.Value) {
	t.Helper()
	for i := range in.NumField() {
		name := in.Type().Field(i).Name
		g := got.FieldByName(name)
		if !g.IsValid() {
			t.Errorf("%s has no field %s", got.Type(), name)
			continue
		}
		if !reflect.DeepEqual(g.Interface(), in.Field(i).Interface()) {
			t.Errorf("%s.%s = %v, want %v", got.Type(), name, g.Interface(), in.Field(i).Interface())
		}
	}
}
