// Package config reads inquest.yaml, the optional configuration at the root
// of a postmortem repository. Every key has a default, so a repository with
// no configuration at all builds.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/inquest-dev/inquest/pkg/internal/strdist"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// FileName is the name of the configuration file at the repository root.
const FileName = "inquest.yaml"

// Config is the repository configuration. The yaml tags are the keys of
// inquest.yaml; the README's config reference lists them all.
type Config struct {
	// Title is the site title.
	Title string `yaml:"title"`
	// BaseURL is the absolute URL the site is published under, e.g.
	// https://org.github.io/postmortems/.
	BaseURL string `yaml:"base_url"`
	// RepoURL is the repository's web address, for "edit this page" and
	// "view history" links (GitHub and GitLab layouts are understood).
	RepoURL string `yaml:"repo_url"`
	// Branch is the branch RepoURL links point at.
	Branch string `yaml:"branch"`
	// Content lists the globs (relative to the repository root, ** allowed)
	// that select postmortem files. When it is not configured, AutoContent
	// is set and discovery finds the postmortems (see UseContent).
	Content []string `yaml:"content"`
	// Exclude lists globs of files that are never postmortems. After Load
	// it holds the built-in exclusions followed by the configured ones,
	// unless ExcludeDefaults is false.
	Exclude []string `yaml:"exclude"`
	// ExcludeDefaults, when false, makes exclude replace the built-in
	// exclusions instead of adding to them.
	ExcludeDefaults *bool `yaml:"exclude_defaults"`
	// Severities is the severity scale, most severe first. When it is not
	// configured, AutoSeverities is set and the scale is learned from the
	// values the repository uses (see LearnSeverities).
	Severities []string `yaml:"severities"`
	// Statuses are the allowed workflow statuses, in order. When it is not
	// configured, AutoStatuses is set: the default workflow, to which the
	// repository's own status words are added (see LearnStatuses).
	Statuses []string `yaml:"statuses"`
	// DraftStatuses are the statuses left out of the site unless --drafts.
	DraftStatuses []string `yaml:"draft_statuses"`
	// RequiredFields must be present in every postmortem (canonical names).
	RequiredFields []string `yaml:"required_fields"`
	// RequiredSections must be present (section kinds, see the README).
	RequiredSections []string `yaml:"required_sections"`
	// Aliases maps a canonical field name to other front-matter keys that
	// mean the same, e.g. tags: [categories, keywords].
	Aliases map[string][]string `yaml:"aliases"`
	// Timezone is the zone assumed for timeline times that state none.
	Timezone string `yaml:"timezone"`
	// DateOrder reads numeric dates that read both ways (04/05/2023) when
	// neither the file's own dates nor the repository's other postmortems
	// decide: "dmy", "mdy" or "ymd"; "" leaves them month first.
	DateOrder string `yaml:"date_order"`
	// Markdown holds rendering options.
	Markdown Markdown `yaml:"markdown"`
	// Attachments holds the options for files postmortems link to.
	Attachments Attachments `yaml:"attachments"`
	// Trailers are the commit trailers that count as sign-offs.
	Trailers []string `yaml:"trailers"`
	// Rules sets the level of check rules by id: error, warning, info or
	// off. Ids are checked by the lint package, which knows them; the
	// levels are checked here.
	Rules map[string]string `yaml:"rules"`
	// DraftMaxAgeDays is how long a draft or in-review postmortem may stay
	// unpublished before the stale-draft rule reports it; 0 means 14 days.
	DraftMaxAgeDays int `yaml:"draft_max_age_days"`
	// Search holds the options of the site's search page.
	Search Search `yaml:"search"`
	// Factors is the taxonomy of contributing factors that postmortems
	// name in their factors: list, each with a page on the site. When it
	// is not configured it is DefaultFactors.
	Factors []string `yaml:"factors"`

	// RuleLines maps a key under rules to the line it was written on, so
	// that an unknown rule id can be reported with its line (not a key).
	RuleLines map[string]int `yaml:"-"`

	// AutoContent is true when content was not configured: the
	// postmortems are found by folder names and file shapes, and Match
	// selects the files in folders named like postmortems until UseContent
	// gives the globs discovery settled on.
	AutoContent bool `yaml:"-"`
	// AutoSeverities is true when severities was not configured.
	AutoSeverities bool `yaml:"-"`
	// AutoStatuses is true when statuses was not configured.
	AutoStatuses bool `yaml:"-"`

	// literals and patterns split Content into plain paths, looked up in
	// a map, and globs, so that a long list of files pinned by discovery
	// costs one look-up per path.
	literals map[string]bool
	patterns []string
	// exclude is Exclude compiled for matching, and ownExclude the globs
	// the repository added to the built-in ones (nil when it added none or
	// turned those off), which alone leave out a report folder's README
	// (reportReadme).
	exclude, ownExclude *globSet
	// severityLevels maps a learned severity's key (see SeverityKey) to its
	// rank, so that "Sev 1" and "SEV-1" are one level.
	severityLevels map[string]int
	// learned is set once the scales left unconfigured are learned.
	learned bool

	// Dir is the repository root the configuration was read from (not a key).
	Dir string `yaml:"-"`
}

// Markdown holds Markdown rendering options.
type Markdown struct {
	// Unsafe lets raw HTML in postmortems through to the pages. Off by
	// default: raw HTML is escaped.
	Unsafe bool `yaml:"unsafe"`
}

// Attachments holds the options for the files postmortems link to, which
// the site copies under files/.
type Attachments struct {
	// Allow lists file extensions (without the dot, lower case) of active
	// content that is copied as written: html, htm, xhtml, js, xml, svg,
	// …. By default such files run script when opened from the site, so
	// they are refused (SVG images are sanitised instead); markdown.unsafe
	// allows them all.
	Allow []string `yaml:"allow"`
}

// AllowsActive reports whether an attachment with extension ext (with or
// without the dot, any case) is copied as written although it can carry
// script.
func (c *Config) AllowsActive(ext string) bool {
	if c.Markdown.Unsafe {
		return true
	}
	ext = strings.ToLower(strings.TrimPrefix(ext, "."))
	return slices.Contains(c.Attachments.Allow, ext)
}

// Search holds the options of the site's search page.
type Search struct {
	// Browser is how the search page of a built site answers queries:
	// "wasm" runs the CLI's own search (Bleve compiled to WebAssembly) on an
	// index shipped with the site, "catalog" filters the incident catalog
	// by words in title, summary and id, tags and other facets, "server"
	// asks the search API of `inquest serve` at the site's api/search, and
	// "auto" (the default) is wasm up to BrowserMaxIncidents published
	// incidents and catalog above. Pages served by `inquest serve` always
	// ask its API.
	Browser string `yaml:"browser"`
	// BrowserMaxIncidents is the largest number of published incidents for
	// which auto chooses wasm; 0 means DefaultBrowserMaxIncidents.
	BrowserMaxIncidents int `yaml:"browser_max_incidents"`
	// BrowserShardSize is the number of incidents in the first shard of
	// the WebAssembly search's index: the page searches the newest shard
	// as soon as it has arrived and the others, of up to ten times as
	// many incidents each, as they do. 0 means 1,000
	// (indexer.DefaultShardSize).
	BrowserShardSize int `yaml:"browser_shard_size"`
}

// Values of Search.Browser.
const (
	BrowserAuto    = "auto"
	BrowserWasm    = "wasm"
	BrowserCatalog = "catalog"
	BrowserServer  = "server"
)

var browserModes = []string{BrowserAuto, BrowserWasm, BrowserCatalog, BrowserServer}

// DefaultBrowserMaxIncidents is where auto stops shipping the WebAssembly
// search. Its index ships in shards, newest incidents first
// (BrowserShardSize): a reader downloads the runtime (2.75 MB gzipped) and
// the first shard (about 4.4 MB per 1,000 incidents) before the first
// results, then the rest, once, and the worker holds the whole index in
// memory. Measured in headless Chromium on the generated corpora (pkg/e2e
// BenchmarkWasmSearchLarge, local server; figures in the README), above a
// few thousand incidents the complete results take over 5 s and a warm
// query over 20 ms, which a static site's search should not; auto uses the
// catalog filter there.
const DefaultBrowserMaxIncidents = 2000

// BrowserMode is the search page's mode for a site publishing n incidents:
// wasm, catalog or server, with auto resolved.
func (s Search) BrowserMode(n int) string {
	if s.Browser != BrowserAuto && s.Browser != "" {
		return s.Browser
	}
	limit := s.BrowserMaxIncidents
	if limit <= 0 {
		limit = DefaultBrowserMaxIncidents
	}
	if n <= limit {
		return BrowserWasm
	}
	return BrowserCatalog
}

// Canonical front-matter field names understood by inquest.
var fieldNames = []string{
	"id", "title", "date", "severity", "status", "owner", "reviewers", "tags",
	"services", "summary", "impact", "started", "detected", "mitigated",
	"resolved", "durations", "links", "related", "timeline", "action_items",
	"visibility", "kind", "factors",
}

// FieldNames returns the canonical front-matter field names.
func FieldNames() []string { return slices.Clone(fieldNames) }

// Section kinds that required_sections may name.
var sectionNames = []string{
	"summary", "impact", "timeline", "contributing_factors", "lessons",
	"action_items", "supporting_data", "response_analysis", "post_incident_analysis",
}

// defaultAliases are the other names real repositories use for the
// canonical fields, in front matter and in the key lines of a body
// ("**Severity:** SEV2", "Time to detection: 15 minutes"). The repository's
// aliases add to them, and take a name from the built-in field it was on.
// A key that names durations says its phase: one with "detect" in it is the
// time to detect, "mitigat" the time to mitigate, anything else the time
// to resolve.
func defaultAliases() map[string][]string {
	return map[string][]string{
		"id":           {"incident_id", "incident", "incident_number"},
		"title":        {"name", "incident_title"},
		"date":         {"incident_date", "date_of_incident"},
		"severity":     {"sev", "level", "severity_level", "incident_severity"},
		"status":       {"incident_status", "postmortem_status"},
		"owner":        {"author", "authors", "owners", "incident_owner", "postmortem_owner", "written_by", "prepared_by", "postmortem_lead"},
		"reviewers":    {"review_committee", "peer_review", "peer_reviewers", "reviewed_by"},
		"tags":         {"labels", "category", "categories"},
		"services":     {"service", "components", "affected_services", "affected_service", "affected_systems", "services_affected", "service_affected"},
		"summary":      {"description", "tldr", "incident_summary"},
		"impact":       {"customer_impact", "user_impact", "what_was_the_impact"},
		"started":      {"start", "start_time", "started_at", "impact_start", "start_date", "start_date/time", "start_datetime"},
		"detected":     {"detected_at", "detection_time", "when_was_the_incident_detected"},
		"mitigated":    {"mitigated_at", "mitigation_time"},
		"resolved":     {"resolved_at", "end", "end_time", "resolution_time", "end_date", "end_date/time", "end_datetime"},
		"durations":    {"duration", "total_duration", "time_to_detect", "time_to_detection", "ttd", "time_to_mitigate", "time_to_mitigation", "ttm", "time_to_resolve", "time_to_resolution", "time_to_recovery", "ttr"},
		"action_items": {"actions", "follow_ups", "followups", "action_items_list"},
		"related":      {"related_incidents"},
		"factors":      {"factor", "contributing_factor_categories"},
	}
}

// DefaultFactors is the taxonomy of contributing factors a repository has
// when factors is not configured.
var DefaultFactors = []string{
	"change", "configuration", "capacity", "dependency", "detection gap",
	"process", "tooling", "software defect", "infrastructure", "communication",
}

// FactorKey is the form in which factors are compared: lower case, with
// spaces, hyphens and underscores alike ("Detection-gap" and "detection
// gap" are one factor).
func FactorKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	}), " ")
}

// Factor returns the taxonomy's spelling of a factor as written, and
// whether the taxonomy has it.
func (c *Config) Factor(s string) (string, bool) {
	k := FactorKey(s)
	for _, f := range c.Factors {
		if FactorKey(f) == k {
			return f, true
		}
	}
	return "", false
}

// DefaultStatuses is the workflow a repository has when statuses is not
// configured, before its own status words are added.
var DefaultStatuses = []string{"draft", "in-review", "published"}

// Default returns the configuration used when a repository has no
// inquest.yaml, before Load fills in what is derived from it (the
// exclusions, the aliases, the content and scale to infer).
func Default() *Config {
	return &Config{
		Title:          "Postmortems",
		Branch:         "main",
		DraftStatuses:  []string{"draft"},
		RequiredFields: []string{"title", "date", "severity"},
		Timezone:       "UTC",
		Trailers:       []string{"Signed-off-by", "Reviewed-by", "Approved-by", "Acked-by", "Co-authored-by"},
		Search:         Search{Browser: BrowserAuto},
	}
}

// Load reads dir/inquest.yaml when it exists and returns the configuration
// with defaults filled in. Problems are reported all at once, each with the
// file and line.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	if err := checkLink(dir, path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		c := Default()
		c.Dir = dir
		return c, c.finish(FileName, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data, FileName)
	if err != nil {
		return nil, err
	}
	c.Dir = dir
	return c, nil
}

// checkLink refuses a configuration file that is a symbolic link leading
// out of the repository or to a hidden file (.git/config, .env): its
// values, or a parse error quoting them, would reach the site and the
// logs. (Whether Git tracks it is for package worktree to say; the
// configuration is read before it.)
func checkLink(dir, path string) error {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("%s: a broken symbolic link", FileName)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", FileName, err)
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is a symbolic link to %s, outside the repository; it is not read", FileName, real)
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") {
			return fmt.Errorf("%s is a symbolic link to %s, a hidden file; it is not read", FileName, filepath.ToSlash(rel))
		}
	}
	return nil
}

var (
	knownFieldRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)`)
	yamlLineRE   = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
)

// keysOf maps the Go type names yaml.v3 gives in "not found in type"
// errors to the keys that type accepts.
var keysOf = map[string]any{"config.Config": Config{}, "config.Markdown": Markdown{}, "config.Attachments": Attachments{}, "config.Search": Search{}}

// Parse decodes configuration bytes; name is the file name used in errors.
func Parse(data []byte, name string) (*Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var errs []error
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		// Unknown keys and wrong types leave the rest decoded: it is
		// validated too, so that every problem is reported at once.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, m := range te.Errors {
				if sm := knownFieldRE.FindStringSubmatch(m); sm != nil {
					hint := "see the config reference in the README"
					if s := strdist.Nearest(sm[2], yamlKeys(keysOf[sm[3]]), 3); s != "" {
						hint = fmt.Sprintf("did you mean %q?", s)
					}
					errs = append(errs, fmt.Errorf("%s:%s: unknown key %q (%s)", name, sm[1], sm[2], hint))
					continue
				}
				errs = append(errs, fmt.Errorf("%s: %s", name, strings.TrimPrefix(m, "line ")))
			}
		} else {
			return nil, syntaxError(name, err)
		}
	}
	if len(c.Rules) > 0 {
		c.RuleLines = ruleLines(data)
	}
	errs = append(errs, c.finish(name, data), c.Search.check(name, data), c.checkDateOrder(name, data))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// syntaxError places a YAML syntax error at its line of the file. yaml.v3
// counts lines from 0 in errors raised at a context mark ("did not find
// expected …"), which point at the line that opened what was left open, and
// from 1 in the others.
func syntaxError(name string, err error) error {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil || m[1] == "" {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	n, _ := strconv.Atoi(m[1])
	if strings.HasPrefix(m[2], "did not find expected") {
		n++
	}
	return fmt.Errorf("%s:%d: %s", name, n, m[2])
}

// yamlKeys lists the yaml keys of a struct value's fields.
func yamlKeys(v any) []string {
	if v == nil {
		return nil
	}
	t := reflect.TypeOf(v)
	var keys []string
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// ruleLines finds the line of every key under the top-level rules mapping.
// The document has already decoded without error, so it is well formed.
func ruleLines(data []byte) map[string]int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "rules" || top.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		m := top.Content[i+1]
		for j := 0; j+1 < len(m.Content); j += 2 {
			lines[normalizeRuleID(m.Content[j].Value)] = m.Content[j].Line
		}
	}
	return lines
}

// keyLine returns the line of the key at path (top-level key first) in a
// well-formed YAML document, or 0 when it is not there.
func keyLine(data []byte, path ...string) int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return 0
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return 0
		}
		n = next
	}
	return n.Line
}

// check validates the search options; data is the file, for lines.
func (s *Search) check(name string, data []byte) error {
	at := func(key string) string {
		if l := keyLine(data, "search", key); l > 0 {
			return fmt.Sprintf("%s:%d", name, l)
		}
		return name
	}
	var errs []error
	mode := strings.ToLower(strings.TrimSpace(s.Browser))
	if mode == "" {
		mode = BrowserAuto
	}
	if !slices.Contains(browserModes, mode) {
		errs = append(errs, fmt.Errorf("%s: search.browser: %q is not one of %s", at("browser"), s.Browser, strings.Join(browserModes, ", ")))
	}
	s.Browser = mode
	if s.BrowserMaxIncidents < 0 {
		errs = append(errs, fmt.Errorf("%s: search.browser_max_incidents must be 0 (the default, %d) or more, not %d", at("browser_max_incidents"), DefaultBrowserMaxIncidents, s.BrowserMaxIncidents))
	}
	if s.BrowserShardSize < 0 {
		errs = append(errs, fmt.Errorf("%s: search.browser_shard_size must be 0 (the default, 1000) or more, not %d", at("browser_shard_size"), s.BrowserShardSize))
	}
	return errors.Join(errs...)
}

// DateOrders are the values date_order may take.
var DateOrders = []string{"dmy", "mdy", "ymd"}

// checkDateOrder validates and lower-cases date_order; data is the file,
// for its line.
func (c *Config) checkDateOrder(name string, data []byte) error {
	o := strings.ToLower(strings.TrimSpace(c.DateOrder))
	if o != "" && !slices.Contains(DateOrders, o) {
		at := name
		if l := keyLine(data, "date_order"); l > 0 {
			at = fmt.Sprintf("%s:%d", name, l)
		}
		return fmt.Errorf("%s: date_order: %q is not one of %s (day, month and year first)", at, c.DateOrder, strings.Join(DateOrders, ", "))
	}
	c.DateOrder = o
	return nil
}

// ruleLevels are the values a key under rules may take.
var ruleLevels = []string{"error", "warning", "info", "off"}

func normalizeRuleID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// finishRules checks the levels of rules and keys them by rule ID;
// name is the file, for the errors' lines.
func (c *Config) finishRules(name string) []error {
	if len(c.Rules) == 0 {
		return nil
	}
	var errs []error
	rules := make(map[string]string, len(c.Rules))
	for _, id := range slices.Sorted(maps.Keys(c.Rules)) {
		level := strings.ToLower(strings.TrimSpace(c.Rules[id]))
		rid := normalizeRuleID(id)
		if !slices.Contains(ruleLevels, level) {
			at := name
			if l := c.RuleLines[rid]; l > 0 {
				at = fmt.Sprintf("%s:%d", name, l)
			}
			errs = append(errs, fmt.Errorf("%s: rules: level %q for %q is not one of %s", at, c.Rules[id], id, strings.Join(ruleLevels, ", ")))
			continue
		}
		rules[rid] = level
	}
	c.Rules = rules
	return errs
}

// finishFactors checks the factors taxonomy, or sets the default one; at
// is where factors is written, for the errors.
func (c *Config) finishFactors(at string) []error {
	var errs []error
	switch {
	case c.Factors == nil:
		c.Factors = slices.Clone(DefaultFactors)
	case len(c.Factors) == 0:
		errs = append(errs, fmt.Errorf("%s: factors must list at least one contributing factor (leave it out for the default taxonomy)", at))
	}
	seenFactor := map[string]bool{}
	for _, f := range c.Factors {
		k := FactorKey(f)
		switch {
		case k == "":
			errs = append(errs, fmt.Errorf("%s: factors: an empty factor", at))
		case seenFactor[k]:
			errs = append(errs, fmt.Errorf("%s: factors: %q is listed twice", at, f))
		}
		seenFactor[k] = true
	}
	return errs
}

// finish validates the configuration, fills in what is derived from it and
// merges the default aliases in; data is the file (nil when there is
// none), for lines.
func (c *Config) finish(name string, data []byte) error {
	at := func(path ...string) string {
		if l := keyLine(data, path...); l > 0 {
			return fmt.Sprintf("%s:%d", name, l)
		}
		return name
	}
	var errs []error
	for _, g := range append(slices.Clone(c.Content), c.Exclude...) {
		if !doublestar.ValidatePattern(g) {
			errs = append(errs, fmt.Errorf("%s: invalid glob %q", name, g))
		}
	}
	switch {
	case c.Content == nil:
		c.AutoContent = true
	case len(c.Content) == 0:
		errs = append(errs, fmt.Errorf("%s: content must list at least one glob (leave it out to let inquest find the postmortems)", at("content")))
	}
	c.splitContent()
	if c.ExcludeDefaults == nil || *c.ExcludeDefaults {
		c.ownExclude = compileGlobs(c.Exclude)
		c.Exclude = append(DefaultExclude(), c.Exclude...)
	}
	c.exclude = compileGlobs(c.Exclude)
	switch {
	case c.Severities == nil:
		c.AutoSeverities = true
	case len(c.Severities) == 0:
		errs = append(errs, fmt.Errorf("%s: severities must list at least one level (leave it out to learn the scale from the postmortems)", at("severities")))
	}
	for i, a := range c.Severities {
		for _, b := range c.Severities[:i] {
			if SeverityKey(a) == SeverityKey(b) {
				errs = append(errs, fmt.Errorf("%s: severities: %q and %q are spellings of one level; list it once", at("severities"), b, a))
			}
		}
	}
	switch {
	case c.Statuses == nil:
		c.Statuses, c.AutoStatuses = slices.Clone(DefaultStatuses), true
	case len(c.Statuses) == 0:
		errs = append(errs, fmt.Errorf("%s: statuses must list at least one status", at("statuses")))
	}
	for _, f := range c.RequiredFields {
		if !slices.Contains(fieldNames, f) {
			errs = append(errs, fmt.Errorf("%s: required_fields: unknown field %q (%s)", at("required_fields"), f, oneOf(f, fieldNames)))
		}
	}
	for _, s := range c.RequiredSections {
		if !slices.Contains(sectionNames, s) {
			errs = append(errs, fmt.Errorf("%s: required_sections: unknown section %q (%s)", at("required_sections"), s, oneOf(s, sectionNames)))
		}
	}
	aliases, aerrs := mergeAliases(c.Aliases, func(field string) string { return at("aliases", field) })
	c.Aliases = aliases
	errs = append(errs, aerrs...)
	errs = append(errs, c.finishRules(name)...)
	errs = append(errs, c.finishFactors(at("factors"))...)
	if c.DraftMaxAgeDays < 0 {
		errs = append(errs, fmt.Errorf("%s: draft_max_age_days must be 0 (the default, 14 days) or more, not %d", at("draft_max_age_days"), c.DraftMaxAgeDays))
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	if !knownZone(c.Timezone) {
		hint := "an abbreviation such as CET, an offset such as UTC+3, or an IANA name such as Europe/Berlin"
		if s := strdist.Nearest(c.Timezone, timeline.ZoneNames(), 3); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		errs = append(errs, fmt.Errorf("%s: timezone: unknown zone %q (%s)", at("timezone"), c.Timezone, hint))
	}
	if len(c.Attachments.Allow) == 0 {
		c.Attachments.Allow = nil // allow: [] is the default written out
	}
	for i, ext := range c.Attachments.Allow {
		e := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(ext), "."))
		if e == "" || strings.ContainsAny(e, "/\\*. ") {
			errs = append(errs, fmt.Errorf("%s: attachments.allow: %q is not a file extension (write e.g. html or svg)", at("attachments", "allow"), ext))
		}
		c.Attachments.Allow[i] = e
	}
	return errors.Join(errs...)
}

// knownZone reports whether the parser can read times in zone: an
// abbreviation or offset the timeline package knows, or a name of the zone
// database.
func knownZone(zone string) bool {
	if _, ok := timeline.ParseZone(zone); ok {
		return true
	}
	_, err := time.LoadLocation(zone)
	return err == nil
}

// oneOf is the hint for a name that is not in names: the nearest one, or
// the whole list.
func oneOf(name string, names []string) string {
	if s := strdist.Nearest(name, names, 2); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return "one of " + strings.Join(names, ", ")
}

// mergeAliases adds the configured aliases to the built-in ones. A name
// the repository gives a field is taken away from the built-in field that
// had it, so that aliases: {date: [start_time]} makes start_time a date.
// A name that could never take effect is an error naming it: a canonical
// field name under another field (the field always wins), or one name
// under two fields. at gives the place of a field's list in the file.
func mergeAliases(user map[string][]string, at func(field string) string) (map[string][]string, []error) {
	merged := defaultAliases()
	var errs []error
	owner := map[string]string{} // normalised name → configured field
	var fields []string
	for _, field := range slices.Sorted(maps.Keys(user)) {
		if !slices.Contains(fieldNames, field) {
			errs = append(errs, fmt.Errorf("%s: aliases: unknown field %q (%s)", at(field), field, oneOf(field, fieldNames)))
			continue
		}
		fields = append(fields, field)
		for _, n := range user[field] {
			k := NormalizeKey(n)
			switch other, dup := owner[k]; {
			case k == "":
				errs = append(errs, fmt.Errorf("%s: aliases: %s has an empty name", at(field), field))
			case slices.Contains(fieldNames, k) && k != field:
				errs = append(errs, fmt.Errorf("%s: aliases: %q under %s can never take effect: %s is a field of its own and always means %s", at(field), n, field, k, k))
			case dup && other != field:
				errs = append(errs, fmt.Errorf("%s: aliases: %q is listed under both %s and %s; a key can mean only one field", at(field), n, other, field))
			default:
				owner[k] = field
			}
		}
	}
	for field, names := range merged {
		merged[field] = slices.DeleteFunc(names, func(n string) bool {
			f, taken := owner[NormalizeKey(n)]
			return taken && f != field
		})
	}
	for _, field := range fields {
		for _, n := range user[field] {
			if k := NormalizeKey(n); owner[k] == field && !slices.ContainsFunc(merged[field], func(m string) bool { return NormalizeKey(m) == k }) {
				merged[field] = append(merged[field], n)
			}
		}
	}
	return merged, errs
}

// FieldFor returns the canonical field name for a front-matter key, after
// aliases; keys are compared case-insensitively with '-' and ' ' read as '_'.
// It returns "" for keys inquest does not know.
func (c *Config) FieldFor(key string) string {
	k := NormalizeKey(key)
	if slices.Contains(fieldNames, k) {
		return k
	}
	for field, names := range c.Aliases {
		for _, n := range names {
			if NormalizeKey(n) == k {
				return field
			}
		}
	}
	return ""
}

// NormalizeKey lower-cases a key and reads '-' and ' ' as '_'.
func NormalizeKey(key string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(key)))
}

// ContentRoots returns the folders every postmortem is under: the part of
// each content glob before its first wildcard, sorted, without repeats. It
// returns nil, the whole repository, when a glob starts with a wildcard.
func (c *Config) ContentRoots() []string {
	var roots []string
	for _, g := range c.Content {
		var dirs []string
		parts := strings.Split(path.Clean("/" + g)[1:], "/")
		for _, part := range parts[:len(parts)-1] {
			if strings.ContainsAny(part, `*?[{\`) {
				break
			}
			dirs = append(dirs, part)
		}
		if len(dirs) == 0 {
			return nil
		}
		roots = append(roots, strings.Join(dirs, "/"))
	}
	slices.Sort(roots)
	return slices.Compact(roots)
}

// IsDraft reports whether a status is one of the draft statuses.
func (c *Config) IsDraft(status string) bool {
	return slices.ContainsFunc(c.DraftStatuses, func(s string) bool { return strings.EqualFold(s, status) })
}

// IsPublished reports whether a status means published: "published", or
// the last of the configured statuses.
func (c *Config) IsPublished(status string) bool {
	return strings.EqualFold(status, "published") || len(c.Statuses) > 0 && strings.EqualFold(status, c.Statuses[len(c.Statuses)-1])
}
