package postmortem

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"
)

// FrontMatter is the decoded front matter of a file.
type FrontMatter struct {
	// Format is "yaml", "toml", "json" or "" when the file has none.
	Format string
	// Values holds every key as written, decoded.
	Values map[string]any
	// Keys lists the keys in the order they were written.
	Keys []string
	// Lines maps a key to the file line it was written on.
	Lines map[string]int
	// Line is the file line of the opening delimiter; 0 without front matter.
	Line int
}

// KeyLine returns the file line of key, or the opening line when the key is
// absent.
func (fm *FrontMatter) KeyLine(key string) int {
	if l, ok := fm.Lines[key]; ok {
		return l
	}
	if fm.Line > 0 {
		return fm.Line
	}
	return 1
}

// SyntaxError is malformed front matter, at a file line.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Normalize strips a UTF-8 byte-order mark and turns CRLF line endings into
// LF, keeping line numbers.
func Normalize(content []byte) []byte {
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(content, '\r') >= 0 {
		content = bytes.ReplaceAll(content, []byte("\r\n"), []byte("\n"))
	}
	return content
}

// SplitFrontMatter separates front matter from the Markdown body of
// normalised content. It returns the body and the file line on which the
// body starts. A syntax error is returned as *SyntaxError with the body
// still split off when the closing delimiter was found.
func SplitFrontMatter(content []byte) (*FrontMatter, []byte, int, error) {
	return splitFrontMatter(content, true)
}

// splitRaw is SplitFrontMatter without decoding the front matter: its
// FrontMatter has the format and line only.
func splitRaw(content []byte) (*FrontMatter, []byte, int, error) {
	return splitFrontMatter(content, false)
}

func splitFrontMatter(content []byte, decode bool) (*FrontMatter, []byte, int, error) {
	fm := &FrontMatter{Values: map[string]any{}, Lines: map[string]int{}}
	open, openLine := firstLine(content)
	var format string
	switch open {
	case "---", "---yaml":
		format = "yaml"
	case "+++", "---toml":
		format = "toml"
	case "{", ";;;", "---json":
		format = "json"
	default:
		return fm, content, 1, nil
	}
	fm.Format, fm.Line = format, openLine
	dataLine := openLine + 1
	if open == "{" {
		dataLine = openLine
	}

	var raw []byte
	var decodeErr error
	capture := func(data []byte, _ any) error {
		raw = data
		if decode {
			decodeErr = fm.decode(data, dataLine)
		}
		return nil
	}
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", capture),
		frontmatter.NewFormat("---yaml", "---", capture),
		frontmatter.NewFormat("+++", "+++", capture),
		frontmatter.NewFormat("---toml", "---", capture),
		frontmatter.NewFormat(";;;", ";;;", capture),
		frontmatter.NewFormat("---json", "---", capture),
		{Start: "{", End: "}", Unmarshal: capture, UnmarshalDelims: true, RequiresNewLine: true},
	}
	body, err := frontmatter.Parse(bytes.NewReader(content), nil, formats...)
	if err != nil {
		return fm, content, 1, &SyntaxError{Line: openLine, Msg: err.Error()}
	}
	if raw == nil {
		closing := map[string]string{"---": "---", "---yaml": "---", "---toml": "---", "---json": "---", "+++": "+++", ";;;": ";;;", "{": "}"}[open]
		fm.Format = ""
		return fm, content, 1, &SyntaxError{Line: openLine, Msg: fmt.Sprintf("front matter opened with %q is never closed by a %q line", open, closing)}
	}
	// frontmatter.Parse returns the body in a copy of the whole content,
	// grown by doubling; the same bytes at the end of content cost nothing
	// to keep.
	body = content[len(content)-len(body):]
	bodyLine := 1 + bytes.Count(content[:len(content)-len(body)], []byte("\n"))
	return fm, body, bodyLine, decodeErr
}

// firstLine returns the first non-blank line, trimmed, and its number.
func firstLine(content []byte) (string, int) {
	line := 1
	for len(content) > 0 {
		i := bytes.IndexByte(content, '\n')
		var l []byte
		if i < 0 {
			l, content = content, nil
		} else {
			l, content = content[:i], content[i+1:]
		}
		if t := bytes.TrimSpace(l); len(t) > 0 {
			return string(t), line
		}
		line++
	}
	return "", 0
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// Bounds checked before front matter is decoded: a TOML decoder given
// extra = [[[…]]] a million levels deep overflowed the stack and killed
// the process, 20,000 levels of inline tables took 4 minutes and 16 GB,
// and a value 10,000 levels deep decoded but failed the site's JSON API.
const (
	// MaxFrontMatterSize is the largest front matter decoded, in bytes.
	MaxFrontMatterSize = 1 << 20
	// MaxFrontMatterDepth is the deepest nesting of lists and tables.
	MaxFrontMatterDepth = 32
)

func (fm *FrontMatter) decode(data []byte, dataLine int) error {
	if len(data) > MaxFrontMatterSize {
		return &SyntaxError{Line: dataLine, Msg: fmt.Sprintf("%s: front matter of %d bytes is larger than the %d-byte limit", fm.Format, len(data), MaxFrontMatterSize)}
	}
	if fm.Format != "yaml" {
		if line, deep := tooDeep(data, fm.Format == "toml"); deep {
			return fm.depthError(dataLine + line - 1)
		}
	}
	switch fm.Format {
	case "yaml":
		return fm.decodeYAML(data, dataLine)
	case "toml":
		var m map[string]any
		md, err := toml.Decode(string(data), &m)
		if err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return &SyntaxError{Line: dataLine + pe.Position.Line - 1, Msg: "toml: " + pe.Message}
			}
			return &SyntaxError{Line: dataLine, Msg: "toml: " + err.Error()}
		}
		for _, k := range md.Keys() {
			if len(k) == 1 {
				fm.add(k[0], m[k[0]], 0)
			}
		}
		fm.findLines(data, dataLine)
		return nil
	default:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			line := dataLine
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line += bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			}
			return &SyntaxError{Line: line, Msg: "json: " + err.Error()}
		}
		for k, v := range m {
			fm.Values[k] = jsonNumbers(v)
		}
		fm.findLines(data, dataLine)
		// Order JSON keys as written.
		fm.Keys = make([]string, 0, len(m))
		for k := range m {
			fm.Keys = append(fm.Keys, k)
		}
		sortByLine(fm.Keys, fm.Lines)
		return nil
	}
}

func (fm *FrontMatter) decodeYAML(data []byte, dataLine int) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		line := dataLine
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				n, _ := strconv.Atoi(m[1])
				// yaml.v3 reports errors raised with a context mark ("did not
				// find expected …") with a 0-based line, the others 1-based.
				if strings.HasPrefix(m[2], "did not find expected") {
					n++
				}
				line = dataLine + n - 1
			}
			msg = m[2]
		}
		return &SyntaxError{Line: line, Msg: "yaml: " + msg}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if line, deep := yamlTooDeep(root); deep {
		return fm.depthError(dataLine + line - 1)
	}
	if root.Kind != yaml.MappingNode {
		return &SyntaxError{Line: dataLine + root.Line - 1, Msg: "yaml: front matter must be a mapping of keys to values"}
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		val, ok := plainValue(v)
		if ok {
			fm.add(k.Value, val, dataLine+k.Line-1)
			continue
		}
		if err := v.Decode(&val); err != nil {
			errs = append(errs, &SyntaxError{Line: dataLine + v.Line - 1, Msg: "yaml: " + strings.TrimPrefix(err.Error(), "yaml: ")})
			continue
		}
		fm.add(k.Value, val, dataLine+k.Line-1)
	}
	return errors.Join(errs...)
}

// plainValue decodes, without yaml.v3's reflection, the values most
// front matter is made of: a string, or a list of strings. It gives what
// Node.Decode into an any gives: a node tagged !!str (plain text, quoted or
// a block scalar) decodes to its Value, and a !!seq of those to []any.
func plainValue(n *yaml.Node) (any, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		return n.Value, true
	case n.Kind == yaml.SequenceNode && n.Tag == "!!seq":
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			if e.Kind != yaml.ScalarNode || e.Tag != "!!str" {
				return nil, false
			}
			out[i] = e.Value
		}
		return out, true
	}
	return nil, false
}

func (fm *FrontMatter) add(key string, val any, line int) {
	if _, dup := fm.Values[key]; !dup {
		fm.Keys = append(fm.Keys, key)
	}
	fm.Values[key] = val
	if line > 0 {
		fm.Lines[key] = line
	}
}

// findLines finds the line of each top-level key by scanning the raw text,
// for formats whose decoders report no positions.
func (fm *FrontMatter) findLines(data []byte, dataLine int) {
	depth := 0
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if fm.Format == "toml" && strings.HasPrefix(t, "[") {
			depth = 1 // keys after a table header belong to the table
			if name := strings.Trim(t, "[] "); name != "" {
				if _, ok := fm.Values[name]; ok {
					if _, seen := fm.Lines[name]; !seen {
						fm.Lines[name] = dataLine + i
					}
				}
			}
			continue
		}
		if depth > 0 && fm.Format == "toml" {
			continue
		}
		key := t
		if j := strings.IndexAny(t, "=:"); j > 0 {
			key = strings.TrimSpace(t[:j])
		} else {
			continue
		}
		key = strings.Trim(key, `"'`)
		if _, ok := fm.Values[key]; ok {
			if _, seen := fm.Lines[key]; !seen {
				fm.Lines[key] = dataLine + i
			}
		}
	}
}

func (fm *FrontMatter) depthError(line int) error {
	return &SyntaxError{Line: line, Msg: fmt.Sprintf("%s: lists and tables nested more than %d deep; the front matter is not read", fm.Format, MaxFrontMatterDepth)}
}

// tooDeep reports whether JSON or TOML text nests lists and tables (or
// objects) more than MaxFrontMatterDepth deep, and the 1-based line where
// it does, without decoding it: brackets inside strings and comments do
// not count.
func tooDeep(data []byte, toml bool) (int, bool) {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
		case c == '#' && toml:
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case c == '"' || c == '\'' && toml:
			quote := string(c)
			if toml && i+2 < len(data) && data[i+1] == c && data[i+2] == c {
				quote = strings.Repeat(quote, 3)
			}
			end := i + len(quote)
			for end < len(data) && !bytes.HasPrefix(data[end:], []byte(quote)) {
				if data[end] == '\\' && c == '"' {
					end++
				} else if data[end] == '\n' {
					line++
				}
				end++
			}
			i = end + len(quote) - 1
		case c == '[' || c == '{':
			if depth++; depth > MaxFrontMatterDepth {
				return line, true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return 0, false
}

// yamlTooDeep is tooDeep for a YAML document already parsed into nodes
// (yaml.v3 bounds its own depth), walked without recursion.
func yamlTooDeep(root *yaml.Node) (int, bool) {
	type at struct {
		n     *yaml.Node
		depth int
	}
	stack := []at{{root, 0}}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.depth > MaxFrontMatterDepth {
			return x.n.Line, true
		}
		for _, c := range x.n.Content {
			d := x.depth
			if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
				d++
			}
			stack = append(stack, at{c, d})
		}
	}
	return 0, false
}

func sortByLine(keys []string, lines map[string]int) {
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(lines[a], lines[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

// jsonNumbers turns json.Number into int64 or float64 throughout a value.
func jsonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = jsonNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonNumbers(e)
		}
	}
	return v
}
