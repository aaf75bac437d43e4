package indexer_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

// examplePostmortems are three postmortems, by path: front matter only,
// which is all a postmortem needs.
var examplePostmortems = [][2]string{
	{"postmortems/2023/replica.md", "---\nid: INC-2023-007\ntitle: Replica failover slowed search\ndate: 2023-11-20\ntags: [database]\nservices: [search]\n---\n"},
	{"postmortems/2024/pool.md", "---\nid: INC-2024-001\ntitle: Checkout pool exhausted\ndate: 2024-03-04\ntags: [database]\nservices: [checkout-api]\n---\n"},
	{"postmortems/2024/resolver.md", "---\nid: INC-2024-002\ntitle: Resolver outage broke checkout\ndate: 2024-05-10\ntags: [dns]\nservices: [checkout-api]\n---\n"},
}

func exampleIncidents() []*postmortem.Incident {
	cfg, err := config.Parse(nil, "inquest.yaml")
	if err != nil {
		log.Fatal(err)
	}
	p := postmortem.NewParser(cfg)
	var incs []*postmortem.Incident
	for _, f := range examplePostmortems {
		incs = append(incs, p.Parse(f[0], []byte(f[1])))
	}
	return incs
}

// Build writes an index that package search opens; Update keeps it in step
// with the postmortems, writing only what changed.
func ExampleUpdate() {
	incs := exampleIncidents()
	tmp, err := os.MkdirTemp("", "inquest-indexer-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "search")

	if err := indexer.Build(context.Background(), dir, incs[:2], indexer.BuildOptions{}); err != nil {
		log.Fatal(err)
	}
	stats, err := indexer.Update(context.Background(), dir, incs, indexer.BuildOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("added %d, unchanged %d\n", stats.Added, stats.Unchanged)

	ix, err := search.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), search.Request{Query: "+services:checkout-api", Sort: "date"})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Title)
	}
	// Output:
	// added 1, unchanged 2
	// INC-2024-001 Checkout pool exhausted
	// INC-2024-002 Resolver outage broke checkout
}

func ExampleRelations_Related() {
	incs := exampleIncidents()
	rel := indexer.NewRelations(incs)

	// The pool incident shares its tag with the failover and its service
	// with the resolver outage: equal scores, ordered by id.
	for _, inc := range rel.Related(incs[1], 5) {
		fmt.Println(inc.ID, inc.Title)
	}
	// Output:
	// INC-2023-007 Replica failover slowed search
	// INC-2024-002 Resolver outage broke checkout
}
