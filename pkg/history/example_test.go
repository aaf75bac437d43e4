package history_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// keyValues reads "key: value" lines as the fields of a postmortem.
type keyValues struct{}

func (keyValues) Fields(content []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(content), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		}
	}
	return m
}

func Example() {
	dir, cleanup := exampleRepo()
	defer cleanup()

	ctx := context.Background()
	repo, warnings, err := history.Load(ctx, dir, history.Options{
		Roots:   []string{"postmortems"},
		Include: func(p string) bool { return strings.HasSuffix(p, ".md") },
		// The site gives the postmortem parser here.
		Fields: keyValues{},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range warnings {
		fmt.Println("warning:", w)
	}
	inc := &postmortem.Incident{ID: "INC-1", Source: "postmortems/db.md", Reviewers: []string{"Cy Park"}}
	if err := repo.Attach(ctx, []*postmortem.Incident{inc}); err != nil {
		log.Fatal(err)
	}
	h := inc.History
	for _, rv := range h.Revisions {
		fmt.Println(rv.Subject, rv.PR, rv.Changes)
	}
	fmt.Printf("signed: %v, stale: %v\n", h.Review.Signed, h.Review.Stale)
	// Output:
	// Raise severity (#12) 12 [{severity SEV2 SEV1}]
	// Add the database postmortem 0 []
	// signed: [Cy Park], stale: []
}

// newExampleRepo makes an empty repository in a temporary folder.
func newExampleRepo() (dir string, wt *git.Worktree, cleanup func()) {
	dir, err := os.MkdirTemp("", "history-example")
	if err != nil {
		log.Fatal(err)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		log.Fatal(err)
	}
	if wt, err = repo.Worktree(); err != nil {
		log.Fatal(err)
	}
	return dir, wt, func() { os.RemoveAll(dir) }
}

// exampleRepo makes a repository with two commits to one postmortem.
func exampleRepo() (string, func()) {
	dir, wt, cleanup := newExampleRepo()
	when := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct{ severity, msg string }{
		{"SEV2", "Add the database postmortem"},
		{"SEV1", "Raise severity (#12)\n\nReviewed-by: Cy Park <cy@example.com>"},
	} {
		p := filepath.Join(dir, "postmortems", "db.md")
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("severity: "+c.severity+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if _, err := wt.Add("postmortems/db.md"); err != nil {
			log.Fatal(err)
		}
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: when}
		if _, err := wt.Commit(c.msg, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			log.Fatal(err)
		}
	}
	return dir, cleanup
}

// A postmortem written at the repository root and later moved into the
// content folder keeps the revisions it had under its old name.
func ExampleRepo_Revisions() {
	dir, wt, cleanup := newExampleRepo()
	defer cleanup()
	when := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	commit := func(msg string) {
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: when}
		if _, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, All: true}); err != nil {
			log.Fatal(err)
		}
	}
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(dir, "cache-outage.md"), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write("# Cache outage\n\nThe cache cluster ran out of memory at 09:12.\n")
	if _, err := wt.Add("cache-outage.md"); err != nil {
		log.Fatal(err)
	}
	commit("Write up the cache outage")
	write("# Cache outage\n\nThe cache cluster ran out of memory at 09:12.\nEviction was off.\n")
	commit("Add the cause")
	if err := os.MkdirAll(filepath.Join(dir, "postmortems"), 0o755); err != nil {
		log.Fatal(err)
	}
	if _, err := wt.Move("cache-outage.md", "postmortems/cache-outage.md"); err != nil {
		log.Fatal(err)
	}
	commit("Keep postmortems in their folder")

	h, _, err := history.Load(context.Background(), dir, history.Options{Roots: []string{"postmortems"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, rv := range h.Revisions("postmortems/cache-outage.md") {
		fmt.Printf("%s: %s\n", rv.Path, rv.Subject)
	}
	// Output:
	// postmortems/cache-outage.md: Keep postmortems in their folder
	// cache-outage.md: Add the cause
	// cache-outage.md: Write up the cache outage
}

// Versions reads what a revision changed: the file before and after it.
func ExampleRepo_Versions() {
	dir, cleanup := exampleRepo()
	defer cleanup()

	repo, _, err := history.Load(context.Background(), dir, history.Options{Roots: []string{"postmortems"}})
	if err != nil {
		log.Fatal(err)
	}
	versions, err := repo.Versions()
	if err != nil {
		log.Fatal(err)
	}
	defer versions.Close()
	for i, rv := range repo.Revisions("postmortems/db.md") {
		before, after, err := versions.Read("postmortems/db.md", i)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s\n  before: %q\n  after:  %q\n", rv.Subject, before, after)
	}
	// Output:
	// Raise severity (#12)
	//   before: "severity: SEV2\n"
	//   after:  "severity: SEV1\n"
	// Add the database postmortem
	//   before: ""
	//   after:  "severity: SEV2\n"
}
