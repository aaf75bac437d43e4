package live

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestUpdateAmendments commits substantive amendments to published
// postmortems while a live site is served (a severity changed, an action
// item added) and then edits the work tree without committing: after each
// update the digest's amendment list and the Atom feed are those a whole
// build of the same repository makes (checkUpdates compares every file),
// list the committed amendments, and claim none for text no commit holds.
func TestUpdateAmendments(t *testing.T) {
	t.Parallel()
	r := newGitRepo(t, archiveFiles(t, "incremental.txtar"))
	const (
		severity = "Rate the stampede SEV1"
		item     = "Add the pool alert"
	)
	var before []string
	checkUpdates(t, site.BuildOptions{Dir: r.Dir, Serve: true, Drafts: true}, []editStep{
		{name: "severity committed", file: cacheFile, whole: true, rebuilt: "HEAD moved",
			edit: commitEdit(r, cacheFile, replace("severity: SEV2", "severity: SEV1"),
				"Author: Mei Chen <mei@example.com>\nDate: 2024-06-10T12:00:00Z\n\n"+severity),
			check: func(t *testing.T, out string) {
				rows := amendmentRows(t, out)
				if !containsAll(rows, severity, "Cache stampede", "severity") {
					t.Errorf("the digest does not list the severity amendment: %q", rows)
				}
				if feed := readSite(t, out, "feed.xml"); !strings.Contains(feed, "<title>Amended: Cache stampede</title>") || !strings.Contains(feed, severity) {
					t.Errorf("the feed has no entry for the severity amendment")
				}
			}},
		{name: "action item committed", file: dbFile, whole: true, rebuilt: "HEAD moved",
			edit: commitEdit(r, dbFile, replace("| Cap the pool | Jane Doe | 2024-04-01 | open |", "| Cap the pool | Jane Doe | 2024-04-01 | open |\n| Alert on pool use | Mei Chen | 2024-07-01 | open |"),
				"Author: Jane Doe <jane@example.com>\nDate: 2024-06-12T12:00:00Z\n\n"+item),
			check: func(t *testing.T, out string) {
				rows := amendmentRows(t, out)
				if !containsAll(rows, item, "Checkout DB pool exhausted", "action item") || !containsAll(rows, severity) {
					t.Errorf("the digest does not list both amendments: %q", rows)
				}
				if feed := readSite(t, out, "feed.xml"); !strings.Contains(feed, item) || !strings.Contains(feed, severity) {
					t.Errorf("the feed lacks an amendment entry")
				}
				before = rows
			}},
		{name: "severity changed, not committed", file: cacheFile, edit: replace("severity: SEV1", "severity: SEV3"),
			check: func(t *testing.T, out string) {
				if rows := amendmentRows(t, out); !slices.Equal(rows, before) {
					t.Errorf("an uncommitted edit changed the digest's amendments:\n got %q\nwant %q", rows, before)
				}
			}},
		{name: "action item added, not committed", file: cacheFile, edit: replace("- [ ] Jitter", "- [ ] Warm the cache first — owner: Mei Chen, due: 2024-08-01\n- [ ] Jitter"),
			check: func(t *testing.T, out string) {
				if rows := amendmentRows(t, out); !slices.Equal(rows, before) {
					t.Errorf("an uncommitted edit changed the digest's amendments:\n got %q\nwant %q", rows, before)
				}
				if n := strings.Count(readSite(t, out, "feed.xml"), "<title>Amended: "); n != len(before) {
					t.Errorf("the feed has %d amendment entries, want the %d committed ones", n, len(before))
				}
			}},
		{name: "amended incident retitled, not committed", file: cacheFile, edit: replace("title: Cache stampede", "title: Cache key stampede"),
			check: func(t *testing.T, out string) {
				rows := amendmentRows(t, out)
				if !containsAll(rows, severity, "Cache key stampede") {
					t.Errorf("the digest does not show the amended incident's title as it is now: %q", rows)
				}
			}},
	})
}

// commitEdit is an editStep.edit that writes the edited file and commits
// it with message msg (headers, a blank line, the subject), as an author
// does while serve runs.
func commitEdit(r *repotest.Repo, file string, edit func(string) string, msg string) func(string) string {
	return func(s string) string {
		s = edit(s)
		r.WriteFile(file, []byte(s))
		r.Commit(msg)
		return s
	}
}

// amendmentRows are the texts of the digest's amendment list items.
func amendmentRows(t *testing.T, out string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(readSite(t, out, "digest/index.html")))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode && n.Data == "ul" && slices.ContainsFunc(n.Attr, func(a html.Attribute) bool {
			return a.Key == "class" && slices.Contains(strings.Fields(a.Val), "amendments")
		}) {
			in = true
		}
		if in && n.Type == html.ElementNode && n.Data == "li" {
			rows = append(rows, strings.Join(strings.Fields(nodeText(n)), " "))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	return rows
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(nodeText(c))
	}
	return sb.String()
}

// containsAll says whether one of rows holds every part.
func containsAll(rows []string, parts ...string) bool {
	return slices.ContainsFunc(rows, func(r string) bool {
		for _, p := range parts {
			if !strings.Contains(r, p) {
				return false
			}
		}
		return true
	})
}

func readSite(t *testing.T, out, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
