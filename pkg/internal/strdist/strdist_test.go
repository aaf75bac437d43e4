package strdist

import "testing"

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"tags", "tag", 1},
		{"vague-action-items", "vague-action-item", 1}, {"kitten", "sitting", 3}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := Levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"timezone", "title", "severities", "Europe/Berlin", "exclude_defaults"}
	tests := []struct {
		word string
		max  int
		want string
	}{
		{"timzone", 2, "timezone"},
		{"severity", 3, "severities"},
		{"europe/berlin", 2, "Europe/Berlin"}, // case only
		{"Europe/Berln", 2, "Europe/Berlin"},
		{"exclude_default", 2, "exclude_defaults"},
		{"tit", 0, "title"}, // a prefix of three letters or more
		{"colour", 2, ""},
		{"ti", 1, ""}, // too short for a prefix, too far otherwise
	}
	for _, tt := range tests {
		if got := Nearest(tt.word, cands, tt.max); got != tt.want {
			t.Errorf("Nearest(%q, %d) = %q, want %q", tt.word, tt.max, got, tt.want)
		}
	}
}
