// Command benchload times history.Load on a repository:
//
//	go build -o /tmp/benchload ./pkg/history/internal/benchload
//	/usr/bin/time -v /tmp/benchload -roots postmortems /tmp/c10k
//
// It prints the time Load took and, with -revisions, the time to list the
// revisions of every Markdown file under the roots.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/history"
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
	revs := fl.Bool("revisions", false, "also list the revisions of every .md file")
	dump := fl.String("dump", "", "print the revision hashes of the files listed in this file, one a line")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return fmt.Errorf("usage: benchload [flags] REPO")
	}
	dir := fl.Arg(0)
	opts := history.Options{
		Include:  func(p string) bool { return strings.HasSuffix(p, ".md") },
		CacheDir: *cache,
	}
	if *roots != "" {
		opts.Roots = strings.Split(*roots, ",")
	}
	start := time.Now()
	repo, warnings, err := history.Load(ctx, dir, opts)
	if err != nil {
		return err
	}
	fmt.Printf("load: %v head=%s\n", time.Since(start).Round(time.Millisecond), repo.Head())
	for _, w := range warnings {
		fmt.Println("warning:", w)
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
	if !*revs {
		return nil
	}
	start = time.Now()
	files, total := 0, 0
	for _, root := range opts.Roots {
		err := filepath.WalkDir(filepath.Join(dir, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files++
			total += len(repo.Revisions(filepath.ToSlash(rel)))
			return nil
		})
		if err != nil {
			return err
		}
	}
	fmt.Printf("revisions: %d files, %d revisions in %v\n", files, total, time.Since(start).Round(time.Millisecond))
	return nil
}
