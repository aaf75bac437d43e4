package gitdb

import (
	"context"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"

	"github.com/go-git/go-git/v5/plumbing"
)

// benchCorpus opens the repository named by $INQUEST_BENCH_CORPUS, one
// made by ../shared/bench/gencorpus.py, e.g.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench . -benchtime 3x ./pkg/history/internal/gitdb/
func benchCorpus(b *testing.B) (plumbing.Hash, *Objects) {
	b.Helper()
	dir := bench.Corpus(b)
	g, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	head, err := g.Head()
	if err != nil {
		b.Fatal(err)
	}
	o := g.OpenObjects()
	b.Cleanup(func() { o.Close() })
	return head, o
}

// BenchmarkWalk reads every commit of the corpus.
func BenchmarkWalk(b *testing.B) {
	head, o := benchCorpus(b)
	for b.Loop() {
		if _, err := o.NewReader(8<<20).Walk(context.Background(), head, WalkOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiff compares every first-parent commit of the corpus with its
// parent under postmortems/, as the history pass does.
func BenchmarkDiff(b *testing.B) {
	head, o := benchCorpus(b)
	w, err := o.NewReader(8<<20).Walk(context.Background(), head, WalkOptions{})
	if err != nil {
		b.Fatal(err)
	}
	index := Positions(w.Commits)
	pairs := ParentPairs(w.Commits, index, FirstParents(w.Commits, index))
	paths := NewPaths([]string{"postmortems"})
	for b.Loop() {
		if _, err := o.Diff(context.Background(), pairs, paths); err != nil {
			b.Fatal(err)
		}
	}
}
