package postmortem

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// ActionItems returns the action items of one version of a postmortem as
// Parse reads them (front matter, else the Action Items section, less the
// template's examples), for the history of each item across a file's
// revisions. It is safe for concurrent use.
func (p *Parser) ActionItems(content []byte) []ActionItem {
	return p.Parse("", content).ActionItems
}

// itemsBehaviour names what ActionItems does; change it whenever
// ActionItems could return something else for the same file and the same
// configuration, so that items cached under the old version are not read.
const itemsBehaviour = "items-1"

// ItemsVersion identifies what p's ActionItems returns: its behaviour,
// the front-matter key names it knows (FieldsVersion) and the template
// whose examples it leaves out. A cache of its results keyed by it
// (package history's, through history.Options.ItemsVersion) is not read by
// a parser that would return something else.
func (p *Parser) ItemsVersion() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", p.FieldsVersion())
	if p.tmpl != nil {
		for _, k := range slices.Sorted(maps.Keys(p.tmpl.lines)) {
			fmt.Fprintf(h, "%q\n", k)
		}
	}
	return itemsBehaviour + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}
