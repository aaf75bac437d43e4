package site

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkWrite runs the write stage of a built site again: every page,
// feed, api/incidents.json and asset, into a new folder each time (under
// /dev/shm when there is one, as .ci/bench.sh writes its sites). It builds
// the repository named by $INQUEST_BENCH_CORPUS once, with its history, or
// skips:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench 'Write$' -benchtime 5x
func BenchmarkWrite(b *testing.B) {
	dir := bench.Corpus(b)
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: filepath.Join(b.TempDir(), "public"), CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if root, err = os.MkdirTemp("/dev/shm", "inquest-bench-write-"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(root) })
	}
	cpu := bench.CPUTime()
	n := 0
	for b.Loop() {
		b.StopTimer()
		out := filepath.Join(root, "site")
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := asm.write(context.Background(), out); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(n), "cpu-ns/op")
}
