package scaffold

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Factor proposals: adopt reads a postmortem's Contributing Factors
// section for words that name a factor of the default taxonomy ("rolled
// out" a change, "saturated" capacity, "no alert" a detection gap) and
// proposes those factors as a commented `factors:` line. A comment changes
// nothing inquest reads: the reviewer of the adoption keeps, edits or
// deletes it. Nothing is proposed for a file whose front matter already
// names factors, or for a factor the repository's taxonomy does not have.

// factorCues are the words that suggest each factor of the default
// taxonomy, as a case-insensitive pattern matched on word boundaries.
var factorCues = []struct {
	factor string
	cues   *regexp.Regexp
}{
	{"change", cue(`deploy(s|ed|ment|ments)?`, `roll(ed)? ?out`, `rollouts?`, `releases?`, `released`, `migrations?`, `upgrade[sd]?`, `feature flags?`, `merged`)},
	{"configuration", cue(`config`, `configs`, `configuration`, `misconfigur\w*`, `settings?`, `parameters?`)},
	{"capacity", cue(`capacity`, `saturat\w*`, `exhaust\w*`, `out of memory`, `oom`, `disk full`, `quotas?`, `rate limit\w*`, `throttl\w*`, `connection pools?`, `max_connections`, `traffic spikes?`, `load spikes?`)},
	{"dependency", cue(`third[- ]party`, `upstream`, `vendors?`, `providers?`, `dependenc(y|ies)`, `external (service|api)s?`)},
	{"detection gap", cue(`no alerts?`, `alerts? (did not|didn't|never) fire\w*`, `not alerted`, `went unnoticed`, `undetected`, `no monitoring`, `missing (alert|alerts|monitoring)`, `monitoring gap`, `(customers?|users?) reported`)},
	{"process", cue(`runbooks?`, `checklists?`, `hand-?offs?`, `approvals?`, `review process`, `process`)},
	{"tooling", cue(`tooling`, `tools?`, `scripts?`, `cli`, `dashboards?`)},
	{"software defect", cue(`bugs?`, `defects?`, `regressions?`, `null pointer`, `race conditions?`, `deadlocks?`, `memory leaks?`, `off-by-one`, `unhandled exceptions?`)},
	{"infrastructure", cue(`hardware`, `network(ing)?`, `dns`, `load balancers?`, `disk failures?`, `data ?cent(er|re)s?`, `availability zones?`, `kernel`)},
	{"communication", cue(`communicat\w*`, `miscommunicat\w*`, `status page`, `escalat\w*`, `stakeholders?`)},
}

// cue is the pattern matching any of alternatives as whole words.
func cue(alternatives ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alternatives, "|") + `)\b`)
}

// maxProposed is the most factors proposed for one postmortem: past it the
// text names everything and the proposal says nothing.
const maxProposed = 4

// proposal is the factors proposed for one postmortem and the words that
// suggested each, in the taxonomy's order.
type proposal struct {
	factors []string
	because []string
}

// proposeFactors reads inc's Contributing Factors section for the factors
// of cfg's taxonomy that the default cues suggest; nil when there is no
// such section, none is suggested, or written (the front-matter fields
// the file has) already names factors.
func proposeFactors(inc *postmortem.Incident, cfg *config.Config, written map[string]string) *proposal {
	if _, ok := written["factors"]; ok || len(inc.Factors) > 0 {
		return nil
	}
	s := inc.Section(postmortem.SectionFactors)
	if s == nil || strings.TrimSpace(s.Text) == "" {
		return nil
	}
	p := &proposal{}
	for _, fc := range factorCues {
		spelled, ok := cfg.Factor(fc.factor)
		if !ok {
			continue
		}
		if m := fc.cues.FindString(s.Text); m != "" {
			p.factors = append(p.factors, spelled)
			p.because = append(p.because, strings.ToLower(m))
		}
	}
	if len(p.factors) == 0 {
		return nil
	}
	if len(p.factors) > maxProposed {
		p.factors, p.because = p.factors[:maxProposed], p.because[:maxProposed]
	}
	return p
}

// lines are the commented front-matter lines of the proposal.
func (p *proposal) lines() []key {
	quoted := make([]string, len(p.because))
	for i, b := range p.because {
		quoted[i] = fmt.Sprintf("%q", b)
	}
	return []key{
		{comment: fmt.Sprintf("# proposed by inquest adopt from the Contributing Factors (%s): keep, edit or delete", strings.Join(slices.Compact(quoted), ", "))},
		{comment: "# factors: " + yamlList(p.factors)},
	}
}

// proposed says whether the front matter of content, the lines before
// bodyLine, has a factors proposal already (kept as a comment or edited):
// adopting again proposes nothing more.
func proposed(content []byte, bodyLine int) bool {
	for i, line := range strings.Split(string(content), "\n") {
		if i+1 >= bodyLine {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(line), "# factors:") {
			return true
		}
	}
	return false
}
