package config

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/bmatcuk/doublestar/v4"
)

// DefaultExclude returns the built-in exclusions: files that are never
// postmortems (READMEs, licences, contributing guides, security policies,
// codes of conduct, changelogs, templates), files and folders whose name
// starts with "_" or "." (but for the folders Jekyll publishes,
// JekyllContent), and vendored trees. The configured exclude adds to them
// unless exclude_defaults is false.
func DefaultExclude() []string {
	return []string{
		"**/{README,Readme,readme}{,.*}",
		"**/{LICENSE,License,license,LICENCE,Licence,licence}{,.*}",
		"**/{CONTRIBUTING,Contributing,contributing}{,.*}",
		"**/{SECURITY,Security,security}{,.md,.txt}",
		"**/{CODE_OF_CONDUCT,Code_of_conduct,code_of_conduct,CODE-OF-CONDUCT,code-of-conduct}{,.*}",
		"**/{CHANGELOG,Changelog,changelog,CHANGES,HISTORY}{,.*}",
		"**/{template,Template,TEMPLATE}{,s}{,.*,-*,_*, *}", "**/*{-,_,.}{template,Template,TEMPLATE}{,.md,.markdown}",
		"**/templates/**", "**/template/**", "**/Templates/**", "**/Template/**",
		"**/_*", "**/_*/**", "**/.*", "**/.*/**",
		"**/{node_modules,vendor,third_party,third-party,thirdparty,bower_components,jspm_packages,site-packages,venv,Pods,Carthage}/**",
	}
}

// JekyllContent reports whether a folder whose name starts with "_" is
// one a Jekyll site (GitHub Pages) publishes its pages from: _posts, and
// a collection named like a report folder (_postmortems, _incidents).
// Every other such folder is left out by the built-in exclusions: Jekyll's
// output (_site), layouts and includes, and its unpublished _drafts.
func JekyllContent(name string) bool {
	return name == "_posts" || strings.HasPrefix(name, "_") && ReportFolder(name)
}

// reportWords are the names of folders teams keep postmortems in, as
// words: "postmortems", "Post-Mortems", "incident-reports", "rca",
// "2021-outages", "sre_retros".
var reportWords = map[string]bool{
	"postmortem": true, "postmortems": true, "incident": true, "incidents": true,
	"retrospective": true, "retrospectives": true, "retro": true, "retros": true,
	"disclosure": true, "disclosures": true, "rca": true, "rcas": true,
	"coe": true, "coes": true, "outage": true, "outages": true,
	"pir": true, "pirs": true,
}

// reportTails are words a report folder's name may end with after its
// report word: "incident-reports", "postmortem_archive". Any other word
// after it makes a different folder: "incident-response" holds runbooks.
var reportTails = map[string]bool{
	"report": true, "reports": true, "review": true, "reviews": true,
	"archive": true, "log": true, "logs": true, "analysis": true, "analyses": true,
}

// ReportFolder reports whether a folder name is one teams keep postmortems
// in: a report word (postmortems, post-mortems, incidents, retrospectives,
// retros, disclosures, rca, coe, outages, …), in any case, with any words
// or dates before it, and after it only dates, numbers or a word such as
// "reports" or "archive".
func ReportFolder(name string) bool {
	words := nameWords(name)
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "post" && i+1 < len(words) && strings.HasPrefix(words[i+1], "mortem") {
			w += words[i+1]
			i++
		}
		if !reportWords[w] {
			continue
		}
		rest := words[i+1:]
		if len(rest) > 0 && reportTails[rest[0]] {
			rest = rest[1:]
		}
		if !slices.ContainsFunc(rest, func(r string) bool { return !isDigits(r) }) {
			return true
		}
	}
	return false
}

// nameWords splits a file or folder name into lower-case words at
// punctuation, at a lower-case letter followed by an upper-case one
// ("PostMortems") and between letters and digits ("outages2021").
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case len(cur) > 0 && (unicode.IsUpper(r) && unicode.IsLower(prev) || unicode.IsDigit(r) != unicode.IsDigit(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// InReportFolder reports whether a repository-relative slash path lies
// under a folder named like a report folder, at any depth.
func InReportFolder(rel string) bool {
	dir := path.Dir(rel)
	for dir != "." && dir != "/" && dir != "" {
		if ReportFolder(path.Base(dir)) {
			return true
		}
		dir = path.Dir(dir)
	}
	return false
}

// MarkdownName reports whether a file name has a Markdown extension.
func MarkdownName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd":
		return true
	}
	return false
}

// UseContent sets the content globs discovery settled on when none were
// configured, so that Match selects the same files from then on (the
// history reads the paths Match selects).
func (c *Config) UseContent(globs []string) {
	c.Content = slices.Clone(globs)
	c.splitContent()
}

// splitContent files the content globs under literals and patterns.
func (c *Config) splitContent() {
	c.literals, c.patterns = map[string]bool{}, nil
	for _, g := range c.Content {
		if lit, ok := literalGlob(g); ok {
			c.literals[lit] = true
		} else {
			c.patterns = append(c.patterns, g)
		}
	}
}

// literalGlob returns the one path a glob without wildcards matches.
func literalGlob(g string) (string, bool) {
	if strings.ContainsAny(g, "*?[{") {
		return "", false
	}
	return strings.ReplaceAll(g, `\`, ""), true
}

// QuoteGlob escapes the characters a glob reads as wildcards, so that a
// path is a glob matching only itself.
func QuoteGlob(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Match reports whether a repository-relative slash path is a postmortem
// according to the content and exclude globs. While the content is still
// to be found (AutoContent and no UseContent yet), a Markdown file in a
// folder named like postmortems is one.
func (c *Config) Match(rel string) bool {
	if c.Excluded(rel) {
		return false
	}
	if c.Content == nil {
		return c.AutoContent && MarkdownName(rel) && InReportFolder(rel)
	}
	patterns := c.patterns
	if c.literals == nil {
		patterns = c.Content // a Config that Load did not finish
	}
	if c.literals[rel] {
		return true
	}
	for _, g := range patterns {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// Excluded reports whether an exclude glob matches a repository-relative
// slash path: such a file is never read, as a postmortem or as an
// attachment.
func (c *Config) Excluded(rel string) bool {
	if c.exclude == nil {
		// A Config that Load did not finish.
		return compileGlobs(c.Exclude).match(rel)
	}
	if !c.exclude.match(rel) {
		return false
	}
	// The built-in READMEs rule does not leave out the report in an
	// incident's own folder; the repository's own exclude still may.
	// Its folder may be left out by another built-in rule (hidden,
	// vendored, templates); reportReadme needs a folder.
	return c.ownExclude == nil || !reportReadme(rel) || c.ownExclude.match(rel) || c.ExcludesDir(path.Dir(rel))
}

// incidentFolderRE matches the name of a folder that holds one incident:
// a full date ("2023-01-05-db-outage", "20230105_db") or an incident id
// in capitals ("INC-1234", "PM2021-011-cdn") at its start; not "node18".
var incidentFolderRE = regexp.MustCompile(`^(?:\d{4}[-_.]?\d{2}[-_.]?\d{2}(?:$|[-_ .])|[A-Z]{2,10}-?\d{2,8}(?:$|[-_ .]))`)

// reportReadme reports whether rel is the README of an incident's own
// folder ("incidents/2023-01-05-db-outage/README.md", "INC-1234/readme.md"),
// the folder's report as GitHub shows it, rather than a README that tells
// what a folder holds.
func reportReadme(rel string) bool {
	dir, base := path.Split(rel)
	name := strings.TrimSuffix(base, path.Ext(base))
	if !strings.EqualFold(name, "readme") || dir == "" {
		return false
	}
	return IncidentFolder(path.Base(strings.TrimSuffix(dir, "/")))
}

// IncidentFolder reports whether a folder's name is that of one incident's
// folder: a full date or an incident id in capitals at its start
// ("2023-01-05-db-outage", "INC-1234").
func IncidentFolder(name string) bool { return incidentFolderRE.MatchString(name) }

// globSet matches paths against globs. The shapes exclusions mostly have
// skip doublestar's general ** matching and its brace expansion, which
// cost microseconds a glob and ran for every file of the walk and every
// path of every commit of the history: "**/X" compares X with the file
// name only, "**/X/**" with each segment of the path (as doublestar does,
// the last one included), and their braces are expanded once, here, into
// names looked up in a map, prefixes ("README.", "_") and short globs.
type globSet struct {
	name, segment nameSet
	full          []string
}

// nameSet matches one path segment against brace-free patterns.
type nameSet struct {
	literal            map[string]bool
	prefixes, suffixes []string
	globs              []string
}

func compileGlobs(globs []string) *globSet {
	g := &globSet{name: nameSet{literal: map[string]bool{}}, segment: nameSet{literal: map[string]bool{}}}
	for _, p := range globs {
		rest, ok := strings.CutPrefix(p, "**/")
		seg, isSeg := strings.CutSuffix(rest, "/**")
		switch {
		case !ok || strings.Contains(p, `\`):
			g.full = append(g.full, p)
		case isSeg && !strings.Contains(seg, "/") && !strings.Contains(seg, "**"):
			g.segment.add(seg)
		case !strings.Contains(rest, "/") && !strings.Contains(rest, "**"):
			g.name.add(rest)
		default:
			g.full = append(g.full, p)
		}
	}
	return g
}

// add files a one-segment pattern, its braces expanded.
func (n *nameSet) add(p string) {
	for _, e := range expandBraces(p) {
		switch {
		case !strings.ContainsAny(e, "*?["):
			n.literal[e] = true
		case strings.IndexAny(e, "*?[") == len(e)-1 && e[len(e)-1] == '*':
			n.prefixes = append(n.prefixes, e[:len(e)-1])
		case strings.LastIndexAny(e, "*?[") == 0 && e[0] == '*':
			n.suffixes = append(n.suffixes, e[1:])
		default:
			n.globs = append(n.globs, e)
		}
	}
}

func (n *nameSet) match(seg string) bool { return n.matchSegment(seg, false) }

// matchSegment is match of one segment of a path, which is a folder on
// the way to the file when folder is set: a folder Jekyll publishes
// (JekyllContent) is not caught by the prefix "_" ("**/_*/**" leaves out
// _site and _includes, not _posts).
func (n *nameSet) matchSegment(seg string, folder bool) bool {
	if n.literal[seg] {
		return true
	}
	for _, p := range n.prefixes {
		if strings.HasPrefix(seg, p) && (p != "_" || !folder || !JekyllContent(seg)) {
			return true
		}
	}
	for _, p := range n.suffixes {
		if strings.HasSuffix(seg, p) {
			return true
		}
	}
	for _, p := range n.globs {
		if ok, _ := doublestar.Match(p, seg); ok {
			return true
		}
	}
	return false
}

// expandBraces writes out the alternatives of a pattern's {a,b} groups;
// one with nested braces is left as it is.
func expandBraces(p string) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	end := strings.IndexByte(p[open:], '}')
	if end < 0 || strings.IndexByte(p[open+1:open+end], '{') >= 0 {
		return []string{p}
	}
	var out []string
	for alt := range strings.SplitSeq(p[open+1:open+end], ",") {
		out = append(out, expandBraces(p[:open]+alt+p[open+end+1:])...)
	}
	return out
}

func (g *globSet) match(rel string) bool {
	if g.name.match(rel[strings.LastIndexByte(rel, '/')+1:]) {
		return true
	}
	if len(g.segment.literal)+len(g.segment.prefixes)+len(g.segment.suffixes)+len(g.segment.globs) > 0 {
		for rest := rel; ; {
			seg, after, folder := strings.Cut(rest, "/")
			if g.segment.matchSegment(seg, folder) {
				return true
			}
			if !folder {
				break
			}
			rest = after
		}
	}
	for _, p := range g.full {
		if ok, _ := doublestar.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// ExcludesDir reports whether the exclusions cover everything under the
// folder rel, so that discovery need not walk into it: node_modules, a
// hidden folder, templates/.
func (c *Config) ExcludesDir(rel string) bool {
	return c.Excluded(rel+"/inquest-probe-0.md") && c.Excluded(rel+"/inquest-probe-0/inquest-probe-1.md")
}
