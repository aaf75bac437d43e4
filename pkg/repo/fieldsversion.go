package repo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/inquest-dev/inquest/pkg/config"
)

// fieldsParser names the behaviour of postmortem.Parser.Fields; change it
// whenever that function could return something else for the same file, so
// field histories cached under the old name are not used.
const fieldsParser = "fields-1"

// fieldsVersion identifies what the parser's Fields returns under cfg: the
// parser version and the aliases, the only configuration Fields reads.
func fieldsVersion(cfg *config.Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", fieldsParser)
	for _, field := range slices.Sorted(maps.Keys(cfg.Aliases)) {
		names := slices.Clone(cfg.Aliases[field])
		slices.Sort(names)
		fmt.Fprintf(h, "%q:%q\n", field, names)
	}
	return fieldsParser + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}
