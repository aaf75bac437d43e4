package repo

import (
	"reflect"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestLoadStaged: LoadStaged attaches every revision without its field
// changes; AttachFieldChanges adds them, once, and the result is what Load
// gives.
func TestLoadStaged(t *testing.T) {
	t.Parallel()
	dir := repotest.WriteFile(t, "testdata/staged.txtar")
	opts := Options{History: true, CacheDir: t.TempDir()}
	staged, err := LoadStaged(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	inc := staged.Set.Incidents[0]
	if inc.History == nil || len(inc.History.Revisions) != 3 {
		t.Fatalf("history before the field changes: %+v", inc.History)
	}
	for i, rv := range inc.History.Revisions {
		if rv.Changes != nil {
			t.Errorf("revision %d has field changes before AttachFieldChanges: %+v", i, rv.Changes)
		}
	}
	if err := staged.AttachFieldChanges(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := [][]postmortem.FieldChange{
		{{Field: "status", From: "draft", To: "published"}},
		{{Field: "severity", From: "SEV3", To: "SEV2"}},
		nil,
	}
	for i, rv := range inc.History.Revisions {
		if !reflect.DeepEqual(rv.Changes, want[i]) {
			t.Errorf("revision %d (%s): changes %+v, want %+v", i, rv.Subject, rv.Changes, want[i])
		}
	}
	// Once attached, a second call reads nothing and changes nothing.
	inc.History.Revisions[0].Changes = nil
	if err := staged.AttachFieldChanges(t.Context()); err != nil || inc.History.Revisions[0].Changes != nil {
		t.Errorf("second AttachFieldChanges: %v, changes %+v", err, inc.History.Revisions[0].Changes)
	}
	inc.History.Revisions[0].Changes = want[0]

	loaded, err := Load(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Set.Incidents[0].History; !reflect.DeepEqual(got, inc.History) {
		t.Errorf("Load:\n%+v\nwant what LoadStaged and AttachFieldChanges give:\n%+v", got, inc.History)
	}
	if len(loaded.Warnings) > 0 || loaded.HistoryError != nil {
		t.Errorf("warnings %q, history error %v", loaded.Warnings, loaded.HistoryError)
	}
}
