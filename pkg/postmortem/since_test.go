package postmortem

import "testing"

func TestChangedSince(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    SignOff
		want string
	}{
		{"not compared", SignOff{Stale: true}, ""},
		{"only line ends", SignOff{Since: []SectionChange{}}, "only line ends"},
		{"one section", SignOff{Since: []SectionChange{{Section: "contributing_factors", Heading: "Contributing factors", Lines: 3}}}, "3 lines in Contributing factors"},
		{"a section and a field", SignOff{
			Since:       []SectionChange{{Section: "front_matter", Lines: 1}, {Section: "timeline", Heading: "Timeline (UTC)", Lines: 1}},
			SinceFields: []FieldChange{{Field: "severity", From: "SEV3", To: "SEV2"}},
		}, "1 line in Timeline (UTC) and the severity"},
		{"front matter without fields", SignOff{Since: []SectionChange{{Section: "front_matter", Lines: 2}, {Section: "body", Lines: 1}, {Section: "action_items", Lines: 2}}},
			"1 line in the text before the first heading, 2 lines in Action items and the front matter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.ChangedSince(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
