package site

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkTrail draws the audit trail of every incident page of a built
// site (the corpus of $INQUEST_BENCH_CORPUS, as BenchmarkPages) alone, as
// the default incident.html draws it (trailSkeleton): "go" with the
// methods of trail.go, "template" with the template markup they replaced
// (TrailSnippets). The rest of the page is left out, so that the trail's
// part is not lost in the noise of the whole page's.
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench Trail -benchtime 10x
func BenchmarkTrail(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	now, ref := trailTemplates(b, asm, `{{define "diff"}}{{.Slot}}{{end}}`)
	var pages []*Page
	for _, j := range asm.Written() {
		if j.Template == "incident" {
			pages = append(pages, j.Page)
		}
	}
	for _, k := range []struct {
		name string
		exec func(buf *bytes.Buffer, p *Page) error
	}{
		{"go", func(buf *bytes.Buffer, p *Page) error { return now.ExecuteTemplate(buf, "trail", p) }},
		{"template", func(buf *bytes.Buffer, p *Page) error { return ref.ExecuteTemplate(buf, "trail", p) }},
	} {
		b.Run(k.name, func(b *testing.B) {
			var buf bytes.Buffer
			cpu := bench.CPUTime()
			for b.Loop() {
				for _, p := range pages {
					buf.Reset()
					if err := k.exec(&buf, p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(pages)), "cpu-ns/page")
			b.ReportMetric(float64(len(pages)), "pages")
		})
	}
}
