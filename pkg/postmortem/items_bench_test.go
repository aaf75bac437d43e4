package postmortem_test

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/bench"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// BenchmarkFieldsCacheHistory reads the fields and the action items of
// every version of every postmortem of the corpus in
// $INQUEST_BENCH_CORPUS through one FieldsCache, as the history does:
// the newest version of each file parsed whole by the seeding parser,
// then the older ones newest first, fields before items.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench FieldsCacheHistory -benchtime 3x ./pkg/postmortem/
func BenchmarkFieldsCacheHistory(b *testing.B) {
	dir := bench.Corpus(b)
	files := corpusVersions(b, dir)
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	p := postmortem.NewParser(cfg)
	n := 0
	for _, vs := range files {
		n += len(vs)
	}
	seed := func(c *postmortem.FieldsCache) {
		seeding := c.SeedingParser()
		for _, vs := range files {
			seeding.Parse("", vs[0])
		}
	}
	older := func(c *postmortem.FieldsCache) {
		for _, vs := range files {
			for _, v := range vs[1:] {
				c.Fields(v)
				c.ActionItems(v)
			}
		}
	}
	// All: the seeding parse too (which also parses each newest version
	// whole, as the build does anyway).
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := p.NewFieldsCache()
			seed(c)
			older(c)
		}
		b.ReportMetric(float64(n), "versions")
	})
	// Older: only the older versions, the cache seeded beforehand.
	b.Run("older", func(b *testing.B) {
		b.StopTimer()
		caches := make([]*postmortem.FieldsCache, b.N)
		for i := range caches {
			caches[i] = p.NewFieldsCache()
			seed(caches[i])
		}
		b.ReportAllocs()
		b.StartTimer()
		for i := range b.N {
			older(caches[i])
		}
	})
}

// corpusVersions returns the versions of the Markdown files under
// postmortems/ of the repository in dir, by path, newest first.
func corpusVersions(b *testing.B, dir string) [][][]byte {
	b.Helper()
	out, err := exec.Command("git", "-C", dir, "log", "--raw", "--no-abbrev", "--no-renames", "--format=", "--", "postmortems").Output()
	if err != nil {
		b.Fatal(err)
	}
	byPath := map[string][]string{}
	var order []string
	for _, l := range strings.Split(string(out), "\n") {
		// :100644 100644 <old> <new> M\t<path>
		f := strings.Fields(l)
		if len(f) != 6 || !strings.HasSuffix(f[5], ".md") || strings.Trim(f[3], "0") == "" {
			continue
		}
		if _, ok := byPath[f[5]]; !ok {
			order = append(order, f[5])
		}
		byPath[f[5]] = append(byPath[f[5]], f[3])
	}
	var ids []string
	for _, p := range order {
		ids = append(ids, byPath[p]...)
	}
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(ids, "\n") + "\n")
	data, err := cmd.Output()
	if err != nil {
		b.Fatal(err)
	}
	rd := bufio.NewReader(bytes.NewReader(data))
	blobs := map[string][]byte{}
	for range ids {
		head, err := rd.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		f := strings.Fields(head)
		size, _ := strconv.Atoi(f[2])
		buf := make([]byte, size+1)
		if _, err := io.ReadFull(rd, buf); err != nil {
			b.Fatal(err)
		}
		blobs[f[0]] = buf[:size]
	}
	files := make([][][]byte, 0, len(order))
	for _, p := range order {
		var vs [][]byte
		for _, id := range byPath[p] {
			vs = append(vs, blobs[id])
		}
		files = append(files, vs)
	}
	return files
}
