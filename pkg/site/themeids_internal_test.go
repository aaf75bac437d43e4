package site

import (
	"testing"
	"testing/fstest"

	"github.com/inquest-dev/inquest/theme"
)

// TestHeadingReserved: the ids the theme's templates write out, and the
// form of a revision's anchor, are reserved; ids made by an action, and
// others, are not.
func TestHeadingReserved(t *testing.T) {
	t.Parallel()
	b := &Assembly{themeIDs: themeIDs(theme.Overlay(fstest.MapFS{
		"templates/partials/extra.html": {Data: []byte(`<section id="runbook-h" aria-labelledby="{{.ID}}"><h2 id="{{.ID}}">x</h2></section>`)},
	}))}
	for id, want := range map[string]bool{
		"main": true, "tl-h": true, "drawn-actions": true, "runbook-h": true,
		"rev-0123abcd": true, "rev-0123abcdef01": true,
		"rev-0123abc": false, "rev-summary": false, "rev-0123ABCD": false,
		"summary": false, "timeline": false, "{{.ID}}": false, ".ID": false,
	} {
		if got := b.headingReserved(id); got != want {
			t.Errorf("headingReserved(%q) = %v, want %v", id, got, want)
		}
	}
}
