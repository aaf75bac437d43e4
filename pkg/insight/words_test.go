package insight

import (
	"maps"
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Retries piled up behind the retry budget", []string{"behind", "budget", "piled", "retry"}},
		{"Timeouts: the timeout was 30s", []string{"timeout"}},
		{"Postgres-main ran out of connections", []string{"connection", "postgres-main"}},
		// Short words, stop words and numbers say nothing.
		{"The incident was caused by a bug in 2024", nil},
		{"Class and glass stay whole", []string{"class", "glass", "stay", "whole"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := map[string]bool{}
			words(tt.text, got)
			if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, tt.want) {
				t.Errorf("words = %q, want %q", keys, tt.want)
			}
		})
	}
}
