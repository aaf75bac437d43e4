package postmortem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// Set is every postmortem of a repository plus findings that belong to no
// single incident (unreadable files, symlinks leaving the repository).
type Set struct {
	Incidents []*Incident
	Findings  []Finding
	// DateOrder is the order of day and month the repository's numeric
	// dates show (see DateOrder); parse a changed file with
	// Parser.WithDateOrder(DateOrder) to read it as Load did.
	DateOrder timeline.DateOrder
	// Discovery says how the postmortems were found when no content was
	// configured; nil when it was.
	Discovery *Discovery
}

// AllFindings returns the set's findings and every incident's, sorted by
// file, line and column.
func (s *Set) AllFindings() []Finding {
	all := slices.Clone(s.Findings)
	for _, inc := range s.Incidents {
		all = append(all, inc.Findings...)
	}
	SortFindings(all)
	return all
}

// SortFindings orders findings by file, line, column and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		return strings.Compare(a.Message, b.Message)
	})
}

// Discover walks root and returns the repository-relative slash paths of
// the files the configuration selects, sorted. Symbolic links are followed
// only when they stay inside root; the others are reported. When no
// content is configured, Discover finds the postmortems (see Discovery)
// and gives cfg the globs it settled on.
func Discover(ctx context.Context, root string, cfg *config.Config) ([]string, []Finding, error) {
	paths, findings, _, err := DiscoverAll(ctx, root, cfg)
	return paths, findings, err
}

// DiscoverAll is Discover, and says how it found the files when it
// inferred them (nil when content is configured). The configuration
// selects the same files afterwards: call it before anything reads
// cfg.Match, such as the history.
func DiscoverAll(ctx context.Context, root string, cfg *config.Config) ([]string, []Finding, *Discovery, error) {
	var infer *candidates
	if cfg.AutoContent && cfg.Content == nil {
		infer = &candidates{}
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("discover %s: %w", root, err)
	}
	realRoot, _ = filepath.Abs(realRoot)
	var paths []string
	var findings []Finding
	// The walk starts from the resolved root: WalkDir does not enter a
	// root that is itself a link (a repository reached through one).
	err = filepath.WalkDir(realRoot, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		rel, _ := filepath.Rel(realRoot, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			findings = append(findings, Finding{File: rel, Level: LevelError, Rule: "file", Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || d.Name() == "node_modules" || cfg.ExcludesDir(rel)) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if !cfg.Match(rel) && !cfg.Match(rel+"/x.md") && !cfg.Match(rel+"/x/x.md") {
				return nil
			}
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				findings = append(findings, Finding{File: rel, Line: 1, Level: LevelError, Rule: "symlink", Message: "symbolic link is broken; it is skipped"})
				return nil
			}
			target, _ = filepath.Abs(target)
			if target != realRoot && !strings.HasPrefix(target, realRoot+string(filepath.Separator)) {
				findings = append(findings, Finding{File: rel, Line: 1, Level: LevelError, Rule: "symlink", Message: "symbolic link points outside the repository; it is not followed"})
				return nil
			}
			if st, err := os.Stat(target); err == nil && st.Mode().IsRegular() && cfg.Match(rel) {
				paths = append(paths, rel)
			}
			return nil
		}
		if d.Type().IsRegular() && infer != nil {
			infer.add(cfg, rel)
		} else if d.Type().IsRegular() && cfg.Match(rel) {
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var found *Discovery
	if infer != nil {
		d, picked, err := infer.decide(ctx, realRoot, cfg)
		if err != nil {
			return nil, nil, nil, err
		}
		cfg.UseContent(d.Content)
		// Links were taken by the folder rule; keep those the globs take.
		paths = slices.DeleteFunc(paths, func(p string) bool { return !cfg.Match(p) })
		paths, found = append(paths, picked...), d
	}
	slices.Sort(paths)
	return slices.Compact(paths), findings, found, nil
}

// Load discovers, reads and parses every postmortem under root on all
// cores, then validates the set. The order of incidents is the sorted order
// of their paths.
func Load(ctx context.Context, root string, cfg *config.Config) (*Set, error) {
	return LoadWith(ctx, root, cfg, NewParser(cfg))
}

// LoadWith is Load with a given parser for cfg, such as a FieldsCache's
// SeedingParser.
func LoadWith(ctx context.Context, root string, cfg *config.Config, p *Parser) (*Set, error) {
	paths, findings, found, err := DiscoverAll(ctx, root, cfg)
	if err != nil {
		return nil, err
	}
	return LoadPaths(ctx, root, cfg, p, paths, findings, found)
}

// LoadPaths is LoadWith for files DiscoverAll found: it parses them,
// learns the scales inquest.yaml leaves unconfigured, and validates the
// set.
func LoadPaths(ctx context.Context, root string, cfg *config.Config, p *Parser, paths []string, findings []Finding, found *Discovery) (*Set, error) {
	set := &Set{Findings: findings, Discovery: found}
	incs, err := ParseFiles(ctx, root, paths, p)
	if err != nil {
		return nil, err
	}
	set.DateOrder = DateOrder(incs)
	if err := reparseAmbiguous(ctx, root, paths, incs, p.WithDateOrder(set.DateOrder)); err != nil {
		return nil, err
	}
	set.Incidents = incs
	LearnScales(cfg, incs)
	Validate(cfg, incs)
	return set, nil
}

// DateOrder decides a repository's order of day and month from the
// numeric dates its postmortems' timelines show by themselves (a day
// above 12); OrderUnknown when they show none or are evenly split.
func DateOrder(incs []*Incident) timeline.DateOrder {
	var v timeline.OrderVotes
	for _, inc := range incs {
		if inc != nil {
			v.Merge(inc.dates.votes)
		}
	}
	return v.Order()
}

// reparseAmbiguous parses again, with p, the files whose timelines hold
// dates that read both ways and whose own dates did not decide how: p
// reads them in the repository's order. There are few such files, so
// reading them again costs less than keeping every file's content.
func reparseAmbiguous(ctx context.Context, root string, paths []string, incs []*Incident, p *Parser) error {
	if p.orderFrom != orderFromRepository {
		return nil
	}
	var redo []int
	for i, inc := range incs {
		if inc.dates.ambiguous > 0 && !inc.dates.own {
			redo = append(redo, i)
		}
	}
	if len(redo) == 0 {
		return nil
	}
	sub := make([]string, len(redo))
	for k, i := range redo {
		sub[k] = paths[i]
	}
	again, err := ParseFiles(ctx, root, sub, p)
	if err != nil {
		return err
	}
	for k, i := range redo {
		incs[i] = again[k]
	}
	return nil
}

// ParseFiles reads and parses files (repository-relative slash paths) in
// parallel, keeping their order.
func ParseFiles(ctx context.Context, root string, paths []string, p *Parser) ([]*Incident, error) {
	incs := make([]*Incident, len(paths))
	err := forEach(ctx, len(paths), func() func(int) {
		return func(i int) {
			data, err := readLimited(filepath.Join(root, filepath.FromSlash(paths[i])))
			if err != nil {
				incs[i] = &Incident{Source: paths[i], ID: sanitizeID(idFromFileName(paths[i])), Broken: true,
					Findings: []Finding{{File: paths[i], Line: 1, Level: LevelError, Rule: "file", Message: fmt.Sprintf("cannot read: %v", err)}}}
				return
			}
			incs[i] = p.Parse(paths[i], data)
		}
	})
	if err != nil {
		return nil, err
	}
	return incs, nil
}

// forEach runs the items 0 to n-1 on all cores, each worker with the
// function worker gives it (so that it can keep a buffer of its own), and
// returns ctx's error when it stopped them early.
func forEach(ctx context.Context, n int, worker func() func(i int)) error {
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := worker()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				do(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// readLimited reads a file, stopping one byte past MaxFileSize so that a huge
// file costs no more than the limit. The buffer is sized from the file's
// length, as os.ReadFile's is: an incident keeps its content (Body is part
// of it), and a buffer grown by doubling would keep up to twice that.
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 512
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= MaxFileSize {
		size = int(fi.Size()) + 1 // one more byte to see the end of the file
	}
	data := make([]byte, 0, size)
	r := io.LimitReader(f, MaxFileSize+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
