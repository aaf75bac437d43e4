package bench

import (
	"runtime"
	"testing"
)

func TestCPUTimeGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no rusage here")
	}
	before := CPUTime()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if after := CPUTime(); after <= before {
		t.Errorf("CPU time went from %v to %v over a busy loop (%d)", before, after, x)
	}
}

func TestCorpusSkipsWithoutEnv(t *testing.T) {
	t.Setenv(CorpusEnv, "")
	skipped := true
	t.Run("inner", func(t *testing.T) {
		Corpus(t)
		skipped = false
	})
	if !skipped {
		t.Error("Corpus went on without " + CorpusEnv)
	}
	t.Setenv(CorpusEnv, "/some/corpus")
	if got := Corpus(t); got != "/some/corpus" {
		t.Errorf("Corpus = %q, want /some/corpus", got)
	}
}
