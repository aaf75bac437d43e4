package postmortem_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

func ExampleParseActionItems() {
	section := `### Open
- [ ] Cap the pool per pod — Jane Doe, due 2024-04-01, P1, [ACME-1](https://tracker.example/ACME-1)
  - see the saturation graph
- bug 1234567 — Fix the importer's retry loop @dana

### Completed
- Roll back the pool change
`
	items, _ := postmortem.ParseActionItems(section, 40)
	// A list in which no item gives a status: they are unknown, not open.
	more, _ := postmortem.ParseActionItems("- Write the thing -- just grabbing env vars\n", 60)
	for _, it := range append(items, more...) {
		fmt.Printf("%d %-7s %-10q %-12q %q\n", it.Line, it.Status, it.Owner, it.Ticket, it.Title)
	}
	// Output:
	// 41 open    "Jane Doe" "ACME-1"     "Cap the pool per pod"
	// 43 open    "dana"     "bug 1234567" "Fix the importer's retry loop"
	// 46 done    ""         ""           "Roll back the pool change"
	// 60 unknown ""         ""           "Write the thing -- just grabbing env vars"
}

// A repository with no inquest.yaml: the postmortems are found in the
// folder named like report folders, and the globs that pin the choice are
// given back.
func ExampleDiscoverAll() {
	dir, err := os.MkdirTemp("", "inquest-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	for name, text := range map[string]string{
		"README.md":                  "# Team notes\n",
		"docs/oncall.md":             "# On-call\n",
		"retros/2024-05-02-login.md": "# Login failures\n\n**Severity:** Critical\n",
		"retros/template.md":         "# <Title>\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			panic(err)
		}
	}
	cfg, err := config.Load(dir)
	if err != nil {
		panic(err)
	}
	tree, err := worktree.New(dir, worktree.Options{})
	if err != nil {
		panic(err)
	}
	paths, _, found, err := postmortem.DiscoverAll(context.Background(), tree, cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(paths)
	fmt.Println("folders:", found.Folders)
	fmt.Println("content:", found.Content, cfg.Match("retros/2024-06-01-dns.md"))
	// Output:
	// [retros/2024-05-02-login.md]
	// folders: [retros]
	// content: [retros/**/*.md] true
}

// With no severities configured, the scale is the values the postmortems
// use, in the order their kind has, spelt as most of them spell it.
func ExampleLearnScales() {
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		panic(err)
	}
	p := postmortem.NewParser(cfg)
	var incs []*postmortem.Incident
	for i, sev := range []string{"minor", "Critical", "Minor", "Major", "Crtical"} {
		text := fmt.Sprintf("# Outage\n\n**Severity:** %s\n**Date:** 2024-05-0%d\n", sev, i+1)
		incs = append(incs, p.Parse(fmt.Sprintf("retros/%d.md", i), []byte(text)))
	}
	postmortem.LearnScales(cfg, incs)
	postmortem.Validate(cfg, incs)
	fmt.Println(cfg.Severities)
	for _, f := range incs[4].Findings {
		fmt.Println(f.Message)
	}
	// Output:
	// [Critical Major Minor]
	// severity "Crtical" is not on the scale the other postmortems use (Critical, Major, Minor; pin it with severities: in inquest.yaml); did you mean "Critical"?
}
