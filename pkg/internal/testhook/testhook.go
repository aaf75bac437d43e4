// Package testhook carries, in a context, a progress hook that a test gives
// the command it runs in a process of its own (the CLI's test binary run as
// `inquest`), where it cannot set the build's options: the test stops the
// build at a named stage and interrupts it there, instead of sleeping and
// hoping the build is still running. Only tests put a hook in a context;
// without one, a command pays one context look-up per build.
package testhook

import "context"

// Progress is what a hook hears of a build: site.Progress, which it is
// handed to as is.
type Progress interface {
	Begin(stage string, total int)
	Advance(stage string, n int)
	End(stage string)
}

// progressKey is the context key of the hook.
type progressKey struct{}

// WithProgress returns ctx carrying p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressFrom returns the hook ctx carries, nil when it carries none.
func ProgressFrom(ctx context.Context) Progress {
	p, _ := ctx.Value(progressKey{}).(Progress)
	return p
}
