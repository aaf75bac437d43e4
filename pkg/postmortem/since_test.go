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
		{"many sections", SignOff{Since: []SectionChange{{Section: "summary", Lines: 2}, {Section: "impact", Lines: 1}, {Section: "timeline", Lines: 5},
			{Section: "lessons", Lines: 3}}, SinceFields: []FieldChange{{Field: "status"}}}, "11 lines in 4 sections and the status"},
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

func TestChangedSinceApproval(t *testing.T) {
	t.Parallel()
	h := &History{SignOffs: []SignOff{
		{Name: "Bo Chen", Email: "bo@example.com", Commit: "caa5208d1", Stale: true,
			Since: []SectionChange{{Section: "summary", Heading: "Summary", Lines: 3}}},
		{Name: "Bo Chen", Email: "bo@example.com", Commit: "0123456789", Stale: true, Since: []SectionChange{}},
		{Name: "Ines Moreau", Commit: "abcdef012", Stale: true},
		{Name: "Ana Lima", Commit: "fedcba987"},
	}}
	for member, want := range map[string]string{
		"Bo Chen":             "3 lines in Summary changed since Bo Chen approved at caa5208",
		"B. <bo@example.com>": "3 lines in Summary changed since Bo Chen approved at caa5208",
		"Ines Moreau":         "", // not compared
		"Ana Lima":            "", // not stale
		"Dee Roy":             "",
	} {
		if got := h.ChangedSinceApproval(member); got != want {
			t.Errorf("%s: got %q, want %q", member, got, want)
		}
	}
	if (*History)(nil).ChangedSinceApproval("Bo Chen") != "" {
		t.Error("a nil history says something changed")
	}
}
