package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/scaffold"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// NewOptions are the options of `inquest new`.
type NewOptions struct {
	Title    string
	Severity string
	Tags     []string
	Services []string
	Date     string // YYYY-MM-DD; "" is today
	Owner    string // "" is git config user.name
	Dir      string
	Stdout   bool
}

func newNewCmd(e *env) *cobra.Command {
	opts := &NewOptions{}
	cmd := &cobra.Command{
		Use:   `new "TITLE"`,
		Short: "Start a postmortem from the repository's template",
		Long: `new creates postmortems/YYYY/YYYY-MM-DD-slug.md from the repository's
templates/postmortem.md (else the built-in template, the one inquest init writes)
and prints its path. The slug is the title in lower-case ASCII; when the file
exists, -2, -3, … is appended. Nothing is ever overwritten.

The new postmortem gets a fresh id, INC-YYYY-NNN: one more than the highest id of
that year among the repository's postmortems. Its date is --date (default today),
its owner --owner (default user.name from the repository's and your global Git
configuration), its severity --severity (one of the repository's scale; default
the template's, else the least severe level).

The template is a Go text/template with the fields {{.Title}}, {{.ID}}, {{.Date}},
{{.Severity}}, {{.Owner}}, {{.Tags}} and {{.Services}} (lists print as [a, b]),
and the function yaml, which quotes a value when YAML needs it. Templates written
without these fields work too: new sets id, title and date, and the values given
as flags, in the template's YAML front matter, keeping its layout and comments.

Problems check would report in the new file are printed on stderr.`,
		Example: `  inquest new "Checkout errors after a config change" --severity SEV2 --tags database,config
  inquest new "DNS resolver timeouts" --date 2024-05-02 --services dns,edge --owner "Jane Doe"
  $EDITOR "$(inquest new 'Search latency')"
  inquest new "Dry run" --stdout`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("new takes one argument, the title in quotes (got %d)\nRun '%s --help' for usage.", len(args), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Title = args[0]
			if cmd.Flags().Changed("severity") && strings.TrimSpace(opts.Severity) == "" {
				return usageError("--severity is empty")
			}
			return runNew(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Severity, "severity", "", "severity, one of the configured scale (default: the template's, else the least severe)")
	f.StringSliceVar(&opts.Tags, "tags", nil, "tags, comma-separated")
	f.StringSliceVar(&opts.Services, "services", nil, "affected services, comma-separated")
	f.StringVar(&opts.Date, "date", "", "incident date, YYYY-MM-DD (default today)")
	f.StringVar(&opts.Owner, "owner", "", "owner (default: git config user.name)")
	f.StringVarP(&opts.Dir, "dir", "C", ".", "a folder in the repository (the root is found as check finds it)")
	f.BoolVar(&opts.Stdout, "stdout", false, "print the postmortem instead of writing it")
	return cmd
}

func runNew(ctx context.Context, e *env, opts *NewOptions) error {
	title := strings.TrimSpace(opts.Title)
	if title == "" {
		return usageError("the title is empty")
	}
	if strings.ContainsAny(title, "\r\n") {
		return usageError("the title must be one line")
	}
	date, err := newDate(opts.Date, time.Now())
	if err != nil {
		return err
	}
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	cfg, err := config.Load(root)
	if err != nil {
		return err
	}

	// The postmortems there are: for the next id, and for the severity
	// scale when it is learned from them.
	existing, err := postmortem.Load(ctx, root, cfg)
	if err != nil {
		return err
	}
	// A repository that rates nothing yet is offered the usual scale.
	usual := []string{"SEV1", "SEV2", "SEV3", "SEV4"}
	scale := cfg.Severities
	if len(scale) == 0 {
		scale = usual
	}

	// id, title and date are always new's; the other fields only when given,
	// so that a template's own defaults survive.
	set := []string{"id", "title", "date"}
	d := scaffold.Data{
		Title:    title,
		Date:     date.Format("2006-01-02"),
		Severity: scale[len(scale)-1],
		Owner:    strings.TrimSpace(opts.Owner),
		Tags:     cleanList(opts.Tags),
		Services: cleanList(opts.Services),
	}
	if opts.Severity != "" {
		if d.Severity, err = newSeverity(cfg, opts.Severity, scale, usual); err != nil {
			return err
		}
		set = append(set, "severity")
	}
	if d.Owner != "" {
		set = append(set, "owner")
	} else {
		d.Owner = gitUserName(root)
	}
	if len(d.Tags) > 0 {
		set = append(set, "tags")
	}
	if len(d.Services) > 0 {
		set = append(set, "services")
	}

	ids := make([]string, 0, len(existing.Incidents))
	for _, inc := range existing.Incidents {
		ids = append(ids, inc.ID)
	}
	d.ID = scaffold.NextID(ids, date.Year())

	tmplName, tmpl, err := newTemplate(root)
	if err != nil {
		return err
	}
	out, err := scaffold.Render(tmplName, tmpl, d, scaffold.RenderOptions{Set: set, FieldFor: cfg.FieldFor})
	if err != nil {
		return usageError("%v", err)
	}

	slug := postmortem.Slug(title)
	if slug == "" {
		slug = "incident"
	}
	rel, err := writeNew(root, path.Join("postmortems", date.Format("2006")), d.Date+"-"+slug, out, opts.Stdout)
	if err != nil {
		return err
	}

	display := displayPath(root, rel)
	if opts.Stdout {
		if _, err := e.stdout.Write(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(e.stdout, display)
	}
	reportNew(e, cfg, display, rel, out, existing.Incidents)
	return nil
}

// reportNew says on stderr what check would say later about the new
// postmortem out at rel: that content does not select it, and its
// problems (a repository template's leftover placeholders, say).
func reportNew(e *env, cfg *config.Config, display, rel string, out []byte, existing []*postmortem.Incident) {
	switch {
	case cfg.Match(rel):
	case cfg.AutoContent:
		// The other postmortems were found elsewhere; a postmortems/
		// folder would now be found instead of them.
		fmt.Fprintf(e.stderr, "warning: %s is not where the other postmortems were found (%s): add both to content in %s, e.g. content: [%s, \"postmortems/**/*.md\"]\n",
			display, strings.Join(cfg.Content, ", "), config.FileName, repo.QuoteList(cfg.Content))
	default:
		fmt.Fprintf(e.stderr, "warning: %s is not selected by content in %s: check and build will not read it\n", display, config.FileName)
	}
	// Say now what check would say later, e.g. about a repository template's
	// leftover placeholders.
	inc := postmortem.NewParser(cfg).Parse(rel, out)
	if cfg.AutoSeverities || cfg.AutoStatuses {
		postmortem.LearnScales(cfg, append(existing, inc))
	}
	postmortem.Validate(cfg, []*postmortem.Incident{inc})
	for _, f := range inc.Findings {
		if f.Level == postmortem.LevelError || f.Level == postmortem.LevelWarning {
			f.File = display
			fmt.Fprintln(e.stderr, formatFinding(f))
		}
	}
}

// newSeverity is the severity --severity gives: the configured scale's
// spelling of it, or on a learned scale a level of a known kind (spelt as
// the usual scale spells it); a usage error otherwise.
func newSeverity(cfg *config.Config, given string, scale, usual []string) (string, error) {
	sev := strings.TrimSpace(given)
	i, ok := cfg.SeverityRank(sev)
	switch {
	case ok:
		return cfg.Severities[i], nil
	case cfg.AutoSeverities && (len(cfg.Severities) == 0 || postmortem.KnownSeverity(sev)):
		// A learned scale grows with the postmortems: a level of a
		// known kind is welcome, spelt as the usual scale spells it.
		if j := slices.IndexFunc(usual, func(u string) bool { return config.SeverityKey(u) == config.SeverityKey(sev) }); j >= 0 {
			return usual[j], nil
		}
		return sev, nil
	}
	return "", usageError("--severity %q is not one of %s", given, strings.Join(scale, ", "))
}

// newTemplate reads the repository's template, or gives the built-in one
// when there is none, with the name to report it by. It is read under the
// work tree's rule: a link to a hidden file or out of the repository is an
// error, never followed.
func newTemplate(root string) (string, []byte, error) {
	tree, err := repo.Tree(root)
	if err != nil {
		return "", nil, err
	}
	tmpl, err := tree.ReadFile(scaffold.TemplatePath, postmortem.MaxFileSize)
	var refused *worktree.Refusal
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "built-in template", scaffold.Template(), nil
	case errors.As(err, &refused):
		return "", nil, usageError("template %v; it is not read (replace the link with the template itself)", refused)
	case err != nil:
		return "", nil, fmt.Errorf("%s: %w", scaffold.TemplatePath, err)
	}
	return scaffold.TemplatePath, tmpl, nil
}

// writeNew writes out as relDir/base.md, or base-2.md and so on when that
// exists, and returns the path it took; with stdout it writes nothing and
// returns the path the file would take.
func writeNew(root, relDir, base string, out []byte, stdout bool) (string, error) {
	if !stdout {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(relDir)), 0o755); err != nil {
			return "", err
		}
	}
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name += fmt.Sprintf("-%d", n)
		}
		rel := path.Join(relDir, name+".md")
		abs := filepath.Join(root, filepath.FromSlash(rel))
		if stdout {
			if _, err := os.Lstat(abs); err == nil {
				continue
			}
			return rel, nil
		}
		// O_EXCL: a file that exists, or appears meanwhile, is never overwritten.
		err := writeExclusive(abs, out)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return rel, err
	}
}

// newDate parses --date, a civil date; "" is today in the local zone.
func newDate(s string, now time.Time) (time.Time, error) {
	if s == "" {
		y, m, d := now.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usageError("--date %q is not a valid date (want YYYY-MM-DD, e.g. 2024-03-01)", s)
	}
	if t.Year() < 1970 || t.Year() > 2200 {
		return time.Time{}, usageError("--date %s is not a plausible incident date", s)
	}
	return t, nil
}

// cleanList trims the values of a comma-list flag and drops empty and
// repeated ones, keeping their order.
func cleanList(in []string) scaffold.List {
	var out scaffold.List
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// gitUserName returns user.name from the Git configuration of the
// repository holding root, merged over the global one, or "" when none is
// set. It reads the files with go-git; no git binary is needed.
func gitUserName(root string) string {
	var cfg *gitconfig.Config
	r, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err == nil {
		cfg, _ = r.ConfigScoped(gitconfig.GlobalScope)
	}
	if cfg == nil {
		// Not a repository, or its configuration is unreadable: the owner
		// is a convenience, so fall back rather than fail.
		cfg, _ = gitconfig.LoadConfig(gitconfig.GlobalScope)
	}
	if cfg == nil {
		return ""
	}
	return strings.TrimSpace(cfg.User.Name)
}

// writeExclusive creates name with data, failing with fs.ErrExist when it
// exists.
func writeExclusive(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	return f.Close()
}

// displayPath is a repository-relative path as the user should see it:
// relative to the working directory, as check prints paths.
func displayPath(root, rel string) string {
	abs := filepath.Join(root, filepath.FromSlash(rel))
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	if r, err := filepath.Rel(wd, abs); err == nil {
		return r
	}
	return abs
}
