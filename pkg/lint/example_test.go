package lint_test

import (
	"context"
	"fmt"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func ExampleRun() {
	cfg, err := config.Parse([]byte("rules:\n  vague-action-item: error\n  required-published: off\n"), config.FileName)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lint.Validate(cfg); err != nil {
		fmt.Println(err)
		return
	}
	src := `---
title: Checkout errors after the 2.31 deploy
date: 2024-03-01
severity: SEV2
status: in-review
owner: Jane Doe
---
## Summary

Checkout failed because Jane skipped the canary.

## Action items

<!-- inquest-disable-next-line action-item-fields -->
- [ ] Be more careful with deploys — Jane Doe, due 2024-03-15
- [ ] Gate promotion on the canary's error rate — Jane Doe, due 2024-04-01
`
	inc := postmortem.NewParser(cfg).Parse("postmortems/2024/checkout.md", []byte(src))
	incs := []*postmortem.Incident{inc}
	postmortem.Validate(cfg, incs)

	// The parser's findings with the configured levels, then the rules'.
	findings := lint.Apply(cfg, incs, inc.Findings)
	findings = append(findings, lint.Run(context.Background(), cfg, incs, lint.Options{
		Now: time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC),
	})...)
	postmortem.SortFindings(findings)
	for _, f := range findings {
		fmt.Printf("%s:%d:%d: %s: %s [%s]\n", f.File, f.Line, f.Col, f.Level, f.Message, f.Rule)
	}
	// Output:
	// postmortems/2024/checkout.md:5:0: warning: postmortem has been "in-review" for 19 days, since 2024-03-01 (the incident date), longer than 14 days; finish the review and publish it, or raise it at the review meeting [stale-draft]
	// postmortems/2024/checkout.md:10:17: warning: "because Jane": it names a person as the cause; ask why the system allowed it: what made the mistake easy to make and hard to catch? [blameless-language]
	// postmortems/2024/checkout.md:15:7: error: action item "Be more careful with deploys" asks people to be more careful instead of changing the system; replace it with a change that makes the mistake hard to make or easy to catch (a guard, a check, an automation) [vague-action-item]
	// postmortems/2024/checkout.md:15:7: warning: action item "Be more careful with deploys" was due 2024-03-15 (5 days ago) and is still open; finish it and mark it done, or move the due date and say why in the ticket [action-item-overdue]
	// postmortems/2024/checkout.md:16:7: warning: action item "Gate promotion on the canary's error rate" has no tracker link; give every action item an owner, a due date and a link to its ticket [action-item-fields]
}
