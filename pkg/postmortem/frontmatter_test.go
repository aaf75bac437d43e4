package postmortem

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/inquest-dev/inquest/pkg/config"
)

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		format   string
		keys     string // key=line pairs
		bodyLine int
		errLine  int
	}{
		{"yaml", "---\ntitle: x\ntags: [a]\n---\nbody\n", "yaml", "title=2 tags=3", 5, 0},
		{"yaml after blank lines", "\n\n---\ntitle: x\n---\nbody", "yaml", "title=4", 6, 0},
		{"toml", "+++\ntitle = \"x\"\n[impact]\ncustomers = 3\n+++\nbody", "toml", "title=2 impact=3", 6, 0},
		{"json", "{\n  \"title\": \"x\",\n  \"n\": 2\n}\n\nbody", "json", "title=2 n=3", 6, 0},
		{"none", "# Title\n\ntext", "", "", 1, 0},
		{"yaml syntax error line", "---\ntitle: x\ntags: [a, b\nsev: 1\n---\nbody", "yaml", "", 6, 3},
		{"toml syntax error line", "+++\ntitle = \"x\"\nbad = \n+++\n", "toml", "", 5, 3},
		{"json syntax error line", "{\n  \"a\": 1,\n  \"b\" 2\n}\n\nx", "json", "", 5, 3},
		{"unclosed", "---\ntitle: x\n\nbody", "", "", 1, 1},
		{"not a mapping", "---\n- a\n- b\n---\n", "yaml", "", 5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, _, bodyLine, err := SplitFrontMatter(Normalize([]byte(tt.in)))
			if fm.Format != tt.format {
				t.Errorf("format %q, want %q", fm.Format, tt.format)
			}
			var got []string
			for _, k := range fm.Keys {
				got = append(got, k+"="+strconv.Itoa(fm.Lines[k]))
			}
			if strings.Join(got, " ") != tt.keys {
				t.Errorf("keys %q, want %q", strings.Join(got, " "), tt.keys)
			}
			if tt.errLine == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if bodyLine != tt.bodyLine {
					t.Errorf("body line %d, want %d", bodyLine, tt.bodyLine)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want *SyntaxError", err)
			}
			if se.Line != tt.errLine {
				t.Errorf("error line %d (%v), want %d", se.Line, se, tt.errLine)
			}
		})
	}
}

func FuzzSplitFrontMatter(f *testing.F) {
	f.Add([]byte("---\ntitle: x\n---\nbody"))
	f.Add([]byte("+++\na = 1\n+++\n"))
	f.Add([]byte("{\n\"a\": [1,\n}\n\n"))
	f.Add([]byte("\xef\xbb\xbf---\r\na: &x [*x]\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		content := Normalize(data)
		fm, body, bodyLine, err := SplitFrontMatter(content)
		lines := 1 + strings.Count(string(content), "\n")
		if bodyLine < 1 || bodyLine > lines+1 {
			t.Fatalf("body line %d outside 1..%d", bodyLine, lines+1)
		}
		if !bytes.HasSuffix(content, body) {
			t.Fatal("body is not the end of the content")
		}
		if len(body) > 0 && &body[len(body)-1] != &content[len(content)-1] {
			t.Fatal("body is a copy, not the end of the content")
		}
		var se *SyntaxError
		if err != nil && errors.As(err, &se) && (se.Line < 1 || se.Line > lines+1) {
			t.Fatalf("error line %d outside 1..%d: %v", se.Line, lines, se)
		}
		for k, l := range fm.Lines {
			if l < 1 || l > lines {
				t.Fatalf("key %q line %d outside 1..%d", k, l, lines)
			}
		}
	})
}

// FuzzPlainValue checks that every node plainValue decodes gets the value
// yaml.v3's own Decode gives it.
func FuzzPlainValue(f *testing.F) {
	f.Add("title: \"x\"\ntags: [a, 'b', \"c\"]\nn: 1\nd: 2016-01-23\nl: |\n  text\n")
	f.Add("a: !!str 12\nb: [!!str true, yes, ~, null]\nc: &x [a]\nd: *x\ne: !!seq [x]\nf: !!binary aGk=\n")
	f.Add("a:\n  - x\n  - {k: v}\nb: []\nc: ''\nd: >\n  folded\n")
	f.Fuzz(func(t *testing.T, src string) {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(src), &doc) != nil {
			return
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if got, ok := plainValue(n); ok {
				var want any
				if err := n.Decode(&want); err != nil {
					t.Fatalf("plainValue(%q) = %#v, Decode fails: %v", n.Value, got, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("plainValue = %#v, Decode = %#v", got, want)
				}
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(&doc)
	})
}

func TestNormalizeKey(t *testing.T) {
	for _, k := range []string{"", "title", "Title", " title", "title\t", "action-items", "action items",
		"action_items", "severity2", "ÉTAT", "état", "a\u00a0", "\u0085b", "x.y", "x:y", "\x00"} {
		if got, want := normalizeKey(k), config.NormalizeKey(k); got != want {
			t.Errorf("normalizeKey(%q) = %q, want %q", k, got, want)
		}
	}
}

func FuzzNormalizeKey(f *testing.F) {
	f.Add("Action-Items")
	f.Fuzz(func(t *testing.T, k string) {
		if got, want := normalizeKey(k), config.NormalizeKey(k); got != want {
			t.Fatalf("normalizeKey(%q) = %q, want %q", k, got, want)
		}
	})
}
