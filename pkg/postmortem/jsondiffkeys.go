package postmortem

// JSONDiffSections is a revision's "diff" when every section it names has
// one of the known keys (KeyFrontMatter, "body" and the SectionKinds the
// parser recognises): a field for each, declared in key order, so that
// encoding/json's struct encoder writes what it writes for the map of the
// same sections, sorted by key, with no MarshalJSON to call and no compact
// pass over what one returns (about half of api/incidents.json's extra
// encoding cost with the audit trail on). A revision with any other key
// keeps its JSONDiff (jsonRevisionDiff), so no key is ever lost.
type JSONDiffSections struct {
	ActionItems          *JSONSectionDiff `json:"action_items,omitempty"`
	Body                 *JSONSectionDiff `json:"body,omitempty"`
	ContributingFactors  *JSONSectionDiff `json:"contributing_factors,omitempty"`
	FrontMatter          *JSONSectionDiff `json:"front_matter,omitempty"`
	Impact               *JSONSectionDiff `json:"impact,omitempty"`
	Lessons              *JSONSectionDiff `json:"lessons,omitempty"`
	PostIncidentAnalysis *JSONSectionDiff `json:"post_incident_analysis,omitempty"`
	ResponseAnalysis     *JSONSectionDiff `json:"response_analysis,omitempty"`
	Summary              *JSONSectionDiff `json:"summary,omitempty"`
	SupportingData       *JSONSectionDiff `json:"supporting_data,omitempty"`
	Timeline             *JSONSectionDiff `json:"timeline,omitempty"`
}

// field is d's field for a section key, nil for a key it has none for.
func (d *JSONDiffSections) field(key string) **JSONSectionDiff {
	switch key {
	case string(SectionActionItems):
		return &d.ActionItems
	case "body":
		return &d.Body
	case string(SectionFactors):
		return &d.ContributingFactors
	case "front_matter":
		return &d.FrontMatter
	case string(SectionImpact):
		return &d.Impact
	case string(SectionLessons):
		return &d.Lessons
	case string(SectionPostAnalysis):
		return &d.PostIncidentAnalysis
	case string(SectionResponseAnalysis):
		return &d.ResponseAnalysis
	case string(SectionSummary):
		return &d.Summary
	case string(SectionSupportingData):
		return &d.SupportingData
	case string(SectionTimeline):
		return &d.Timeline
	}
	return nil
}

// jsonDiffs makes the "diff" of each of an incident's revisions with one
// backing array for all their section counts and one for their
// JSONDiffSections, rather than a slice per revision.
type jsonDiffs struct {
	counts []JSONSectionDiff
	secs   []JSONDiffSections
}

// newJSONDiffs has room for the diffs of revs.
func newJSONDiffs(revs []Revision) jsonDiffs {
	n, m := 0, 0
	for _, r := range revs {
		if len(r.Diff) > 0 {
			n += len(r.Diff)
			m++
		}
	}
	if n == 0 {
		return jsonDiffs{}
	}
	return jsonDiffs{counts: make([]JSONSectionDiff, 0, n), secs: make([]JSONDiffSections, 0, m)}
}

// diff is the value of a revision's "diff" for its section changes: nil
// when there are none (the key left out), a *JSONDiffSections when each
// key has a field there, otherwise the JSONDiff, which writes any key.
// Either is written as the map of the changes, a section named twice
// counted by its last change.
func (a *jsonDiffs) diff(changes []SectionChange) any {
	if len(changes) == 0 {
		return nil
	}
	a.secs = append(a.secs, JSONDiffSections{})
	d := &a.secs[len(a.secs)-1]
	for _, c := range changes {
		f := d.field(c.Section)
		if f == nil {
			a.secs = a.secs[:len(a.secs)-1]
			return jsonDiff(changes)
		}
		a.counts = append(a.counts, JSONSectionDiff{Section: c.Section, Added: c.Added, Removed: c.Removed, Lines: c.Lines})
		*f = &a.counts[len(a.counts)-1]
	}
	return d
}
