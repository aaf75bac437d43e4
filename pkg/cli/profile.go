package cli

import (
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startProfiles starts a CPU profile when cpu is set, and when mem is set
// a peakHeap that watches the live heap; the returned function stops both
// and writes their files.
func startProfiles(cpu, mem string) (func() error, error) {
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return nil, fmt.Errorf("cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpuprofile: %w", err)
		}
		cpuFile = f
	}
	var peak *peakHeap
	if mem != "" {
		peak = watchPeakHeap(peakHeapEvery)
	}
	return func() error {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			if err := cpuFile.Close(); err != nil {
				return err
			}
		}
		if peak != nil {
			prof, _ := peak.stop()
			if err := os.WriteFile(mem, prof, 0o644); err != nil {
				return fmt.Errorf("memprofile: %w", err)
			}
		}
		return nil
	}, nil
}

// peakHeapEvery is how often a peakHeap reads the live heap: a build's
// heap grows over seconds, and one read costs about a microsecond.
const peakHeapEvery = 50 * time.Millisecond

// peakHeap keeps the heap profile of the largest live heap a build had,
// which is what its peak memory is made of. A profile taken when the
// build ends shows almost nothing: by then the pages are written and
// their data collected (66 MB in use at the end of a 10k build whose
// resident memory peaked at 2.1 GB).
//
// The live heap is the runtime's "/gc/heap/live:bytes", as of the last
// collection, which is also the state a heap profile describes. A new
// profile is taken each time the live heap has grown by a sixteenth since
// the last one, so a build takes a few dozen.
type peakHeap struct {
	quit chan struct{}
	done chan struct{}
	max  uint64 // the live heap of prof
	prof []byte // a heap profile in pprof's format, gzipped
}

// watchPeakHeap starts a peakHeap that reads the live heap every period.
func watchPeakHeap(period time.Duration) *peakHeap {
	p := &peakHeap{quit: make(chan struct{}), done: make(chan struct{})}
	go p.watch(period)
	return p
}

// liveHeap is the runtime metric a peakHeap reads.
const liveHeap = "/gc/heap/live:bytes"

func (p *peakHeap) watch(period time.Duration) {
	defer close(p.done)
	sample := []metrics.Sample{{Name: liveHeap}}
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		p.sample(sample)
		select {
		case <-p.quit:
			return
		case <-tick.C:
		}
	}
}

// sample reads the live heap into s and takes a profile when it is the
// first or has grown by a sixteenth since the last.
func (p *peakHeap) sample(s []metrics.Sample) {
	metrics.Read(s)
	live := s[0].Value.Uint64()
	if p.prof != nil && live <= p.max+p.max/16 {
		return
	}
	var buf bytes.Buffer
	if pprof.Lookup("heap").WriteTo(&buf, 0) == nil {
		p.max, p.prof = live, buf.Bytes()
	}
}

// stop ends the watch and returns the profile of the largest live heap
// seen and that heap's size in bytes.
func (p *peakHeap) stop() ([]byte, uint64) {
	close(p.quit)
	<-p.done
	return p.prof, p.max
}
