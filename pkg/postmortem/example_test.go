package postmortem_test

import (
	"fmt"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func ExampleParseActionItems() {
	section := `### Open
- [ ] Cap the pool per pod — Jane Doe, due 2024-04-01, P1, [ACME-1](https://tracker.example/ACME-1)
  - see the saturation graph
- bug 1234567 — Fix the importer's retry loop @dana

### Completed
- Roll back the pool change
`
	items, _ := postmortem.ParseActionItems(section, 40)
	// A list in which no item gives a status: they are unknown, not open.
	more, _ := postmortem.ParseActionItems("- Write the thing -- just grabbing env vars\n", 60)
	for _, it := range append(items, more...) {
		fmt.Printf("%d %-7s %-10q %-12q %q\n", it.Line, it.Status, it.Owner, it.Ticket, it.Title)
	}
	// Output:
	// 41 open    "Jane Doe" "ACME-1"     "Cap the pool per pod"
	// 43 open    "dana"     "bug 1234567" "Fix the importer's retry loop @dana"
	// 46 done    ""         ""           "Roll back the pool change"
	// 60 unknown ""         ""           "Write the thing -- just grabbing env vars"
}
