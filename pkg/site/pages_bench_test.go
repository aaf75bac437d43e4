package site

import (
	"bytes"
	"context"
	"html/template"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
	"github.com/inquest-dev/inquest/theme"
)

// BenchmarkPages renders the pages of a built site again, by page kind,
// into memory: the template work of the write stage without the disk. It
// builds the repository named by $INQUEST_BENCH_CORPUS (made by
// ../shared/bench/gencorpus.py) once, with its history, or skips:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1k go test ./pkg/site -run '^$' -bench Pages -benchtime 3x
func BenchmarkPages(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	byKind := map[string][]PageJob{}
	for _, j := range asm.Written() {
		kind := j.Template
		if kind != "incident" {
			kind = "other"
		}
		byKind[kind] = append(byKind[kind], j)
	}
	// The layout alone: every page with its content left out.
	top, _ := asm.themeFiles()
	fresh, err := asm.parseTemplates(theme.Overlay(top))
	if err != nil {
		b.Fatal(err)
	}
	bare := template.Must(fresh["list"].Parse(`{{define "content"}}.{{end}}`))
	b.Run("layout", func(b *testing.B) {
		var buf bytes.Buffer
		jobs := asm.Written()
		for b.Loop() {
			for _, j := range jobs {
				buf.Reset()
				if err := bare.ExecuteTemplate(&buf, "layout", j.Page); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(jobs)), "ns/page")
	})
	for _, kind := range []string{"incident", "other"} {
		jobs := byKind[kind]
		b.Run(kind, func(b *testing.B) {
			var buf bytes.Buffer
			cpu := bench.CPUTime()
			for b.Loop() {
				asm.frags.m.Clear()
				for _, j := range jobs {
					buf.Reset()
					if err := asm.execute(asm.tmpls[j.Template], j, &buf); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(jobs)), "ns/page")
			b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(jobs)), "cpu-ns/page")
			b.ReportMetric(float64(len(jobs)), "pages")
		})
	}
}
