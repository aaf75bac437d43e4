package history

import "sync"

// The caches a load's AttachChanges rewrites (fields, diffs, items) are
// written behind it: AttachSinceApproval, which a whole load calls next,
// works meanwhile and waits for them before it returns, and whatever
// reads a cache folder first waits for the writes into it. On a cold
// 10,000-postmortem build the three took some 0.35 s after the history
// pass's workers (BenchmarkTrail's first pass, machine shared), and the
// since cache 0.12 s more. A write that fails costs only time, as before.
var behind struct {
	mu sync.Mutex
	// writes are the writes running, by cache folder: closed when done.
	writes map[string][]chan struct{}
}

// writeBehind runs write in the background, as a write into the cache
// folder dir.
func writeBehind(dir string, write func()) {
	done := make(chan struct{})
	behind.mu.Lock()
	if behind.writes == nil {
		behind.writes = map[string][]chan struct{}{}
	}
	behind.writes[dir] = append(behind.writes[dir], done)
	behind.mu.Unlock()
	go func() {
		defer close(done)
		write()
	}()
}

// waitWrites waits for the writes into the cache folder dir that
// writeBehind started before.
func waitWrites(dir string) {
	behind.mu.Lock()
	pending := behind.writes[dir]
	behind.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	for _, done := range pending {
		<-done
	}
	behind.mu.Lock()
	defer behind.mu.Unlock()
	behind.writes[dir] = slicesDeleteDone(behind.writes[dir])
	if len(behind.writes[dir]) == 0 {
		delete(behind.writes, dir)
	}
}

// slicesDeleteDone drops the writes that are done.
func slicesDeleteDone(ws []chan struct{}) []chan struct{} {
	out := ws[:0]
	for _, done := range ws {
		select {
		case <-done:
		default:
			out = append(out, done)
		}
	}
	clear(ws[len(out):])
	return out
}
