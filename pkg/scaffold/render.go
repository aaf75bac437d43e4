package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Data are the values of a new postmortem, the fields a template can use:
// {{.Title}}, {{.ID}}, {{.Date}}, {{.Severity}}, {{.Owner}}, {{.Tags}} and
// {{.Services}}.
type Data struct {
	Title    string
	ID       string
	Date     string // YYYY-MM-DD
	Severity string
	Owner    string
	Tags     List
	Services List
}

// List is a list of values. A template prints it as a YAML flow sequence,
// [a, b], so `tags: {{.Tags}}` is valid front matter; {{range .Tags}} walks it.
type List []string

// String returns the list as a YAML flow sequence.
func (l List) String() string { return yamlList(l) }

// RenderOptions control how Render makes the front matter agree with Data.
type RenderOptions struct {
	// Set names the canonical fields (id, title, date, severity, owner,
	// tags, services) whose front-matter values must be Data's whatever the
	// template wrote; a field named here and missing from the front matter
	// is added. The other fields are filled in only where the template left
	// them empty.
	Set []string
	// FieldFor maps a front-matter key to its canonical field name, so that
	// aliases (incident_id, sev, labels, …) are recognised; typically
	// (*config.Config).FieldFor. Nil takes keys as written.
	FieldFor func(key string) string
}

// Render executes a postmortem template, a text/template named name (for
// error messages), with d. Templates may use the functions yaml (a value
// quoted as a YAML scalar or flow sequence when needed) and join.
//
// A repository's template may predate inquest and hold placeholders such as
// `id: INC-YYYY-NNN` or `title: ""`, so when the result has YAML front
// matter Render then sets the fields of d there, as RenderOptions.Set says:
// a value is replaced only when it differs, keeping the template's layout
// and comments.
func Render(name string, tmpl []byte, d Data, opts RenderOptions) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{
		"yaml": yamlValue,
		"join": func(l List, sep string) string { return strings.Join(l, sep) },
	}).Parse(string(tmpl))
	if err != nil {
		return nil, templateError(err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, templateError(err)
	}
	return fill(b.Bytes(), d, opts), nil
}

// templateError drops text/template's "template: " prefix, leaving the
// path:line:col: message form of every other inquest error.
func templateError(err error) error {
	return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "template: "))
}

// yamlValue is the template function yaml.
func yamlValue(v any) string {
	switch x := v.(type) {
	case string:
		return yamlScalar(x)
	case List:
		return yamlList(x)
	case []string:
		return yamlList(x)
	default:
		return yamlScalar(fmt.Sprint(v))
	}
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// yamlScalar returns s as a plain YAML scalar when that reads back as the
// same string, else double-quoted.
func yamlScalar(s string) string {
	if dateRE.MatchString(s) || plainOK(s) {
		return s
	}
	return quote(s)
}

// plainOK reports whether s written unquoted after "key: " reads back as the
// string s: not a number, boolean or null, no ": " or " #", no indicator
// character first, one line.
func plainOK(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\r\t") {
		return false
	}
	var v map[string]any
	if err := yaml.Unmarshal([]byte("v: "+s), &v); err != nil {
		return false
	}
	got, ok := v["v"].(string)
	return ok && got == s
}

// yamlList returns items as a YAML flow sequence, quoting the items that
// would not read back as themselves.
func yamlList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		if plainOK(s) && !strings.ContainsAny(s, ",[]{}") {
			parts[i] = s
		} else {
			parts[i] = quote(s)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// quote returns s as a double-quoted scalar: JSON strings are valid YAML.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// keyRE matches a top-level key line of YAML front matter.
var keyRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_ -]*?)[ \t]*:(?:[ \t](.*))?$`)

// fill makes the YAML front matter of doc agree with d (see Render). doc
// without YAML front matter is returned unchanged.
func fill(doc []byte, d Data, opts RenderOptions) []byte {
	lines := strings.SplitAfter(string(doc), "\n")
	first := strings.TrimPrefix(lines[0], "\ufeff")
	if strings.TrimRight(first, " \t\r\n") != "---" {
		return doc
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t\r\n"); t == "---" || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return doc // unclosed: check reports it
	}
	eol := "\n"
	if strings.HasSuffix(lines[0], "\r\n") {
		eol = "\r\n"
	}
	want := map[string]any{
		"id": d.ID, "title": d.Title, "date": d.Date, "severity": d.Severity,
		"owner": d.Owner, "tags": []string(d.Tags), "services": []string(d.Services),
	}
	fieldFor := opts.FieldFor
	if fieldFor == nil {
		fieldFor = func(k string) string { return k }
	}

	out := []string{lines[0]}
	seen := map[string]bool{}
	for i := 1; i < end; {
		m := keyRE.FindStringSubmatch(strings.TrimRight(lines[i], "\r\n"))
		if m == nil {
			out = append(out, lines[i])
			i++
			continue
		}
		// The value runs on over indented lines, block sequence items and
		// comments; comments and blank lines after it belong to the next key.
		next := i + 1
		for next < end && continues(lines[next]) {
			next++
		}
		for next > i+1 && (strings.TrimSpace(lines[next-1]) == "" || strings.HasPrefix(lines[next-1], "#")) {
			next--
		}
		field := fieldFor(m[1])
		w, known := want[field]
		if !known || seen[field] || isEmptyWant(w) {
			out = append(out, lines[i:next]...)
			i = next
			continue
		}
		seen[field] = true
		cur, comment, err := parseValue(m[2], lines[i+1:next])
		var replace bool
		if slices.Contains(opts.Set, field) {
			replace = err != nil || !equalValue(cur, w)
		} else {
			replace = err != nil || isEmptyNode(cur)
		}
		if !replace {
			out = append(out, lines[i:next]...)
		} else {
			line := m[1] + ": " + yamlValue(w)
			if comment != "" && next == i+1 {
				line += " " + comment
			}
			out = append(out, line+eol)
		}
		i = next
	}
	for _, field := range []string{"id", "title", "date", "severity", "owner", "tags", "services"} {
		if slices.Contains(opts.Set, field) && !seen[field] && !isEmptyWant(want[field]) {
			out = append(out, field+": "+yamlValue(want[field])+eol)
		}
	}
	out = append(out, lines[end:]...)
	return []byte(strings.Join(out, ""))
}

// continues reports whether a front-matter line belongs to the value of the
// key above it.
func continues(line string) bool {
	if strings.TrimSpace(line) == "" {
		return true
	}
	switch line[0] {
	case ' ', '\t', '-', '#':
		return true
	}
	return false
}

// parseValue decodes the value of one key: rest is what follows the colon on
// the key's line, more the lines after it. It returns the value's node and
// its line comment.
func parseValue(rest string, more []string) (*yaml.Node, string, error) {
	var doc yaml.Node
	src := "v: " + rest + "\n" + strings.Join(more, "")
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, "", err
	}
	if len(doc.Content) != 1 || len(doc.Content[0].Content) != 2 {
		return nil, "", fmt.Errorf("not a single key")
	}
	v := doc.Content[0].Content[1]
	return v, v.LineComment, nil
}

func isEmptyWant(w any) bool {
	switch x := w.(type) {
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return true
}

// isEmptyNode reports whether a value is null, "", [] or {}.
func isEmptyNode(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Tag == "!!null" || n.Value == ""
	case yaml.SequenceNode, yaml.MappingNode:
		return len(n.Content) == 0
	}
	return false
}

// equalValue compares a decoded value with a wanted string or list.
func equalValue(n *yaml.Node, w any) bool {
	switch x := w.(type) {
	case string:
		return n.Kind == yaml.ScalarNode && n.Tag != "!!null" && n.Value == x
	case []string:
		if n.Kind != yaml.SequenceNode || len(n.Content) != len(x) {
			return false
		}
		for i, c := range n.Content {
			if c.Kind != yaml.ScalarNode || c.Value != x[i] {
				return false
			}
		}
		return true
	}
	return false
}

var idRE = regexp.MustCompile(`(?i)^INC-(\d{4})-(\d{1,9})$`)

// NextID returns the id of a new incident of year: INC-YEAR-NNN, one more
// than the highest INC-YEAR-NNN among ids (compared case-insensitively),
// starting at 001.
func NextID(ids []string, year int) string {
	highest := 0
	for _, id := range ids {
		m := idRE.FindStringSubmatch(id)
		if m == nil || m[1] != fmt.Sprintf("%04d", year) {
			continue
		}
		var n int
		fmt.Sscanf(m[2], "%d", &n)
		highest = max(highest, n)
	}
	return fmt.Sprintf("INC-%04d-%03d", year, highest+1)
}
