package history

import (
	"reflect"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TestSummaryDecoder: one decoder reads many summaries, each the same as
// decodeSummary's, into slices of one array that cannot grow into each
// other, and a summary that does not decode takes nothing of the array.
func TestSummaryDecoder(t *testing.T) {
	t.Parallel()
	var want [][]postmortem.SectionChange
	var enc [][]byte
	for _, after := range []string{
		"## Impact\nsome\n",
		"## Impact\nnone\n## Timeline\n- 09:00 paged\n",
		"## Impact\nnone\n",
		"## Impact\nnone\n## Timeline\n- 09:00 paged\n## Actions\n- fix\n",
	} {
		sum := revdiff.Compare([]byte("## Impact\nnone\n"), []byte(after), nil).Summary()
		want = append(want, sum)
		enc = append(enc, appendSummary(nil, sum))
	}
	var d summaryDecoder
	d.slab = make([]postmortem.SectionChange, 0, 3) // a new array on the way
	var got [][]postmortem.SectionChange
	for i, b := range enc {
		if _, ok := d.decode(b[:len(b)-1]); ok && len(b) > 1 {
			t.Fatalf("summary %d cut short: decoded", i)
		}
		sum, ok := d.decode(b)
		if !ok {
			t.Fatalf("summary %d: does not decode", i)
		}
		if len(sum) != cap(sum) {
			t.Errorf("summary %d: len %d, cap %d", i, len(sum), cap(sum))
		}
		got = append(got, sum)
	}
	for i := range got {
		if len(got[i]) > 0 {
			_ = append(got[i], postmortem.SectionChange{Section: "appended"})
		}
	}
	for i := range want {
		if one, _ := decodeSummary(enc[i]); !reflect.DeepEqual(got[i], want[i]) || !reflect.DeepEqual(one, want[i]) {
			t.Errorf("summary %d: decoded %+v and alone %+v, want %+v", i, got[i], one, want[i])
		}
	}
}

// TestCommitHash: a commit is named by its hash as Hash.String spells
// it, and by nothing else.
func TestCommitHash(t *testing.T) {
	t.Parallel()
	const s = "0123456789abcdef0123456789abcdef01234567"
	if h, ok := commitHash(s); !ok || h.String() != s {
		t.Errorf("%s: %v, %v", s, h, ok)
	}
	for _, bad := range []string{"", s[:39], s + "8", "0123456789ABCDEF0123456789abcdef01234567", "g123456789abcdef0123456789abcdef01234567"} {
		if h, ok := commitHash(bad); ok {
			t.Errorf("%q: read as %v", bad, h)
		}
	}
}
