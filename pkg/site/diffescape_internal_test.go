package site

import (
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// TestAppendEscapedEveryByte puts each byte value at each place of texts
// of up to 24 bytes, among plain bytes, special ones, bytes with the high
// bit set (invalid UTF-8) and NULs, and checks appendEscaped against
// html.EscapeString: every byte, wherever it is, escaped as it escapes
// it. (A scan of 8 bytes at a time, tried, must find the first of the
// five anywhere in a word and after the last whole one; this caught a
// borrow from the byte before the first that it had dropped.)
func TestAppendEscapedEveryByte(t *testing.T) {
	t.Parallel()
	for _, fill := range []byte{'a', '<', 0xa6, 0x00, 0xff} {
		for n := 1; n <= 24; n++ {
			b := []byte(strings.Repeat(string(fill), n))
			for at := range n {
				for v := range 256 {
					b[at] = byte(v)
					s := string(b)
					if got, want := string(appendEscaped(nil, s)), html.EscapeString(s); got != want {
						t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want)
					}
				}
				b[at] = fill
			}
		}
	}
}

// BenchmarkAppendEscaped escapes every line of the postmortems of the
// corpus ($INQUEST_BENCH_CORPUS, or skips), as appendHunkLines escapes a
// diff's lines, into one buffer:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench AppendEscaped
func BenchmarkAppendEscaped(b *testing.B) {
	dir := bench.Corpus(b)
	var lines []string
	size := 0
	err := filepath.WalkDir(filepath.Join(dir, "postmortems"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for l := range strings.Lines(string(data)) {
			lines = append(lines, strings.TrimSuffix(l, "\n"))
			size += len(l)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 2*size)
	b.SetBytes(int64(size))
	for b.Loop() {
		buf = buf[:0]
		for _, l := range lines {
			buf = appendEscaped(buf, l)
		}
	}
	b.ReportMetric(float64(len(lines)), "lines")
}
