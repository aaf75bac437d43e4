package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestStatusLine: a stage shows only after a second, with its steps and
// time; overlapping stages share the line; an ended stage leaves it, and
// the line is cleared when nothing is left to show.
func TestStatusLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &statusLine{w: &buf, now: func() time.Time { return now }, every: time.Hour}
	step := func(d time.Duration) string {
		now = now.Add(d)
		buf.Reset()
		s.mu.Lock()
		s.drawLocked()
		s.mu.Unlock()
		return buf.String()
	}
	s.Begin("writing pages", 200)
	if got := step(900 * time.Millisecond); got != "" {
		t.Errorf("before a second: drew %q", got)
	}
	s.Advance("writing pages", 50)
	if got, want := step(200*time.Millisecond), "\r\x1b[Kwriting pages 50/200 (1 s)…"; got != want {
		t.Errorf("after a second: %q, want %q", got, want)
	}
	s.Begin("building the browser's search index", 0)
	if got, want := step(1500*time.Millisecond), "\r\x1b[Kwriting pages 50/200 (3 s), building the browser's search index (2 s)…"; got != want {
		t.Errorf("two stages: %q, want %q", got, want)
	}
	buf.Reset()
	s.End("writing pages")
	if got, want := buf.String(), "\r\x1b[Kbuilding the browser's search index (2 s)…"; got != want {
		t.Errorf("after End: %q, want %q", got, want)
	}
	buf.Reset()
	s.Close()
	if got, want := buf.String(), "\r\x1b[K"; got != want {
		t.Errorf("Close: %q, want the line cleared", got)
	}
	buf.Reset()
	s.Close()
	if buf.Len() != 0 {
		t.Errorf("second Close wrote %q", buf.String())
	}
}

func TestStatusLineWidth(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := &statusLine{now: func() time.Time { return now }}
	s.stages = []*stageRun{{name: strings.Repeat("long stage name ", 10), start: now.Add(-2 * time.Second)}}
	if l := s.line(); len([]rune(l)) != maxStatusWidth || !strings.HasSuffix(l, "…") {
		t.Errorf("line of %d runes: %q", len([]rune(l)), l)
	}
}

// TestProgressEnabled: progress only on a terminal, never with --quiet or
// when CI is set.
func TestProgressEnabled(t *testing.T) {
	t.Parallel()
	noCI := func(string) string { return "" }
	ci := func(k string) string {
		if k == "CI" {
			return "true"
		}
		return ""
	}
	if progressEnabled(&bytes.Buffer{}, false, noCI) {
		t.Error("enabled on a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progressEnabled(f, false, noCI) {
		t.Error("enabled on a regular file")
	}
	// The controlling side of a new pseudo-terminal is a terminal too.
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test with: %v", err)
	}
	defer tty.Close()
	if !progressEnabled(tty, false, noCI) {
		t.Error("not enabled on a terminal")
	}
	if progressEnabled(tty, false, ci) {
		t.Error("enabled on a terminal with CI set")
	}
	if progressEnabled(tty, true, noCI) {
		t.Error("enabled on a terminal with --quiet")
	}
}
