package postmortem

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// Discovery with no configuration. When inquest.yaml sets no content,
// Discover looks where teams keep postmortems: folders named like
// postmortems, incidents, retrospectives, rca, … at any depth (every
// Markdown file in them, and files without an extension that are Markdown
// text). When there is no such folder it reads the first few KB of every
// other Markdown file and takes those shaped like a postmortem. Either
// way it settles on globs, which it gives the configuration
// (config.Config.UseContent): the history then follows the same files,
// and the globs are the content: line that pins the choice.

// Discovery says how the postmortems were found when no content was
// configured.
type Discovery struct {
	// Folders are the folders named like report folders whose files were
	// taken, outermost only; empty when the files were chosen by shape.
	Folders []string
	// Shaped maps each file chosen by its shape to the reason.
	Shaped map[string]string
	// Content are the content globs that select the same files: the line
	// that pins the choice in inquest.yaml.
	Content []string
}

// sniffSize is how much of a candidate file discovery reads: the front
// matter and the first headings of a postmortem are in its first few KB.
const sniffSize = 8 << 10

// candidates are the files an inferring Discover walk saw.
type candidates struct {
	inFolder []string // Markdown files in report folders
	bare     []string // files without an extension in report folders
	loose    []string // Markdown files anywhere else
	// reportDir caches, per folder, whether it is in a report folder.
	reportDir map[string]bool
}

// add files a regular file that the exclusions leave.
func (c *candidates) add(cfg *config.Config, rel string) {
	md, bare := config.MarkdownName(rel), path.Ext(rel) == ""
	if !md && !bare || cfg.Excluded(rel) {
		return
	}
	dir := path.Dir(rel)
	in, seen := c.reportDir[dir]
	if !seen {
		in = config.InReportFolder(rel)
		if c.reportDir == nil {
			c.reportDir = map[string]bool{}
		}
		c.reportDir[dir] = in
	}
	switch {
	case in && md:
		c.inFolder = append(c.inFolder, rel)
	case in:
		c.bare = append(c.bare, rel)
	case md:
		c.loose = append(c.loose, rel)
	}
}

// decide chooses among the candidates, reading at most sniffSize bytes of
// those whose name does not settle it.
func (c *candidates) decide(ctx context.Context, tree *worktree.Tree, cfg *config.Config) (*Discovery, []string, error) {
	d := &Discovery{Shaped: map[string]string{}}
	bare, err := sniffAll(ctx, tree, c.bare, func(rel string, head []byte) string {
		if markdownText(head) {
			return "Markdown text"
		}
		return ""
	})
	if err != nil {
		return nil, nil, err
	}
	if picked := append(slices.Clone(c.inFolder), slices.Collect(maps.Keys(bare))...); len(picked) > 0 {
		slices.Sort(picked)
		d.Folders = outermostReportFolders(picked)
		d.Content = folderGlobs(d.Folders, c.inFolder)
		for _, p := range slices.Sorted(maps.Keys(bare)) {
			d.Content = append(d.Content, config.QuoteGlob(p))
		}
		return d, picked, nil
	}
	shaped, err := sniffAll(ctx, tree, c.loose, func(rel string, head []byte) string { return shapeOf(cfg, rel, head) })
	if err != nil {
		return nil, nil, err
	}
	d.Shaped = shaped
	picked := slices.Sorted(maps.Keys(shaped))
	d.Content = shapeGlobs(picked, c.loose)
	return d, picked, nil
}

// sniffAll reads the first sniffSize bytes of each file on all cores, under
// the work tree's rule, and keeps those judge gives a reason for.
func sniffAll(ctx context.Context, tree *worktree.Tree, paths []string, judge func(rel string, head []byte) string) (map[string]string, error) {
	out := map[string]string{}
	var mu sync.Mutex
	err := forEach(ctx, len(paths), func() func(int) {
		buf := make([]byte, sniffSize)
		return func(i int) {
			head, err := readHead(tree, paths[i], buf)
			if err != nil {
				return // unreadable or refused: not shaped like anything
			}
			if why := judge(paths[i], head); why != "" {
				mu.Lock()
				out[paths[i]] = why
				mu.Unlock()
			}
		}
	})
	return out, err
}

// readHead reads the start of a file of the tree into buf.
func readHead(tree *worktree.Tree, rel string, buf []byte) ([]byte, error) {
	wf, err := tree.Resolve(rel)
	if err != nil {
		return nil, err
	}
	f, err := tree.Open(wf)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n], err
}

// markdownText reports whether the start of a file is Markdown text: no
// NUL bytes, valid UTF-8 (but for a rune cut at the end), and a heading,
// front matter or bold key line.
func markdownText(head []byte) bool {
	if len(bytes.TrimSpace(head)) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if !utf8.Valid(head) && !utf8.Valid(head[:max(0, len(head)-utf8.UTFMax)]) {
		return false
	}
	if open, _ := firstLine(head); open == "---" || open == "+++" {
		return true
	}
	if len(scanHeadings(head)) > 0 {
		return true
	}
	for _, l := range strings.SplitN(string(head), "\n", bodyLimit) {
		if boldKeyRE.MatchString(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// outermostReportFolders are the report folders of the picked files that
// are not inside another.
func outermostReportFolders(picked []string) []string {
	var out []string
	for _, p := range picked {
		parts := strings.Split(path.Dir(p), "/")
		for i := range parts {
			if config.ReportFolder(parts[i]) {
				dir := strings.Join(parts[:i+1], "/")
				if !slices.Contains(out, dir) {
					out = append(out, dir)
				}
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// folderGlobs selects the Markdown files under each folder, with the
// extensions written there.
func folderGlobs(folders, files []string) []string {
	var out []string
	for _, dir := range folders {
		var exts []string
		for _, f := range files {
			if strings.HasPrefix(f, dir+"/") && !slices.Contains(exts, path.Ext(f)[1:]) {
				exts = append(exts, path.Ext(f)[1:])
			}
		}
		out = append(out, config.QuoteGlob(dir)+"/**/*."+extGlob(exts))
	}
	return out
}

// extGlob is "md", or "{md,markdown}" for several extensions.
func extGlob(exts []string) string {
	slices.Sort(exts)
	if len(exts) == 1 {
		return config.QuoteGlob(exts[0])
	}
	for i := range exts {
		exts[i] = config.QuoteGlob(exts[i])
	}
	return "{" + strings.Join(exts, ",") + "}"
}

// shapeGlobs selects the files picked by shape: a folder's Markdown files
// as one glob when all of them were picked, else each file by name.
func shapeGlobs(picked, loose []string) []string {
	byDir := map[string][]string{}
	for _, f := range loose {
		byDir[path.Dir(f)] = append(byDir[path.Dir(f)], f)
	}
	done := map[string]bool{}
	var out []string
	for _, p := range picked {
		dir := path.Dir(p)
		if done[dir] {
			continue
		}
		all := byDir[dir]
		if len(all) > 1 && !slices.ContainsFunc(all, func(f string) bool { _, ok := slices.BinarySearch(picked, f); return !ok }) {
			done[dir] = true
			var exts []string
			for _, f := range all {
				if e := path.Ext(f)[1:]; !slices.Contains(exts, e) {
					exts = append(exts, e)
				}
			}
			prefix := config.QuoteGlob(dir) + "/"
			if dir == "." {
				prefix = ""
			}
			out = append(out, prefix+"*."+extGlob(exts))
			continue
		}
		out = append(out, config.QuoteGlob(p))
	}
	return out
}

// The shape of a postmortem.
var (
	// postmortemFields are front-matter fields only a postmortem has.
	postmortemFields = []string{"severity", "impact", "started", "detected", "mitigated", "resolved", "timeline", "action_items", "durations"}
	// strongSections are the section kinds that mark a postmortem; their
	// generic names ("Why", "Next steps", "Data") do not count.
	strongSections = []SectionKind{SectionImpact, SectionTimeline, SectionFactors, SectionLessons, SectionActionItems}
	weakHeadings   = map[string]bool{
		"why": true, "trigger": true, "causes": true, "next steps": true, "actions": true, "todo": true,
		"remediation": true, "remediations": true, "triggers": true, "recommendations": true,
		"action plan": true, "takeaways": true, "key takeaways": true, "what we learned": true,
		"prevention": true, "going forward": true, "moving forward": true, "what's next": true, "what is next": true,
		"fault": true, "leadup": true, "lead-up": true, "lead up": true,
	}
	// docHeadings mark documentation, design documents and READMEs.
	docHeadings = map[string]bool{
		"installation": true, "install": true, "usage": true, "getting started": true, "configuration": true,
		"api": true, "api reference": true, "motivation": true, "goals": true, "non-goals": true, "alternatives": true,
		"alternatives considered": true, "license": true, "contributing": true, "requirements": true,
		"prerequisites": true, "faq": true, "examples": true, "features": true, "roadmap": true, "quick start": true,
		"quickstart": true, "proposal": true, "design": true, "rollout plan": true, "options": true, "parameters": true,
	}
	// guideTitleRE finds words that name a guide about postmortems rather
	// than one: "How to write a postmortem", "incident-process.md".
	guideTitleRE = regexp.MustCompile(`(?i)\b(guides?|guidelines?|how to|howto|process|template|policy|policies|handbook|playbook|runbook|checklist|training|tutorial|readme)\b`)
	// reportTitleRE finds words that name a report in a title or file name.
	reportTitleRE = regexp.MustCompile(`(?i)\b(post-?mortem|post mortem|incident|outage|rca|root cause|retrospective|retro|disclosure|coe|correction of errors)\b`)
	// incidentWordRE finds words that name an incident's report, not a
	// team's retrospective.
	incidentWordRE = regexp.MustCompile(`(?i)\b(post-?mortem|post mortem|incident|outage|rca|root cause|disclosure|coe|correction of errors)\b`)
	// pathDateRE finds a date in a file or folder name: 2021-05-04,
	// 20210504, 04-05-2021, 2021-05, 2021_05.
	pathDateRE = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)\d\d[-_.]?(?:0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?|(?:0?[1-9]|[12]\d|3[01])[-_.](?:0?[1-9]|1[0-2])[-_.](?:19|20)\d\d)(?:[^0-9]|$)`)
	yearRE     = regexp.MustCompile(`^(?:19|20)\d\d$`)
	fmKeyRE    = regexp.MustCompile(`^"?([A-Za-z_][A-Za-z0-9_ -]{0,40}?)"?\s*[:=]`)
)

// shapeOf says why the start of a file is a postmortem's, or "" when it
// is not: front matter with a postmortem's fields; or two of these: a
// postmortem's section headings (each kind once), key lines such as
// "**Severity:**", a title or file name naming an incident; or a date in
// its path and a Timeline heading. Headings of documentation (Usage,
// Installation, Motivation, …) count against.
func shapeOf(cfg *config.Config, rel string, head []byte) string {
	if !markdownText(head) {
		return ""
	}
	head = Normalize(head)
	body := head
	if open, line := firstLine(head); open == "---" || open == "+++" {
		lines := strings.Split(string(head), "\n")
		for i := line; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i])
			if t == open {
				body = []byte(strings.Join(lines[i+1:], "\n"))
				break
			}
			if m := fmKeyRE.FindStringSubmatch(lines[i]); m != nil && slices.Contains(postmortemFields, cfg.FieldFor(m[1])) {
				return fmt.Sprintf("front matter key %q", m[1])
			}
		}
	}
	var signs []string
	kinds := map[SectionKind]bool{}
	timeline, titled := false, false
	score := 0
	for _, h := range scanHeadings(body) {
		key := headingKey(h.text)
		if h.level == 1 && !titled && reportTitleRE.MatchString(h.text) {
			titled = true
			score++
			signs = append(signs, fmt.Sprintf("title %q", stripInline(h.text)))
		}
		if docHeadings[key] {
			score--
			continue
		}
		k := kindOfKey(key)
		if k == SectionTimeline {
			timeline = true
		}
		if !slices.Contains(strongSections, k) || weakHeadings[withoutArticle(key)] || kinds[k] {
			continue
		}
		kinds[k] = true
		score++
		signs = append(signs, fmt.Sprintf("heading %q", stripInline(h.text)))
	}
	name := strings.NewReplacer("-", " ", "_", " ").Replace(path.Base(rel))
	if !titled && reportTitleRE.MatchString(name) {
		score++
		signs = append(signs, "file name")
	}
	if guideTitleRE.MatchString(name) || guideTitleRE.MatchString(firstH1(body)) {
		return "" // a guide to writing postmortems has their headings
	}
	keyLine := false
	for _, l := range strings.SplitN(string(body), "\n", bodyLimit) {
		k, v, _ := splitKeyLine(strings.TrimSpace(l))
		if k != "" && strings.TrimSpace(v) != "" && slices.Contains(postmortemFields, cfg.FieldFor(k)) {
			score++
			signs = append(signs, fmt.Sprintf("key line %q", k))
			keyLine = true
			break
		}
	}
	if !keyLine && !kinds[SectionImpact] && !kinds[SectionTimeline] && !kinds[SectionFactors] && !timeline &&
		!incidentWordRE.MatchString(firstH1(body)) && !incidentWordRE.MatchString(name) {
		// "What went well", "What went wrong" and "Action items" under
		// "Q3 retro": a team's retrospective, not an incident's. An
		// incident's report says what broke: an impact, a timeline, a
		// cause, a severity, or so in its title.
		return ""
	}
	if score >= 2 {
		return strings.Join(signs, ", ")
	}
	if timeline && datedPath(rel) && score >= 0 {
		return "a date in its path and a Timeline heading"
	}
	return ""
}

// firstH1 is the text of the first level-1 heading, or "".
func firstH1(body []byte) string {
	for _, h := range scanHeadings(body) {
		if h.level == 1 {
			return h.text
		}
	}
	return ""
}

// datedPath reports whether a file's name or one of its folders has a
// date, or a year folder: 2021-05-04-db.md, 2021-05/, 2024/10/.
func datedPath(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if pathDateRE.MatchString(part) || yearRE.MatchString(part) {
			return true
		}
	}
	return false
}
