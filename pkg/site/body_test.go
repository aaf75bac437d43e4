package site

import (
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// TestDrawnViewRepeatsList: a drawn view stands in for a list only when it
// shows every word of every item; anything more keeps the list.
func TestDrawnViewRepeatsList(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	// The body starts on line 5 of the file; item lines count from it.
	inc := &postmortem.Incident{BodyLine: 5,
		Timeline: []timeline.Event{
			{Time: at, Text: "resolver pods restarted", Line: 10},
			{Time: at.Add(6 * time.Minute), Text: "alert fired", Kind: timeline.KindDetected, Line: 11},
		},
		ActionItems: []postmortem.ActionItem{
			{Title: "Spread resolver pods over zones", Owner: "bo", Due: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Status: postmortem.StatusOpen, Line: 20},
			{Title: "Alert on lookup latency", Status: postmortem.StatusDone, Line: 21},
		}}
	p := &bodyPlan{v: &Incident{Incident: inc, Events: buildEvents(inc)}}
	item := func(line int, text string) markdown.Item {
		return markdown.Item{Line: line - 4, Text: text, Plain: true}
	}
	list := func(items ...markdown.Item) markdown.Block {
		return markdown.Block{Kind: markdown.BlockList, Items: items}
	}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"timeline as drawn", p.timelineRepeats(list(item(10, "10:00 - resolver pods restarted"), item(11, "10:06 UTC alert fired (detected)"))), true},
		{"timeline with the full date", p.timelineRepeats(list(item(10, "2024-06-01 10:00 UTC: resolver pods restarted"))), true},
		{"a zone the drawn time does not repeat", p.timelineRepeats(list(item(10, "12:00 CEST - resolver pods restarted"))), false},
		{"a word the event lacks", p.timelineRepeats(list(item(10, "10:00 - resolver pods restarted twice"))), false},
		{"a word twice", p.timelineRepeats(list(item(10, "10:00 - resolver pods restarted restarted"))), false},
		{"an item with no event", p.timelineRepeats(list(item(10, "10:00 - resolver pods restarted"), item(12, "then lunch"))), false},
		{"two items, one event", p.timelineRepeats(list(item(10, "10:00 resolver pods restarted"), item(10, "10:00 resolver pods restarted"))), false},
		{"an item that is not plain", p.timelineRepeats(list(markdown.Item{Line: 6, Text: "10:00 resolver pods restarted", Plain: false})), false},
		{"an empty list", p.timelineRepeats(list()), false},
		{"actions as drawn", p.actionsRepeat(list(item(20, "Spread resolver pods over zones (owner: @bo, due 2024-07-01)"), item(21, "Alert on lookup latency"))), true},
		{"an open box on an open item", p.actionsRepeat(list(markdown.Item{Line: 16, Text: "Spread resolver pods over zones", Plain: true, Task: true})), true},
		{"a ticked box on an open item", p.actionsRepeat(list(markdown.Item{Line: 16, Text: "Spread resolver pods over zones", Plain: true, Task: true, Checked: true})), false},
		{"a due date written otherwise", p.actionsRepeat(list(item(20, "Spread resolver pods over zones by July 1"))), false},
		{"an action with a reason", p.actionsRepeat(list(item(21, "Alert on lookup latency, since nobody noticed"))), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
