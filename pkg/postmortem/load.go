package postmortem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/timeline"
	"github.com/inquest-dev/inquest/pkg/worktree"
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

// Discover walks the work tree and returns the repository-relative slash
// paths of the files the configuration selects, sorted. Hidden files and
// folders are never read. A symbolic link among them is followed only to
// a regular file that the tree's rule allows (inside the repository, not
// hidden, tracked by Git: see package worktree) and that the content globs
// select too; any other, a link to a folder included, is reported with a
// symlink finding naming its target and left out. When no content is
// configured, Discover finds the postmortems (see Discovery) and gives cfg
// the globs it settled on.
func Discover(ctx context.Context, tree *worktree.Tree, cfg *config.Config) ([]string, []Finding, error) {
	paths, findings, _, err := DiscoverAll(ctx, tree, cfg)
	return paths, findings, err
}

// DiscoverAll is Discover, and says how it found the files when it
// inferred them (nil when content is configured). The configuration
// selects the same files afterwards: call it before anything reads
// cfg.Match, such as the history.
func DiscoverAll(ctx context.Context, tree *worktree.Tree, cfg *config.Config) ([]string, []Finding, *Discovery, error) {
	var infer *candidates
	if cfg.AutoContent && cfg.Content == nil {
		infer = &candidates{}
	}
	realRoot := tree.Root()
	var paths, links []string
	var findings []Finding
	// The walk starts from the resolved root: WalkDir does not enter a
	// root that is itself a link (a repository reached through one).
	err := filepath.WalkDir(realRoot, func(p string, d fs.DirEntry, err error) error {
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
		if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.IsDir() && (d.Name() == "node_modules" || cfg.ExcludesDir(rel))) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
		case d.Type()&fs.ModeSymlink != 0:
			// Judged once the content globs are settled (inferred ones
			// included), against the same globs ParseFiles checks.
			links = append(links, rel)
		case d.Type().IsRegular() && infer != nil:
			infer.add(cfg, rel)
		case d.Type().IsRegular() && cfg.Match(rel):
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var found *Discovery
	if infer != nil {
		d, picked, err := infer.decide(ctx, tree, cfg)
		if err != nil {
			return nil, nil, nil, err
		}
		cfg.UseContent(d.Content)
		paths, found = append(paths, picked...), d
	}
	for _, rel := range links {
		if !cfg.Match(rel) && !cfg.Match(rel+"/x.md") && !cfg.Match(rel+"/x/x.md") {
			continue
		}
		f, err := tree.Resolve(rel)
		switch {
		case err != nil:
			findings = append(findings, LinkFinding(rel, err))
		case !cfg.Match(rel):
			// A link to a file, named as no postmortem is.
		case !cfg.Match(f.Real):
			findings = append(findings, LinkFinding(rel, notPostmortem(rel, f)))
		default:
			paths = append(paths, rel)
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths), findings, found, nil
}

// notPostmortem refuses a link to a file the content globs do not select.
func notPostmortem(rel string, f worktree.File) error {
	return &worktree.Refusal{Path: rel, Target: f.Real,
		Reason: "leads to a file that is not a postmortem (the content globs do not select it, or exclude does)"}
}

// LinkFinding is the finding for a file that could not be read under the
// work tree's rule: a symlink error naming the file and where its link
// leads, or a file error.
func LinkFinding(rel string, err error) Finding {
	var r *worktree.Refusal
	if errors.As(err, &r) && r.Linked() {
		return Finding{File: rel, Line: 1, Level: LevelError, Rule: "symlink",
			Message: fmt.Sprintf("symbolic link to %s %s; it is not followed", r.Target, r.Reason)}
	}
	if errors.As(err, &r) {
		return Finding{File: rel, Line: 1, Level: LevelError, Rule: "file", Message: fmt.Sprintf("%s; it is not read", r.Reason)}
	}
	return Finding{File: rel, Line: 1, Level: LevelError, Rule: "file", Message: fmt.Sprintf("cannot read: %v", err)}
}

// Load discovers, reads and parses every postmortem under root on all
// cores, then validates the set. The order of incidents is the sorted order
// of their paths. It applies the work tree's rule without knowing what Git
// tracks (see package worktree); repo.Load knows.
func Load(ctx context.Context, root string, cfg *config.Config) (*Set, error) {
	tree, err := worktree.New(root, worktree.Options{})
	if err != nil {
		return nil, err
	}
	return LoadWith(ctx, tree, cfg, NewParser(cfg))
}

// LoadWith is Load of a work tree with a given parser for cfg, such as a
// FieldsCache's SeedingParser.
func LoadWith(ctx context.Context, tree *worktree.Tree, cfg *config.Config, p *Parser) (*Set, error) {
	paths, findings, found, err := DiscoverAll(ctx, tree, cfg)
	if err != nil {
		return nil, err
	}
	return LoadPaths(ctx, tree, cfg, p, paths, findings, found)
}

// LoadPaths is LoadWith for files DiscoverAll found: it parses them, under
// the work tree's rule, learns the scales inquest.yaml leaves
// unconfigured, and validates the set.
func LoadPaths(ctx context.Context, tree *worktree.Tree, cfg *config.Config, p *Parser, paths []string, findings []Finding, found *Discovery) (*Set, error) {
	set, err := ParsePaths(ctx, tree, p, paths, findings, found)
	if err != nil {
		return nil, err
	}
	LearnScales(cfg, set.Incidents)
	Validate(cfg, set.Incidents)
	return set, nil
}

// ParsePaths is LoadPaths without learning and validating, for a caller
// that adds to the incidents first what validation must see, such as a
// date from Git (see DateFromHistory): it parses the files and reads
// those whose dates read both ways again in the order the repository's
// other dates show.
func ParsePaths(ctx context.Context, tree *worktree.Tree, p *Parser, paths []string, findings []Finding, found *Discovery) (*Set, error) {
	set := &Set{Findings: findings, Discovery: found}
	incs, err := ParseFiles(ctx, tree, paths, p)
	if err != nil {
		return nil, err
	}
	set.DateOrder = DateOrder(incs)
	if err := reparseAmbiguous(ctx, tree, paths, incs, p.WithDateOrder(set.DateOrder)); err != nil {
		return nil, err
	}
	set.Incidents = incs
	return set, nil
}

// DateOrder decides a repository's order of day and month from the
// numeric dates its postmortems' timelines, titles and file names show by
// themselves (a day above 12); OrderUnknown when they show none or are
// evenly split.
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
// dates that read both ways and whose own dates did not decide how, and
// those that needed a date from their body, title or file name that reads
// both ways: p reads them in the repository's order. There are few such
// files, so reading them again costs less than keeping every file's
// content.
func reparseAmbiguous(ctx context.Context, tree *worktree.Tree, paths []string, incs []*Incident, p *Parser) error {
	if p.orderFrom != orderFromRepository {
		return nil
	}
	var redo []int
	for i, inc := range incs {
		if inc.dates.ambiguous > 0 && !inc.dates.own || inc.dates.outside > 0 {
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
	again, err := ParseFiles(ctx, tree, sub, p)
	if err != nil {
		return err
	}
	for k, i := range redo {
		incs[i] = again[k]
	}
	return nil
}

// ParseFiles reads and parses files (repository-relative slash paths) in
// parallel, keeping their order. Each is read under the work tree's rule,
// checked again as it is read: a file that became a link leading where
// Discover would not have followed is broken, with the finding that says
// why.
func ParseFiles(ctx context.Context, tree *worktree.Tree, paths []string, p *Parser) ([]*Incident, error) {
	incs := make([]*Incident, len(paths))
	err := forEach(ctx, len(paths), func() func(int) {
		return func(i int) { incs[i] = p.parseFile(tree, paths[i]) }
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

// parseFile reads and parses one file of the tree. A panic while parsing
// it (a bug inquest should hear of) leaves that file broken, not the load.
func (p *Parser) parseFile(tree *worktree.Tree, rel string) (inc *Incident) {
	broken := func(f Finding) *Incident {
		return &Incident{Source: rel, ID: sanitizeID(idFromFileName(rel)), Title: path.Base(rel), Broken: true, Findings: []Finding{f}}
	}
	defer func() {
		if r := recover(); r != nil {
			inc = broken(Finding{File: rel, Line: 1, Level: LevelError, Rule: "file",
				Message: fmt.Sprintf("internal error while parsing this file (please report it): %v", r)})
		}
	}()
	f, err := tree.Resolve(rel)
	if err == nil && f.Linked && !p.cfg.Match(f.Real) {
		err = notPostmortem(rel, f)
	}
	if err != nil {
		return broken(LinkFinding(rel, err))
	}
	if f.Size > MaxFileSize {
		// Not read at all: its size is what the finding needs.
		return broken(Finding{File: rel, Line: 1, Level: LevelError, Rule: "file", Message: tooLarge(f.Size)})
	}
	data, err := readLimited(tree, f)
	if err != nil {
		return broken(Finding{File: rel, Line: 1, Level: LevelError, Rule: "file", Message: fmt.Sprintf("cannot read: %v", err)})
	}
	return p.Parse(rel, data)
}

// tooLarge is the message for a file of size bytes, over MaxFileSize.
func tooLarge(size int64) string {
	return fmt.Sprintf("file is %d bytes (%s), larger than the %d-byte (4 MiB) limit for a postmortem; it is skipped", size, humanBytes(size), MaxFileSize)
}

// humanBytes writes a size in the largest binary unit that keeps it at or
// above 1.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readLimited reads a file the tree allowed, stopping one byte past
// MaxFileSize so that a file that grew since costs no more than the limit.
// The buffer is sized from the length Resolve saw, as os.ReadFile's is: an
// incident keeps its content (Body is part of it), and a buffer grown by
// doubling would keep up to twice that.
func readLimited(tree *worktree.Tree, wf worktree.File) ([]byte, error) {
	f, err := tree.Open(wf)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 512
	if wf.Size <= MaxFileSize {
		size = int(wf.Size) + 1 // one more byte to see the end of the file
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
