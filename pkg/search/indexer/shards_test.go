package indexer

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

func TestSplitShards(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time {
		d, _ := time.Parse("2006-01-02", s)
		return d
	}
	inc := func(id, date string) *postmortem.Incident {
		i := &postmortem.Incident{ID: id}
		if date != "" {
			i.Date = day(date)
		}
		return i
	}
	a, b, c := inc("INC-A", "2023-05-01"), inc("INC-B", "2024-02-01"), inc("INC-C", "2024-02-01")
	none1, none2 := inc("INC-X", ""), inc("INC-W", "")
	for _, tc := range []struct {
		name string
		incs []*postmortem.Incident
		size int
		want string
	}{
		{"none", nil, 3, ""},
		{"one shard", []*postmortem.Incident{a, b}, 3, "INC-B INC-A"},
		{"newest first, ties by id", []*postmortem.Incident{a, c, b}, 2, "INC-B INC-C | INC-A"},
		{"undated last, by id", []*postmortem.Incident{none1, a, none2, b}, 2, "INC-B INC-A | INC-W INC-X"},
		{"the rest in one", []*postmortem.Incident{a, b, c, none1}, 1, "INC-B | INC-C INC-A INC-X"},
		{"size one", []*postmortem.Incident{a, b}, 1, "INC-B | INC-A"},
		{"zero is the default", []*postmortem.Incident{a, b, c}, 0, "INC-B INC-C INC-A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var parts []string
			for _, sh := range splitShards(tc.incs, tc.size) {
				var ids []string
				for _, i := range sh {
					ids = append(ids, i.ID)
				}
				parts = append(parts, strings.Join(ids, " "))
			}
			if got := strings.Join(parts, " | "); got != tc.want {
				t.Errorf("shards %q, want %q", got, tc.want)
			}
		})
	}
	// Past laterShards times the first shard's size, the rest is cut
	// into as few shards as hold it, of even sizes.
	var many []*postmortem.Incident
	for i := range 1 + 2*laterShards + 1 {
		many = append(many, inc(fmt.Sprintf("INC-%03d", i), "2024-01-01"))
	}
	var sizes []int
	for _, sh := range splitShards(many, 1) {
		sizes = append(sizes, len(sh))
	}
	if want := []int{1, 7, 7, 7}; !slices.Equal(sizes, want) {
		t.Errorf("%d incidents in shards of %v, want %v", len(many), sizes, want)
	}
}

func TestSegmentKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		i    uint64
		want []byte
	}{
		{0, []byte{0x88}}, {3, []byte{0x8b}}, {109, []byte{0xf5}}, {110, []byte{0xf6, 110}}, {300, []byte{0xf7, 1, 44}},
	} {
		if got := segmentKey(tc.i); !slices.Equal(got, tc.want) {
			t.Errorf("segmentKey(%d) = % x, want % x", tc.i, got, tc.want)
		}
	}
}

// skewedIncidents are 24 postmortems whose newest eight talk of databases
// and timeouts throughout and whose older ones hardly do: the statistics
// of one shard alone (how many documents hold a word) are far from those
// of all of them.
func skewedIncidents(t *testing.T) []*postmortem.Incident {
	t.Helper()
	var incs []*postmortem.Incident
	for i := range 24 {
		date := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -20*i)
		var summary, body, tags string
		switch {
		case i < 8:
			summary = "The primary database hit a connection timeout under load."
			body = strings.Repeat("Database failover and database timeout again. ", 1+i%3)
			tags = "[database, latency]"
		case i%5 == 0:
			summary = "A database replica lagged behind the primary."
			body = "Replica lag grew while a batch job ran; queries timed out once."
			tags = "[database]"
		default:
			summary = fmt.Sprintf("The checkout queue backed up after deploy %d.", i)
			body = "Workers stalled on a lock; the queue drained after a restart. Rolled back the deploy."
			tags = "[queue]"
		}
		src := fmt.Sprintf("---\nid: INC-%03d\ntitle: Incident %d\ndate: %s\nseverity: SEV%d\ntags: %s\n---\n## Summary\n\n%s\n\n## Timeline\n\n%s\n",
			i, i, date.Format("2006-01-02"), 1+i%3, tags, summary, body)
		incs = append(incs, searchtest.Parse(t, fmt.Sprintf("postmortems/%03d.md", i), src))
	}
	return incs
}

// TestShardsRankAsOneIndex: once every shard has arrived, the browser
// index answers with the same hits, in the same order and with the same
// scores, as an index of all the incidents built as `inquest search`
// builds it; before that, the first shards answer on their own, with
// the scores of their own statistics.
func TestShardsRankAsOneIndex(t *testing.T) {
	t.Parallel()
	incs := skewedIncidents(t)
	native, _ := buildIndex(t, incs)
	// The newest two, then the other 22 in two shards of eleven.
	site, m := writeBrowser(t, incs, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 2)
	if len(m.Shards) != 3 {
		t.Fatalf("%d shards, want 3", len(m.Shards))
	}
	partial := searchtest.Open(t, unpackShards(t, site, m, 1))
	complete := searchtest.Open(t, unpackShards(t, site, m, 3))
	queries := []string{
		"database", "database timeout", "+database -tags:queue", "timeout~1", "datab*", `"connection timeout"`,
		"tags:database", "severity:sev1 database", "rolled back", "title:incident", "",
	}
	differs := false
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			r := search.Request{Query: q, Limit: 100}
			want := searchtest.Search(t, native, r)
			got := searchtest.Search(t, complete, r)
			if got.Total != want.Total || !slices.Equal(searchtest.IDs(got.Hits), searchtest.IDs(want.Hits)) {
				t.Fatalf("all shards: %d hits %v\nnative:     %d hits %v", got.Total, searchtest.IDs(got.Hits), want.Total, searchtest.IDs(want.Hits))
			}
			for i, h := range got.Hits {
				if h.Score != want.Hits[i].Score {
					t.Errorf("%s: score %v, native %v", h.ID, h.Score, want.Hits[i].Score)
				}
			}
			// The newest shard alone finds only its own incidents, ranked by
			// its own counts.
			first := searchtest.Search(t, partial, r)
			for _, h := range first.Hits {
				if h.ID > "INC-001" {
					t.Errorf("the first shard found %s, not one of its incidents", h.ID)
				}
				for _, w := range want.Hits {
					if w.ID == h.ID && w.Score != h.Score {
						differs = true
					}
				}
			}
		})
	}
	if !differs {
		t.Error("the first shard alone scores every hit as all shards do: the corpus does not test what it should")
	}
}

// TestShardPagesAsNative: a browser index whose shards number the
// incidents in another order than their ids (the newest first) lists
// every page of a search as the native index does, hits that score alike
// in id order: the search breaks ties itself, not the order of the
// documents in the segments.
func TestShardPagesAsNative(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	native, _ := buildIndex(t, incs)
	site, m := writeBrowser(t, incs, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 1)
	complete := searchtest.Open(t, unpackShards(t, site, m, len(m.Shards)))
	for _, q := range []string{"-tags:none", "tags:database", "database", "severity:sev1 severity:sev2", ""} {
		for from := range 4 {
			for limit := 1; limit <= 6; limit++ {
				r := search.Request{Query: q, Limit: limit, From: from, Sort: "score"}
				got, want := searchtest.Search(t, complete, r), searchtest.Search(t, native, r)
				if !slices.Equal(searchtest.IDs(got.Hits), searchtest.IDs(want.Hits)) {
					t.Errorf("%q from %d limit %d: shards %v, native %v", q, from, limit, searchtest.IDs(got.Hits), searchtest.IDs(want.Hits))
				}
			}
		}
	}
}
