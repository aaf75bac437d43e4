package postmortem

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// JSONDiff is what a revision changed, by section: in JSON an object whose
// keys are the sections' (JSONSectionDiff.Section), in key order, as
// encoding/json writes a map, each key once.
//
// It is a slice with its own MarshalJSON rather than a map because
// api/incidents.json has one for each of about 24,000 revisions at
// 10,000 postmortems: encoding/json made each map's sorted keys through
// reflection, twice the allocations of the incident's other fields.
type JSONDiff []JSONSectionDiff

// jsonDiff is the JSONDiff of a revision's section changes: sorted by
// section, and a section named twice counted by its last change, as a map
// assigned in turn keeps it; nil when there are none.
func jsonDiff(changes []SectionChange) JSONDiff {
	if len(changes) == 0 {
		return nil
	}
	d := make(JSONDiff, 0, len(changes))
	for _, c := range changes {
		e := JSONSectionDiff{Section: c.Section, Added: c.Added, Removed: c.Removed, Lines: c.Lines}
		if i := slices.IndexFunc(d, func(x JSONSectionDiff) bool { return x.Section == c.Section }); i >= 0 {
			d[i] = e
			continue
		}
		d = append(d, e)
	}
	slices.SortFunc(d, func(a, b JSONSectionDiff) int { return strings.Compare(a.Section, b.Section) })
	return d
}

// MarshalJSON writes d as an object keyed by section, in d's order (which
// jsonDiff sorts).
func (d JSONDiff) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 48*len(d)+2)
	b = append(b, '{')
	for i, e := range d {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONKey(b, e.Section)
		b = append(b, `:{"added":`...)
		b = strconv.AppendInt(b, int64(e.Added), 10)
		b = append(b, `,"removed":`...)
		b = strconv.AppendInt(b, int64(e.Removed), 10)
		b = append(b, `,"lines":`...)
		b = strconv.AppendInt(b, int64(e.Lines), 10)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendJSONKey appends s as a JSON string: plain ASCII letters, digits,
// '_' and '-' as they are, anything else as encoding/json writes it.
func appendJSONKey(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == ' ') {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// UnmarshalJSON reads the object MarshalJSON writes, sorted by section.
func (d *JSONDiff) UnmarshalJSON(data []byte) error {
	var m map[string]JSONSectionDiff
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	if m == nil {
		*d = nil
		return nil
	}
	out := make(JSONDiff, 0, len(m))
	for k, e := range m {
		e.Section = k
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b JSONSectionDiff) int { return strings.Compare(a.Section, b.Section) })
	*d = out
	return nil
}
