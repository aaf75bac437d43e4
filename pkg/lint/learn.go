package lint

import (
	"errors"
	"fmt"
	"strings"

	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/internal/strdist"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// readCatalog reads the repository's service catalog, and turns what is
// wrong with it into findings of service-catalog. It returns nil without a
// catalog.
func readCatalog(root string) (*insight.Catalog, []postmortem.Finding) {
	c, err := insight.ReadCatalog(root)
	if err == nil {
		return c, nil
	}
	var out []postmortem.Finding
	var each []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		each = j.Unwrap()
	} else {
		each = []error{err}
	}
	for _, e := range each {
		f := postmortem.Finding{File: insight.CatalogFile, Level: postmortem.LevelError, Rule: "service-catalog", Message: e.Error()}
		var ce *insight.CatalogError
		if errors.As(e, &ce) {
			f.File, f.Line, f.Message = ce.File, ce.Line, ce.Msg
		}
		out = append(out, f)
	}
	return nil, out
}

// unknownServices reports the services a postmortem names that the
// catalog has neither as a name nor as an alias.
func (lc *checker) unknownServices(f *file) {
	if lc.catalog == nil {
		return
	}
	for _, s := range f.inc.Services {
		if _, ok := lc.catalog.Lookup(s); ok || strings.TrimSpace(s) == "" {
			continue
		}
		msg := fmt.Sprintf("service %q is not in %s", s, insight.CatalogFile)
		if near := lc.catalog.Suggest(s, strdist.Levenshtein); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		f.add(fieldLine(f.inc, "services"), 0, postmortem.LevelWarning, "unknown-service", msg)
	}
}

// factors hints at contributing factors: a published postmortem that
// names none, and factors outside the taxonomy.
func (lc *checker) factors(f *file, st stage) {
	taxonomy := strings.Join(lc.cfg.Factors, ", ")
	if len(f.inc.Factors) == 0 {
		if st == stagePublished {
			f.add(fieldLine(f.inc, "factors", "title"), 0, postmortem.LevelInfo, "contributing-factors",
				"names no contributing factor; list the kinds that apply under factors: ("+taxonomy+") so that incidents can be grouped by them")
		}
		return
	}
	for _, x := range f.inc.Factors {
		if _, ok := lc.cfg.Factor(x); !ok {
			f.add(fieldLine(f.inc, "factors"), 0, postmortem.LevelInfo, "contributing-factors",
				fmt.Sprintf("factor %q is not in the taxonomy (%s); it is counted apart from it", x, taxonomy))
		}
	}
}
