package live

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
	"github.com/inquest-dev/inquest/theme"
)

// newSite is New for a test. A whole build leaves the Site reading the Git
// history in the background, into opts.CacheDir; when the test ends,
// newSite waits for that read, so that it writes nothing into a temporary
// folder being removed (TempDir's clean-up then failed: "directory not
// empty").
func newSite(t testing.TB, opts site.BuildOptions) *Site {
	t.Helper()
	ls := New(opts)
	t.Cleanup(ls.Wait)
	return ls
}

// gitRepo writes the files of a txtar archive from testdata into a new
// Git repository in two commits a month apart, the second changing every
// postmortem's front matter (its owner), so that pages have revisions
// with field changes and sign-offs.
func gitRepo(t *testing.T, archive string) string {
	t.Helper()
	return newGitRepo(t, archiveFiles(t, archive)).Dir
}

// gitRepoOf is gitRepo for files given.
func gitRepoOf(t *testing.T, files []txtar.File) string {
	t.Helper()
	return newGitRepo(t, files).Dir
}

// newGitRepo is gitRepoOf, returning the repository to commit to.
func newGitRepo(t *testing.T, files []txtar.File) *repotest.Repo {
	t.Helper()
	// One archive: one git fast-import for both commits.
	var ar txtar.Archive
	for _, f := range files {
		ar.Files = append(ar.Files, txtar.File{Name: f.Name, Data: bytes.Replace(f.Data, []byte("status: published\n"), []byte("status: published\nowner: Ahmed Khan\n"), 1)})
	}
	ar.Files = append(ar.Files, txtar.File{Name: "$ commit", Data: []byte("Author: Jane Doe <jane@example.com>\nDate: 2024-05-01T12:00:00Z\n\nAdd postmortems")})
	ar.Files = append(ar.Files, files...)
	ar.Files = append(ar.Files, txtar.File{Name: "$ commit", Data: []byte("Author: Jane Doe <jane@example.com>\nDate: 2024-06-01T12:00:00Z\n\nHand postmortems over\n\nReviewed-by: Mei Chen <mei@example.com>\n")})
	r := repotest.New(t)
	r.Apply(&ar)
	return r
}

// archiveFiles are the files of the txtar archive testdata/name.
func archiveFiles(t *testing.T, name string) []txtar.File {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return ar.Files
}

// siteFiles reads a site folder: every file by slash path, and every
// folder with an empty value.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			m[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameSite fails the test for every file or folder that differs between
// two site folders, showing the first differing line of a file.
func sameSite(t *testing.T, what, got, want string) {
	t.Helper()
	a, b := siteFiles(t, got), siteFiles(t, want)
	n := 0
	for k, w := range b {
		g, ok := a[k]
		switch {
		case !ok:
			t.Errorf("%s: %s is missing", what, k)
		case g != w:
			gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
			i := 0
			for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
				i++
			}
			line := func(ls []string) string {
				if i < len(ls) {
					return ls[i]
				}
				return "(end of file)"
			}
			t.Errorf("%s: %s differs at line %d:\n got: %.300s\nwant: %.300s", what, k, i+1, line(gl), line(wl))
		default:
			continue
		}
		if n++; n > 10 {
			t.Fatalf("%s: too many differences", what)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			t.Errorf("%s: %s should not be there", what, k)
		}
	}
}

// editFile rewrites the repository file rel of dir with edit, which gets
// "" for a file that does not exist yet.
func editFile(t *testing.T, dir, rel string, edit func(string) string) {
	t.Helper()
	name := filepath.Join(dir, filepath.FromSlash(rel))
	data, err := os.ReadFile(name)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(edit(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("edit: no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

// editStep is one edit Site.Update applies.
type editStep struct {
	name, file string
	edit       func(string) string
	// whole says the update builds the whole site; upToDate that it
	// has nothing to do; any that either may happen.
	whole, upToDate, any bool
	// remove removes the file after the edit; renameTo renames it.
	remove   bool
	renameTo string
	// rebuilt is the reason the update gives for building the whole
	// site, when the test knows it.
	rebuilt string
	// check, when set, asserts more on the updated site folder.
	check func(t *testing.T, site string)
}

const (
	dbFile      = "postmortems/2024/2024-03-01-db.md"
	replicaFile = "postmortems/2023/2023-02-02-replica.md"
	dnsFile     = "postmortems/2022/2022-07-07-dns.md"
	cacheFile   = "postmortems/2022/2022-09-09-cache.md"
	deployFile  = "postmortems/2023/2023-05-05-deploy.md"
	queueFile   = "postmortems/2024/2024-06-06-queue.md"
	newFile     = "postmortems/2024/2024-07-07-new.md"
	newFile2    = "postmortems/2024/2024-07-08-renamed.md"
)

const addedOrRemoved = "postmortems were added or removed"

// Two reports of one name, with no id written (editSteps).
const (
	alikeEarlier = "postmortems/2022/alike.md"
	alikeLater   = "postmortems/2024/alike.md"
)

// alikeReport is a report with no front matter, dated by a key line.
func alikeReport(date, summary string) string {
	return "# Alike outage\n\n**Date:** " + date + "\n\n## Summary\n\n" + summary + "\n"
}

// hasIncident checks that the site has a page for the incident id.
func hasIncident(id string) func(t *testing.T, site string) {
	return func(t *testing.T, site string) {
		t.Helper()
		if _, err := os.Stat(filepath.Join(site, "incidents", id, "index.html")); err != nil {
			t.Errorf("no page for %s: %v", id, err)
		}
	}
}

const newPostmortem = "---\nid: INC-2024-010\ntitle: New outage\ndate: 2024-07-07\nseverity: SEV2\nstatus: published\ntags: [database]\n---\n## Summary\nNew.\n"

// editSteps change the incremental.txtar repository one file at a time;
// each step starts from the site the step before left.
func editSteps() []editStep {
	var queue string
	return []editStep{
		{name: "body text", file: dbFile, edit: replace("during the sale.", "during the spring sale.")},
		{name: "title", file: dbFile, edit: replace("title: Checkout DB pool exhausted", "title: Checkout database pool exhausted")},
		{name: "tag", file: dbFile, edit: replace("tags: [database, capacity]", "tags: [database, saturation]")},
		{name: "severity", file: cacheFile, edit: replace("severity: SEV2", "severity: SEV1")},
		{name: "action item added", file: cacheFile, edit: replace("- [ ] Jitter", "- [ ] Warm the cache first — owner: Mei Chen, due: 2022-11-01\n- [ ] Jitter")},
		{name: "date moves it first", file: dnsFile, edit: replace("date: 2022-07-07", "date: 2024-08-08")},
		{name: "lessons", file: replicaFile, edit: replace("Watch replication lag.", "Watch replication lag and page on it.")},
		{name: "reviewers", file: dbFile, edit: replace("reviewers: [Mei Chen]", "reviewers: [Mei Chen, Ahmed Khan]")},
		{name: "link to an image added", file: deployFile, edit: replace("reached production.", "reached production. ![chart](../2024/img/chart.svg)")},
		{name: "image changed", file: "postmortems/2024/img/chart.svg", whole: true, edit: replace("black", "red")},
		{name: "image link dropped", file: dbFile, edit: replace("![chart](img/chart.svg)", "")},
		{name: "image no longer linked", file: deployFile, edit: replace(" ![chart](../2024/img/chart.svg)", "")},
		{name: "last incident of a tag", file: dnsFile, edit: replace("tags: [dns]", "tags: [network]")},
		{name: "duplicate id", file: deployFile, edit: replace("id: INC-2023-005", "id: INC-2022-004"), whole: true},
		{name: "duplicate id resolved", file: deployFile, edit: replace("id: INC-2022-004", "id: INC-2023-005"), whole: true},
		{name: "made broken", file: queueFile, whole: true, edit: func(s string) string {
			queue = s
			return "---\ntitle: [unclosed\n---\n"
		}},
		{name: "broken file fixed", file: queueFile, whole: true, edit: func(string) string { return queue }},
		{name: "status", file: queueFile, edit: replace("status: published", "status: in-review")},
		{name: "postmortem added", file: newFile, whole: true, rebuilt: addedOrRemoved, edit: func(string) string { return newPostmortem }},
		{name: "postmortem renamed", file: newFile, renameTo: newFile2, whole: true, rebuilt: addedOrRemoved, edit: replace("Summary", "Summary")},
		{name: "postmortem with a used id added", file: newFile, whole: true, rebuilt: addedOrRemoved, edit: func(string) string {
			return strings.Replace(newPostmortem, "INC-2024-010", "INC-2022-003", 1)
		}},
		{name: "postmortem with a used id removed", file: newFile, remove: true, whole: true, rebuilt: addedOrRemoved, edit: func(s string) string { return s }},
		{name: "postmortems removed", file: newFile2, remove: true, whole: true, rebuilt: addedOrRemoved, edit: func(s string) string { return s }},
		// Reports named alike, with no id written: the earliest keeps the
		// name's id, whichever file is added, edited or removed.
		{name: "report named alike added", file: alikeLater, whole: true, rebuilt: addedOrRemoved, edit: func(string) string { return alikeReport("2024-02-02", "Later.") }},
		{name: "an earlier one added", file: alikeEarlier, whole: true, rebuilt: addedOrRemoved, edit: func(string) string { return alikeReport("2023-01-01", "Earlier.") }, check: hasIncident("2024-02-02-alike")},
		{name: "the later one edited", file: alikeLater, any: true, edit: replace("Later.", "Later, and longer."), check: hasIncident("2024-02-02-alike")},
		{name: "the earlier one edited", file: alikeEarlier, any: true, edit: replace("Earlier.", "Earlier, and longer.")},
		{name: "the earlier one removed", file: alikeEarlier, remove: true, whole: true, rebuilt: addedOrRemoved, edit: func(s string) string { return s }, check: hasIncident("alike")},
		{name: "the later one removed", file: alikeLater, remove: true, whole: true, rebuilt: addedOrRemoved, edit: func(s string) string { return s }},
		{name: "not read by the build", file: "notes.txt", upToDate: true, edit: func(string) string { return "notes\n" }},
		{name: "image no longer read", file: "postmortems/2024/img/chart.svg", upToDate: true, edit: replace("red", "blue")},
	}
}

// TestUpdateMatchesBuild applies edits one by one with Site.Update
// and, after each, compares the site file by file with what Build makes
// of the edited repository from nothing: related incidents from the
// text, tags and services (small sites) and from shared tags (large ones).
func TestUpdateMatchesBuild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		indexLimit int
	}{{"related from text", 0}, {"related from tags", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := gitRepo(t, "incremental.txtar")
			opts := site.BuildOptions{Dir: dir, Serve: true, Drafts: true, PageSize: 2, RelatedTextMax: tc.indexLimit}
			checkUpdates(t, opts, editSteps())
		})
	}
}

// TestUpdateWithThemeOverride checks that an incident is drawn again on
// the pages of a theme that shows more of it than the default one, and of
// one that lists every incident on every page: with templates of its own
// a repository gets the whole site written again.
func TestUpdateWithThemeOverride(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	partial := filepath.Join(dir, "theme", "templates", "partials", "incident-list.html")
	if err := os.MkdirAll(filepath.Dir(partial), 0o755); err != nil {
		t.Fatal(err)
	}
	tmpl := `{{define "incident-list"}}<ul>{{range .}}<li>{{.Title}} by {{.Owner}}, {{len .Body}} bytes</li>{{end}}</ul>{{end}}`
	if err := os.WriteFile(partial, []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(theme.Default(), "templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	layout := strings.Replace(string(data), "</body>", `<aside>{{range .Site.Incidents}}{{.Title}} {{end}}</aside></body>`, 1)
	if err := os.WriteFile(filepath.Join(dir, "theme", "templates", "layout.html"), []byte(layout), 0o644); err != nil {
		t.Fatal(err)
	}
	const why = "the theme overrides templates"
	checkUpdates(t, site.BuildOptions{Dir: dir, Serve: true, Drafts: true, PageSize: 2}, []editStep{
		{name: "owner", file: queueFile, whole: true, rebuilt: why, edit: replace("status: published\n", "status: published\nowner: Mei Chen\n")},
		{name: "body", file: queueFile, whole: true, rebuilt: why, edit: replace("for hours.", "for six hours.")},
		{name: "title", file: dnsFile, whole: true, rebuilt: why, edit: replace("title: DNS timeouts", "title: DNS timeouts everywhere")},
	})
}

// TestUpdateAfterCommit commits an edit: the history of every page moves
// on, so the update builds the whole site.
func TestUpdateAfterCommit(t *testing.T) {
	t.Parallel()
	r := newGitRepo(t, archiveFiles(t, "incremental.txtar"))
	dir := r.Dir
	checkUpdates(t, site.BuildOptions{Dir: dir, Serve: true, Drafts: true}, []editStep{
		{name: "edit", file: dnsFile, edit: replace("Resolvers timed out.", "Resolvers timed out twice.")},
		{name: "commit", file: ".git/HEAD", whole: true, edit: func(s string) string {
			r.Commit("Author: Mei Chen <mei@example.com>\nDate: 2024-07-01T12:00:00Z\n\nSay how often")
			return s
		}},
		{name: "index touched", file: ".git/index", upToDate: true, edit: func(s string) string { return s }},
	})
}

// TestUpdateWithSymlinkedPostmortem edits the file a postmortem links to:
// the event names the file, not the link, so the site is built whole.
func TestUpdateWithSymlinkedPostmortem(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	real := filepath.Join(dir, "notes", "real.md")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "---\nid: INC-2024-007\ntitle: Linked outage\ndate: 2024-07-07\nseverity: SEV3\nstatus: published\n---\n## Summary\nLinked.\n"
	if err := os.WriteFile(real, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../notes/real.md", filepath.Join(dir, "postmortems", "2024", "alias.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	checkUpdates(t, site.BuildOptions{Dir: dir, Serve: true, Drafts: true}, []editStep{
		{name: "target edited", file: "notes/real.md", whole: true, edit: replace("title: Linked outage", "title: Linked outage, edited")},
	})
}

// TestUpdateKeepsClockTime builds without history, so that the reference
// time is the clock's: an update a second later keeps the build's, and
// the site is what a whole build at that time makes.
func TestUpdateKeepsClockTime(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	ctx := context.Background()
	bl := newSite(t, site.BuildOptions{Dir: dir, Serve: true, NoHistory: true, CacheDir: t.TempDir()})
	sites := t.TempDir()
	if _, err := bl.Build(ctx, filepath.Join(sites, "site-0")); err != nil {
		t.Fatal(err)
	}
	now := bl.st.b.Site().Now
	time.Sleep(1100 * time.Millisecond)
	editFile(t, dir, dnsFile, replace("Resolvers timed out.", "Resolvers timed out again."))
	res, err := bl.Update(ctx, []string{dnsFile}, filepath.Join(sites, "site-1"))
	if err != nil || !res.InPlace {
		t.Fatalf("update: %v, in place %v", err, res != nil && res.InPlace)
	}
	full, err := site.Build(ctx, site.BuildOptions{Dir: dir, Serve: true, NoHistory: true, Now: now, CacheDir: t.TempDir(), Out: filepath.Join(t.TempDir(), "site")})
	if err != nil {
		t.Fatal(err)
	}
	sameSite(t, "update a second later", res.Out, full.Out)
}

func checkUpdates(t *testing.T, opts site.BuildOptions, steps []editStep) {
	t.Helper()
	ctx := context.Background()
	opts.CacheDir = t.TempDir()
	bl := newSite(t, opts)
	sites := t.TempDir()
	res, err := bl.Build(ctx, filepath.Join(sites, "site-0"))
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range steps {
		editFile(t, opts.Dir, step.file, step.edit)
		name := filepath.Join(opts.Dir, filepath.FromSlash(step.file))
		changed := []string{step.file}
		err = nil
		switch {
		case step.remove:
			err = os.Remove(name)
		case step.renameTo != "":
			err = os.Rename(name, filepath.Join(opts.Dir, filepath.FromSlash(step.renameTo)))
			changed = append(changed, step.renameTo)
		}
		if err != nil {
			t.Fatal(err)
		}
		if concerns := bl.Concerns(changed); !step.any && concerns == step.upToDate {
			t.Errorf("%s: Concerns = %v", step.name, concerns)
		}
		prev := res.Out
		res, err = bl.Update(ctx, changed, filepath.Join(sites, fmt.Sprintf("site-%d", i+1)))
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		switch {
		case step.any:
		case step.upToDate != res.UpToDate:
			t.Errorf("%s: UpToDate = %v", step.name, res.UpToDate)
		case step.whole != (res.Rebuilt != ""), step.rebuilt != "" && res.Rebuilt != step.rebuilt:
			t.Errorf("%s: Rebuilt = %q", step.name, res.Rebuilt)
		case !step.whole && res.Out != prev:
			t.Errorf("%s: written to %s, not in place in %s", step.name, res.Out, prev)
		}
		want := opts
		want.Out, want.CacheDir = filepath.Join(t.TempDir(), "site"), t.TempDir()
		full, err := site.Build(ctx, want)
		if err != nil {
			t.Fatalf("%s: whole build: %v", step.name, err)
		}
		sameSite(t, step.name, res.Out, full.Out)
		if step.check != nil {
			step.check(t, res.Out)
		}
		if !res.UpToDate && !reflect.DeepEqual(res.Findings, full.Findings) {
			t.Errorf("%s: findings\n got %v\nwant %v", step.name, res.Findings, full.Findings)
		}
		if !res.UpToDate && (res.Incidents != full.Incidents || res.Pages != full.Pages || res.Skipped != full.Skipped || res.Uncommitted != full.Uncommitted) {
			t.Errorf("%s: counts %d/%d/%d/%d, want %d/%d/%d/%d", step.name, res.Incidents, res.Pages, res.Skipped, res.Uncommitted,
				full.Incidents, full.Pages, full.Skipped, full.Uncommitted)
		}
		if step.name == "made broken" && !hasError(res.Findings, step.file) {
			t.Errorf("%s: no error reported for %s in %v", step.name, step.file, res.Findings)
		}
	}
}

func hasError(fs []postmortem.Finding, file string) bool {
	for _, f := range fs {
		if f.File == file && f.Level == postmortem.LevelError {
			return true
		}
	}
	return false
}

// TestUpdateDatesFromGit edits a postmortem that states its date nowhere
// but in Git: the update dates it by its first commit before validating
// it, as the whole build does, so that neither says its date is missing.
func TestUpdateDatesFromGit(t *testing.T) {
	t.Parallel()
	const file = "postmortems/db-outage.md"
	dir := gitRepoOf(t, []txtar.File{
		{Name: file, Data: []byte("---\ntitle: Database outage\nseverity: SEV2\nstatus: published\n---\n## Summary\nThe primary failed.\n")},
		{Name: "postmortems/2024-02-02-cdn.md", Data: []byte("---\ntitle: CDN errors\nseverity: SEV3\nstatus: published\n---\n## Summary\nStale edges.\n")},
	})
	ctx := context.Background()
	opts := site.BuildOptions{Dir: dir, Serve: true, Drafts: true, CacheDir: t.TempDir()}
	bl := newSite(t, opts)
	sites := t.TempDir()
	res, err := bl.Build(ctx, filepath.Join(sites, "site-0"))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, res *site.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.File == file && f.Rule == "required-field" {
				t.Errorf("%s: %s:%d: %s", what, f.File, f.Line, f.Message)
			}
		}
	}
	check("build", res)
	editFile(t, dir, file, replace("failed.", "failed over."))
	res, err = bl.Update(ctx, []string{file}, filepath.Join(sites, "site-1"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rebuilt != "" {
		t.Fatalf("the edit built the whole site: %s", res.Rebuilt)
	}
	check("update", res)
	page, err := os.ReadFile(filepath.Join(res.Out, "incidents", "db-outage", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `datetime="2024-05-01"`) {
		t.Errorf("the page does not show the first commit's date, 2024-05-01")
	}
}

// TestWaitForHistory: a whole build leaves the history read running for
// the updates to come; Wait returns once it is through, so that the cache
// folder it writes into can go.
func TestWaitForHistory(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	ls := New(site.BuildOptions{Dir: dir, CacheDir: t.TempDir()})
	if _, err := ls.Build(context.Background(), filepath.Join(t.TempDir(), "site")); err != nil {
		t.Fatal(err)
	}
	hist := ls.st.hist
	if hist == nil {
		t.Fatal("the build left no history read")
	}
	ls.Wait()
	select {
	case <-hist.done:
	default:
		t.Fatal("Wait returned while the history read was running")
	}
	ls.Wait() // nothing left: returns at once
}
