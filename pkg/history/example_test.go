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

func Example() {
	dir, cleanup := exampleRepo()
	defer cleanup()

	ctx := context.Background()
	repo, warnings, err := history.Load(ctx, dir, history.Options{
		Roots:   []string{"postmortems"},
		Include: func(p string) bool { return strings.HasSuffix(p, ".md") },
		// The site wires this to the postmortem parser's front matter.
		Fields: func(content []byte) map[string]string {
			m := map[string]string{}
			for _, line := range strings.Split(string(content), "\n") {
				if k, v, ok := strings.Cut(line, ": "); ok {
					m[k] = v
				}
			}
			return m
		},
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

// exampleRepo makes a repository with two commits to one postmortem.
func exampleRepo() (string, func()) {
	dir, err := os.MkdirTemp("", "history-example")
	if err != nil {
		log.Fatal(err)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		log.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		log.Fatal(err)
	}
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
	return dir, func() { os.RemoveAll(dir) }
}
