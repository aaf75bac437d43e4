package site

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"unicode"

	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Part is a piece of an incident page's body: Markdown rendered as
// written, then the drawn view that goes after it, if any. The parts of a
// page, one after the other, are the whole body.
type Part struct {
	HTML template.HTML
	// View is "timeline" for the drawn timeline, "actions" for the table of
	// action items, "" for none.
	View string
	// Replaces reports that the view stands in place of a plain list of the
	// section that it repeats word for word (see drawnTimelineRepeats and
	// drawnActionsRepeat); otherwise everything written stays and the view
	// is added after the section's heading.
	Replaces bool
	// Heading reports that no section of the body holds the view (a
	// timeline or action items from the front matter): the view comes
	// after the body with a heading of its own.
	Heading bool
	// Incident is the incident the view draws.
	Incident *Incident
}

// The views an incident page draws beside its Markdown.
const (
	viewTimeline = "timeline"
	viewActions  = "actions"
)

// renderBody renders an incident's Markdown into v.Content and v.Parts:
// every block as written, except a first H1 that repeats the title (the
// page header shows it) and a plain list that a drawn view repeats word
// for word; the drawn timeline and action items go into their sections.
// v.Events must be built.
func (b *Assembly) renderBody(v *Incident) error {
	v.bodyLinks = linkSet{}
	res := &resolver{b: b, from: v.Source, links: &v.bodyLinks}
	p := &bodyPlan{v: v}
	out, err := b.md.RenderPlan(v.Body, res, p.plan)
	if err != nil {
		return fmt.Errorf("%s: render: %w", v.Source, err)
	}
	v.Content = trustedHTML(out.HTML)
	v.Parts = p.parts(out.HTML, out.Slots)
	v.Headings = out.Headings
	v.bodyFindings = nil
	for _, p := range out.Problems {
		v.bodyFindings = append(v.bodyFindings, linkFinding(v.Source, v.BodyLine+p.Line-1, p.Rule, p.Message))
	}
	return nil
}

// bodyPlan decides where an incident's drawn views go in its body.
type bodyPlan struct {
	v *Incident
	// views are the view of each slot of the plan ("" for the title,
	// which is only left out), and replaces whether it replaces a list.
	views    []string
	replaces []bool
	// placed are the views given a slot.
	placed map[string]bool
}

// plan is the markdown.Plan of the body.
func (p *bodyPlan) plan(blocks []markdown.Block) []markdown.Slot {
	v := p.v
	var slots []markdown.Slot
	add := func(s markdown.Slot, view string) {
		slots = append(slots, s)
		p.views = append(p.views, view)
		p.replaces = append(p.replaces, s.Replace)
	}
	// The title is shown once: a first H1 that says it gives way to the
	// page header.
	for i, bl := range blocks {
		if bl.Kind == markdown.BlockComment {
			continue
		}
		if bl.Kind == markdown.BlockHeading && bl.Level == 1 && slices.Equal(words(bl.Text), words(v.Title)) {
			add(markdown.Slot{Block: i, Replace: true}, "")
		}
		break
	}
	p.placed = map[string]bool{}
	for _, view := range []struct {
		name    string
		has     bool
		kind    postmortem.SectionKind
		repeats func(markdown.Block) bool
	}{
		{viewTimeline, len(v.Events) > 0, postmortem.SectionTimeline, p.timelineRepeats},
		{viewActions, len(v.ActionItems) > 0, postmortem.SectionActionItems, p.actionsRepeat},
	} {
		if !view.has {
			continue
		}
		h, lists := p.section(blocks, v.Section(view.kind))
		switch {
		case h < 0:
			continue
		case len(lists) == 1 && view.repeats(blocks[lists[0]]):
			add(markdown.Slot{Block: lists[0], Replace: true}, view.name)
		default:
			add(markdown.Slot{Block: h}, view.name)
		}
		p.placed[view.name] = true
	}
	return slots
}

// section finds a section's heading among the blocks, and the lists
// between it and the section's end; h is -1 when the heading is not a
// top-level block.
func (p *bodyPlan) section(blocks []markdown.Block, sec *postmortem.Section) (h int, lists []int) {
	if sec == nil {
		return -1, nil
	}
	// Block lines count from the body's first line.
	first := sec.Line - p.v.BodyLine + 1
	end := first + bytes.Count(p.v.Body[min(sec.Start, len(p.v.Body)):min(sec.End, len(p.v.Body))], []byte("\n"))
	if sec.End >= len(p.v.Body) {
		end = int(^uint(0) >> 1)
	}
	h = -1
	for i, bl := range blocks {
		switch {
		case bl.Line == first && (bl.Kind == markdown.BlockHeading || bl.Kind == markdown.BlockOther):
			// A heading, or the line of bold text a report wrote as one
			// ("**Timeline**"), which Markdown makes a paragraph.
			h = i
		case h >= 0 && bl.Line >= end:
			return h, lists
		case h >= 0 && bl.Kind == markdown.BlockList:
			lists = append(lists, i)
		}
	}
	return h, lists
}

// timelineRepeats reports whether the drawn timeline repeats a list word
// for word, so that it may stand in its place: every item is plain, gives
// exactly one event, on its own line, and every word of the item is a
// word the drawn event shows (its time as drawn, its kind, its text). An
// item that says more (a zone or a 12-hour time the drawn UTC time does
// not repeat, a link, a sub-list, an image) keeps the list on the page.
func (p *bodyPlan) timelineRepeats(list markdown.Block) bool {
	byLine := oneByLine(p.v.Events, func(e *Event) int { return e.Line })
	for _, it := range list.Items {
		e := byLine[p.v.BodyLine+it.Line-1]
		if !it.Plain || it.Task || e == nil {
			return false
		}
		if !wordsWithin(it.Text, e.When, string(e.Kind), e.Text) {
			return false
		}
		byLine[e.Line] = nil // one item, one event
	}
	return len(list.Items) > 0
}

// actionsRepeat is timelineRepeats for action items: every item is plain,
// gives one action item on its line, a task box agrees with the item's
// status, and every word of the item is a word of the table's row (title,
// owner, due date as drawn, priority, status, tracker link) or a label
// such as "owner" or "due".
func (p *bodyPlan) actionsRepeat(list markdown.Block) bool {
	byLine := oneByLine(p.v.ActionItems, func(a *postmortem.ActionItem) int { return a.Line })
	for _, it := range list.Items {
		line := p.v.BodyLine + it.Line - 1
		a := byLine[line]
		if !it.Plain || a == nil || it.Task && it.Checked != (a.Status == postmortem.StatusDone) {
			return false
		}
		due := ""
		if !a.Due.IsZero() {
			due = a.Due.Format("2006-01-02")
		}
		if !wordsWithin(it.Text, a.Title, a.Owner, due, a.Priority, a.Status, a.Link, actionLabels) {
			return false
		}
		byLine[line] = nil
	}
	return len(list.Items) > 0
}

// oneByLine maps each line to the element of xs written on it, or to nil
// when several are.
func oneByLine[T any](xs []T, line func(*T) int) map[int]*T {
	m := make(map[int]*T, len(xs))
	for i := range xs {
		x := &xs[i]
		if _, dup := m[line(x)]; dup {
			m[line(x)] = nil
			continue
		}
		m[line(x)] = x
	}
	return m
}

// actionLabels are words that only say which field follows them.
const actionLabels = "owner owners assignee assigned due by priority status ticket tracker issue link eta"

// parts cuts the rendered body at its slots into the parts of the page,
// and adds the views no section holds after the body.
func (p *bodyPlan) parts(html []byte, slots []int) []Part {
	order := make([]int, 0, len(slots))
	for i, at := range slots {
		if at >= 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return slots[a] - slots[b] })
	parts := make([]Part, 0, len(order)+3)
	prev := 0
	for _, i := range order {
		parts = append(parts, Part{HTML: trustedHTML(html[prev:slots[i]]), View: p.views[i], Replaces: p.replaces[i], Incident: p.v})
		prev = slots[i]
	}
	parts = append(parts, Part{HTML: trustedHTML(html[prev:]), Incident: p.v})
	if len(p.v.Events) > 0 && !p.placed[viewTimeline] {
		parts = append(parts, Part{View: viewTimeline, Heading: true, Incident: p.v})
	}
	if len(p.v.ActionItems) > 0 && !p.placed[viewActions] {
		parts = append(parts, Part{View: viewActions, Heading: true, Incident: p.v})
	}
	return parts
}

// words are the runs of letters and digits of s, lower-cased: what a
// reader reads of it, whatever the punctuation and markup.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordsWithin reports whether every word of s, as often as s has it, is
// among the words of the others.
func wordsWithin(s string, others ...string) bool {
	have := map[string]int{}
	for _, o := range others {
		for _, w := range words(o) {
			have[w]++
		}
	}
	for _, w := range words(s) {
		if have[w] == 0 {
			return false
		}
		have[w]--
	}
	return true
}
