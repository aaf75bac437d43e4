package history

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWaitWrites: waitWrites returns once the writes into its folder are
// done, and not before; writes into another folder are not waited for.
func TestWaitWrites(t *testing.T) {
	t.Parallel()
	dir, other := t.TempDir(), t.TempDir()
	release, stuck := make(chan struct{}), make(chan struct{})
	var wrote bool
	writeBehind(dir, func() {
		<-release
		wrote = true
	})
	writeBehind(other, func() { <-stuck })
	defer close(stuck)
	waited := make(chan struct{})
	go func() {
		waitWrites(dir)
		close(waited)
	}()
	select {
	case <-waited:
		t.Fatal("waitWrites returned before the write was done")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-waited
	if !wrote {
		t.Error("waitWrites returned before the write")
	}
	behind.mu.Lock()
	left := len(behind.writes[dir])
	behind.mu.Unlock()
	if left != 0 {
		t.Errorf("%d writes still listed", left)
	}
}

// TestAttachWritesBehind: once Attach returns, the caches AttachChanges
// wrote behind it are written, and listed as running no more.
func TestAttachWritesBehind(t *testing.T) {
	t.Parallel()
	tr, _ := approvedQueue(t)
	dir := t.TempDir()
	r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, FieldsVersion: "1", CacheDir: dir})
	inc := attachOne(t, r, "postmortems/q.md", "Bo Chen <bo@example.com>")
	if inc.History == nil {
		t.Fatal("no history")
	}
	behind.mu.Lock()
	left := len(behind.writes[dir])
	behind.mu.Unlock()
	if left != 0 {
		t.Errorf("%d writes still running after Attach", left)
	}
	for _, name := range []string{diffCacheFile, fieldsName("1")} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
