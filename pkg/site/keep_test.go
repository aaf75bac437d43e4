package site_test

import (
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestKeptPagesSameAsRendered is TestSameSiteWhateverCacheFound for the
// pages a build keeps from the site it replaces (keep.go): after each
// change, a build over the last site with the last cache must be byte for
// byte a build from no cache into an empty folder, and keep the pages the
// change did not touch.
func TestKeptPagesSameAsRendered(t *testing.T) {
	t.Parallel()
	const db = "postmortems/2024/2024-03-01-db.md"
	edit := func(r *repotest.Repo, name, old, new string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(r.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s has no %q", name, old)
		}
		r.WriteFile(name, bytes.Replace(data, []byte(old), []byte(new), 1))
	}
	// keptAll and keptNone are the wanted counts of kept pages: every
	// revision page, or none.
	const keptAll, keptNone, keptSome = -1, 0, -2
	for _, tc := range []struct {
		name string
		// change changes the repository, or the last site (out), after
		// the first build.
		change func(t *testing.T, r *repotest.Repo, out string)
		force  bool
		kept   int
		// siteOnly is set when change leaves the repository as it was:
		// the first build, from no cache into an empty folder, is then
		// the cold build to compare with.
		siteOnly bool
	}{
		{"nothing, forced", func(*testing.T, *repotest.Repo, string) {}, true, keptAll, true},
		{"a kept page edited by hand in the last site", func(t *testing.T, r *repotest.Repo, out string) {
			page := revisionPages(t, out)[0]
			data, err := os.ReadFile(filepath.Join(out, page))
			if err != nil {
				t.Fatal(err)
			}
			// In place, as an editor that keeps the file's inode does.
			if err := os.WriteFile(filepath.Join(out, page), bytes.Replace(data, []byte("<h1>"), []byte("<h1>Tampered "), 1), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true, keptSome, true},
		{"a kept page removed from the last site", func(t *testing.T, r *repotest.Repo, out string) {
			if err := os.Remove(filepath.Join(out, revisionPages(t, out)[0])); err != nil {
				t.Fatal(err)
			}
		}, true, keptSome, true},
		{"theme stylesheet", func(t *testing.T, r *repotest.Repo, out string) {
			r.WriteFile("theme/static/style.css", []byte("body { color: #222 }\n"))
			r.Commit("Our own stylesheet")
		}, false, keptNone, false},
		{"configuration", func(t *testing.T, r *repotest.Repo, out string) {
			edit(r, "inquest.yaml", "title: Test postmortems", "title: Our postmortems")
			r.Commit("Rename the site")
		}, false, keptNone, false},
		{"a postmortem edited", func(t *testing.T, r *repotest.Repo, out string) {
			edit(r, db, "title: Checkout DB pool ran dry", "title: Checkout database pool exhausted")
			r.Commit("Retitle INC-2024-001")
		}, false, keptSome, false},
		{"a postmortem added", func(t *testing.T, r *repotest.Repo, out string) {
			r.WriteFile("postmortems/2024/2024-06-01-queue.md", []byte("---\nid: INC-2024-009\ntitle: Queue backlog\ndate: 2024-06-01\nseverity: SEV3\nstatus: published\n---\n## Summary\n\nThe queue grew for an hour.\n\n## Timeline\n\n- 10:00 UTC backlog alert\n- 11:00 UTC drained\n"))
			r.Commit("Add the queue backlog")
		}, false, keptAll, false},
		{"a postmortem removed", func(t *testing.T, r *repotest.Repo, out string) {
			r.Git("rm", "-q", "postmortems/2022/2022-07-07-dns.md")
			r.Commit("Drop the DNS report")
		}, false, keptSome, false},
		{"a commit that only signs off", func(t *testing.T, r *repotest.Repo, out string) {
			r.Git("commit", "-q", "--allow-empty", "-m", "Review done\n\nReviewed-by: Mei Chen <mei@example.com>")
		}, false, keptAll, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := keptRepo(t)
			cache, out := t.TempDir(), filepath.Join(t.TempDir(), "public")
			first, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache})
			if err != nil {
				t.Fatal(err)
			}
			if first.Kept != 0 {
				t.Errorf("first build kept %d pages of no site", first.Kept)
			}
			firstTree := readTree(t, out)
			revs := len(revisionPagesOf(t, firstTree))
			if revs < 3 {
				t.Fatalf("the fixture has %d revision pages: the test keeps too little", revs)
			}
			tc.change(t, r, out)
			res, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache, Force: tc.force})
			if err != nil {
				t.Fatal(err)
			}
			cold := firstTree
			if !tc.siteOnly {
				dir := filepath.Join(t.TempDir(), "public")
				if _, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: dir, CacheDir: t.TempDir()}); err != nil {
					t.Fatal(err)
				}
				cold = readTree(t, dir)
			}
			diffTrees(t, "cold vs kept", cold, readTree(t, out))
			now := len(revisionPagesOf(t, cold))
			switch tc.kept {
			case keptAll:
				if res.Kept != min(revs, now) {
					t.Errorf("kept %d pages, want every one of the %d revision pages", res.Kept, min(revs, now))
				}
			case keptSome:
				if res.Kept == 0 || res.Kept >= revs {
					t.Errorf("kept %d pages of %d revision pages, want some but not all", res.Kept, revs)
				}
			default:
				if res.Kept != tc.kept {
					t.Errorf("kept %d pages, want %d", res.Kept, tc.kept)
				}
			}
		})
	}
}

// TestKeptPagesRecordTheirStamps checks that the page manifest a build
// records after keeping every revision page (as hard links, whose stamps
// keep saw in the last site) has the stamps the pages' files have in the
// new site, as it has after a build that rendered them.
func TestKeptPagesRecordTheirStamps(t *testing.T) {
	t.Parallel()
	r := keptRepo(t)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "public")
	for i, force := range []bool{false, true} {
		res, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache, Force: force})
		if err != nil {
			t.Fatal(err)
		}
		if force && res.Kept == 0 {
			t.Fatal("the forced build kept no page: the test checks nothing")
		}
		recorded, now := site.ManifestStamps(cache, out)
		if len(recorded) < 3 {
			t.Fatalf("build %d: %d pages in the manifest", i+1, len(recorded))
		}
		for rel, st := range recorded {
			if now[rel] != st {
				t.Errorf("build %d: %s recorded with stamp %v, its file has %v", i+1, rel, st, now[rel])
			}
		}
	}
}

// TestFailedBuildRecordsNoPages checks that a build that did not replace
// the site leaves the page manifest as it was: the next build keeps pages
// of the site that is there, and is byte for byte a cold build.
func TestFailedBuildRecordsNoPages(t *testing.T) {
	t.Parallel()
	r := keptRepo(t)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	manifests := func() map[string][]byte {
		m := map[string][]byte{}
		files, _ := filepath.Glob(filepath.Join(cache, "builds", "*.pages"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m[f] = data
		}
		if len(m) != 1 {
			t.Fatalf("%d page manifests in the cache, want 1", len(m))
		}
		return m
	}
	before := manifests()
	// A postmortem with an error fails a --strict build after it wrote
	// the pages, before the swap. The same commit retitles another one,
	// so the failed build gives that incident's revision pages new keys
	// while the site in place still has them with the old title: a
	// manifest it recorded would pair the new keys with those pages, and
	// the next build would keep them.
	r.WriteFile("postmortems/2021/2021-01-01-broken.md", []byte("---\nid: INC-2021-001\ntitle: Half written\ndate: someday\nstatus: published\n---\n## Summary\n\nTo do.\n"))
	const dns = "postmortems/2022/2022-07-07-dns.md"
	text, err := os.ReadFile(filepath.Join(r.Dir, dns))
	if err != nil {
		t.Fatal(err)
	}
	retitled := bytes.Replace(text, []byte("title: DNS timeouts\n"), []byte("title: Resolver timeouts\n"), 1)
	if bytes.Equal(retitled, text) {
		t.Fatalf("%s has no title to change", dns)
	}
	r.WriteFile(dns, retitled)
	r.Commit("Start a report; retitle the DNS incident")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache, FailOnErrors: true}); err == nil {
		t.Fatal("the strict build of a broken date succeeded: the test interrupts nothing")
	}
	for f, data := range manifests() {
		if !bytes.Equal(data, before[f]) {
			t.Errorf("a failed build rewrote the page manifest %s", f)
		}
	}
	res, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept == 0 {
		t.Error("the build after a failed one kept no page")
	}
	cold := filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: r.Dir, Out: cold, CacheDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	diffTrees(t, "cold vs after a failed build", readTree(t, cold), readTree(t, out))
}

// keptRepo is basic.txtar with a history: each published postmortem
// edited once after the import, so each has a revision page. The history
// is one archive, written by one git fast-import (the same commits, hashes
// included, as committing each step; ten times fewer git processes).
func keptRepo(t *testing.T) *repotest.Repo {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "basic.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[f.Name] = f.Data
	}
	commit := func(body string) {
		ar.Files = append(ar.Files, txtar.File{Name: "$ commit", Data: []byte(body)})
	}
	edit := func(name, old, new string) {
		t.Helper()
		if !bytes.Contains(files[name], []byte(old)) {
			t.Fatalf("%s has no %q", name, old)
		}
		files[name] = bytes.Replace(files[name], []byte(old), []byte(new), 1)
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: files[name]})
	}
	// As importedRepo: the archive committed, then the import commit.
	commit("Add postmortems\n")
	commit("Import the postmortems")
	for _, name := range []string{"postmortems/2024/2024-03-01-db.md", "postmortems/2023/2023-02-02-replica.md", "postmortems/2022/2022-07-07-dns.md"} {
		edit(name, "## Summary\n", "## Summary\n\nTimes are UTC unless a line says otherwise.\n")
		commit("Say the zone of " + path.Base(name))
	}
	edit("postmortems/2024/2024-03-01-db.md", "title: Checkout DB pool exhausted", "title: Checkout DB pool ran dry")
	commit("Retitle the pool incident")
	r := repotest.New(t)
	r.Apply(ar)
	return r
}

// revisionPages are the revision pages of the site in out, sorted.
func revisionPages(t *testing.T, out string) []string {
	t.Helper()
	return revisionPagesOf(t, readTree(t, out))
}

// revisionPagesOf are the revision pages of a site read with readTree,
// sorted.
func revisionPagesOf(t *testing.T, tree map[string][]byte) []string {
	t.Helper()
	var pages []string
	for rel := range tree {
		if strings.Contains(rel, "/revisions/") && strings.HasSuffix(rel, ".html") {
			pages = append(pages, rel)
		}
	}
	if len(pages) == 0 {
		t.Fatal("no revision pages")
	}
	slices.Sort(pages)
	return pages
}
