package postmortem

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"
)

// ActionItems returns the action items of one version of a postmortem as
// Parse reads them (front matter, else the Action Items section, less the
// template's examples), for the history of each item across a file's
// revisions. It is safe for concurrent use. A file with YAML front matter
// or none is read for its items only: front matter without items is not
// decoded, and nothing of the body but the Action Items section is read;
// any other file is parsed whole. TestActionItemsAsParse and FuzzActionItems hold the two
// ways to the same result.
func (p *Parser) ActionItems(content []byte) []ActionItem {
	if items, ok := p.bodyActionItems(content, nil); ok {
		return items
	}
	return p.Parse("", content).ActionItems
}

// frontItemsFunc reads the action items of YAML front matter split into
// entries, entry by entry; known is false when it cannot, and the whole
// front matter is then decoded.
type frontItemsFunc func(entries []yamlEntry) (items []ActionItem, known bool)

// bodyActionItems reads the action items of a file whose front matter, if
// any, is YAML: those of the front matter, else those of the Action Items
// section; ok is false for any other file, and for front matter that does
// not decode.
//
// front, when not nil, reads the items of front matter that splits into
// entries.
func (p *Parser) bodyActionItems(content []byte, front frontItemsFunc) (items []ActionItem, ok bool) {
	if len(content) > MaxFileSize || len(bytes.TrimSpace(content)) == 0 ||
		bytes.IndexByte(content[:min(len(content), 8000)], 0) >= 0 || !utf8.Valid(content) {
		return nil, false
	}
	content = Normalize(content)
	body, bodyLine := content, 1
	switch open, _ := firstLine(content); open {
	case "---", "---yaml":
		if entries, at, ok := yamlSplit(content); ok {
			// The body starts after the closing line, as splitRaw
			// splits it, without its cost (frontmatter.Parse copies
			// the whole file).
			body, bodyLine = content[at:], 1+bytes.Count(content[:at], []byte("\n"))
			if !p.itemsKey(entries) {
				break // nothing in the front matter to decode
			}
			if front != nil {
				if items, known := front(entries); known {
					if items != nil {
						return items, true
					}
					break
				}
			}
		}
		fm, b, bl, err := SplitFrontMatter(content)
		if err != nil || fm.Format != "yaml" {
			return nil, false
		}
		nop := func(int, string, string, string, ...any) {}
		for _, k := range fm.Keys {
			if v := fm.Values[k]; v != nil && p.namesItems(k) {
				items = appendFrontMatterItems(items, v, fm.KeyLine(k), nop)
			}
		}
		if items != nil {
			return items, true
		}
		body, bodyLine = b, bl
	case "+++", "---toml", "{", ";;;", "---json":
		return nil, false
	}
	secs, _ := splitSections(body, string(body), bodyLine)
	inc := &Incident{Body: body, BodyLine: bodyLine, Sections: secs}
	if s := inc.Section(SectionActionItems); s != nil {
		inc.ActionItems, _ = ParseActionItems(s.Text, s.Line+1)
	}
	if p.tmpl != nil && len(inc.ActionItems) > 0 {
		if found := p.tmpl.placeholders(inc); len(found) > 0 {
			inc.ActionItems = dropOnLines(inc.ActionItems, found, func(a ActionItem) int { return a.Line })
		}
	}
	return inc.ActionItems, true
}

// itemsBehaviour names what ActionItems does; change it whenever
// ActionItems could return something else for the same file and the same
// configuration, so that items cached under the old version are not read.
const itemsBehaviour = "items-6"

// ItemsVersion identifies what p's ActionItems returns: its behaviour,
// the front-matter key names it knows (FieldsVersion) and the template
// whose examples it leaves out. A cache of its results keyed by it
// (package history's, through history.Options.ItemsVersion) is not read by
// a parser that would return something else.
func (p *Parser) ItemsVersion() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", p.FieldsVersion(), SectionsBehaviour)
	if p.tmpl != nil {
		for _, k := range slices.Sorted(maps.Keys(p.tmpl.lines)) {
			fmt.Fprintf(h, "%q\n", k)
		}
	}
	return itemsBehaviour + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// Where the dates of an action item come from (Incident.ItemDates).
const (
	// ItemFromGit: the date of the revision the item first appeared in,
	// or was marked done in (History.Items).
	ItemFromGit = "Git"
	// ItemFromIncidentDate: the item is taken to be opened on its
	// incident's date.
	ItemFromIncidentDate = "incident date"
	// ItemFromDueDate: a done item is taken to be closed on its due date.
	ItemFromDueDate = "due date"
)

// ItemDates says when action item k was opened and, when it is done,
// closed, and where each date comes from; a zero time is unknown. Git
// comes first (History.Items): opened in the revision the item first
// appeared in, closed in the one that marked it done. The rest is
// PlannedItemDates': an item written since the last commit, a file
// without history, and a done item whose closing Git does not record (it
// was already done when first written), whose two dates then both come
// from the postmortem so that its time to close compares like with like.
// An item in the file's first version was opened by that commit, and
// likely when the postmortem was written: it is opened on the incident's
// date when that is known, so that postmortems committed long after
// their incidents (a repository adopted in one commit) do not date their
// items by the import.
func (inc *Incident) ItemDates(k int) (opened, closed time.Time, openedFrom, closedFrom string) {
	opened, closed, openedFrom, closedFrom = inc.PlannedItemDates(k)
	h := inc.History
	if h == nil || len(h.Items) != len(inc.ActionItems) {
		return opened, closed, openedFrom, closedFrom
	}
	l := h.Items[k]
	done := inc.ActionItems[k].Status == StatusDone
	if done && l.Closed.IsZero() {
		return opened, closed, openedFrom, closedFrom
	}
	if !l.Opened.IsZero() && (!l.InFirstVersion || opened.IsZero()) {
		opened, openedFrom = l.Opened, ItemFromGit
	}
	if done {
		closed, closedFrom = l.Closed, ItemFromGit
	}
	return opened, closed, openedFrom, closedFrom
}

// PlannedItemDates dates action item k from the postmortem alone: opened
// on the incident's date, closed (when done) on its due date.
func (inc *Incident) PlannedItemDates(k int) (opened, closed time.Time, openedFrom, closedFrom string) {
	a := inc.ActionItems[k]
	if !inc.Date.IsZero() {
		opened, openedFrom = inc.Date, ItemFromIncidentDate
	}
	if a.Status == StatusDone && !a.Due.IsZero() {
		closed, closedFrom = a.Due, ItemFromDueDate
	}
	return opened, closed, openedFrom, closedFrom
}

// itemsKey reports whether one of the front-matter entries names the
// action items.
func (p *Parser) itemsKey(entries []yamlEntry) bool {
	for _, e := range entries {
		if p.namesItems(e.key) {
			return true
		}
	}
	return false
}

// namesItems reports whether the front-matter key names the action items
// (action_items, or a name the configuration maps to it).
func (p *Parser) namesItems(key string) bool {
	return p.fields[normalizeKey(key)] == "action_items"
}
