package testhook

import (
	"context"
	"testing"
)

type recorder struct{ began []string }

func (r *recorder) Begin(stage string, _ int) { r.began = append(r.began, stage) }
func (*recorder) Advance(string, int)         {}
func (*recorder) End(string)                  {}

// TestProgressFrom: a context carries the hook it was given, through
// derived contexts, and none when it was given none.
func TestProgressFrom(t *testing.T) {
	t.Parallel()
	if p := ProgressFrom(context.Background()); p != nil {
		t.Errorf("a context without a hook gives %v", p)
	}
	r := &recorder{}
	ctx, cancel := context.WithCancel(WithProgress(context.Background(), r))
	defer cancel()
	p := ProgressFrom(ctx)
	if p == nil {
		t.Fatal("the hook is lost in a derived context")
	}
	p.Begin("rendering", 0)
	if len(r.began) != 1 || r.began[0] != "rendering" {
		t.Errorf("the hook heard %q, want [rendering]", r.began)
	}
}
