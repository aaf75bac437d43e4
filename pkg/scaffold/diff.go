package scaffold

import (
	"bytes"
	"fmt"
	"io"
)

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// WriteDiff writes the unified diff that turns old into new, for a file
// at path (a slash path, shown as a/path and b/path; created is a file
// that did not exist). What adopt changes in a file is one run of lines,
// so the diff is one hunk: the lines old and new share at their start and
// end are kept, the rest replaced, with three lines of context. It writes
// nothing when they are equal.
func WriteDiff(w io.Writer, path string, old, new []byte, created bool) error {
	a, b := splitLines(old), splitLines(new)
	if bytes.Equal(old, new) {
		return nil
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	start := max(0, pre-diffContext)
	endA, endB := min(len(a), len(a)-suf+diffContext), min(len(b), len(b)-suf+diffContext)
	var buf bytes.Buffer
	from := "a/" + path
	if created {
		from = "/dev/null"
	}
	fmt.Fprintf(&buf, "--- %s\n+++ b/%s\n@@ -%s +%s @@\n", from, path, hunkRange(start, endA-start), hunkRange(start, endB-start))
	line := func(mark byte, l string) {
		buf.WriteByte(mark)
		buf.WriteString(l)
		if l == "" || l[len(l)-1] != '\n' {
			buf.WriteString("\n\\ No newline at end of file\n")
		}
	}
	for _, l := range a[start:pre] {
		line(' ', l)
	}
	for _, l := range a[pre : len(a)-suf] {
		line('-', l)
	}
	for _, l := range b[pre : len(b)-suf] {
		line('+', l)
	}
	for _, l := range a[len(a)-suf : endA] {
		line(' ', l)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// hunkRange writes a hunk's start line and length as a unified diff
// does: "0,0" for an empty range at the start, "N" for one line.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits text after each newline; the last line may lack one.
func splitLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}
