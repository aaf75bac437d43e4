package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// itemsArchive is a postmortem whose action items change over five
// revisions: the pool limit appears in revision 2 and is ticked in
// revision 4, the alert's wording and owner are edited in revision 3,
// the file is renamed in revision 3 too, and the runbook item is removed
// in revision 5, when the retry item is added already done.
const itemsArchive = `
-- postmortems/db.md --
# Database pool exhausted

## Action items

- [ ] Add an alert on queue depth — @ana, due 2024-02-01
- [ ] Write the failover runbook
-- $ commit --
Date: 2024-01-10T10:00:00Z

Draft
-- postmortems/db.md --
# Database pool exhausted

## Action items

- [ ] Add an alert on queue depth — @ana, due 2024-02-01
- [ ] Write the failover runbook
- [ ] Cap the connection pool at 200 per host
-- $ commit --
Date: 2024-01-12T10:00:00Z

Add the pool item
-- $ mv postmortems/db.md postmortems/2024/db-pool.md --
-- postmortems/2024/db-pool.md --
# Database pool exhausted

## Action items

- [ ] Add alerts on queue depth per shard — @bo, due 2024-03-01
- [ ] Write the failover runbook
- [ ] Cap the connection pool at 200 per host
-- $ commit --
Date: 2024-01-20T10:00:00Z

Move into 2024/ and reword the alert
-- postmortems/2024/db-pool.md --
# Database pool exhausted

## Action items

- [ ] Add alerts on queue depth per shard — @bo, due 2024-03-01
- [ ] Write the failover runbook
- [x] Cap the connection pool at 200 per host
-- $ commit --
Date: 2024-02-03T10:00:00Z

Tick the pool cap
-- postmortems/2024/db-pool.md --
# Database pool exhausted

## Action items

- [ ] Add alerts on queue depth per shard — @bo, due 2024-03-01
- [x] Cap the connection pool at 200 per host
- [x] Retry idempotent writes once
-- $ commit --
Date: 2024-02-10T10:00:00Z

Drop the runbook item, note the retry
`

func TestItemLives(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, itemsArchive)
	p := postmortem.NewParser(config.Default())
	src := "postmortems/2024/db-pool.md"
	content, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(src)))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := []struct {
		opened, closed string
		doneWhenAdded  bool
	}{
		{"2024-01-10T10:00:00Z", "", false},                     // reworded, owner and due changed, renamed
		{"2024-01-12T10:00:00Z", "2024-02-03T10:00:00Z", false}, // added in 2, ticked in 4
		{"2024-02-10T10:00:00Z", "", true},                      // written done
	}
	cache := t.TempDir()
	counter := &countingItems{p: p}
	for round, name := range []string{"cold", "cached"} {
		t.Run(name, func(t *testing.T) {
			r, _ := load(t, dir, Options{Roots: []string{"postmortems"}, Items: counter, ItemsVersion: p.ItemsVersion(), CacheDir: cache})
			inc := p.Parse(src, content)
			if len(inc.ActionItems) != 3 {
				t.Fatalf("%d items", len(inc.ActionItems))
			}
			if err := r.Attach(context.Background(), []*postmortem.Incident{inc}); err != nil {
				t.Fatal(err)
			}
			got := inc.History.Items
			if len(got) != len(want) {
				t.Fatalf("items %+v", got)
			}
			for i, w := range want {
				g := got[i]
				if !g.Opened.Equal(day(w.opened)) {
					t.Errorf("item %d (%s): opened %v, want %s", i, inc.ActionItems[i].Title, g.Opened, w.opened)
				}
				if w.closed == "" && !g.Closed.IsZero() || w.closed != "" && !g.Closed.Equal(day(w.closed)) {
					t.Errorf("item %d (%s): closed %v, want %q", i, inc.ActionItems[i].Title, g.Closed, w.closed)
				}
				if g.InFirstVersion != (i == 0) {
					t.Errorf("item %d: in the first version %v", i, g.InFirstVersion)
				}
				if g.DoneWhenAdded != w.doneWhenAdded {
					t.Errorf("item %d: done when added %v", i, g.DoneWhenAdded)
				}
				if g.OpenedCommit == "" || (w.closed != "") != (g.ClosedCommit != "") {
					t.Errorf("item %d: commits %q %q", i, g.OpenedCommit, g.ClosedCommit)
				}
			}
			// The work tree holds the newest version: four earlier ones
			// are parsed, then none.
			if n := counter.calls.Swap(0); round == 0 && n != 4 || round == 1 && n != 0 {
				t.Errorf("%s load parsed %d versions", name, n)
			}
		})
	}
}

// TestItemLivesUncommitted ticks an item and adds one in the work tree:
// the tick is not dated (it is in no commit), the new item is not opened.
func TestItemLivesUncommitted(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, itemsArchive)
	p := postmortem.NewParser(config.Default())
	src := "postmortems/2024/db-pool.md"
	content := []byte("# Database pool exhausted\n\n## Action items\n\n" +
		"- [x] Add alerts on queue depth per shard — @bo, due 2024-03-01\n" +
		"- [x] Cap the connection pool at 200 per host\n" +
		"- [ ] Load-test the new pool limit\n")
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(src)), content, 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := load(t, dir, Options{Roots: []string{"postmortems"}, Items: p})
	inc := p.Parse(src, content)
	if err := r.Attach(context.Background(), []*postmortem.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	h := inc.History
	if !h.Uncommitted || len(h.Items) != 3 {
		t.Fatalf("uncommitted %v, items %+v", h.Uncommitted, h.Items)
	}
	if h.Items[0].Opened.IsZero() || !h.Items[0].Closed.IsZero() {
		t.Errorf("alert ticked in the work tree: %+v", h.Items[0])
	}
	if h.Items[1].Closed.IsZero() {
		t.Errorf("pool cap lost its closing: %+v", h.Items[1])
	}
	if !h.Items[2].Opened.IsZero() {
		t.Errorf("new item opened in Git: %+v", h.Items[2])
	}
}

// countingItems counts the versions parsed.
type countingItems struct {
	p     *postmortem.Parser
	calls atomic.Int64
}

func (c *countingItems) ActionItems(content []byte) []postmortem.ActionItem {
	c.calls.Add(1)
	return c.p.ActionItems(content)
}

func TestItemKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ title, want string }{
		{"Add an alert on queue depth", "add an alert on queue depth"},
		{"**Add** an [alert](https://x.example/a) on `queue` depth", "add an alert on queue depth"},
		{"Rotate keys by 2024-04-01 (@ana)", "rotate keys by"},
		{"Fix x-ray/pipeline 3/4 of hosts", "fix x-ray/pipeline 3/4 of hosts"},
		{"Rotate keys, due 04/01/2024", "rotate keys due"},
		{"", ""},
	} {
		t.Run(tc.title, func(t *testing.T) {
			if got := itemKey(tc.title); got != tc.want {
				t.Errorf("itemKey(%q) = %q, want %q", tc.title, got, tc.want)
			}
		})
	}
}

// TestItemRunStates: the states of a run's versions, whose keys it
// remembers by title, are those of each item on its own.
func TestItemRunStates(t *testing.T) {
	t.Parallel()
	run := &itemRun{keys: map[string]string{}}
	versions := [][]postmortem.ActionItem{
		{{Title: "Add an alert", Owner: "Ana", Ticket: "OPS-1"}, {Title: "Cap the **pool**", Owner: "Ana", Status: postmortem.StatusDone}},
		{{Title: "Cap the **pool**", Owner: "Bo"}, {Title: "Add an alert", Owner: "Ana", Status: postmortem.StatusDone}, {Title: "Retry once (2024-04-01)", Owner: "Ana", Ticket: "ops-2"}},
		{},
	}
	for v, items := range versions {
		got := run.itemStates(items)
		if len(got) != len(items) {
			t.Fatalf("version %d: %d states, want %d", v, len(got), len(items))
		}
		for i, a := range items {
			want := itemState{Key: itemKey(a.Title), Ticket: strings.ToLower(a.Ticket), Done: a.Status == postmortem.StatusDone}
			if got[i] != want {
				t.Errorf("version %d, item %d: %+v, want %+v", v, i, got[i], want)
			}
		}
	}
}

func TestMatchItems(t *testing.T) {
	t.Parallel()
	st := func(title string, done bool) itemState { return itemState{Key: itemKey(title), Done: done} }
	for _, tc := range []struct {
		name   string
		before []itemState
		after  []itemState
		want   []int // per item of after, the item of before it continues; -1 new
	}{
		{"same", []itemState{st("Add alert", false)}, []itemState{st("Add alert", true)}, []int{0}},
		{"reordered", []itemState{st("Add alert", false), st("Write runbook", false)},
			[]itemState{st("Write runbook", false), st("Add alert", false)}, []int{1, 0}},
		{"small edit", []itemState{st("Add an alert on queue depth", false)},
			[]itemState{st("Add alerts on queue depth per shard", false)}, []int{0}},
		{"different item", []itemState{st("Add an alert on queue depth", false)},
			[]itemState{st("Write the failover runbook", false)}, []int{-1}},
		{"ticket kept, title rewritten", []itemState{{Key: "retry writes", Ticket: "db-12"}},
			[]itemState{{Key: "make idempotent writes retry once", Ticket: "db-12"}}, []int{0}},
		{"one edited of two alike", []itemState{st("Alert on queue depth", false), st("Alert on queue age", false)},
			[]itemState{st("Alert on queue depth", false), st("Alert on the queue's age", false)}, []int{0, 1}},
		{"removed", []itemState{st("Add alert", false), st("Write runbook", false)},
			[]itemState{st("Write runbook", false)}, []int{1}},
		{"duplicate titles", []itemState{st("Add alert", false), st("Add alert", false)},
			[]itemState{st("Add alert", true), st("Add alert", false)}, []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tracks []itemTrack
			for i, it := range tc.before {
				tracks = append(tracks, itemTrack{key: it.Key, ticket: it.Ticket, opened: i, closed: -1, alive: true})
			}
			got := matchItems(tracks, tc.after)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("match %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestItemLivesReopened: an item ticked, unticked and ticked again is
// closed by the last tick; one removed and written again continues.
func TestItemLivesReopened(t *testing.T) {
	t.Parallel()
	a := func(done bool) itemState { return itemState{Key: "add alert", Done: done} }
	b := itemState{Key: "write runbook"}
	got := itemLives([][]itemState{{a(false), b}, {a(true), b}, {a(false)}, {a(true), b}})
	if got[0].opened != 0 || got[0].closed != 3 || got[0].doneWhenAdded {
		t.Errorf("reticked: %+v", got[0])
	}
	if got[1].opened != 0 || got[1].closed != -1 {
		t.Errorf("rewritten: %+v", got[1])
	}
}

// FuzzItemKey holds the matching's invariants for any title: a key is its
// own key, similarity is symmetric and between 0 and 1, and no two items
// of a version continue the same item.
func FuzzItemKey(f *testing.F) {
	for _, s := range []string{"Add an alert on queue depth", "**Fix** [x](http://a) @bo 2024-01-02", "é-é/3/4", "~~a~~", ""} {
		f.Add(s, "Add alerts on queue depth per shard")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ka, kb := itemKey(a), itemKey(b)
		if itemKey(ka) != ka {
			t.Errorf("itemKey(%q) = %q, whose key is %q", a, ka, itemKey(ka))
		}
		s1, s2 := similarity(ka, kb), similarity(kb, ka)
		if s1 != s2 || s1 < 0 || s1 > 1 {
			t.Errorf("similarity(%q, %q) = %v, %v", ka, kb, s1, s2)
		}
		tracks := []itemTrack{{key: ka, closed: -1, alive: true}, {key: kb, closed: -1, alive: true}}
		m := matchItems(tracks, []itemState{{Key: kb}, {Key: ka}, {Key: ka + " x"}})
		seen := map[int]bool{}
		for _, k := range m {
			if k >= 0 && seen[k] {
				t.Fatalf("two items continue track %d: %v", k, m)
			}
			seen[k] = true
		}
	})
}
