package revdiff_test

import (
	"fmt"
	"os"

	"github.com/inquest-dev/inquest/pkg/revdiff"
)

func ExampleCompare() {
	before := []byte("---\nseverity: SEV3\n---\n## Summary\n\nThe queue backed up for 35 minutes.\n")
	after := []byte("---\nseverity: SEV2\n---\n## Summary\n\nThe ingest queue backed up for 53 minutes.\n")
	d := revdiff.Compare(before, after, nil)
	for _, c := range d.Summary() {
		fmt.Printf("%s: +%d −%d words, %d lines\n", c.Section, c.Added, c.Removed, c.Lines)
	}
	_ = d.WriteText(os.Stdout, false)
	// Output:
	// front_matter: +1 −1 words, 1 lines
	// summary: +2 −1 words, 1 lines
	// @@ front matter  (+1 −1 words, 1 line)
	//    ---
	//  - severity: [-SEV3-]
	//  + severity: {+SEV2+}
	//    ---
	// @@ Summary  (+2 −1 words, 1 line)
	//    ## Summary
	//
	//  - The queue backed up for [-35-] minutes.
	//  + The {+ingest +}queue backed up for {+53+} minutes.
}
