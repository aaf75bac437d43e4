package lint

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// reportedRules are the rule ids the code of the repository names in a
// finding it makes: the third argument of an addf call (the parser's
// findings) and the Rule field of a composite literal (postmortem.Finding
// and the like), as string literals, with the file:line of each.
func reportedRules(t *testing.T, root string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		note := func(e ast.Expr) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			if id, err := strconv.Unquote(lit.Value); err == nil {
				ids[id] = fset.Position(lit.Pos()).String()
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "addf" && len(n.Args) >= 3 {
					note(n.Args[2])
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Rule" {
					note(n.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestEveryReportedRuleIsInTheTable: a finding whose rule is not in the
// table can be neither switched off nor re-levelled (`rules:` in
// inquest.yaml rejects it as unknown) nor disabled by a comment, and the
// README does not explain it. The parser's `kind` warning was such a
// rule.
func TestEveryReportedRuleIsInTheTable(t *testing.T) {
	t.Parallel()
	ids := reportedRules(t, filepath.Join("..", ".."))
	// The walk finds the parser's findings and the others: it cannot
	// pass by finding nothing.
	for _, want := range []string{"kind", "file", "front-matter", "symlink", "git", "service-catalog"} {
		if _, ok := ids[want]; !ok {
			t.Fatalf("no finding with rule %q found in the code; the walk is broken", want)
		}
	}
	for id, at := range ids {
		if _, ok := ruleByID(id); !ok {
			t.Errorf("%s: a finding of rule %q, which the rules table (rules.go, the README's Checks) does not have", at, id)
		}
	}
}

// TestRulesTableIsTheREADMEs: the README's table of rules lists the rules
// of Rules, in its order, each with its default level.
func TestRulesTableIsTheREADMEs(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| ((?:error|warning|info)(?: / (?:error|warning|info))*) \\|")
	_, table, ok := strings.Cut(string(readme), "| rule | default level | what it checks | how to fix |")
	if !ok {
		t.Fatal("README: no table of rules")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	var got []string
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		got = append(got, m[1])
		r, ok := ruleByID(m[1])
		if !ok {
			continue
		}
		if levels := strings.Split(m[2], " / "); !slices.Contains(levels, string(r.Level)) {
			t.Errorf("README: rule %q is %s, the table in rules.go says %s", m[1], m[2], r.Level)
		}
	}
	var want []string
	for _, r := range Rules() {
		want = append(want, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("README's rules:\n\t%v\nrules.go's:\n\t%v", got, want)
	}
}

// TestKindRuleIsConfigurable: the parser's warning for a kind it does not
// know can be made an error, switched off in inquest.yaml or by a comment
// in the file, as every rule of the table can.
func TestKindRuleIsConfigurable(t *testing.T) {
	t.Parallel()
	text := strings.Replace(base, "status: published", "status: published\nkind: accident", 1)
	tests := []struct {
		name, config, text, want string
	}{
		{name: "default", text: text, want: "warning"},
		{name: "error", config: "rules:\n  kind: error\n", text: text, want: "error"},
		{name: "off", config: "rules:\n  kind: off\n", text: text},
		{name: "disabled by a comment", text: text + "\n<!-- inquest-disable kind -->\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := mustConfig(t, tt.config)
			if err := Validate(cfg); err != nil {
				t.Fatal(err)
			}
			inc := parse(t, cfg, tt.text)
			incs := []*postmortem.Incident{inc}
			all := append(slices.Clone(inc.Findings), Run(context.Background(), cfg, incs, Options{Now: now})...)
			var got []string
			for _, f := range Apply(cfg, incs, all) {
				if f.Rule == "kind" {
					got = append(got, f.Level)
				}
				if f.Rule == "disable-comment" {
					t.Errorf("disable-comment: %s", f.Message)
				}
			}
			if want := strings.Fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("kind findings at levels %q, want %q", got, want)
			}
		})
	}
}
