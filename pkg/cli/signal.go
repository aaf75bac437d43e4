package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Interrupted is the cause of a context that NotifyContext cancelled: the
// signal that came.
type Interrupted struct{ Signal os.Signal }

func (e Interrupted) Error() string { return e.Signal.String() + " signal received" }

// NotifyContext is signal.NotifyContext for SIGINT and SIGTERM, with the
// signal that came as the context's cause, so that Run exits as a shell
// reports a process the signal ended: 130 after Ctrl-C, 143 after SIGTERM
// (what CI runners and container stops send).
func NotifyContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(Interrupted{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// interruptCode is the exit code of a command the context's cancellation
// ended: 128 plus the signal's number, as shells report, and 130 (SIGINT's)
// when the cause names no signal.
func interruptCode(ctx context.Context) int {
	var in Interrupted
	if errors.As(context.Cause(ctx), &in) {
		if s, ok := in.Signal.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return 128 + int(syscall.SIGINT)
}
