package search_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

var examplePostmortems = map[string]string{
	"postmortems/2024/2024-03-04-pool.md": `---
id: INC-2024-001
title: Checkout API connection pool exhausted
date: 2024-03-04
severity: SEV1
tags: [database]
services: [checkout-api]
---

## Summary

A deploy doubled the workers and the connection pool ran dry.
`,
	"postmortems/2024/2024-05-10-dns.md": `---
id: INC-2024-002
title: DNS resolution failures for checkout
date: 2024-05-10
severity: SEV1
tags: [dns]
services: [checkout-api]
---

## Timeline

- 14:00 UTC — resolver config pushed; every new connection failed
`,
	"postmortems/2023/2023-11-20-failover.md": `---
id: INC-2023-007
title: Database failover slowed search
date: 2023-11-20
severity: SEV2
tags: [database]
services: [search]
---

## Lessons learned

Queries held their connection until the timeout.
`,
}

func exampleIndex() (dir string, cleanup func()) {
	cfg, err := config.Parse(nil, "inquest.yaml")
	if err != nil {
		log.Fatal(err)
	}
	p := postmortem.NewParser(cfg)
	var incs []*postmortem.Incident
	for _, path := range []string{"postmortems/2023/2023-11-20-failover.md", "postmortems/2024/2024-03-04-pool.md", "postmortems/2024/2024-05-10-dns.md"} {
		incs = append(incs, p.Parse(path, []byte(examplePostmortems[path])))
	}
	tmp, err := os.MkdirTemp("", "inquest-search-example")
	if err != nil {
		log.Fatal(err)
	}
	dir = filepath.Join(tmp, "search")
	if err := indexer.Build(context.Background(), dir, incs, indexer.BuildOptions{}); err != nil {
		log.Fatal(err)
	}
	return dir, func() { os.RemoveAll(tmp) }
}

func ExampleIndex_Search() {
	dir, cleanup := exampleIndex()
	defer cleanup()

	ix, err := search.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	res, err := ix.Search(context.Background(), search.Request{
		Query:     `+services:checkout-api connection -tags:dns`,
		Highlight: true,
		Facets:    true,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := search.WriteTable(os.Stdout, res, false); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	if err := search.WriteFacets(os.Stdout, res); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ID            DATE        SEV   TITLE
	// INC-2024-001  2024-03-04  SEV1  Checkout API connection pool exhausted
	//                                 A deploy doubled the workers and the connection pool ran dry.
	// 1 incident
	//
	// severity: SEV1 (1)
	// tags:     database (1)
	// services: checkout-api (1)
	// year:     2024 (1)
}

func ExampleIndex_Search_queryError() {
	dir, cleanup := exampleIndex()
	defer cleanup()

	ix, err := search.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	for _, q := range []string{`+severity:SEV1 date:>2024-01-01`, `+severity:SEV1 tag:database`} {
		_, err = ix.Search(context.Background(), search.Request{Query: q})
		if qe, ok := err.(*search.QueryError); ok {
			msg, _, _ := strings.Cut(qe.Msg, ";")
			fmt.Println(q)
			fmt.Printf("%*s^ %s\n", qe.Column()-1, "", msg)
		}
	}
	// Output:
	// +severity:SEV1 date:>2024-01-01
	//                      ^ a date in a range is quoted: date:>"2024-01-01"
	// +severity:SEV1 tag:database
	//                ^ unknown field "tag" (did you mean "tags"?)
}
