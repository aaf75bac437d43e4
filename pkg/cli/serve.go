package cli

import (
	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/serve"
)

func newServeCmd(e *env) *cobra.Command {
	opts := serve.Options{}
	cmd := &cobra.Command{
		Use:   "serve [DIR]",
		Short: "Preview the site locally, rebuilding and reloading on every change",
		Long: `serve builds the site of the repository in DIR (default: the current directory) into
a temporary folder and serves it on 127.0.0.1:8080. It watches the repository and
updates the site on every change; open pages reload by themselves, and a failed build
is shown at the top of the page while the last good site stays up. An edit to a
postmortem re-renders only the pages that show it (a fraction of a second at 10,000
postmortems); a change to the configuration, the theme or the set of files builds
the whole site again. Postmortems with errors are listed as they are found.

serve binds to loopback only; --allow-remote is needed for any other address.`,
		Example: `  inquest serve
  inquest serve examples/acme
  inquest serve --addr 127.0.0.1:9000 --drafts`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			opts.Log = e.stderr
			if err := serve.CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
				return usageError("%v", err)
			}
			return serve.Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	f.BoolVar(&opts.Drafts, "drafts", true, "include draft postmortems")
	f.BoolVar(&opts.NoHistory, "no-history", false, "do not read Git history")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the time each stage of a build or update took")
	return cmd
}
