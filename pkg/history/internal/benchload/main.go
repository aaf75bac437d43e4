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
// `git log --first-parent --follow --format=%H`. The yardstick for the
// load is `git log --name-only --format=%H` on the same repository, timed
// in turns with it.
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

// options are benchload's flags.
type options struct {
	roots, cache, fieldsVersion string
	revisions, attach           bool
	parse, items                bool
	show, dump                  string
	cpuprofile, memprofile      string
	dir                         string
}

func parseFlags(args []string) (options, error) {
	var o options
	fl := flag.NewFlagSet("benchload", flag.ContinueOnError)
	fl.StringVar(&o.roots, "roots", "postmortems", "comma-separated content folders")
	fl.StringVar(&o.cache, "cache", "", "cache directory")
	fl.StringVar(&o.fieldsVersion, "fields-version", "", "cache front-matter fields under this version (needs -cache)")
	fl.BoolVar(&o.revisions, "revisions", false, "also list the revisions of every .md file")
	fl.BoolVar(&o.attach, "attach", false, "also attach history (with field changes) to every .md file")
	fl.BoolVar(&o.parse, "parse", false, "with -attach: parse every file first, as a build does")
	fl.BoolVar(&o.items, "items", false, "with -attach -parse: date every action item from Git, as a build does")
	fl.StringVar(&o.show, "show", "", "print the history of this file as the CLI would")
	fl.StringVar(&o.dump, "dump", "", "print the revision hashes of the files listed in this file, one a line")
	fl.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	fl.StringVar(&o.memprofile, "memprofile", "", "write an allocation profile to this file")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	if fl.NArg() != 1 {
		return o, fmt.Errorf("usage: benchload [flags] REPO")
	}
	o.dir = fl.Arg(0)
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	stop, err := profile(o)
	if err != nil {
		return err
	}
	defer stop()
	// The postmortem parser's Fields, as a build wires it.
	cfg, err := config.Load(o.dir)
	if err != nil {
		return err
	}
	parser := postmortem.NewParser(cfg)
	opts := history.Options{
		Include:  func(p string) bool { return strings.HasSuffix(p, ".md") },
		CacheDir: o.cache,
		Fields:   parser.NewFieldsCache(),
		// A build derives it from the parser and the configuration.
		FieldsVersion: o.fieldsVersion,
	}
	if o.items {
		opts.Items = parser
		if o.fieldsVersion != "" {
			opts.ItemsVersion = parser.ItemsVersion()
		}
	}
	if o.roots != "" {
		opts.Roots = strings.Split(o.roots, ",")
	}
	start := time.Now()
	repo, warnings, err := history.Load(ctx, o.dir, opts)
	if err != nil {
		return err
	}
	fmt.Printf("load: %v head=%s%s\n", time.Since(start).Round(time.Millisecond), repo.Head(), memory())
	for _, w := range warnings {
		fmt.Println("warning:", w)
	}
	if o.show != "" {
		inc := &postmortem.Incident{Source: o.show, Reviewers: strings.Split(os.Getenv("REVIEWERS"), ",")}
		if err := repo.Attach(ctx, []*postmortem.Incident{inc}); err != nil {
			return err
		}
		if err := history.WriteText(os.Stdout, inc); err != nil {
			return err
		}
	}
	if o.dump != "" {
		if err := dump(repo, o.dump); err != nil {
			return err
		}
	}
	files, err := markdownFiles(o.dir, opts.Roots)
	if err != nil {
		return err
	}
	if o.revisions {
		start = time.Now()
		total := 0
		for _, f := range files {
			total += len(repo.Revisions(f))
		}
		fmt.Printf("revisions: %d files, %d revisions in %v\n", len(files), total, time.Since(start).Round(time.Millisecond))
	}
	if o.attach {
		var p *postmortem.Parser
		if o.parse {
			p = parser
		}
		return attach(ctx, repo, o.dir, files, p)
	}
	return nil
}

// profile starts the profiles o asks for and returns what stops them.
func profile(o options) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, f := range stops {
			f()
		}
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if o.memprofile != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() {
			if f, err := os.Create(o.memprofile); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		})
	}
	return stop, nil
}

// dump prints the revision hashes of the files listed in list.
func dump(repo *history.Repo, list string) error {
	b, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	for _, p := range strings.Fields(string(b)) {
		var hashes []string
		for _, rv := range repo.Revisions(p) {
			hashes = append(hashes, rv.Commit)
		}
		fmt.Printf("%s %s\n", p, strings.Join(hashes, " "))
	}
	return nil
}

// markdownFiles lists the .md files under the roots of dir.
func markdownFiles(dir string, roots []string) ([]string, error) {
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(filepath.Join(dir, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// attach times attaching history to every file, and prints a digest of
// the field changes to compare runs with and without the fields cache.
func attach(ctx context.Context, repo *history.Repo, dir string, files []string, p *postmortem.Parser) error {
	incs := make([]*postmortem.Incident, len(files))
	for i, f := range files {
		incs[i] = &postmortem.Incident{Source: f, Reviewers: []string{"Olga Tanaka"}}
		if p == nil {
			continue
		}
		// Parsed before the timer starts, as a build parses before it
		// attaches history.
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		incs[i] = p.Parse(f, data)
		incs[i].Reviewers = []string{"Olga Tanaka"}
	}
	start := time.Now()
	if err := repo.Attach(ctx, incs); err != nil {
		return err
	}
	took := time.Since(start)
	changes, uncommitted := 0, 0
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
