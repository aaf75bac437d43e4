package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"runtime"
	"runtime/metrics"
	"testing"
)

// TestPeakHeapKeepsLargest: the profile kept is the one taken at the
// largest live heap, not the last one; a profile taken when the build
// ends misses what made its memory peak.
func TestPeakHeapKeepsLargest(t *testing.T) {
	const held = 64 << 20
	p := &peakHeap{}
	s := []metrics.Sample{{Name: liveHeap}}
	p.sample(s)
	first := p.max

	big := make([][]byte, 64)
	for i := range big {
		big[i] = make([]byte, held/len(big))
	}
	runtime.GC()
	p.sample(s)
	atPeak := p.prof
	if p.max < held {
		t.Fatalf("live heap with %d MiB held: profile kept at %d MiB", held>>20, p.max>>20)
	}
	runtime.KeepAlive(big)
	big = nil
	runtime.GC()
	p.sample(s)
	if p.max < held || !bytes.Equal(p.prof, atPeak) {
		t.Fatalf("after the peak: kept %d MiB (first %d MiB), want the peak's profile", p.max>>20, first>>20)
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.prof))
	if err != nil {
		t.Fatalf("profile is not pprof's gzipped format: %v", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil || !bytes.Contains(data, []byte("inuse_space")) {
		t.Fatalf("profile has no inuse_space samples (%d bytes, %v)", len(data), err)
	}
}

// TestPeakHeapWatch runs the watch itself: stop returns a profile.
func TestPeakHeapWatch(t *testing.T) {
	p := watchPeakHeap(peakHeapEvery)
	prof, max := p.stop()
	if len(prof) == 0 || max == 0 {
		t.Fatalf("stop returned %d bytes of profile at %d bytes live", len(prof), max)
	}
}
