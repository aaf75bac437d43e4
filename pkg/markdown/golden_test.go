package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/*.txt")

// The golden files follow goldmark's extension/_test format. Each case is
//
//	N: description
//	OPTIONS: unsafe headings host=example.com   (optional line)
//	//- - - - - - - - -//
//	Markdown input
//	//- - - - - - - - -//
//	expected output
//	//= = = = = = = = = = = = = = = = = = = = = = = =//
//
// The expected output is the HTML, then "--- problems" and one
// "line: message" per problem when there are any, then "--- headings" and
// one "level id text" per heading when the headings option is given.
const (
	caseSep = "//- - - - - - - - -//"
	caseEnd = "//= = = = = = = = = = = = = = = = = = = = = = = =//"
)

type goldenCase struct {
	title    string // "N: description"
	options  string // the OPTIONS line without its prefix, or ""
	input    string
	expected string
	line     int // line of the title in the file
}

func parseGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	var cases []goldenCase
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		c := goldenCase{title: strings.TrimRight(lines[i], "\n"), line: i + 1}
		i++
		if rest, ok := strings.CutPrefix(lines[i], "OPTIONS:"); ok {
			c.options = strings.TrimSpace(rest)
			i++
		}
		if i >= len(lines) || strings.TrimRight(lines[i], "\n") != caseSep {
			t.Fatalf("%s:%d: want %s after the title", path, i+1, caseSep)
		}
		i++
		var in, out strings.Builder
		for ; i < len(lines) && strings.TrimRight(lines[i], "\n") != caseSep; i++ {
			in.WriteString(lines[i])
		}
		i++
		for ; i < len(lines) && strings.TrimRight(lines[i], "\n") != caseEnd; i++ {
			if strings.Contains(lines[i], caseEnd) {
				t.Fatalf("%s:%d: end marker must start its own line", path, i+1)
			}
			out.WriteString(lines[i])
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: case %q has no end marker", path, c.line, c.title)
		}
		i++
		c.input, c.expected = in.String(), out.String()
		cases = append(cases, c)
	}
	return cases
}

func writeGolden(t *testing.T, path string, cases []goldenCase) {
	t.Helper()
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(c.title + "\n")
		if c.options != "" {
			b.WriteString("OPTIONS: " + c.options + "\n")
		}
		b.WriteString(caseSep + "\n" + c.input + caseSep + "\n" + c.expected + caseEnd + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeResolver knows a few files, as the site would after loading a
// repository.
func fakeResolver() Resolver {
	files := map[string]string{
		"../2023/db-outage.md": "/base/incidents/INC-7/",
		"INC-2.md":             "/base/incidents/INC-2/",
		"/runbooks/db.md":      "/base/runbooks/db/",
		"my file.md":           "/base/incidents/my-file/",
	}
	images := map[string]string{
		"img/graph.png":      "/base/incidents/INC-1/graph.png",
		"../shared/logo.svg": "/base/assets/logo.svg",
	}
	return ResolverFunc(func(dest string, image bool) (string, bool) {
		m := files
		if image {
			m = images
		}
		u, ok := m[dest]
		return u, ok
	})
}

func renderCase(t *testing.T, c goldenCase) string {
	t.Helper()
	var opts Options
	headings := false
	for _, o := range strings.Fields(c.options) {
		switch {
		case o == "unsafe":
			opts.Unsafe = true
		case o == "headings":
			headings = true
		case strings.HasPrefix(o, "host="):
			opts.Host = strings.TrimPrefix(o, "host=")
		default:
			t.Fatalf("unknown option %q", o)
		}
	}
	res, err := New(opts).Render([]byte(c.input), fakeResolver())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(res.HTML)
	if len(res.Problems) > 0 {
		b.WriteString("--- problems\n")
		for _, p := range res.Problems {
			fmt.Fprintf(&b, "%d: %s\n", p.Line, p.Message)
		}
	}
	if headings {
		b.WriteString("--- headings\n")
		for _, h := range res.Headings {
			fmt.Fprintf(&b, "%d %s %s\n", h.Level, h.ID, strconv.Quote(h.Text))
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			cases := parseGolden(t, path)
			changed := false
			for i, c := range cases {
				t.Run(c.title, func(t *testing.T) {
					got := renderCase(t, c)
					if got != "" && !strings.HasSuffix(got, "\n") {
						t.Fatalf("%s:%d: output does not end in a newline: %q", path, c.line, got)
					}
					if got == c.expected {
						return
					}
					if *update {
						cases[i].expected = got
						changed = true
						return
					}
					t.Errorf("%s:%d: %s\n--- input\n%s--- got\n%s--- want\n%s", path, c.line, c.title, c.input, got, c.expected)
				})
			}
			if changed {
				writeGolden(t, path, cases)
			}
		})
	}
}
