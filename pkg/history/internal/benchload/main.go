// Command benchload times history.Load on a repository:
//
//	go build -o /tmp/benchload ./pkg/history/internal/benchload
//	/usr/bin/time -v /tmp/benchload -roots postmortems /tmp/c10k
//
// It prints the time Load took and the resident memory, and optionally the
// time to list the revisions of (-revisions) or attach history to (-attach)
// every Markdown file under the roots, with the postmortem parser's Fields
// (cached with -fields-version). -show prints one file's history as
// the CLI would; -dump prints revision hashes for comparison with
// `git log --first-parent --follow --format=%H`.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("benchload", flag.ContinueOnError)
	roots := fl.String("roots", "postmortems", "comma-separated content folders")
	cache := fl.String("cache", "", "cache directory")
	fieldsVersion := fl.String("fields-version", "", "cache front-matter fields under this version (needs -cache)")
	revs := fl.Bool("revisions", false, "also list the revisions of every .md file")
	attach := fl.Bool("attach", false, "also attach history (with field changes) to every .md file")
	show := fl.String("show", "", "print the history of this file as the CLI would")
	dump := fl.String("dump", "", "print the revision hashes of the files listed in this file, one a line")
	cpuprofile := fl.String("cpuprofile", "", "write a CPU profile to this file")
	memprofile := fl.String("memprofile", "", "write an allocation profile to this file")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *memprofile != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			if f, err := os.Create(*memprofile); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if fl.NArg() != 1 {
		return fmt.Errorf("usage: benchload [flags] REPO")
	}
	dir := fl.Arg(0)
	// The postmortem parser's Fields, as a build wires it.
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	opts := history.Options{
		Include:  func(p string) bool { return strings.HasSuffix(p, ".md") },
		CacheDir: *cache,
		Fields:   postmortem.NewParser(cfg).NewFieldsCache(),
		// A build derives it from the parser and the configuration.
		FieldsVersion: *fieldsVersion,
	}
	if *roots != "" {
		opts.Roots = strings.Split(*roots, ",")
	}
	start := time.Now()
	repo, warnings, err := history.Load(ctx, dir, opts)
	if err != nil {
		return err
	}
	fmt.Printf("load: %v head=%s%s\n", time.Since(start).Round(time.Millisecond), repo.Head(), memory())
	for _, w := range warnings {
		fmt.Println("warning:", w)
	}
	if *show != "" {
		inc := &postmortem.Incident{Source: *show, Reviewers: strings.Split(os.Getenv("REVIEWERS"), ",")}
		if err := repo.Attach(ctx, []*postmortem.Incident{inc}); err != nil {
			return err
		}
		if err := history.WriteText(os.Stdout, inc); err != nil {
			return err
		}
	}
	if *dump != "" {
		list, err := os.ReadFile(*dump)
		if err != nil {
			return err
		}
		for _, p := range strings.Fields(string(list)) {
			var hashes []string
			for _, rv := range repo.Revisions(p) {
				hashes = append(hashes, rv.Commit)
			}
			fmt.Printf("%s %s\n", p, strings.Join(hashes, " "))
		}
	}
	var files []string
	for _, root := range opts.Roots {
		err := filepath.WalkDir(filepath.Join(dir, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return err
		}
	}
	if *revs {
		start = time.Now()
		total := 0
		for _, f := range files {
			total += len(repo.Revisions(f))
		}
		fmt.Printf("revisions: %d files, %d revisions in %v\n", len(files), total, time.Since(start).Round(time.Millisecond))
	}
	if *attach {
		incs := make([]*postmortem.Incident, len(files))
		for i, f := range files {
			incs[i] = &postmortem.Incident{Source: f, Reviewers: []string{"Olga Tanaka"}}
		}
		start = time.Now()
		if err := repo.Attach(ctx, incs); err != nil {
			return err
		}
		took := time.Since(start)
		changes, uncommitted := 0, 0
		// A digest of every field change, to compare runs with and
		// without the fields cache.
		sum := sha256.New()
		for _, inc := range incs {
			if inc.History == nil {
				continue
			}
			if inc.History.Uncommitted {
				uncommitted++
			}
			for _, rv := range inc.History.Revisions {
				changes += len(rv.Changes)
				fmt.Fprintf(sum, "%s %s %q\n", inc.Source, rv.Commit, rv.Changes)
			}
		}
		fmt.Printf("attach: %d incidents, %d field changes (digest %x), %d uncommitted in %v%s\n", len(incs), changes, sum.Sum(nil)[:6], uncommitted, took.Round(time.Millisecond), memory())
	}
	return nil
}

// memory reports resident memory on Linux: anonymous (heap) and file-backed
// (the mapped pack) pages.
func memory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, k := range []string{"VmHWM:", "RssAnon:", "RssFile:"} {
			if strings.HasPrefix(line, k) {
				out = append(out, strings.Join(strings.Fields(line), " "))
			}
		}
	}
	return " (" + strings.Join(out, ", ") + ")"
}
