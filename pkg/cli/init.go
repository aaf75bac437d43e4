package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/scaffold"
)

// InitOptions are the options of `inquest init`.
type InitOptions struct {
	Dir   string
	Force bool
}

func newInitCmd(e *env) *cobra.Command {
	opts := &InitOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a postmortem repository: configuration, template, CI and review checklist",
		Long: `init writes the skeleton of a postmortem repository into DIR (default: the current
directory, created when missing), an empty folder or an existing repository:

  inquest.yaml                               configuration, every key commented
  postmortems/README.md                      how to write, review and sign off a postmortem
  templates/postmortem.md                    the template inquest new fills in
  .github/workflows/postmortems-check.yml    inquest check on every pull request
  .github/workflows/postmortems-publish.yml  build and publish with GitHub Pages on main
  .github/pull_request_template.md           the review checklist
  .github/CODEOWNERS                         the review committee (commented out)
  .gitlab-ci.yml.example                     the same for GitLab CI and Pages
  .gitignore                                 public/, the site inquest build writes

It never overwrites a file: when any of them exists it names them all, writes
nothing and exits 2. --force overwrites them. A .gitignore is never replaced,
even with --force: when it does not ignore public/ yet, the line is appended.`,
		Example: `  inquest init
  inquest init postmortems-repo
  inquest init --force   # replace the files with the current versions`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runInit(e, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite files that exist")
	return cmd
}

func runInit(e *env, opts *InitOptions) error {
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return usageError("%v", err)
	}
	written, err := scaffold.Init(opts.Dir, opts.Force)
	var xe *scaffold.ExistsError
	if errors.As(err, &xe) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s already has %d of the files init writes; nothing was written (--force overwrites them):", displayDir(opts.Dir), len(xe.Paths))
		for _, p := range xe.Paths {
			fmt.Fprintf(&b, "\n  %s", filepath.Join(opts.Dir, filepath.FromSlash(p)))
		}
		return usageError("%s", b.String())
	}
	for _, w := range written {
		verb := "created"
		switch {
		case w.Overwrote:
			verb = "overwrote"
		case w.Appended:
			verb = "updated"
		}
		fmt.Fprintf(e.stdout, "%-9s %s\n", verb, filepath.Join(opts.Dir, filepath.FromSlash(w.Path)))
	}
	if err != nil {
		return err
	}

	var steps []string
	if opts.Dir != "." {
		steps = append(steps, "cd "+opts.Dir)
	}
	if _, err := git.PlainOpenWithOptions(opts.Dir, &git.PlainOpenOptions{DetectDotGit: true}); err != nil {
		steps = append(steps, "git init -b main")
	}
	steps = append(steps,
		`set title, base_url and repo_url in inquest.yaml, and your review team in .github/CODEOWNERS`,
		`inquest new "Checkout errors after a config change" --severity SEV2 --tags database`,
		`fill it in (the comments are the questions to answer), then: inquest check`,
		`inquest serve              # preview the site, drafts included, at http://127.0.0.1:8080/`,
		`commit on a branch and open a pull request: CI checks it, and the review`+"\n"+
			`     committee signs off with Reviewed-by: trailers (see postmortems/README.md)`,
		`GitHub: Settings → Pages → Source: GitHub Actions publishes the site on every`+"\n"+
			`     push to main. GitLab: rename .gitlab-ci.yml.example to .gitlab-ci.yml`,
	)
	fmt.Fprintf(e.stdout, "\nNext steps:\n")
	for i, s := range steps {
		fmt.Fprintf(e.stdout, "  %d. %s\n", i+1, s)
	}
	return nil
}

// displayDir names a folder for messages: "the current folder" for ".".
func displayDir(dir string) string {
	if filepath.Clean(dir) == "." {
		return "the current folder"
	}
	return dir
}
