package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long a stage runs before the status line shows it:
// quick stages leave no trace.
const progressDelay = time.Second

// statusLine draws the stages under way on one line of a terminal,
// redrawn in place: each stage once it has run for progressDelay, with its
// steps done (when it counts them) and its time so far. It implements
// site.Progress; its methods are safe for concurrent use, and a nil
// statusLine draws nothing.
type statusLine struct {
	w     io.Writer
	now   func() time.Time
	every time.Duration

	mu     sync.Mutex
	stages []*stageRun // in the order they began
	drawn  bool        // a line is on the screen
	stop   chan struct{}
	done   chan struct{}
}

type stageRun struct {
	name        string
	start       time.Time
	done, total int
}

// progressEnabled says whether progress is drawn on w: only on a terminal,
// and never when CI is set (CI logs are read as files), or when quiet.
func progressEnabled(w io.Writer, quiet bool, getenv func(string) string) bool {
	return !quiet && getenv("CI") == "" && isTerminal(w)
}

// newStatusLine returns a status line drawn on w, or nil (drawing nothing)
// when enabled is false.
func newStatusLine(w io.Writer, enabled bool) *statusLine {
	if !enabled {
		return nil
	}
	return &statusLine{w: w, now: time.Now, every: 100 * time.Millisecond}
}

// Begin implements site.Progress.
func (s *statusLine) Begin(stage string, total int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stages = append(s.stages, &stageRun{name: stage, start: s.now(), total: total})
	if s.stop == nil {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.loop(s.stop, s.done)
	}
}

// Advance implements site.Progress.
func (s *statusLine) Advance(stage string, n int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.stages {
		if r.name == stage {
			r.done += n
		}
	}
}

// End implements site.Progress.
func (s *statusLine) End(stage string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.stages {
		if r.name == stage {
			s.stages = append(s.stages[:i], s.stages[i+1:]...)
			break
		}
	}
	s.drawLocked()
}

// Close clears the line and stops redrawing; the status line can be used
// again after it.
func (s *statusLine) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.stages = nil
	s.drawLocked()
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

func (s *statusLine) loop(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.mu.Lock()
			s.drawLocked()
			s.mu.Unlock()
		}
	}
}

// line is what the status line shows now: the stages that have run for
// progressDelay, "" when none has.
func (s *statusLine) line() string {
	now := s.now()
	var parts []string
	for _, r := range s.stages {
		took := now.Sub(r.start)
		if took < progressDelay {
			continue
		}
		p := r.name
		if r.total > 0 {
			p += fmt.Sprintf(" %d/%d", r.done, r.total)
		}
		p += fmt.Sprintf(" (%.0f s)", took.Seconds())
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ""
	}
	l := strings.Join(parts, ", ") + "…"
	// A line longer than the terminal would wrap, and \r would then
	// redraw only its last part.
	if r := []rune(l); len(r) > maxStatusWidth {
		l = string(r[:maxStatusWidth-1]) + "…"
	}
	return l
}

// maxStatusWidth fits the status line in the narrowest usual terminal.
const maxStatusWidth = 79

// drawLocked redraws the line, or clears it when no stage is to be shown.
func (s *statusLine) drawLocked() {
	l := s.line()
	switch {
	case l != "":
		fmt.Fprintf(s.w, "\r\x1b[K%s", l)
		s.drawn = true
	case s.drawn:
		fmt.Fprint(s.w, "\r\x1b[K")
		s.drawn = false
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
