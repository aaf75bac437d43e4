package site

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestAPIMatchesExport holds the framing the site writes around API
// entries to postmortem.EncodeExport's, and each entry to its incident's
// place, over more than one of writeAPI's batches.
func TestAPIMatchesExport(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 3, apiBatch, 2*apiBatch + 3} {
		var incs []*postmortem.Incident
		for i := range n {
			incs = append(incs, &postmortem.Incident{ID: fmt.Sprintf("INC-%d", i), Title: "T", Source: "x.md"})
		}
		var want bytes.Buffer
		if err := postmortem.WriteJSON(&want, incs); err != nil {
			t.Fatal(err)
		}
		b := &Assembly{site: &Site{BasePath: "/"}}
		for _, inc := range incs {
			b.site.Incidents = append(b.site.Incidents, &Incident{Incident: inc})
		}
		dir := t.TempDir()
		if err := b.writeAPI(context.Background(), dir); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(apiFile)))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range b.site.Incidents {
			if entry := got[v.api.off : v.api.off+v.api.n]; !bytes.HasPrefix(entry, []byte("{")) || !bytes.HasSuffix(entry, []byte("}")) ||
				!bytes.Contains(entry, []byte(`"id": "`+v.ID+`"`)) {
				t.Errorf("span of %s is %q", v.ID, entry)
			}
		}
		// The site adds each page's URL; the export has none.
		got = bytes.ReplaceAll(got, []byte(",\n      \"url\": \"/\""), nil)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%d incidents:\n got %.2000q\nwant %.2000q", n, got, want.Bytes())
		}
	}
}
