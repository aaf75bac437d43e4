package postmortem

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
)

// deepFiles are front matters nested far past MaxFrontMatterDepth, in
// each format, and the shapes that cost most: a TOML array a million levels
// deep (it overflowed the stack and killed the process), 20,000 levels of
// TOML inline tables (4 minutes and 16 GB), 10,001 levels (decoded, then
// failed the site's JSON API).
func deepFiles() map[string]string {
	head := "title: Deep\ndate: 2024-01-01\n"
	return map[string]string{
		"toml-array-1e6.md":   "+++\ntitle = \"Deep\"\nextra = " + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + "\n+++\nBody.\n",
		"toml-array-10001.md": "+++\ntitle = \"Deep\"\nextra = " + strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001) + "\n+++\nBody.\n",
		"toml-inline-20k.md":  "+++\ntitle = \"Deep\"\nextra = " + strings.Repeat("{a=", 20_000) + "1" + strings.Repeat("}", 20_000) + "\n+++\nBody.\n",
		"json-9000.md":        "{\n\"title\": \"Deep\", \"extra\": " + strings.Repeat("[", 9_000) + strings.Repeat("]", 9_000) + "\n}\n\nBody.\n",
		"yaml-flow-5000.md":   "---\n" + head + "extra: " + strings.Repeat("[", 5_000) + strings.Repeat("]", 5_000) + "\n---\nBody.\n",
		"yaml-block-40.md": "---\n" + head + "extra:\n" + func() string {
			var b strings.Builder
			for i := range 40 {
				b.WriteString(strings.Repeat("  ", i+1) + "- k:\n")
			}
			return b.String() + strings.Repeat("  ", 41) + "v: 1\n"
		}() + "---\nBody.\n",
	}
}

// TestDeepFrontMatter: each deep file is reported at its line and left out,
// within a second, and the other files of the set are read; front matter
// just within the bound, and NaN and infinities, decode and export.
func TestDeepFrontMatter(t *testing.T) {
	dir := t.TempDir()
	files := deepFiles()
	files["ok-toml.md"] = "+++\ntitle = \"Nested but fine\"\ndate = 2024-01-02\nextra = " + strings.Repeat("[", MaxFrontMatterDepth-1) + "\"x [ { # not brackets\"" + strings.Repeat("]", MaxFrontMatterDepth-1) + "\nratio = nan\nceiling = inf\n+++\nBody.\n"
	files["ok-yaml.md"] = "---\ntitle: Fine\ndate: 2024-01-03\nratio: .nan\n---\nBody.\n"
	for name, data := range files {
		p := filepath.Join(dir, "postmortems", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(dir) // no inquest.yaml: postmortems/ is found
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	set, err := Load(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d files in %s", len(set.Incidents), time.Since(start))
	for _, inc := range set.Incidents {
		name := filepath.Base(inc.Source)
		_, deep := deepFiles()[name]
		if inc.Broken != deep {
			t.Errorf("%s: broken %v, want %v (%v)", name, inc.Broken, deep, inc.Findings)
		}
		if deep && (len(inc.Findings) == 0 || inc.Findings[0].Rule != "front-matter" || inc.Findings[0].Line < 2 ||
			!strings.Contains(inc.Findings[0].Message, "nested more than") && !strings.Contains(inc.Findings[0].Message, "larger than")) {
			t.Errorf("%s: findings %v", name, inc.Findings)
		}
	}
	var out strings.Builder
	if err := WriteJSON(&out, set.Incidents); err != nil {
		t.Fatalf("export: %v", err)
	}
	var doc struct{ Incidents []map[string]any }
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || len(doc.Incidents) != 2 {
		t.Errorf("export: %v, %d incidents", err, len(doc.Incidents))
	}
	if !strings.Contains(out.String(), `"ratio": "NaN"`) || !strings.Contains(out.String(), `"ceiling": "+Inf"`) {
		t.Errorf("NaN and Inf are not kept as text: %s", out.String())
	}
}

func TestTooDeep(t *testing.T) {
	for _, tc := range []struct {
		in   string
		toml bool
		line int // 0: not too deep
	}{
		{strings.Repeat("[", 32) + strings.Repeat("]", 32), true, 0},
		{strings.Repeat("[", 33), true, 1},
		{"a = 1\nb = \"" + strings.Repeat("[", 100) + "\"\nc = '" + strings.Repeat("{", 100) + "'\n# " + strings.Repeat("[", 100), true, 0},
		{"a = \"\"\"\n" + strings.Repeat("[", 100) + "\n\"\"\"\nb = '''x\n" + strings.Repeat("[", 100) + "'''\nc = " + strings.Repeat("[", 40), true, 6},
		{`{"a": "\"` + strings.Repeat("[", 100) + `"}`, false, 0},
		{"{\n\"a\":\n" + strings.Repeat("[", 40), false, 3},
		{"# in JSON a hash is no comment\n" + strings.Repeat("[", 40), false, 2},
	} {
		line, deep := tooDeep([]byte(tc.in), tc.toml)
		if deep != (tc.line > 0) || line != tc.line {
			t.Errorf("tooDeep(%.40q, toml %v) = %d, %v; want line %d", tc.in, tc.toml, line, deep, tc.line)
		}
	}
}
