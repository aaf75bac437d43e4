package scaffold

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// Adoption: `inquest adopt` writes into each postmortem without front
// matter the front matter inquest inferred for it, and into inquest.yaml
// what discovery and the learned scales settled, so that a repository can
// move to the native format in one reviewable change. The body of every
// file stays byte for byte as it was, and what inquest reads afterwards
// is what it read before: each file's new text is parsed and compared with
// its old one before it is accepted.

// AdoptOptions are the options of Adopt.
type AdoptOptions struct {
	// Fill adds to files that already have YAML front matter the
	// inferred keys it lacks. Without it such files are left alone: their
	// authors chose what to write.
	Fill bool
}

// Adoption is what Adopt would write.
type Adoption struct {
	// Changes are the files to write, postmortems by path, then
	// inquest.yaml.
	Changes []Change
	// Notes say what was left alone or left out, and why.
	Notes []Note
	// Kept counts the postmortems with front matter left alone (without
	// AdoptOptions.Fill).
	Kept int
}

// Change is one file Adopt writes.
type Change struct {
	// Path is the repository-relative slash path.
	Path string
	// Old is the file as it is (nil when Created); New as Adopt writes it.
	Old, New []byte
	Created  bool
	// Keys are the front-matter or configuration keys added, in order.
	Keys []string
}

// Note is something Adopt left alone or left out.
type Note struct {
	Path    string
	Message string
}

// fieldOrder is the order keys are written in: as a postmortem's front
// matter is usually written.
var fieldOrder = []string{
	"id", "title", "date", "severity", "status", "owner", "reviewers", "tags", "services",
	"summary", "impact", "started", "detected", "mitigated", "resolved", "durations",
	"visibility", "related",
}

// timing are the keys that decide where a timeline's times fall: when
// writing them would change what is read, adopt leaves them out.
var timing = []string{"date", "started", "detected", "mitigated", "resolved", "durations"}

// Adopt works out what `inquest adopt` writes for a repository loaded with
// its history (repo.Load with History), so that dates from Git are known.
func Adopt(ctx context.Context, rp *repo.Repo, opts AdoptOptions) (*Adoption, error) {
	a := &Adoption{}
	p := postmortem.NewParser(rp.Config).WithDateOrder(rp.Set.DateOrder)
	for _, inc := range rp.Set.Incidents {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := a.adoptFile(rp, p, inc, opts); err != nil {
			return nil, err
		}
	}
	if err := a.adoptConfig(rp); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Adoption) note(path, format string, args ...any) {
	a.Notes = append(a.Notes, Note{Path: path, Message: fmt.Sprintf(format, args...)})
}

// adoptFile adds the change of one postmortem, or a note saying why there
// is none.
func (a *Adoption) adoptFile(rp *repo.Repo, p *postmortem.Parser, inc *postmortem.Incident, opts AdoptOptions) error {
	if inc.Broken {
		a.note(inc.Source, "left alone: it could not be read as a postmortem")
		return nil
	}
	// Read under the work tree's rule; write only what is no link.
	f, err := rp.Tree.Resolve(inc.Source)
	if err != nil {
		a.note(inc.Source, "left alone: %v", err)
		return nil
	}
	if f.Linked {
		a.note(inc.Source, "left alone: it is reached through a symbolic link; adopt %s where it lives", f.Real)
		return nil
	}
	old, err := rp.Tree.ReadFile(inc.Source, postmortem.MaxFileSize)
	if err != nil {
		return fmt.Errorf("%s: %w", inc.Source, err)
	}
	fm, _, bodyLine, err := postmortem.SplitFrontMatter(postmortem.Normalize(old))
	has := fm.Format != ""
	switch {
	case has && !opts.Fill:
		a.Kept++
		return nil
	case has && err != nil:
		a.note(inc.Source, "left alone: its front matter does not parse; fix it first")
		return nil
	case has && fm.Format != "yaml":
		a.note(inc.Source, "left alone: --fill writes into YAML front matter, and this file's is %s", strings.ToUpper(fm.Format))
		return nil
	}
	written := p.Fields(old) // the fields its front matter has, under any alias
	keys := inferredKeys(inc, written)
	if prop := proposeFactors(inc, rp.Config, written); prop != nil && !(has && proposed(old, bodyLine)) {
		keys = append(keys, prop.lines()...)
	}
	if len(keys) == 0 {
		return nil
	}
	before := reparse(p, rp.Config, inc, old)
	// The id the whole repository gave it, which is one of its own when
	// another report's name gives the same (postmortem.Validate); read
	// alone the file has its name's. Writing that id keeps it.
	before.ID = inc.ID
	var left []string
	for _, drop := range [][]string{nil, {"date"}, timing} {
		try := slices.DeleteFunc(slices.Clone(keys), func(k key) bool { return slices.Contains(drop, k.name) })
		if len(try) == 0 {
			for _, k := range keys {
				a.note(inc.Source, "%s left out: written as front matter it would change what inquest reads (%s); it stays inferred", k.name, left[0])
			}
			return nil
		}
		var text []byte
		if has {
			text, err = fillFrontMatter(old, bodyLine, try)
		} else {
			text, err = addFrontMatter(old, try)
		}
		if err != nil {
			a.note(inc.Source, "left alone: %v", err)
			return nil
		}
		after := reparse(p, rp.Config, inc, text)
		if diff := modelDiff(before, after, slices.ContainsFunc(try, func(k key) bool { return k.name == "date" })); diff != "" {
			left = append(left, diff)
			continue
		}
		for _, k := range keys {
			if !slices.ContainsFunc(try, func(t key) bool { return t.name == k.name }) {
				a.note(inc.Source, "%s left out: written as front matter it would change what inquest reads (%s); it stays inferred", k.name, left[0])
			}
		}
		var names []string
		for _, k := range try {
			switch {
			case k.name != "":
				names = append(names, k.name)
			case strings.HasPrefix(k.comment, "# factors:"):
				names = append(names, "factors (proposed, as a comment)")
			}
		}
		a.Changes = append(a.Changes, Change{Path: inc.Source, Old: old, New: text, Keys: names})
		return nil
	}
	a.note(inc.Source, "left alone: front matter would change what inquest reads from it (%s)", strings.Join(slices.Compact(left), "; "))
	return nil
}

// key is one front-matter line to write: a key and its value, or a
// comment.
type key struct {
	name    string
	value   string // YAML, as written after "name: "
	comment string // the whole line, "# …", when name is ""
}

// inferredKeys are the keys to write for what inc inferred and its front
// matter does not have.
func inferredKeys(inc *postmortem.Incident, written map[string]string) []key {
	inferred := map[string]postmortem.Inference{}
	for _, x := range inc.Inferred {
		if _, ok := inferred[x.Field]; !ok {
			inferred[x.Field] = x
		}
	}
	var out []key
	for _, f := range fieldOrder {
		x, ok := inferred[f]
		if _, has := written[f]; !ok || has {
			continue
		}
		if v, ok := adoptValue(inc, f, x); ok {
			out = append(out, key{name: f, value: v})
		}
	}
	return out
}

// adoptValue is the YAML for a field's value as the incident holds it, and
// false for a field not worth writing: a summary taken from the Summary
// section, or from the first paragraph, is found there again.
func adoptValue(inc *postmortem.Incident, field string, x postmortem.Inference) (string, bool) {
	at := func(t time.Time) (string, bool) { return t.UTC().Format(time.RFC3339), !t.IsZero() }
	switch field {
	case "id":
		return yamlScalar(inc.ID), inc.ID != ""
	case "title":
		return yamlScalar(inc.Title), inc.Title != ""
	case "date":
		if inc.DatePrecision == postmortem.DateMonth {
			return inc.Date.Format("2006-01"), true
		}
		return inc.Date.Format("2006-01-02"), !inc.Date.IsZero()
	case "severity":
		return yamlScalar(inc.Severity), inc.Severity != ""
	case "status":
		return yamlScalar(inc.Status), inc.Status != ""
	case "owner":
		return yamlScalar(inc.Owner), inc.Owner != ""
	case "reviewers":
		return yamlList(inc.Reviewers), len(inc.Reviewers) > 0
	case "tags":
		return yamlList(inc.Tags), len(inc.Tags) > 0
	case "services":
		return yamlList(inc.Services), len(inc.Services) > 0
	case "related":
		return yamlList(inc.Related), len(inc.Related) > 0
	case "summary":
		return yamlScalar(inc.Summary), inc.Summary != "" && x.From != "summary section" && x.From != "first paragraph"
	case "impact":
		d, ok := inc.Impact["description"].(string)
		return yamlScalar(d), ok && len(inc.Impact) == 1
	case "visibility":
		return yamlScalar(inc.Visibility), inc.Visibility != ""
	case "started":
		return at(inc.Started)
	case "detected":
		return at(inc.Detected)
	case "mitigated":
		return at(inc.Mitigated)
	case "resolved":
		return at(inc.Resolved)
	case "durations":
		// The phases the milestones do not give: those are found again.
		since := func(t time.Time) time.Duration {
			if t.IsZero() || inc.Started.IsZero() || t.Before(inc.Started) {
				return 0
			}
			return t.Sub(inc.Started)
		}
		var parts []string
		for _, ph := range []struct {
			name      string
			d, derive time.Duration
		}{{"detect", inc.Durations.Detect, since(inc.Detected)}, {"mitigate", inc.Durations.Mitigate, since(inc.Mitigated)}, {"resolve", inc.Durations.Resolve, since(inc.Resolved)}} {
			if ph.d > 0 && ph.d != ph.derive {
				parts = append(parts, ph.name+": "+goDuration(ph.d))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}", len(parts) > 0
	}
	return "", false
}

// goDuration writes a duration as front matter reads it, in its shortest
// Go form: "15m", "1h43m", "144h".
func goDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// lineEnding is the line ending a file uses.
func lineEnding(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i > 0 && b[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// yamlLines writes keys as front-matter lines.
func yamlLines(keys []key, eol string) []byte {
	var b bytes.Buffer
	for _, k := range keys {
		if k.name == "" {
			b.WriteString(k.comment + eol)
			continue
		}
		b.WriteString(k.name + ": " + k.value + eol)
	}
	return b.Bytes()
}

// addFrontMatter puts front matter before content, after a byte-order
// mark, in the file's own line endings.
func addFrontMatter(content []byte, keys []key) ([]byte, error) {
	const bom = "\xef\xbb\xbf"
	eol := lineEnding(content)
	var b bytes.Buffer
	rest := content
	if bytes.HasPrefix(content, []byte(bom)) {
		b.WriteString(bom)
		rest = content[len(bom):]
	}
	b.WriteString("---" + eol)
	b.Write(yamlLines(keys, eol))
	b.WriteString("---" + eol)
	b.Write(rest)
	return b.Bytes(), nil
}

// fillFrontMatter adds keys at the end of a file's YAML front matter,
// before its closing line, the line before bodyLine.
func fillFrontMatter(content []byte, bodyLine int, keys []key) ([]byte, error) {
	off := 0
	for line := 1; line < bodyLine-1; line++ {
		i := bytes.IndexByte(content[off:], '\n')
		if i < 0 {
			return nil, errors.New("front matter ends before its closing line")
		}
		off += i + 1
	}
	if end := bytes.IndexByte(content[off:], '\n'); end < 0 || strings.TrimSpace(string(content[off:off+end])) != "---" {
		return nil, errors.New("the front matter's closing line is not where it was read")
	}
	var b bytes.Buffer
	b.Write(content[:off])
	b.Write(yamlLines(keys, lineEnding(content)))
	b.Write(content[off:])
	return b.Bytes(), nil
}

// reparse parses a version of inc's file as the load did: with the
// repository's date order, its history and the date it gives, validated.
func reparse(p *postmortem.Parser, cfg *config.Config, inc *postmortem.Incident, content []byte) *postmortem.Incident {
	x := p.Parse(inc.Source, content)
	x.History = inc.History
	x.DateFromHistory()
	postmortem.Validate(cfg, []*postmortem.Incident{x})
	return x
}

// modelDiff says how what inquest reads from after differs from before:
// the exported fields that differ, and the findings either has that the
// other has not. Findings about reading a date ("date" warnings and notes)
// may go when the date is written.
func modelDiff(before, after *postmortem.Incident, dateWritten bool) string {
	var diffs []string
	ja, jb := exported(before), exported(after)
	for _, k := range sortedKeys(ja, jb) {
		if !bytes.Equal(ja[k], jb[k]) {
			diffs = append(diffs, k)
		}
	}
	// Findings as counts, lines aside: the front matter moves the body.
	type finding struct{ level, rule, msg string }
	counts := func(fs []postmortem.Finding) map[finding]int {
		m := map[finding]int{}
		for _, f := range fs {
			m[finding{f.Level, f.Rule, lineRE.ReplaceAllString(f.Message, "line N")}]++
		}
		return m
	}
	fa, fb := counts(before.Findings), counts(after.Findings)
	var all []finding
	for f := range fa {
		all = append(all, f)
	}
	for f := range fb {
		if _, ok := fa[f]; !ok {
			all = append(all, f)
		}
	}
	slices.SortFunc(all, func(x, y finding) int { return strings.Compare(x.msg, y.msg) })
	for _, f := range all {
		switch a, b := fa[f], fb[f]; {
		case a == b:
		case b < a && dateWritten && f.rule == "date" && f.level != postmortem.LevelError:
			// A date read with a warning is now written.
		case b < a:
			diffs = append(diffs, "no more "+strconv.Quote(f.msg))
		default:
			diffs = append(diffs, "new finding "+strconv.Quote(f.msg))
		}
	}
	return strings.Join(diffs, ", ")
}

// lineRE finds the lines a finding's message names ("(line 8)"), which
// the front matter moves.
var lineRE = regexp.MustCompile(`\bline \d+`)

// exported is an incident's JSON without its history, by key.
func exported(inc *postmortem.Incident) map[string]json.RawMessage {
	j := inc.ToJSON()
	j.History = nil
	data, _ := json.Marshal(j)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(data, &m)
	return m
}

func sortedKeys(ms ...map[string]json.RawMessage) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// adoptConfig adds to inquest.yaml the lines that pin what inquest found
// and learned with nothing configured: content, and the severities; the
// repository's own status words as a comment, since setting statuses
// would make them steps of inquest's workflow, which they are not.
// Existing keys and comments are kept as written.
func (a *Adoption) adoptConfig(rp *repo.Repo) error {
	cfg := rp.Config
	name := filepath.Join(rp.Root, config.FileName)
	if fi, err := os.Lstat(name); err == nil && !fi.Mode().IsRegular() {
		a.note(config.FileName, "left alone: it is not a regular file")
		return nil
	}
	old, err := os.ReadFile(name)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return err
	}
	eol := lineEnding(old)
	var add bytes.Buffer
	var keys []string
	line := func(k, s string) {
		s = strings.ReplaceAll(s, "\n", eol)
		if !bytes.Contains(old, []byte(strings.TrimSuffix(s, eol))) {
			add.WriteString(s)
			keys = append(keys, k)
		}
	}
	if d := rp.Set.Discovery; cfg.AutoContent && d != nil && len(d.Content) > 0 {
		line("content", "content: ["+repo.QuoteList(d.Content)+"]\n")
	}
	if cfg.AutoSeverities && len(cfg.Severities) > 0 {
		// A configured scale takes every spelling of its levels ("Sev 2"
		// for SEV2), as the learned one does: pinning it changes nothing.
		line("severities", "severities: "+yamlList(cfg.Severities)+"\n")
	}
	if own := ownStatuses(cfg); cfg.AutoStatuses && len(own) > 0 {
		line("statuses (as a comment)", "# The postmortems' own status words ("+strings.Join(own, ", ")+") are accepted beside\n"+
			"# inquest's workflow while statuses is not set. Setting it makes them steps of\n"+
			"# the workflow, checked as postmortems in review:\n# statuses: "+yamlList(cfg.Statuses)+"\n")
	}
	if add.Len() == 0 {
		return nil
	}
	var b bytes.Buffer
	switch {
	case created:
		b.WriteString("# inquest.yaml: every key is optional (see the README). Written by inquest adopt" + eol +
			"# from what inquest found with no configuration." + eol)
	default:
		b.Write(old)
		if len(old) > 0 && old[len(old)-1] != '\n' {
			b.WriteString(eol)
		}
		b.WriteString(eol + "# Added by inquest adopt: what inquest found with no configuration." + eol)
	}
	b.Write(add.Bytes())
	text := b.Bytes()
	// What the file then says must be what inquest found.
	got, err := config.Parse(text, config.FileName)
	switch {
	case err != nil:
		a.note(config.FileName, "left alone: with the lines adopt would add it does not parse (%v); add them by hand:\n%s", err, add.String())
		return nil
	case slices.Contains(keys, "content") && !slices.Equal(got.Content, rp.Set.Discovery.Content),
		slices.Contains(keys, "severities") && !slices.Equal(got.Severities, cfg.Severities):
		a.note(config.FileName, "left alone: the lines adopt would add do not take effect in it; add them by hand:\n%s", add.String())
		return nil
	}
	if created {
		old = nil
	}
	a.Changes = append(a.Changes, Change{Path: config.FileName, Old: old, New: text, Created: created, Keys: keys})
	return nil
}

// ownStatuses are the status words learned beside inquest's workflow.
func ownStatuses(cfg *config.Config) []string {
	var own []string
	for _, s := range cfg.Statuses {
		if !slices.ContainsFunc(config.DefaultStatuses, func(d string) bool { return strings.EqualFold(d, s) }) {
			own = append(own, s)
		}
	}
	return own
}

// Diff writes the unified diff of every change.
func (a *Adoption) Diff(w io.Writer) error {
	for _, c := range a.Changes {
		if err := WriteDiff(w, c.Path, c.Old, c.New, c.Created); err != nil {
			return err
		}
	}
	return nil
}

// Write writes every change under root, each file replaced at once and
// keeping its mode.
func (a *Adoption) Write(root string) error {
	for _, c := range a.Changes {
		name := filepath.Join(root, filepath.FromSlash(c.Path))
		mode := fs.FileMode(0o644)
		if fi, err := os.Stat(name); err == nil {
			mode = fi.Mode().Perm()
		}
		tmp, err := os.CreateTemp(filepath.Dir(name), ".inquest-adopt-*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(c.New)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), mode)); err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("%s: %w", c.Path, err)
		}
		if err := os.Rename(tmp.Name(), name); err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("%s: %w", c.Path, err)
		}
	}
	return nil
}
