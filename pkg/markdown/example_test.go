package markdown_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/inquest-dev/inquest/pkg/markdown"
)

func ExampleRenderer_Render() {
	r := markdown.New(markdown.Options{Host: "postmortems.example.com"})

	// The site knows which files exist and where their pages are.
	pages := map[string]string{"../2023/db-outage.md": "/incidents/INC-7/"}
	resolve := markdown.ResolverFunc(func(dest string, image bool) (string, bool) {
		url, ok := pages[dest]
		return url, ok
	})

	src := strings.Join([]string{
		"## Impact",
		"",
		"Same cause as [the last outage](../2023/db-outage.md#timeline),",
		"see [the runbook](runbook.md) and <https://status.example.org>.",
		"",
		"<b>not bold</b>",
	}, "\n")
	res, err := r.Render([]byte(src), resolve)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(res.HTML))
	for _, h := range res.Headings {
		fmt.Println("heading:", h.Level, h.ID, h.Text)
	}
	for _, p := range res.Problems {
		fmt.Println("problem:", p)
	}
	// Output:
	// <h2 id="impact">Impact <a class="anchor" href="#impact" aria-hidden="true" tabindex="-1">#</a></h2>
	// <p>Same cause as <a href="/incidents/INC-7/#timeline">the last outage</a>,
	// see <a href="runbook.md">the runbook</a> and <a href="https://status.example.org" rel="noopener noreferrer">https://status.example.org</a>.</p>
	// <p>&lt;b&gt;not bold&lt;/b&gt;</p>
	// heading: 2 impact Impact
	// problem: 4: link to missing file "runbook.md"
}
