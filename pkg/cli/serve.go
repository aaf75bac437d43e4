package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/serve"
)

// ServeOptions are the options of `inquest serve`.
type ServeOptions struct {
	serve.Options
	// Example serves the example repository, its history replayed into a
	// temporary folder, instead of Dir.
	Example bool
}

func newServeCmd(e *env) *cobra.Command {
	opts := &ServeOptions{}
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
Drafts are shown, as a preview is where they are written (build leaves them out);
--drafts=false leaves them out here too.

--example serves the example repository of a fictional shop instead: its five years
of Git history (drafts, reviews merged from pull requests with Reviewed-by sign-offs,
a stale sign-off, amendments, renames) are written into a temporary repository, which
serve watches like any other and removes when it stops. It needs the git binary.

serve binds to loopback only; --allow-remote is needed for any other address. When
the port is taken, choose another with --addr.`,
		Example: `  inquest serve --example
  inquest serve
  inquest serve examples/acme
  inquest serve --addr 127.0.0.1:9000 --drafts=false`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				if opts.Example {
					return usageError("--example serves the example repository; give no folder with it")
				}
				opts.Dir = args[0]
			}
			return runServe(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	f.BoolVar(&opts.Drafts, "drafts", true, "include draft postmortems (--drafts=false leaves them out, as build does)")
	f.BoolVar(&opts.NoHistory, "no-history", false, "do not read Git history")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the time each stage of a build or update took")
	f.BoolVar(&opts.Example, "example", false, "serve the example repository, with its Git history, from a temporary folder")
	return cmd
}

func runServe(ctx context.Context, e *env, opts *ServeOptions) error {
	opts.Log = e.stderr
	if err := serve.CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
		return usageError("%v", err)
	}
	if opts.Example {
		dir, err := os.MkdirTemp("", "inquest-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		status := newStatusLine(e.stderr, progressEnabled(e.stderr, false, os.Getenv))
		commits, err := writeExample(ctx, dir, status)
		status.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "the example repository, with %d commits of history, is in %s\n"+
			"(edit its postmortems to see the pages reload; it is removed when serve stops)\n", commits, dir)
		opts.Dir = dir
	} else if err := checkRepoDir(opts.Dir); err != nil {
		return err
	}
	err := serve.Run(ctx, opts.Options)
	if errors.Is(err, syscall.EADDRINUSE) {
		return usageError("%s is in use, by another program or another inquest serve; choose another address with --addr, e.g. --addr %s", opts.Addr, nextPort(opts.Addr))
	}
	return err
}

// nextPort is addr with the port after its own, to suggest when addr is
// taken.
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "127.0.0.1:8081"
	}
	n, err := strconv.Atoi(port)
	if err != nil || n <= 0 || n >= 65535 {
		return net.JoinHostPort(host, "8081")
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}
