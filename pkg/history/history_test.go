package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// doc returns a postmortem with front matter and a body long enough for
// rename similarity to mean something.
func doc(id, severity, status string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: %s\nseverity: %s\nstatus: %s\n---\n\n# %s\n\n", id, severity, status, id)
	for i := range 12 {
		fmt.Fprintf(&b, "Line %d of the %s write-up, describing what happened in some detail.\n", i, id)
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return b.String()
}

func attachOne(t *testing.T, r *Repo, source string, reviewers ...string) *postmortem.Incident {
	t.Helper()
	inc := &postmortem.Incident{Source: source, Reviewers: reviewers}
	if err := r.Attach(context.Background(), []*postmortem.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	return inc
}

func TestLinearHistory(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/db.md", doc("INC-1", "SEV2", "draft"))
	tr.write("README.md", "readme\n")
	c1 := tr.commit("Add db outage postmortem", ana)
	tr.write("postmortems/db.md", doc("INC-1", "SEV1", "draft"))
	tr.write("README.md", "readme 2\n")
	c2 := tr.commit("Raise severity\n\nThe outage was wider than we thought.\nSecond line.", bo)
	tr.write("README.md", "readme 3\n")
	tr.commit("Touch only the README", cy)
	tr.write("postmortems/db.md", doc("INC-1", "SEV1", "published"))
	c4 := tr.commit("Publish", ana)

	r, warnings := load(t, tr.dir(), Options{Roots: []string{"postmortems"}, Fields: &keyValues{}})
	if len(warnings) != 0 {
		t.Fatalf("warnings: %v", warnings)
	}
	revs := r.Revisions("postmortems/db.md")
	if got, want := commitsOf(revs), []string{c4, c2, c1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("revisions = %v, want %v", got, want)
	}
	if revs[1].Subject != "Raise severity" || revs[1].Body != "The outage was wider than we thought.\nSecond line." {
		t.Errorf("subject/body = %q / %q", revs[1].Subject, revs[1].Body)
	}
	if revs[1].Author != (postmortem.Person{Name: bo.name, Email: bo.email}) {
		t.Errorf("author = %+v", revs[1].Author)
	}
	if _, off := revs[0].Date.Zone(); off != 2*3600 {
		t.Errorf("date zone offset = %d, want +2h", off)
	}
	if r.Head() != c4 {
		t.Errorf("Head = %s", r.Head())
	}

	inc := attachOne(t, r, "postmortems/db.md")
	h := inc.History
	if h == nil {
		t.Fatal("no history")
	}
	if !h.Created.Equal(revs[2].Date) || !h.Updated.Equal(revs[0].Date) {
		t.Errorf("created/updated = %v / %v", h.Created, h.Updated)
	}
	if got := h.Revisions[1].Changes; !reflect.DeepEqual(got, []postmortem.FieldChange{{Field: "severity", From: "SEV2", To: "SEV1"}}) {
		t.Errorf("changes of revision 2 = %+v", got)
	}
	if got := h.Revisions[0].Changes; !reflect.DeepEqual(got, []postmortem.FieldChange{{Field: "status", From: "draft", To: "published"}}) {
		t.Errorf("changes of revision 3 = %+v", got)
	}
	if h.Revisions[2].Changes != nil {
		t.Errorf("creation has changes: %+v", h.Revisions[2].Changes)
	}
	if want := []postmortem.Person{{Name: ana.name, Email: ana.email}, {Name: bo.name, Email: bo.email}}; !reflect.DeepEqual(h.Contributors, want) {
		t.Errorf("contributors = %+v", h.Contributors)
	}
	if h.Uncommitted {
		t.Error("clean file reported as uncommitted")
	}
	// README is outside the roots.
	if got := r.Revisions("README.md"); got != nil {
		t.Errorf("README has revisions: %v", got)
	}
}

func commitsOf(revs []postmortem.Revision) []string {
	out := make([]string, len(revs))
	for i, r := range revs {
		out[i] = r.Commit
	}
	return out
}

func TestMergePullRequest(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/db.md", doc("INC-1", "SEV2", "draft"))
	c1 := tr.commit("Add postmortem", ana)
	tr.checkout("fix", true)
	tr.write("postmortems/db.md", doc("INC-1", "SEV1", "draft"))
	b1 := tr.commit("Raise severity\n\nCo-authored-by: Dee Roy <dee@example.com>\nReviewed-by: Cy Park <cy@example.com>", bo)
	tr.write("postmortems/db.md", doc("INC-1", "SEV1", "review"))
	tr.commit("Ask for review", bo)
	tr.checkout("main", false)
	tr.write("other/x.md", "unrelated\n")
	tr.commit("Unrelated", ana)
	m := tr.merge("fix", "Merge pull request #7 from acme/fix\n\nRaise severity", cy)

	r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}})
	revs := r.Revisions("postmortems/db.md")
	if got, want := commitsOf(revs), []string{m, c1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("revisions = %v, want merge then creation %v", got, want)
	}
	if revs[0].PR != 7 || revs[0].Body != "Raise severity" {
		t.Errorf("merge revision PR=%d body=%q", revs[0].PR, revs[0].Body)
	}
	inc := attachOne(t, r, "postmortems/db.md", "Cy Park")
	h := inc.History
	wantContrib := []postmortem.Person{{Name: ana.name, Email: ana.email}, {Name: bo.name, Email: bo.email}, {Name: dee.name, Email: dee.email}}
	if !reflect.DeepEqual(h.Contributors, wantContrib) {
		t.Errorf("contributors = %+v, want branch authors and co-author, not the merger", h.Contributors)
	}
	// Cy reviewed b1, but b2 changed the file afterwards on the branch;
	// Cy also merged the PR, which as a committee member counts.
	var got []string
	for _, s := range h.SignOffs {
		got = append(got, fmt.Sprintf("%s %s %s stale=%v", s.Trailer, s.Name, s.Commit[:7], s.Stale))
	}
	want := []string{
		"merge Cy Park " + m[:7] + " stale=false",
		"Reviewed-by Cy Park " + b1[:7] + " stale=true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sign-offs = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(h.Review, postmortem.Review{Required: []string{"Cy Park"}, Signed: []string{"Cy Park"}}) {
		t.Errorf("review = %+v", h.Review)
	}
	if !reflect.DeepEqual(h.Revisions[0].Changes, []postmortem.FieldChange{
		{Field: "severity", From: "SEV2", To: "SEV1"}, {Field: "status", From: "draft", To: "review"},
	}) {
		t.Errorf("merge changes = %+v", h.Revisions[0].Changes)
	}
	// Without Cy on the committee, merging is not a sign-off.
	inc = attachOne(t, r, "postmortems/db.md", "Dee Roy")
	for _, s := range inc.History.SignOffs {
		if s.Trailer == "merge" {
			t.Errorf("merge by a non-member counted: %+v", s)
		}
	}
	if !reflect.DeepEqual(inc.History.Review.Missing, []string{"Dee Roy"}) {
		t.Errorf("review = %+v", inc.History.Review)
	}
}

func TestSquashAndGitLab(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-1", "SEV2", "draft"))
	tr.commit("Add INC-1 (#12)", ana)
	tr.write("postmortems/a.md", doc("INC-1", "SEV3", "draft"))
	tr.commit("Merge branch 'fix' into 'main'\n\nLower severity\n\nSee merge request infra/postmortems!34", bo)
	revs := func() []postmortem.Revision {
		r, _ := load(t, tr.dir(), Options{})
		return r.Revisions("postmortems/a.md")
	}()
	if revs[1].PR != 12 || revs[0].PR != 34 {
		t.Errorf("PRs = %d, %d; want 34, 12", revs[0].PR, revs[1].PR)
	}
}

func TestRenamesAndDeletes(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/2023/a.md", doc("INC-A", "SEV2", "draft"))
	tr.write("postmortems/2023/b.md", doc("INC-B", "SEV3", "draft"))
	tr.write("postmortems/2023/gone.md", doc("INC-G", "SEV4", "draft"))
	c1 := tr.commit("Add three", ana)
	tr.move("postmortems/2023/a.md", "postmortems/2024/a-renamed.md") // identical
	c2 := tr.commit("Move A", bo)
	tr.move("postmortems/2023/b.md", "postmortems/2024/b-new.md")
	tr.write("postmortems/2024/b-new.md", doc("INC-B", "SEV2", "draft", "One more line."))
	c3 := tr.commit("Move and edit B", cy)
	tr.write("postmortems/2024/a-renamed.md", doc("INC-A", "SEV1", "draft"))
	c4 := tr.commit("Edit A", ana)
	tr.remove("postmortems/2023/gone.md")
	c5 := tr.commit("Delete G", ana)

	r, _ := load(t, tr.dir(), Options{Roots: []string{"postmortems"}, Fields: &keyValues{}})
	a := r.Revisions("postmortems/2024/a-renamed.md")
	if got, want := commitsOf(a), []string{c4, c2, c1}; !reflect.DeepEqual(got, want) {
		t.Errorf("A = %v, want %v", got, want)
	}
	if a[2].Path != "postmortems/2023/a.md" || a[1].Path != "postmortems/2024/a-renamed.md" {
		t.Errorf("A paths = %q, %q", a[2].Path, a[1].Path)
	}
	b := r.Revisions("postmortems/2024/b-new.md")
	if got, want := commitsOf(b), []string{c3, c1}; !reflect.DeepEqual(got, want) {
		t.Errorf("B = %v, want %v", got, want)
	}
	g := r.Revisions("postmortems/2023/gone.md")
	if got, want := commitsOf(g), []string{c5, c1}; !reflect.DeepEqual(got, want) {
		t.Errorf("deleted G = %v, want %v", got, want)
	}
	inc := attachOne(t, r, "postmortems/2024/b-new.md")
	if got := inc.History.Revisions[0].Changes; !reflect.DeepEqual(got, []postmortem.FieldChange{{Field: "severity", From: "SEV3", To: "SEV2"}}) {
		t.Errorf("edited rename changes = %+v", got)
	}
}

func TestTrailersMailmapAndReview(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write(".mailmap", strings.Join([]string{
		"# canonical identities",
		"Ana Lima <ana@example.com> <ana@old.example.com>",
		"<bo@example.com> <bchen@laptop.local>",
		"Cy Park <cy@example.com> cyp <cy@example.com>",
	}, "\n")+"\n")
	tr.write("postmortems/x.md", doc("INC-X", "SEV2", "draft"))
	tr.commit("Draft\n\nSigned-off-by: Ana Lima <ana@old.example.com>", who{"Ana L.", "ana@old.example.com"})
	tr.write("postmortems/x.md", doc("INC-X", "SEV2", "review"))
	tr.commit("Review it\n\nReviewed-by: Bo Chen <bchen@laptop.local>\nAcked-by: cyp <cy@example.com>\nSigned-off-by: Dee Roy <dee@example.com>", who{"Bo", "bchen@laptop.local"})
	tr.write("postmortems/x.md", doc("INC-X", "SEV2", "published"))
	last := tr.commit("Publish\n\nApproved-by: dee roy <dee@example.com>", ana)

	r, _ := load(t, tr.dir(), Options{})
	inc := attachOne(t, r, "postmortems/x.md", "Bo Chen", "cy@example.com", "Dee Roy <dee@example.com>", "Ana Lima", "Eve")
	h := inc.History
	// The second form maps only the email, so Bo keeps the name he
	// committed with.
	wantContrib := []postmortem.Person{{Name: ana.name, Email: ana.email}, {Name: "Bo", Email: bo.email}}
	if !reflect.DeepEqual(h.Contributors, wantContrib) {
		t.Errorf("contributors = %+v", h.Contributors)
	}
	var got []string
	for _, s := range h.SignOffs {
		got = append(got, fmt.Sprintf("%s|%s|%s|%v", s.Trailer, s.Name, s.Email, s.Stale))
	}
	want := []string{
		"Approved-by|dee roy|dee@example.com|false",
		"Reviewed-by|Bo Chen|bo@example.com|true",
		"Acked-by|Cy Park|cy@example.com|true",
		"Signed-off-by|Dee Roy|dee@example.com|true",
		// Ana's own Signed-off-by counts because she is on the committee.
		"Signed-off-by|Ana Lima|ana@example.com|true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sign-offs:\n got %q\nwant %q", got, want)
	}
	wantReview := postmortem.Review{
		Required: []string{"Bo Chen", "cy@example.com", "Dee Roy <dee@example.com>", "Ana Lima", "Eve"},
		Signed:   []string{"Dee Roy <dee@example.com>"},
		Stale:    []string{"Bo Chen", "cy@example.com", "Ana Lima"},
		Missing:  []string{"Eve"},
	}
	if !reflect.DeepEqual(h.Review, wantReview) {
		t.Errorf("review:\n got %+v\nwant %+v", h.Review, wantReview)
	}
	if h.Revisions[0].Commit != last || h.Revisions[2].Author.Name != "Ana Lima" {
		t.Errorf("revisions not mailmapped: %+v", h.Revisions[2].Author)
	}

	// Not on the committee, Ana's own sign-off is no review.
	inc = attachOne(t, r, "postmortems/x.md", "Bo Chen")
	for _, s := range inc.History.SignOffs {
		if s.Name == "Ana Lima" {
			t.Errorf("self sign-off counted: %+v", s)
		}
	}
}

func TestUncommitted(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.write("postmortems/b.md", doc("INC-B", "SEV2", "draft"))
	tr.commit("Add", ana)
	tr.write("postmortems/b.md", doc("INC-B", "SEV1", "draft"))
	tr.write("postmortems/new.md", doc("INC-N", "SEV1", "draft"))
	// A file with the same size and content but a new mtime is clean.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(tr.dir(), "postmortems/a.md"), later, later); err != nil {
		t.Fatal(err)
	}
	r, _ := load(t, tr.dir(), Options{Roots: []string{"postmortems"}})
	incs := []*postmortem.Incident{{Source: "postmortems/a.md"}, {Source: "postmortems/b.md"}, {Source: "postmortems/new.md"}}
	if err := r.Attach(context.Background(), incs); err != nil {
		t.Fatal(err)
	}
	if incs[0].History.Uncommitted || !incs[1].History.Uncommitted {
		t.Errorf("uncommitted a=%v b=%v", incs[0].History.Uncommitted, incs[1].History.Uncommitted)
	}
	if h := incs[2].History; h == nil || !h.Uncommitted || len(h.Revisions) != 0 {
		t.Errorf("new file history = %+v", h)
	}
}

func TestNotARepository(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, warnings := load(t, dir, Options{})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "not in a Git repository") {
		t.Fatalf("warnings = %q", warnings)
	}
	inc := attachOne(t, r, "a.md")
	if inc.History != nil || r.Head() != "" || r.Revisions("a.md") != nil {
		t.Errorf("history from nowhere: %+v", inc.History)
	}
}

func TestNoCommits(t *testing.T) {
	t.Parallel()
	_, warnings := load(t, repotest.New(t).Dir, Options{})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "no commits") {
		t.Fatalf("warnings = %q", warnings)
	}
}

func TestShallowClone(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.commit("Add", ana)
	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "draft"))
	head := tr.commit("Edit", bo)

	dst := t.TempDir()
	tr.Git("clone", "-q", "--depth", "1", "file://"+filepath.ToSlash(tr.dir()), dst)
	r, warnings := load(t, dst, Options{})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "shallow") || !strings.Contains(warnings[0], "fetch-depth: 0") {
		t.Fatalf("warnings = %q", warnings)
	}
	if got := commitsOf(r.Revisions("postmortems/a.md")); !reflect.DeepEqual(got, []string{head}) {
		t.Errorf("revisions = %v, want only the shallow tip", got)
	}
}

func TestShallowFile(t *testing.T) {
	t.Parallel()
	// The same by hand: mark the tip shallow.
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.commit("Add", ana)
	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "draft"))
	head := tr.commit("Edit", bo)
	if err := os.WriteFile(filepath.Join(tr.dir(), ".git", "shallow"), []byte(head+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, warnings := load(t, tr.dir(), Options{})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "fetch-depth: 0") {
		t.Fatalf("warnings = %q", warnings)
	}
	revs := r.Revisions("postmortems/a.md")
	if got := commitsOf(revs); !reflect.DeepEqual(got, []string{head}) {
		t.Errorf("revisions = %v", got)
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.commit("Add", ana)
	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "draft"))
	tr.commit("Edit", bo)
	cache := t.TempDir()
	opts := Options{Roots: []string{"postmortems"}, CacheDir: cache}

	r1, _ := load(t, tr.dir(), opts)
	if r1.stats.fromCache || r1.stats.commitsRead != 2 {
		t.Fatalf("first load stats = %+v", r1.stats)
	}
	r2, warnings := load(t, tr.dir(), opts)
	if !r2.stats.fromCache || r2.stats.commitsRead != 0 || r2.stats.objectsRead != 0 || len(warnings) != 0 {
		t.Fatalf("second load read history: %+v %q", r2.stats, warnings)
	}
	if !reflect.DeepEqual(r1.Revisions("postmortems/a.md"), r2.Revisions("postmortems/a.md")) {
		t.Error("cached revisions differ")
	}

	// A new commit: only it is read and diffed.
	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "published"))
	tr.commit("Publish", ana)
	r3, _ := load(t, tr.dir(), opts)
	if r3.stats.fromCache || r3.stats.commitsRead != 1 || r3.stats.diffed != 1 {
		t.Fatalf("incremental load stats = %+v", r3.stats)
	}
	if n := len(r3.Revisions("postmortems/a.md")); n != 3 {
		t.Errorf("incremental revisions = %d", n)
	}

	// Corrupt every cache file: detected, rebuilt, rewritten.
	files, _ := filepath.Glob(filepath.Join(cache, "snapshot-*.gob"))
	if len(files) == 0 {
		t.Fatal("no cache files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)-10] ^= 0xff
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r4, warnings := load(t, tr.dir(), opts)
	if r4.stats.fromCache || r4.stats.commitsRead != 3 {
		t.Fatalf("corrupt cache trusted: %+v", r4.stats)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "checksum") {
		t.Errorf("warnings = %q", warnings)
	}
	if !reflect.DeepEqual(r3.Revisions("postmortems/a.md"), r4.Revisions("postmortems/a.md")) {
		t.Error("rebuilt revisions differ")
	}
	r5, _ := load(t, tr.dir(), opts)
	if !r5.stats.fromCache {
		t.Error("rebuilt cache not written")
	}
	// Truncated files are rejected too.
	files, _ = filepath.Glob(filepath.Join(cache, "snapshot-*-"+r5.Head()+".gob"))
	if err := os.WriteFile(files[0], []byte(snapshotFormat+"\nshort"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r6, _ := load(t, tr.dir(), opts); r6.stats.fromCache {
		t.Error("truncated cache trusted")
	}
}

func TestPackedMatchesLoose(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	var commits []imported
	for i := range 30 {
		files := map[string]string{}
		for j := range 4 {
			if (i+j)%3 == 0 {
				files[fmt.Sprintf("postmortems/%d/f%d.md", j, i%7)] = doc(fmt.Sprintf("INC-%d-%d", j, i%7), "SEV2", fmt.Sprint(i))
			}
		}
		commits = append(commits, imported{files, fmt.Sprintf("Commit %d", i), ana})
	}
	want := map[string][]string{}
	for i, c := range tr.importCommits(commits) {
		for p := range commits[i].files {
			want[p] = append([]string{c}, want[p]...)
		}
	}
	check := func(label string) {
		t.Helper()
		r, _ := load(t, tr.dir(), Options{})
		if len(r.live) != len(want) {
			t.Fatalf("%s: %d files, want %d", label, len(r.live), len(want))
		}
		for p, w := range want {
			if got := commitsOf(r.Revisions(p)); !reflect.DeepEqual(got, w) {
				t.Errorf("%s: %s = %v, want %v", label, p, got, w)
			}
		}
	}
	tr.unpack()
	if packs, _ := filepath.Glob(filepath.Join(tr.dir(), ".git", "objects", "pack", "*.pack")); len(packs) > 0 {
		t.Fatalf("packs left after unpacking: %v", packs)
	}
	check("loose")
	for _, refDeltas := range []bool{false, true} {
		tr.Git("-c", fmt.Sprintf("repack.useDeltaBaseOffset=%v", !refDeltas), "repack", "-q", "-a", "-d", "-f")
		check(fmt.Sprintf("packed, ref deltas %v", refDeltas))
	}
}

func TestSubdirectory(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("site/postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.write("elsewhere/b.md", doc("INC-B", "SEV2", "draft"))
	c := tr.commit("Add", ana)
	r, _ := load(t, filepath.Join(tr.dir(), "site"), Options{})
	revs := r.Revisions("postmortems/a.md")
	if got := commitsOf(revs); !reflect.DeepEqual(got, []string{c}) || revs[0].Path != "postmortems/a.md" {
		t.Errorf("revisions = %v %+v", got, revs)
	}
	if r.Revisions("../elsewhere/b.md") != nil || r.Revisions("elsewhere/b.md") != nil {
		t.Error("file outside the directory has history")
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/db.md", doc("INC-1", "SEV2", "draft"))
	tr.commit("Add postmortem", ana)
	tr.write("postmortems/db.md", doc("INC-1", "SEV1", "draft"))
	tr.commit("Raise severity (#12)\n\nReviewed-by: Cy Park <cy@example.com>", bo)
	r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}})
	inc := &postmortem.Incident{ID: "INC-1", Source: "postmortems/db.md", Reviewers: []string{"Cy Park", "Dee Roy"}}
	if err := r.Attach(context.Background(), []*postmortem.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, inc); err != nil {
		t.Fatal(err)
	}
	revs := inc.History.Revisions
	want := fmt.Sprintf(`INC-1  postmortems/db.md
  created 2024-03-01, updated 2024-03-01, 2 revisions
  contributors: Ana Lima <ana@example.com>, Bo Chen <bo@example.com>

Revisions
  %s  2024-03-01 11:00 +0200  Bo Chen   Raise severity (#12)
              severity: SEV2 → SEV1
  %s  2024-03-01 10:00 +0200  Ana Lima  Add postmortem

Sign-offs
  Reviewed-by  Cy Park <cy@example.com>  %s  2024-03-01

Review: 1 of 2 signed
  signed:  Cy Park
  missing: Dee Roy
`, revs[0].Commit[:8], revs[1].Commit[:8], revs[0].Commit[:8])
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := WriteText(&buf, &postmortem.Incident{Source: "x.md"}); err != nil || buf.String() != "x.md\n  no Git history\n" {
		t.Errorf("no history: %q %v", buf.String(), err)
	}
}

func TestStaleSignOff(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.commit("Draft", ana)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "review"))
	tr.commit("Ready\n\nReviewed-by: Cy Park <cy@example.com>\nReviewed-by: Bo Chen <bo@example.com>", ana)
	tr.write("README.md", "not the postmortem\n")
	tr.commit("Unrelated change", ana)
	r, _ := load(t, tr.dir(), Options{})
	if got := attachOne(t, r, "postmortems/a.md", "Cy Park", "Bo Chen").History.Review; !reflect.DeepEqual(got.Signed, []string{"Cy Park", "Bo Chen"}) {
		t.Fatalf("before the change: %+v", got)
	}

	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "review"))
	tr.commit("Change after review", ana)
	tr.write("postmortems/a.md", doc("INC-A", "SEV1", "published"))
	tr.commit("Publish\n\nApproved-by: Bo Chen <bo@example.com>", ana)
	r, _ = load(t, tr.dir(), Options{})
	h := attachOne(t, r, "postmortems/a.md", "Cy Park", "Bo Chen").History
	want := postmortem.Review{Required: []string{"Cy Park", "Bo Chen"}, Signed: []string{"Bo Chen"}, Stale: []string{"Cy Park"}}
	if !reflect.DeepEqual(h.Review, want) {
		t.Errorf("review = %+v, want %+v", h.Review, want)
	}
	for _, s := range h.SignOffs {
		if s.Stale != (s.Trailer == "Reviewed-by") {
			t.Errorf("sign-off %+v", s)
		}
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-A", "SEV2", "draft"))
	tr.commit("Draft", ana)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, tr.dir(), Options{}); err == nil {
		t.Error("Load ignored a canceled context")
	}
}

// TestParallel has enough commits and incidents for Load and Attach to use
// several workers (run it with -race), and checks every file's revisions
// against the commits that made them.
func TestParallel(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	want := map[string][]string{}
	version := map[string]int{}
	var commits []imported
	for i := range 160 {
		p := fmt.Sprintf("postmortems/%d/f%02d.md", i%3, (i*7)%40)
		version[p]++
		commits = append(commits, imported{map[string]string{p: doc(p, fmt.Sprintf("SEV%d", version[p]%4+1), "draft")}, fmt.Sprintf("Commit %d", i), ana})
	}
	for i, c := range tr.importCommits(commits) {
		for p := range commits[i].files {
			want[p] = append([]string{c}, want[p]...)
		}
	}
	tr.Git("repack", "-q", "-a", "-d")
	r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}})
	var incs []*postmortem.Incident
	for p, w := range want {
		if got := commitsOf(r.Revisions(p)); !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v, want %v", p, got, w)
		}
		incs = append(incs, &postmortem.Incident{Source: p})
	}
	if err := r.Attach(context.Background(), incs); err != nil {
		t.Fatal(err)
	}
	for _, inc := range incs {
		revs := inc.History.Revisions
		for i := 0; i+1 < len(revs); i++ {
			c := revs[i].Changes
			if len(c) != 1 || c[0].Field != "severity" {
				t.Errorf("%s revision %d changes = %+v", inc.Source, i, c)
			}
		}
	}
}

// countingParser is the postmortem parser as a FieldParser, counting its
// calls.
type countingParser struct {
	p     *postmortem.Parser
	calls atomic.Int32
}

func (c *countingParser) Fields(content []byte) map[string]string {
	c.calls.Add(1)
	return c.p.Fields(content)
}

// TestParsedFields checks that Attach takes the fields of an unchanged
// work-tree copy from the parse, and gets the same field changes as when
// it parses every version itself.
func TestParsedFields(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/clean.md", doc("INC-1", "SEV2", "draft"))
	tr.write("postmortems/edited.md", doc("INC-2", "SEV3", "draft"))
	tr.commit("Add postmortems", ana)
	tr.write("postmortems/clean.md", doc("INC-1", "SEV1", "draft"))
	tr.write("postmortems/edited.md", doc("INC-2", "SEV2", "draft"))
	tr.commit("Raise severities", bo)
	tr.write("postmortems/clean.md", doc("INC-1", "SEV1", "published"))
	tr.commit("Publish", ana)
	tr.write("postmortems/edited.md", doc("INC-2", "SEV2", "review"))

	cfg, err := config.Load(tr.dir())
	if err != nil {
		t.Fatal(err)
	}
	fields := &countingParser{p: postmortem.NewParser(cfg)}
	r, _ := load(t, tr.dir(), Options{Fields: fields})
	paths := []string{"postmortems/clean.md", "postmortems/edited.md"}
	// Incidents not parsed have no fields of their own: every version is
	// parsed.
	var want []*postmortem.Incident
	for _, p := range paths {
		want = append(want, &postmortem.Incident{Source: p})
	}
	if err := r.Attach(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	all := fields.calls.Swap(0)
	var got []*postmortem.Incident
	for _, p := range paths {
		content, err := os.ReadFile(filepath.Join(tr.dir(), p))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fields.p.Parse(p, content))
	}
	if err := r.Attach(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if n := fields.calls.Load(); n != all-1 {
		t.Errorf("Fields ran %d times for parsed incidents, %d for others; want one fewer (the clean file's HEAD)", n, all)
	}
	for i := range want {
		for j := range want[i].History.Revisions {
			w, g := want[i].History.Revisions[j].Changes, got[i].History.Revisions[j].Changes
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s revision %d: changes %+v, want %+v", want[i].Source, j, g, w)
			}
		}
	}
	if c := got[0].History.Revisions[0].Changes; len(c) != 1 || c[0].Field != "status" {
		t.Errorf("clean file's last revision changes %+v, want status", c)
	}
}

// TestAttachRevisions: the first step reads no earlier version (Fields is
// not called) and leaves every Changes empty; AttachChanges then makes the
// incidents what Attach makes them, and leaves alone an incident
// AttachRevisions did not see.
func TestAttachRevisions(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("postmortems/a.md", doc("INC-1", "SEV2", "draft"))
	tr.commit("Add INC-1", ana)
	tr.write("postmortems/a.md", doc("INC-1", "SEV1", "draft"))
	tr.commit("Raise severity", bo)
	tr.write("postmortems/a.md", doc("INC-1", "SEV1", "published"))
	tr.commit("Publish", ana)

	fields := &keyValues{}
	r, _ := load(t, tr.dir(), Options{Fields: fields})
	want := attachOne(t, r, "postmortems/a.md")
	fields.take()

	got := &postmortem.Incident{Source: "postmortems/a.md"}
	incs := []*postmortem.Incident{got}
	if err := r.AttachRevisions(context.Background(), incs); err != nil {
		t.Fatal(err)
	}
	if n := fields.take(); n != 0 {
		t.Errorf("AttachRevisions parsed %d versions, want none", n)
	}
	if got.History == nil || len(got.History.Revisions) != 3 {
		t.Fatalf("history after the first step: %+v, want 3 revisions", got.History)
	}
	for i, rv := range got.History.Revisions {
		if rv.Changes != nil {
			t.Errorf("revision %d has changes %+v before the second step", i, rv.Changes)
		}
	}
	if err := r.AttachChanges(context.Background(), incs); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.History, want.History) {
		t.Errorf("after both steps:\n%+v\nwant what Attach makes:\n%+v", got.History, want.History)
	}
	if c := got.History.Revisions[0].Changes; len(c) != 1 || c[0].Field != "status" {
		t.Errorf("last revision changes %+v, want status", c)
	}
	// An incident AttachRevisions did not see is left alone.
	other := &postmortem.Incident{Source: "postmortems/a.md"}
	if err := r.AttachChanges(context.Background(), []*postmortem.Incident{other}); err != nil || other.History != nil {
		t.Errorf("AttachChanges alone: history %+v, error %v", other.History, err)
	}
}

// TestUncommittedLink: a postmortem that is a committed symbolic link is
// clean, as git status says, until the link itself changes; what it points
// to does not count, as git stores the link, not its target.
func TestUncommittedLink(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	tr.write("shared/db.md", doc("INC-1", "SEV2", "draft"))
	if err := os.MkdirAll(filepath.Join(tr.dir(), "postmortems"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(tr.dir(), "postmortems", "db.md")
	if err := os.Symlink("../shared/db.md", link); err != nil {
		t.Fatal(err)
	}
	tr.commit("Link the shared postmortem", ana)
	uncommitted := func() bool {
		t.Helper()
		r, _ := load(t, tr.dir(), Options{Roots: []string{"postmortems"}})
		return attachOne(t, r, "postmortems/db.md").History.Uncommitted
	}
	if uncommitted() {
		t.Error("a committed link is reported uncommitted")
	}
	tr.write("shared/db.md", doc("INC-1", "SEV1", "draft"))
	tr.commit("Edit the target", bo)
	if uncommitted() {
		t.Error("a committed link whose target changed in another commit is reported uncommitted")
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../shared/other.md", link); err != nil {
		t.Fatal(err)
	}
	if !uncommitted() {
		t.Error("a link pointed elsewhere is reported clean")
	}
}

// TestKey: a path key takes as it is (cleanRel) is the key cleaning it
// gives, and one it does not take is cleaned.
func TestKey(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", "docs/"} {
		r := &Repo{prefix: prefix}
		for _, p := range []string{
			"postmortems/a.md", "a.md", "a", "postmortems/2025/b.md", ".hidden/a.md", "a..b/c.md",
			"", "/", "/postmortems/a.md", "postmortems/a.md/", "postmortems//a.md", "./a.md",
			"postmortems/./a.md", "postmortems/../a.md", "..", "../a.md", "a/..", ".", "a/.",
		} {
			want := prefix + strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(p)), "/")
			if got := r.key(p); got != want {
				t.Errorf("prefix %q: key(%q) = %q, want %q", prefix, p, got, want)
			}
		}
	}
}
