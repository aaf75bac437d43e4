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

func ExamplePrefixIDs() {
	r := markdown.New(markdown.Options{})
	res, err := r.Render([]byte("## What went well\n\nThe pager worked[^1]; see [above](#what-went-well).\n\n[^1]: It was tested last week.\n"), nil)
	if err != nil {
		log.Fatal(err)
	}
	// Two incidents' lessons on one page: each keeps ids of its own.
	fmt.Print(string(markdown.PrefixIDs(res.HTML, "INC-7-")))
	// Output:
	// <h2 id="INC-7-what-went-well">What went well <a class="anchor" href="#INC-7-what-went-well" aria-hidden="true" tabindex="-1">#</a></h2>
	// <p>The pager worked<sup id="INC-7-fnref:1"><a href="#INC-7-fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>; see <a href="#INC-7-what-went-well">above</a>.</p>
	// <div class="footnotes" role="doc-endnotes">
	// <hr>
	// <ol>
	// <li id="INC-7-fn:1">
	// <p>It was tested last week.&#160;<a href="#INC-7-fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p>
	// </li>
	// </ol>
	// </div>
}
