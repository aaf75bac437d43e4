package live

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
	"golang.org/x/tools/txtar"
)

// randomPostmortem is the text of postmortem i of the random test, its
// fields drawn from r.
func randomPostmortem(r *rand.Rand, i int) string {
	pick := func(pool []string, max int) string {
		var out []string
		for _, k := range r.Perm(len(pool))[:r.IntN(max+1)] {
			out = append(out, pool[k])
		}
		return strings.Join(out, ", ")
	}
	tags := []string{"database", "dns", "capacity", "cache", "deploy", "network", "Database"}
	services := []string{"checkout", "billing", "search", "auth"}
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: INC-%03d\ntitle: site.Incident %d %s\ndate: 2024-%02d-%02d\nseverity: SEV%d\nstatus: %s\n",
		i, i, []string{"outage", "slowdown", "errors"}[r.IntN(3)], 1+r.IntN(6), 1+r.IntN(28), 1+r.IntN(4), []string{"published", "in-review", "draft"}[r.IntN(3)])
	fmt.Fprintf(&b, "tags: [%s]\nservices: [%s]\n", pick(tags, 3), pick(services, 2))
	if r.IntN(4) == 0 {
		fmt.Fprintf(&b, "related: [INC-%03d]\n", r.IntN(20))
	}
	fmt.Fprintf(&b, "---\n## Summary\n\nSummary %d of incident %d.", r.IntN(1000), i)
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, " See [another](inc-%03d.md).", r.IntN(20))
	}
	b.WriteString("\n")
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "\n## Lessons learned\n\n- Lesson %d.\n", r.IntN(1000))
	}
	if n := r.IntN(3); n > 0 {
		b.WriteString("\n## Action items\n\n")
		for k := range n {
			fmt.Fprintf(&b, "- [%s] Item %d — owner: %s, due: 2024-%02d-01\n", []string{" ", "x"}[r.IntN(2)], k, []string{"Jane Doe", "Mei Chen"}[r.IntN(2)], 1+r.IntN(12))
		}
	}
	return b.String()
}

// TestUpdateRandomEdits edits random postmortems of a generated
// repository — a word of the title or summary, the date, the tags, or the
// whole file rewritten with new random fields, now and then to a broken file and
// back, or removed (an edit of a removed file adds an empty one) — and
// after each update compares the site with a whole build.
// Lists have three incidents a page, so edits move incidents between
// pages and terms; related incidents come from the index and from tags.
func TestUpdateRandomEdits(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a whole build after every edit")
	}
	for _, tc := range []struct {
		seed       uint64
		indexLimit int
	}{{1, 1}, {2, 1}, {3, 0}} {
		t.Run(fmt.Sprintf("seed %d, related index limit %d", tc.seed, tc.indexLimit), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(tc.seed, 2))
			const n = 20
			var files []txtar.File
			for i := range n {
				files = append(files, txtar.File{Name: fmt.Sprintf("postmortems/inc-%03d.md", i), Data: []byte(randomPostmortem(r, i))})
			}
			dir := gitRepoOf(t, files)
			var steps []editStep
			for k := range 30 {
				i := r.IntN(n)
				whole := randomPostmortem(r, i)
				word := fmt.Sprintf("w%d", r.IntN(100))
				date := fmt.Sprintf("date: 2024-%02d-%02d", 1+r.IntN(6), 1+r.IntN(28))
				tags := randomPostmortem(r, i)
				tags = tags[strings.Index(tags, "tags: "):]
				tags = tags[:strings.Index(tags, "\nservices:")]
				var edit func(string) string
				switch k % 7 {
				case 6:
					edit = func(s string) string {
						if i := strings.Index(s, "tags: "); i >= 0 {
							return s[:i] + tags + s[i+strings.Index(s[i:], "\n"):]
						}
						return s
					}
				case 0, 1:
					edit = func(s string) string {
						return strings.Replace(s, "title: site.Incident", "title: "+word+" site.Incident", 1)
					}
				case 2:
					edit = func(s string) string { return strings.Replace(s, "## Summary\n\n", "## Summary\n\n"+word+" ", 1) }
				case 3:
					edit = func(s string) string {
						if i := strings.Index(s, "date: "); i >= 0 {
							return s[:i] + date + s[i+len(date):]
						}
						return s
					}
				case 4:
					edit = func(string) string { return whole }
				case 5:
					edit = func(string) string { return "---\ntitle: [broken\n---\n" }
					if r.IntN(2) == 0 {
						edit = func(string) string { return whole }
					}
				}
				steps = append(steps, editStep{name: fmt.Sprintf("edit %d of inc-%03d", k, i), file: fmt.Sprintf("postmortems/inc-%03d.md", i),
					edit: edit, any: true, remove: k%10 == 9})
			}
			checkUpdates(t, site.BuildOptions{Dir: dir, Serve: true, PageSize: 3, RelatedTextMax: tc.indexLimit}, steps)
		})
	}
}
