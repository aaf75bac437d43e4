package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/scaffold"
)

// AdoptOptions are the options of `inquest adopt`.
type AdoptOptions struct {
	Dir    string
	DryRun bool
	Fill   bool
}

func newAdoptCmd(e *env) *cobra.Command {
	opts := &AdoptOptions{}
	cmd := &cobra.Command{
		Use:   "adopt [DIR]",
		Short: "Write the front matter inquest inferred into each postmortem that has none",
		Long: `adopt moves a repository of postmortems written without front matter to inquest's
native format in one change you can review: into each postmortem of the repository in
DIR (default: the current directory) that has no front matter it writes the fields
inquest inferred for it (id, title, date, severity, status, owner, reviewers, tags,
services, impact, started, detected, mitigated, resolved, durations, ...), as check -v
lists them, and leaves the body byte for byte as it was. inquest then reads every file
as it did before: adopt parses each new text and leaves out what would change it,
saying why (a date from Git that would put the timeline's times of day on that day stays
inferred). Into inquest.yaml (created when missing) it adds the content: line that pins
where inquest found the postmortems and the severities: it learned; the postmortems' own
status words are added as a comment, since setting statuses would make them steps of
inquest's workflow. Keys already in inquest.yaml and its comments are kept as written.

Files that have front matter are left alone: their authors chose what to write there.
--fill adds to YAML front matter the inferred keys it lacks. Running adopt again
changes nothing. --dry-run prints the change as a unified diff and writes nothing.`,
		Example: `  inquest adopt --dry-run          # review the change as a diff first
  inquest adopt                    # write it, then review it with git diff and commit it
  inquest adopt --fill --dry-run   # with the keys existing front matter lacks`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runAdopt(cmd, e, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "print the change as a unified diff; write nothing")
	cmd.Flags().BoolVar(&opts.Fill, "fill", false, "also add the inferred keys that YAML front matter lacks")
	return cmd
}

func runAdopt(cmd *cobra.Command, e *env, opts *AdoptOptions) error {
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	rp, err := repo.Load(cmd.Context(), root, repo.Options{History: true})
	if err != nil {
		return err
	}
	if err := rp.NoneFound(); err != nil {
		return &exitError{code: ExitFindings, err: err}
	}
	if line := rp.Found(); line != "" {
		fmt.Fprintln(e.stderr, line)
	}
	for _, w := range rp.Warnings {
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	a, err := scaffold.Adopt(cmd.Context(), rp, scaffold.AdoptOptions{Fill: opts.Fill})
	if err != nil {
		return err
	}
	show := func(p string) string { return filepath.Join(opts.Dir, filepath.FromSlash(p)) }
	for _, n := range a.Notes {
		fmt.Fprintf(e.stderr, "%s: %s\n", show(n.Path), n.Message)
	}
	if a.Kept > 0 {
		fmt.Fprintf(e.stderr, "%s with front matter left alone (--fill adds the inferred keys %s)\n", plural(a.Kept, "postmortem"), pick(a.Kept, "it lacks", "they lack"))
	}
	if opts.DryRun {
		return a.Diff(e.stdout)
	}
	if err := a.Write(root); err != nil {
		return err
	}
	files := 0
	for _, c := range a.Changes {
		verb := "wrote front matter to"
		if c.Path == "inquest.yaml" {
			verb = "added to"
			if c.Created {
				verb = "created"
			}
		} else {
			files++
		}
		fmt.Fprintf(e.stdout, "%s %s: %s\n", verb, show(c.Path), strings.Join(c.Keys, ", "))
	}
	switch {
	case len(a.Changes) == 0:
		fmt.Fprintln(e.stdout, "nothing to adopt: every postmortem has front matter and inquest.yaml pins what inquest found")
	default:
		fmt.Fprintf(e.stdout, "adopted %s; review the change (git diff) and commit it\n", plural(files, "postmortem"))
	}
	return nil
}
