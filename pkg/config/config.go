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
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
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
	// that select postmortem files.
	Content []string `yaml:"content"`
	// Exclude lists globs of files that are never postmortems.
	Exclude []string `yaml:"exclude"`
	// Severities is the severity scale, most severe first.
	Severities []string `yaml:"severities"`
	// Statuses are the allowed workflow statuses, in order.
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
	// Markdown holds rendering options.
	Markdown Markdown `yaml:"markdown"`
	// Trailers are the commit trailers that count as sign-offs.
	Trailers []string `yaml:"trailers"`
	// Rules sets the level of check rules by id: error, warning, info or
	// off. Ids are checked by the lint package, which knows them; the
	// levels are checked here.
	Rules map[string]string `yaml:"rules"`
	// DraftMaxAgeDays is how long a draft or in-review postmortem may stay
	// unpublished before the stale-draft rule reports it; 0 means 14 days.
	DraftMaxAgeDays int `yaml:"draft_max_age_days"`

	// RuleLines maps a key under rules to the line it was written on, so
	// that an unknown rule id can be reported with its line (not a key).
	RuleLines map[string]int `yaml:"-"`

	// Dir is the repository root the configuration was read from (not a key).
	Dir string `yaml:"-"`
}

// Markdown holds Markdown rendering options.
type Markdown struct {
	// Unsafe lets raw HTML in postmortems through to the pages. Off by
	// default: raw HTML is escaped.
	Unsafe bool `yaml:"unsafe"`
}

// Canonical front-matter field names understood by inquest.
var fieldNames = []string{
	"id", "title", "date", "severity", "status", "owner", "reviewers", "tags",
	"services", "summary", "impact", "started", "detected", "mitigated",
	"resolved", "durations", "links", "related", "timeline", "action_items",
	"visibility",
}

// FieldNames returns the canonical front-matter field names.
func FieldNames() []string { return slices.Clone(fieldNames) }

// Section kinds that required_sections may name.
var sectionNames = []string{
	"summary", "impact", "timeline", "contributing_factors", "lessons",
	"action_items", "supporting_data", "response_analysis", "post_incident_analysis",
}

// defaultAliases are the other names real repositories use, always applied;
// the repository's aliases add to them.
func defaultAliases() map[string][]string {
	return map[string][]string{
		"id":           {"incident_id", "incident"},
		"title":        {"name"},
		"date":         {"incident_date"},
		"severity":     {"sev", "level"},
		"owner":        {"author", "authors", "owners", "incident_owner"},
		"reviewers":    {"review_committee", "peer_review", "peer_reviewers", "reviewed_by"},
		"tags":         {"labels"},
		"services":     {"service", "components", "affected_services"},
		"summary":      {"description", "tldr"},
		"started":      {"start", "start_time", "started_at", "impact_start"},
		"detected":     {"detected_at", "detection_time"},
		"mitigated":    {"mitigated_at", "mitigation_time"},
		"resolved":     {"resolved_at", "end", "end_time", "resolution_time"},
		"action_items": {"actions", "follow_ups", "followups", "action_items_list"},
		"related":      {"related_incidents"},
	}
}

// Default returns the configuration used when a repository has no inquest.yaml.
func Default() *Config {
	return &Config{
		Title:   "Postmortems",
		Branch:  "main",
		Content: []string{"postmortems/**/*.md", "**/{postmortems,incidents,post-mortems}/**/*.md"},
		Exclude: []string{
			"**/README.md", "**/readme.md", "**/templates/**", "**/template/**",
			"**/_*", "**/_*/**", "**/node_modules/**", "**/.*/**",
		},
		Severities:     []string{"SEV1", "SEV2", "SEV3", "SEV4"},
		Statuses:       []string{"draft", "in-review", "published"},
		DraftStatuses:  []string{"draft"},
		RequiredFields: []string{"title", "date", "severity"},
		Timezone:       "UTC",
		Trailers:       []string{"Signed-off-by", "Reviewed-by", "Approved-by", "Acked-by", "Co-authored-by"},
	}
}

// Load reads dir/inquest.yaml when it exists and returns the configuration
// with defaults filled in. Problems are reported all at once, each with the
// file and line.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		c := Default()
		c.Dir = dir
		return c, c.finish(FileName)
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

var knownFieldRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type`)

// Parse decodes configuration bytes; name is the file name used in errors.
func Parse(data []byte, name string) (*Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			var errs []error
			for _, m := range te.Errors {
				if sm := knownFieldRE.FindStringSubmatch(m); sm != nil {
					errs = append(errs, fmt.Errorf("%s:%s: unknown key %q (see the config reference in the README)", name, sm[1], sm[2]))
					continue
				}
				errs = append(errs, fmt.Errorf("%s: %s", name, strings.TrimPrefix(m, "line ")))
			}
			return nil, errors.Join(errs...)
		}
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(c.Rules) > 0 {
		c.RuleLines = ruleLines(data)
	}
	return c, c.finish(name)
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

// ruleLevels are the values a key under rules may take.
var ruleLevels = []string{"error", "warning", "info", "off"}

func normalizeRuleID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// finish validates the configuration and merges the default aliases in.
func (c *Config) finish(name string) error {
	var errs []error
	for _, g := range append(slices.Clone(c.Content), c.Exclude...) {
		if !doublestar.ValidatePattern(g) {
			errs = append(errs, fmt.Errorf("%s: invalid glob %q", name, g))
		}
	}
	if len(c.Content) == 0 {
		errs = append(errs, fmt.Errorf("%s: content must list at least one glob", name))
	}
	if len(c.Severities) == 0 {
		errs = append(errs, fmt.Errorf("%s: severities must list at least one level", name))
	}
	if len(c.Statuses) == 0 {
		errs = append(errs, fmt.Errorf("%s: statuses must list at least one status", name))
	}
	for _, f := range c.RequiredFields {
		if !slices.Contains(fieldNames, f) {
			errs = append(errs, fmt.Errorf("%s: required_fields: unknown field %q (one of %s)", name, f, strings.Join(fieldNames, ", ")))
		}
	}
	for _, s := range c.RequiredSections {
		if !slices.Contains(sectionNames, s) {
			errs = append(errs, fmt.Errorf("%s: required_sections: unknown section %q (one of %s)", name, s, strings.Join(sectionNames, ", ")))
		}
	}
	merged := defaultAliases()
	for field, names := range c.Aliases {
		if !slices.Contains(fieldNames, field) {
			errs = append(errs, fmt.Errorf("%s: aliases: unknown field %q (one of %s)", name, field, strings.Join(fieldNames, ", ")))
			continue
		}
		merged[field] = append(merged[field], names...)
	}
	c.Aliases = merged
	if len(c.Rules) > 0 {
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
	}
	if c.DraftMaxAgeDays < 0 {
		errs = append(errs, fmt.Errorf("%s: draft_max_age_days must be 0 (the default, 14 days) or more, not %d", name, c.DraftMaxAgeDays))
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	return errors.Join(errs...)
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

// Match reports whether a repository-relative slash path is a postmortem
// according to the content and exclude globs.
func (c *Config) Match(rel string) bool {
	for _, g := range c.Exclude {
		if ok, _ := doublestar.Match(g, rel); ok {
			return false
		}
	}
	for _, g := range c.Content {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// IsDraft reports whether a status is one of the draft statuses.
func (c *Config) IsDraft(status string) bool {
	return slices.ContainsFunc(c.DraftStatuses, func(s string) bool { return strings.EqualFold(s, status) })
}

// SeverityRank returns the position of a severity in the scale (0 = most
// severe) and whether it is on the scale, case-insensitively.
func (c *Config) SeverityRank(sev string) (int, bool) {
	i := slices.IndexFunc(c.Severities, func(s string) bool { return strings.EqualFold(s, sev) })
	return i, i >= 0
}
