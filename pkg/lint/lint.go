// Package lint holds the rules of `inquest check` that go beyond parsing:
// what a published postmortem must contain, action items that name no
// concrete change, language that stops at a person, review sign-offs, drafts
// that drag on and broken relative links. Every rule has an id and a default
// level; a repository changes levels or switches rules off with the rules key
// of inquest.yaml, and a file switches rules off with HTML comments:
//
//	<!-- inquest-disable blameless-language, vague-action-item -->
//	<!-- inquest-disable-next-line broken-link -->
//
// The first form disables the rules for the whole file, the second for the
// line after the comment. Rule ids of the parser and validator (severity,
// timeline, …) can be re-levelled and disabled the same way with Apply.
//
// Findings carry the file line and, where the rule points at a phrase or a
// link, a 1-based column counted in bytes, as the Go tools count columns.
package lint

import (
	"context"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// DefaultMaxDraftAge is how long a postmortem may stay a draft or in review
// before stale-draft reports it, unless Options or inquest.yaml say otherwise.
const DefaultMaxDraftAge = 14 * 24 * time.Hour

// LevelOff is the level that switches a rule off in inquest.yaml.
const LevelOff = "off"

// Options are the inputs of Run that do not come from the repository
// configuration.
type Options struct {
	// Now is the time overdue action items and stale drafts are measured
	// against; zero means time.Now().
	Now time.Time
	// MaxDraftAge overrides draft_max_age_days from inquest.yaml; zero means
	// the configured value, else DefaultMaxDraftAge.
	MaxDraftAge time.Duration
	// Root is the repository root that relative links are resolved in. When
	// it is empty or cannot be opened, broken-link is not checked.
	Root string
}

// Run checks incidents with every rule and returns the findings, with the
// levels of inquest.yaml applied and inline disables honoured, sorted by
// file, line and column. Broken incidents (unreadable files) are skipped:
// the parser has reported them. Rules that need Git history
// (review-signoff, and the first-commit date of stale-draft) use
// Incident.History and do without it when it is nil.
func Run(ctx context.Context, cfg *config.Config, incs []*postmortem.Incident, opts Options) []postmortem.Finding {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxDraftAge <= 0 {
		opts.MaxDraftAge = DefaultMaxDraftAge
		if cfg.DraftMaxAgeDays > 0 {
			opts.MaxDraftAge = time.Duration(cfg.DraftMaxAgeDays) * 24 * time.Hour
		}
	}
	lc := &checker{cfg: cfg, opts: opts, levels: cfg.Rules}
	var catalogFindings []postmortem.Finding
	if opts.Root != "" {
		if r, err := os.OpenRoot(opts.Root); err == nil {
			defer r.Close()
			lc.root = r
			lc.stats = map[string]error{}
		}
		lc.catalog, catalogFindings = readCatalog(opts.Root)
	}
	// Incidents are independent, so they are checked on all cores, each
	// into its own slot; sorting afterwards keeps the output deterministic.
	per := make([][]postmortem.Finding, len(incs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(incs)/32+1) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(incs) || ctx.Err() != nil {
					return
				}
				if inc := incs[i]; inc != nil && !inc.Broken {
					per[i] = lc.check(inc)
				}
			}
		})
	}
	wg.Wait()
	var out []postmortem.Finding
	if lc.levels["service-catalog"] != LevelOff {
		for _, fd := range catalogFindings {
			if fd, ok := relevel(lc.levels, fd); ok {
				out = append(out, fd)
			}
		}
	}
	for _, fs := range per {
		out = append(out, fs...)
	}
	postmortem.SortFindings(out)
	return out
}

// checker carries what every incident's checks share.
type checker struct {
	cfg    *config.Config
	opts   Options
	levels map[string]string
	root   *os.Root
	// catalog is the service catalog; nil when the repository has none.
	catalog *insight.Catalog
	// stats caches os.Root.Stat results by repository-relative path.
	mu    sync.Mutex
	stats map[string]error
}

// file is one incident being checked: its body split into lines once and
// the findings made so far.
type file struct {
	inc *postmortem.Incident
	// status is the incident's status in inquest's workflow: "" when it
	// has none, or one of the repository's own words (Resolved, Final)
	// that LearnScales added to unconfigured statuses.
	status   string
	lines    []line
	disabled *disables
	findings []postmortem.Finding
}

func (f *file) add(line, col int, level, rule, msg string) {
	f.findings = append(f.findings, postmortem.Finding{File: f.inc.Source, Line: line, Col: col, Level: level, Rule: rule, Message: msg})
}

// on reports whether a rule is to run on a file: a rule switched off for
// the repository or the whole file is not run at all.
func (lc *checker) on(f *file, rule string) bool {
	return lc.levels[rule] != LevelOff && !f.disabled.file[rule]
}

func (lc *checker) check(inc *postmortem.Incident) []postmortem.Finding {
	f := &file{inc: inc, status: lc.cfg.WorkflowStatus(inc.Status), lines: splitBody(inc.Body, inc.BodyLine)}
	f.disabled = parseDisables(f.lines)
	st := stageOf(lc.cfg, strings.TrimSpace(inc.Status), f.status)
	for _, r := range []struct {
		id  string
		run func()
	}{
		{"required-published", func() { lc.requiredPublished(f, st) }},
		{"timeline-milestones", func() { lc.timelineMilestones(f, st) }},
		{"timeline-zone", func() { lc.timelineZone(f) }},
		{"", func() { lc.actionItems(f) }}, // three rules, switched inside
		{"blameless-language", func() { lc.blameless(f) }},
		{"review-signoff", func() { lc.reviewSignoff(f, st) }},
		{"stale-draft", func() { lc.staleDraft(f, st) }},
		{"broken-link", func() { lc.brokenLinks(f) }},
		{"unknown-service", func() { lc.unknownServices(f) }},
		{"contributing-factors", func() { lc.factors(f, st) }},
		{"disable-comment", func() { lc.disableComments(f) }},
	} {
		if r.id == "" || lc.on(f, r.id) {
			r.run()
		}
	}
	out := f.findings[:0]
	for _, fd := range f.findings {
		if fd, ok := relevel(lc.levels, fd); ok && !f.disabled.covers(fd) {
			out = append(out, fd)
		}
	}
	return out
}

// stage is where a postmortem is in its workflow, which decides how
// strictly its content is checked.
type stage int

const (
	stageDraft     stage = iota // a draft status, or no status at all
	stageReview                 // any other status before the last
	stagePublished              // "published", or the last of the configured statuses
	// stageUnknown is a status the configuration does not list (a typo
	// such as "publshed"): the validator reports it, and the rules that
	// depend on the stage say nothing, since any finding of theirs would
	// rest on a guess.
	stageUnknown
)

// stageOf is the stage of a postmortem whose status is written (as in
// the file) and status in inquest's workflow (see file.status).
func stageOf(cfg *config.Config, written, status string) stage {
	switch {
	case written != "" && !slices.ContainsFunc(cfg.Statuses, func(s string) bool { return strings.EqualFold(s, written) }):
		return stageUnknown
	case status == "" || cfg.IsDraft(status):
		return stageDraft
	case cfg.IsPublished(status):
		return stagePublished
	}
	return stageReview
}

// fieldLine returns the file line a front-matter field was written on,
// else the line of the first fallback field that was written, else 1.
func fieldLine(inc *postmortem.Incident, fields ...string) int {
	for _, f := range fields {
		if l, ok := inc.FieldLines[f]; ok && l > 0 {
			return l
		}
	}
	return 1
}

// fileStem is the file name without its extension: the title an incident
// gets when neither front matter nor an H1 gives one.
func fileStem(rel string) string {
	base := path.Base(rel)
	return strings.TrimSuffix(base, path.Ext(base))
}
