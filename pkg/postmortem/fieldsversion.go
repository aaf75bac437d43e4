package postmortem

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// fieldsBehaviour names what Parser.Fields does with a front-matter key
// and value; change it whenever Fields could return something else for the
// same file and the same key names, so that fields cached under the old
// version are not read.
const fieldsBehaviour = "fields-2"

// FieldsVersion identifies what p's Fields returns: the behaviour of
// Fields and every front-matter key name it knows with the field it names
// (built-in names and aliases, and the repository's aliases), the only
// configuration it reads. A cache of Fields' results keyed by it (package
// history's, through history.Options.FieldsVersion) is not read by a
// parser that would return something else.
func (p *Parser) FieldsVersion() string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(p.fields)) {
		fmt.Fprintf(h, "%q:%q\n", k, p.fields[k])
	}
	return fieldsBehaviour + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}
