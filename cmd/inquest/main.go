// Command inquest builds a static site from a Git repository of incident
// postmortems. See the README for the commands.
package main

import (
	"context"
	"os"
	_ "time/tzdata" // zone names resolve the same on every machine

	"github.com/inquest-dev/inquest/pkg/cli"
)

func main() {
	ctx, stop := cli.NotifyContext(context.Background())
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
