package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// inference is one line of `check -v`: a value inquest inferred and where
// it came from.
type inference struct {
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Field string `json:"field"`
	Value string `json:"value"`
	From  string `json:"from"`
	Key   string `json:"key,omitempty"`
}

// String is the text form: path:line: inferred: field "value" from the
// bold key line "Severity".
func (in inference) String() string {
	at := in.File
	if in.Line > 0 {
		at = fmt.Sprintf("%s:%d", in.File, in.Line)
	}
	from := in.From
	switch {
	case in.Key != "" && in.From == "section":
		from = fmt.Sprintf("the section %q", in.Key)
	case in.Key != "":
		from = fmt.Sprintf("the %s %q", in.From, in.Key)
	case !strings.HasPrefix(from, "the "):
		from = "the " + from
	}
	return fmt.Sprintf("%s: inferred: %s %q from %s", at, in.Field, in.Value, from)
}

// inferences lists what the repository's postmortems did not write in
// front matter, for the files keep accepts, with paths relative to wd;
// then the scales learned for the whole repository.
func inferences(rp *repo.Repo, keep func(file string) bool, wd, root string) []inference {
	rel := func(p string) string {
		if r, err := filepath.Rel(wd, filepath.Join(root, filepath.FromSlash(p))); err == nil {
			return filepath.ToSlash(r)
		}
		return p
	}
	var out []inference
	for _, inc := range rp.Set.Incidents {
		if inc.Broken || !keep(inc.Source) {
			continue
		}
		for _, x := range inc.Inferred {
			out = append(out, inference{File: rel(inc.Source), Line: x.Line, Field: x.Field, Value: x.Value, From: x.From, Key: x.Key})
		}
	}
	cfg := rp.Config
	cfgFile := rel(config.FileName)
	if cfg.AutoSeverities && len(cfg.Severities) > 0 {
		out = append(out, inference{File: cfgFile, Field: "severities", Value: strings.Join(cfg.Severities, " > "),
			From: "the values the postmortems use; pin with: severities: [" + strings.Join(cfg.Severities, ", ") + "]"})
	}
	if cfg.AutoStatuses {
		var own []string
		for _, s := range cfg.Statuses {
			if !slices.Contains(config.DefaultStatuses, s) {
				own = append(own, s)
			}
		}
		if len(own) > 0 {
			out = append(out, inference{File: cfgFile, Field: "statuses", Value: strings.Join(own, ", "),
				From: "the values the postmortems use, beside inquest's workflow (" + strings.Join(config.DefaultStatuses, ", ") + "), which they are not checked against"})
		}
	}
	return out
}
