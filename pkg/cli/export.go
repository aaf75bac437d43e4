package cli

import (
	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// ExportOptions are the options of `inquest export`.
type ExportOptions struct {
	Dir       string
	NoHistory bool
}

func newExportCmd(e *env) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export [DIR]",
		Short: "Print every postmortem as JSON ({\"incidents\": [...]})",
		Long: `export prints the parsed postmortems of the repository in DIR (default: the current
directory) as one JSON document, {"incidents": [...]}, the same encoding as the site's
api/incidents.json. Key names are a public API: snake_case, times in RFC 3339 UTC,
durations in seconds, absent values omitted. Files that could not be parsed are left
out and reported on stderr.`,
		Example: `  inquest export > incidents.json
  inquest export examples/acme | jq '.incidents[] | select(.severity == "SEV1") | .id'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runExport(cmd, e, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoHistory, "no-history", false, "do not read Git history (faster; no history key)")
	return cmd
}

func runExport(cmd *cobra.Command, e *env, opts *ExportOptions) error {
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	repo, err := repo.Load(cmd.Context(), root, repo.Options{History: !opts.NoHistory, OneLoad: true})
	if err != nil {
		return err
	}
	if err := repo.NoneFound(); err != nil {
		return &exitError{code: ExitFindings, err: err}
	}
	if line := repo.Found(); line != "" {
		cmd.PrintErrln(line) // stderr: stdout is the JSON
	}
	for _, inc := range repo.Set.Incidents {
		if inc.Broken {
			for _, f := range inc.Findings {
				cmd.PrintErrln(formatFinding(f))
			}
		}
	}
	for _, w := range repo.Warnings {
		cmd.PrintErrln("warning: " + w)
	}
	return postmortem.WriteJSON(e.stdout, repo.Set.Incidents)
}
