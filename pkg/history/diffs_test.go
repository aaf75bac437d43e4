package history

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TestDiffsAndSinceApproval edits a postmortem on a review branch, merges
// it with a sign-off by a branch commit's trailer, renames and edits it on
// main, and checks each revision's diff (the rename's against the old
// name) and what changed since the approval.
func TestDiffsAndSinceApproval(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	v1 := doc("INC-1", "SEV3", "draft", "## Timeline", "", "- 09:00 alert")
	v2 := doc("INC-1", "SEV2", "published", "## Timeline", "", "- 09:00 alert", "- 09:20 rollback")
	v3 := strings.Replace(v2, "- 09:20 rollback", "- 09:25 rollback", 1)
	tr.write("postmortems/a.md", v1)
	tr.commit("Draft", ana)
	tr.checkout("review", true)
	tr.write("postmortems/a.md", v2)
	branch := tr.commit("Finish\n\nReviewed-by: Bo Chen <bo@example.com>", ana)
	tr.checkout("main", false)
	tr.merge("review", "Merge pull request #3 from review", ana)
	tr.move("postmortems/a.md", "postmortems/b.md")
	tr.write("postmortems/b.md", v3)
	tr.commit("Rename and fix the rollback time", cy)

	r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}})
	inc := attachOne(t, r, "postmortems/b.md", "Bo Chen <bo@example.com>")
	h := inc.History
	if len(h.Revisions) != 3 {
		t.Fatalf("%d revisions", len(h.Revisions))
	}
	v, err := r.Versions()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()

	type sec struct {
		key            string
		added, removed int
	}
	want := [][]sec{
		{{"timeline", 1, 1}},                         // the rename: 20 → 25, against a.md
		{{"front_matter", 2, 2}, {"timeline", 3, 0}}, // the merge
		nil, // the creation: every section added
	}
	for i := range 2 {
		d, err := v.Diff("postmortems/b.md", i, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []sec
		for _, s := range d.Sections {
			got = append(got, sec{s.Key, s.Added, s.Removed})
		}
		if len(got) != len(want[i]) {
			t.Fatalf("revision %d (%s): %+v, want %+v", i, h.Revisions[i].Subject, got, want[i])
		}
		for j := range got {
			if got[j] != want[i][j] {
				t.Errorf("revision %d (%s): %+v, want %+v", i, h.Revisions[i].Subject, got, want[i])
			}
		}
	}

	// Attach put the same counts on the revisions, from the versions
	// read or, on a second load, from the cache, and on a third from the
	// cache mapped into memory.
	cache := t.TempDir()
	for round := range 3 {
		r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, FieldsVersion: "1", CacheDir: cache, MapCaches: round == 2})
		ch := attachOne(t, r, "postmortems/b.md", "Bo Chen <bo@example.com>").History
		got := ch.Revisions
		if round > 0 && r.stats.compared != 0 {
			t.Errorf("round %d: %d revisions compared, want every diff from the cache", round, r.stats.compared)
		}
		if c := ch.ChangedSinceApproval("Bo Chen"); c != "1 line in Timeline changed since Bo Chen approved at "+branch[:7] {
			t.Errorf("round %d: changed since approval %q", round, c)
		}
		for i := range 2 {
			d, _ := v.Diff("postmortems/b.md", i, nil)
			if want := d.Summary(); !reflect.DeepEqual(got[i].Diff, want) {
				t.Errorf("round %d, revision %d: Diff %+v, want %+v", round, i, got[i].Diff, want)
			}
			// The whole diff is kept for the site, read or cached.
			if kept := r.RevisionDiff("postmortems/b.md", i); !reflect.DeepEqual(kept, d) {
				t.Errorf("round %d, revision %d: RevisionDiff %+v, want %+v", round, i, kept, d)
			}
		}
		if kept := r.RevisionDiff("postmortems/b.md", 2); kept == nil || !reflect.DeepEqual(kept.Summary(), got[2].Diff) || slices.ContainsFunc(kept.Sections, func(s revdiff.Section) bool { return len(s.Hunks) > 0 }) {
			t.Errorf("round %d, creation: RevisionDiff %+v, want counts and no hunks", round, kept)
		}
		since := r.SinceDiff("postmortems/b.md", branch)
		if since == nil || len(since.Sections) != 1 || len(since.Sections[0].Hunks) != 1 {
			t.Errorf("round %d: SinceDiff %+v, want the timeline's hunk", round, since)
		}
		if len(got[2].Diff) != 3 || got[2].Diff[2].Section != "timeline" || got[2].Diff[2].Added != 4 {
			t.Errorf("round %d, creation: Diff %+v", round, got[2].Diff)
		}
	}
	for _, f := range []string{diffCacheFile, sinceCacheFile} {
		if _, err := os.Stat(filepath.Join(cache, f)); err != nil {
			t.Error(err)
		}
	}

	// A load without the fields cache (serve's, which attaches the files
	// edited one at a time) neither reads nor writes the diff caches, yet
	// attaches the same diffs.
	few := t.TempDir()
	r2, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, CacheDir: few})
	h2 := attachOne(t, r2, "postmortems/b.md", "Bo Chen <bo@example.com>").History
	if c := h2.ChangedSinceApproval("Bo Chen"); c != "1 line in Timeline changed since Bo Chen approved at "+branch[:7] {
		t.Errorf("without the fields cache: changed since approval %q", c)
	}
	if d, _ := v.Diff("postmortems/b.md", 0, nil); !reflect.DeepEqual(r2.RevisionDiff("postmortems/b.md", 0), d) {
		t.Errorf("without the fields cache: RevisionDiff differs")
	}
	for _, f := range []string{diffCacheFile, sinceCacheFile} {
		if _, err := os.Stat(filepath.Join(few, f)); err == nil {
			t.Errorf("without the fields cache, %s was written", f)
		}
	}

	// The sign-off is the branch commit's trailer; the rename made it
	// stale, and what changed since is the rollback time only.
	var s *postmortem.SignOff
	for i := range h.SignOffs {
		if h.SignOffs[i].Commit == branch {
			s = &h.SignOffs[i]
		}
	}
	if s == nil || !s.Stale {
		t.Fatalf("sign-offs %+v: want a stale one at %s", h.SignOffs, branch[:7])
	}
	if got := s.ChangedSince(); got != "1 line in Timeline" {
		t.Errorf("ChangedSince = %q (%+v)", got, s.Since)
	}
	d, fields, err := v.SinceSignOff("postmortems/b.md", *s)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 0 || len(d.Sections) != 1 || d.Sections[0].Key != "timeline" {
		t.Errorf("since approval: fields %+v, sections %+v", fields, d.Sections)
	}
	if _, _, err := v.SinceSignOff("postmortems/b.md", postmortem.SignOff{Commit: strings.Repeat("0", 40)}); err == nil {
		t.Error("a commit that is not a revision gave no error")
	}
}

// TestDiffCacheEncoding: the diff cache reads back what it wrote, and
// refuses a truncated file rather than reading part of it.
func TestDiffCacheEncoding(t *testing.T) {
	t.Parallel()
	d := revdiff.Compare([]byte("## Summary\nThe queue backed up.\n"), []byte("## Summary\nThe ingest queue backed up.\n"), nil)
	var p1, p2 pair
	p1[0], p2[39] = 1, 2
	in := diffEntries{p1: entry(d), p2: entry(&revdiff.Diff{Fallback: "over the budget"})}
	data := encodeDiffs(in)
	out, ok := decodeDiffs(data)
	if !ok || len(out) != 2 || !reflect.DeepEqual(out[p1].packed.unpack(), d) || out[p2].packed.unpack().Fallback != "over the budget" {
		t.Fatalf("decodeDiffs = %v, %v", out, ok)
	}
	if !out[p1].shows || out[p2].shows {
		t.Errorf("shows: %v and %v, want true and false", out[p1].shows, out[p2].shows)
	}
	if sum, ok := decodeOneSummary(out[p1].summary); !ok || !reflect.DeepEqual(sum, d.Summary()) || len(sum) != 1 || sum[0].Added != 1 {
		t.Errorf("summary = %+v, %v, want %+v", sum, ok, d.Summary())
	}
	if sum, ok := decodeOneSummary(out[p2].summary); !ok || sum != nil {
		t.Errorf("summary of no sections = %#v, %v, want nil", sum, ok)
	}
	if c, ok := decodeDiffs(nil); !ok || len(c) != 0 {
		t.Errorf("empty: %v, %v", c, ok)
	}
	for _, cut := range []int{1, len(pair{}), len(data) - 1} {
		if _, ok := decodeDiffs(data[:cut]); ok {
			t.Errorf("cut at %d of %d: read", cut, len(data))
		}
	}

	// The same entries are the same bytes, whatever the map's order.
	many, since := diffEntries{}, map[pair]walkedSince{}
	for i := range 20 {
		var p pair
		p[i] = byte(i + 1)
		many[p] = entry(d)
		since[p] = walkedSince{diff: pack(d)}
	}
	first, firstSince := encodeDiffs(many), encodeSince(since)
	for range 5 {
		if !bytes.Equal(encodeDiffs(many), first) || !bytes.Equal(encodeSince(since), firstSince) {
			t.Fatal("the same entries encoded to other bytes")
		}
	}
}

// TestShows: shows is what the site's walk of the packed bytes gives
// (walkShows) for diffs with and without hunks, sections and a Fallback.
func TestShows(t *testing.T) {
	t.Parallel()
	a, b := []byte("## Impact\nnone\n"), []byte("## Impact\nsome\n")
	created := revdiff.CompareCounts(revdiff.NewVersionShared(nil), revdiff.NewVersionShared(b), nil)
	fallback := revdiff.Compare(a, b, nil).Counts()
	fallback.Fallback = "over the budget"
	for _, c := range []struct {
		name string
		d    *revdiff.Diff
		want bool
	}{
		{"edit", revdiff.Compare(a, b, nil), true},
		{"created", created, false},
		{"unchanged", revdiff.Compare(a, a, nil), false},
		{"fallback", fallback, true},
		{"fallback, no sections", &revdiff.Diff{Fallback: "over the budget"}, false},
	} {
		if got, walked := shows(c.d), walkShows(pack(c.d)); got != c.want || walked != c.want {
			t.Errorf("%s: shows %v, walked %v, want %v", c.name, got, walked, c.want)
		}
	}
}

// entry is the cache's entry of d.
func entry(d *revdiff.Diff) cachedDiff {
	return cachedDiff{summary: appendSummary(nil, d.Summary()), packed: pack(d), shows: shows(d)}
}

// FuzzDecodeSummary: any bytes read as a summary or are refused, and what
// reads encodes back to bytes that read the same.
func FuzzDecodeSummary(f *testing.F) {
	f.Add(appendSummary(nil, revdiff.Compare([]byte("## Impact\nnone\n"), []byte("## Impact\nsome\n"), nil).Summary()))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		sum, ok := decodeOneSummary(data)
		if !ok {
			return
		}
		back, ok := decodeOneSummary(appendSummary(nil, sum))
		if !ok || !reflect.DeepEqual(back, sum) {
			t.Fatalf("round trip: %+v, want %+v", back, sum)
		}
	})
}

// FuzzDecodeDiffs: any bytes read as a cache or are refused, and what
// reads encodes back to a cache that reads the same.
func FuzzDecodeDiffs(f *testing.F) {
	var p pair
	f.Add(encodeDiffs(diffEntries{p: entry(revdiff.Compare([]byte("a\n"), []byte("b\n"), nil))}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := decodeDiffs(data)
		if !ok {
			return
		}
		back, ok := decodeDiffs(encodeDiffs(c))
		if !ok || !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip: %v, want %v", back, c)
		}
	})
}

// TestSinceApprovalFromTheWalk: a sign-off on a landing commit approves a
// version the history pass reads anyway, and what changed since is
// compared there, from the versions in hand, rather than read again; it
// is what comparing the two versions read from Git gives, fields
// included, and is cached like it.
func TestSinceApprovalFromTheWalk(t *testing.T) {
	t.Parallel()
	tr, approved := approvedQueue(t)
	tr.write("postmortems/q.md", doc("INC-7", "SEV2", "published", "## Timeline", "", "- 09:00 queue depth alert", "- 09:45 consumers scaled out", "", "## Action items", "", "- [ ] Alert on consumer lag"))
	tr.commit("Publish with the action items", cy)
	tr.write("postmortems/q.md", doc("INC-7", "SEV2", "published", "## Timeline", "", "- 09:00 queue depth alert (EU)", "- 09:45 consumers scaled out", "", "## Action items", "", "- [x] Alert on consumer lag"))
	tr.commit("Tick the alert", cy)

	for _, cached := range []bool{false, true} {
		opts := Options{Fields: &keyValues{}}
		if cached {
			opts.FieldsVersion, opts.CacheDir = "1", t.TempDir()
		}
		r, inc := attachQueue(t, tr.dir(), opts)
		if len(r.walkedSince) != 1 {
			t.Fatalf("cached %v: the history pass compared %d approvals, want 1", cached, len(r.walkedSince))
		}
		if err := r.AttachSinceApproval(t.Context(), []*postmortem.Incident{inc}); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint("cached ", cached), func(t *testing.T) { sinceApprovalAsFromGit(t, r, inc, approved) })
		if len(r.walkedSince) != 0 {
			t.Errorf("cached %v: the walked diffs are kept after use", cached)
		}
		if cached {
			if _, err := os.Stat(filepath.Join(opts.CacheDir, sinceCacheFile)); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestSinceApprovalOfTheVersionBeforeTheNewest: a sign-off on the version
// the newest revision changed is the commonest stale one, and what changed
// since is that revision's diff, which the walk compared already: it is
// taken rather than compared again, and is what comparing the two
// versions read from Git gives.
func TestSinceApprovalOfTheVersionBeforeTheNewest(t *testing.T) {
	t.Parallel()
	tr, approved := approvedQueue(t)
	tr.write("postmortems/q.md", doc("INC-7", "SEV2", "published", "## Timeline", "", "- 09:00 queue depth alert (EU)", "- 09:40 consumers scaled out", "", "## Action items", "", "- [ ] Alert on consumer lag"))
	tr.commit("Publish with the action items", cy)

	r, inc := attachQueue(t, tr.dir(), Options{Fields: &keyValues{}})
	if r.stats.sinceReused != 1 || len(r.walkedSince) != 1 {
		t.Fatalf("%d of %d diffs since approval taken from the newest revision's, want 1 of 1", r.stats.sinceReused, len(r.walkedSince))
	}
	if err := r.AttachSinceApproval(t.Context(), []*postmortem.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	want := sinceApprovalAsFromGit(t, r, inc, approved)
	if got := r.RevisionDiff("postmortems/q.md", 0); !reflect.DeepEqual(got, want) {
		t.Errorf("the newest revision's diff\n%+v\nwant the same as since the approval\n%+v", got, want)
	}
}

// attachQueue loads the repository at dir and attaches the revisions and
// field changes of q.md, whose committee is Bo Chen, as a build does
// before AttachSinceApproval.
func attachQueue(t *testing.T, dir string, opts Options) (*Repo, *postmortem.Incident) {
	t.Helper()
	r, _ := load(t, dir, opts)
	inc := &postmortem.Incident{Source: "postmortems/q.md", Reviewers: []string{"Bo Chen <bo@example.com>"}}
	incs := []*postmortem.Incident{inc}
	if err := r.AttachRevisions(t.Context(), incs); err != nil {
		t.Fatal(err)
	}
	if err := r.AttachChanges(t.Context(), incs); err != nil {
		t.Fatal(err)
	}
	return r, inc
}

// sinceApprovalAsFromGit checks that what changed since the stale sign-off
// on q.md at commit approved, as the history attached it, is what
// comparing the two versions read from Git gives, two fields included,
// and returns that diff.
func sinceApprovalAsFromGit(t *testing.T, r *Repo, inc *postmortem.Incident, approved string) *revdiff.Diff {
	t.Helper()
	var s *postmortem.SignOff
	for i := range inc.History.SignOffs {
		if inc.History.SignOffs[i].Commit == approved {
			s = &inc.History.SignOffs[i]
		}
	}
	if s == nil || !s.Stale {
		t.Fatalf("sign-offs %+v: want a stale one at %s", inc.History.SignOffs, approved[:7])
	}
	v, err := r.Versions()
	if err != nil {
		t.Fatal(err)
	}
	want, wantFields, err := v.SinceSignOff("postmortems/q.md", *s)
	v.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.SinceDiff("postmortems/q.md", approved); !reflect.DeepEqual(got, want) {
		t.Errorf("SinceDiff\n%+v\nwant\n%+v", got, want)
	}
	if !reflect.DeepEqual(s.Since, want.Summary()) || !reflect.DeepEqual(s.SinceFields, wantFields) || len(wantFields) != 2 {
		t.Errorf("Since %+v, fields %+v; want %+v, %+v", s.Since, s.SinceFields, want.Summary(), wantFields)
	}
	return want
}

// approvedQueue is a repository whose postmortem q.md was drafted, then
// approved by Bo Chen at the commit it returns; each test goes on from
// there.
func approvedQueue(t *testing.T) (*testRepo, string) {
	t.Helper()
	tr := newTestRepo(t)
	tr.write("postmortems/q.md", doc("INC-7", "SEV3", "draft", "## Timeline", "", "- 09:00 queue depth alert"))
	tr.commit("Draft the queue postmortem", ana)
	tr.write("postmortems/q.md", doc("INC-7", "SEV3", "in review", "## Timeline", "", "- 09:00 queue depth alert", "- 09:40 consumers scaled out"))
	approved := tr.commit("Timeline done\n\nReviewed-by: Bo Chen <bo@example.com>", ana)
	return tr, approved
}

// TestSummaryDecoderShares: summaries decoded by one decoder are what
// each decodes to alone, and one appended to does not write over the
// next, which shares its array.
func TestSummaryDecoderShares(t *testing.T) {
	t.Parallel()
	a := revdiff.Compare([]byte("## Impact\nnone\n"), []byte("## Impact\nsome\n"), nil).Summary()
	b := revdiff.Compare([]byte("## Summary\nA queue.\n## Impact\nx\n"), []byte("## Summary\nThe queue.\n## Impact\ny\n"), nil).Summary()
	var d summaryDecoder
	first, ok1 := d.decode(appendSummary(nil, a))
	second, ok2 := d.decode(appendSummary(nil, b))
	if !ok1 || !ok2 || !reflect.DeepEqual(first, a) || !reflect.DeepEqual(second, b) {
		t.Fatalf("decoded %+v, %+v, want %+v, %+v", first, second, a, b)
	}
	_ = append(first, postmortem.SectionChange{Section: "overwritten"})
	if !reflect.DeepEqual(second, b) {
		t.Errorf("after an append to the first, the second is %+v, want %+v", second, b)
	}
	if unsafe.StringData(first[0].Section) != unsafe.StringData(second[1].Section) {
		t.Error("the key both summaries have is two strings, not one")
	}
}

// decodeOneSummary decodes one summary with a decoder of its own.
func decodeOneSummary(b []byte) ([]postmortem.SectionChange, bool) {
	var d summaryDecoder
	return d.decode(b)
}
