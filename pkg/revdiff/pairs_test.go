package revdiff

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// pairCount is how many pairs of versions BenchmarkPairs compares.
const pairCount = 3000

// BenchmarkPairs compares real pairs of versions, as a build does: each
// pair's versions are shared (NewVersionShared: the texts stay as they
// are), and its diff is encoded and summarised. The pairs are the first 3,000
// Markdown files a commit modified in the generated corpus
// ($INQUEST_BENCH_CORPUS, see package bench), newest first, before and
// after that commit, read from Git before the benchmark starts:
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test ./pkg/revdiff -run '^$' -bench Pairs -benchtime 10x
func BenchmarkPairs(b *testing.B) {
	pairs := readPairs(b, bench.Corpus(b), pairCount)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pairs {
			d := CompareVersions(NewVersionShared(p[0]), NewVersionShared(p[1]), nil)
			if _, err := d.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
			d.Summary()
		}
	}
}

// readPairs reads up to n pairs of versions of the Markdown files the
// commits of repo modified, newest first: the blobs `git log --raw` names,
// read with one `git cat-file --batch`.
func readPairs(tb testing.TB, repo string, n int) [][2][]byte {
	tb.Helper()
	out, err := exec.Command("git", "-C", repo, "log", "--raw", "--no-abbrev", "--no-renames", "--format=", "--diff-filter=M", "--", "*.md").Output()
	if err != nil {
		tb.Fatalf("git log in %s: %v", repo, err)
	}
	var blobs []string // before and after, pair by pair
	for line := range strings.Lines(string(out)) {
		// :100644 100644 OLD NEW M\tPATH
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[0], ":") {
			continue
		}
		blobs = append(blobs, f[2], f[3])
		if len(blobs) == 2*n {
			break
		}
	}
	if len(blobs) == 0 {
		tb.Fatalf("%s: no commit modified a Markdown file", repo)
	}
	cmd := exec.Command("git", "-C", repo, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(blobs, "\n") + "\n")
	raw, err := cmd.Output()
	if err != nil {
		tb.Fatalf("git cat-file in %s: %v", repo, err)
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	pairs := make([][2][]byte, len(blobs)/2)
	for i := range blobs {
		data, err := readBatchEntry(r)
		if err != nil {
			tb.Fatalf("git cat-file in %s, blob %s: %v", repo, blobs[i], err)
		}
		pairs[i/2][i%2] = data
	}
	return pairs
}

// readBatchEntry reads one object of `git cat-file --batch`'s output: a
// line "HASH TYPE SIZE", the content, a line end.
func readBatchEntry(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(head)
	if len(f) != 3 {
		return nil, fmt.Errorf("unexpected %q", head)
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("unexpected %q", head)
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, err
	}
	return data[:size], nil
}
