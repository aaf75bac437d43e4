package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Options configure Load. Paths are slash-separated and relative to the
// directory given to Load, which is normally the repository root.
type Options struct {
	// Include reports whether a file under Roots is a postmortem. Nil
	// includes every file under Roots.
	Include func(path string) bool
	// Roots are the folders postmortems are in, e.g. "postmortems"; empty
	// means the whole directory. History compares only these folders but
	// for the commits that add a file to them, and follows a file moved
	// into them from anywhere in the repository back to its old name.
	Roots []string
	// Trailers are the commit message trailer keys to read, matched
	// case-insensitively; empty means Signed-off-by, Reviewed-by,
	// Approved-by, Acked-by and Co-authored-by. Every key but
	// Co-authored-by is a sign-off (see the package documentation).
	Trailers []string
	// Fields reads the front-matter fields Attach compares between the
	// versions of a postmortem to list the fields each revision changed;
	// nil skips field history. An incident whose work-tree copy is HEAD's
	// gives the newest version's fields itself (Incident.ParsedFields),
	// so Fields must give what the parser of the incidents gives.
	Fields FieldParser
	// FieldsVersion identifies what Fields does: the caller changes it
	// whenever Fields could return something else for the same content (a
	// new parser, other configuration). With CacheDir, Attach then caches
	// the fields of every version it parsed, by blob, so that it parses
	// only versions it has not seen with this FieldsVersion. "" disables
	// that cache.
	FieldsVersion string
	// Items reads the action items of each version of a postmortem, for
	// when each item of the work-tree version first appeared and when it
	// was marked done (History.Items, filled in by AttachChanges); nil
	// skips that. It must give what the parser of the incidents gives.
	Items ItemParser
	// ItemsVersion identifies what Items does, as FieldsVersion does for
	// Fields: with CacheDir, the items of every version read are cached
	// by blob, so that a build parses only versions it has not seen. ""
	// disables that cache.
	ItemsVersion string
	// CacheDir is where the history index is cached between builds; ""
	// disables the cache.
	CacheDir string
	// MapCaches says that the process loads the history once and ends,
	// as a build does: the caches of diffs are then mapped into memory
	// rather than read (cache.MapFile), for the life of the process. A
	// process that loads again and again (serve) leaves it false.
	MapCaches bool
}

// FieldParser reads the front-matter fields of one version of a
// postmortem, flattened (lists joined with ", "); nil when the version has
// none to compare. *postmortem.Parser and *postmortem.FieldsCache are
// FieldParsers. Fields must be safe for concurrent use and must not retain
// content after it returns.
type FieldParser interface {
	Fields(content []byte) map[string]string
}

// Repo is the history of one repository, read in one pass by Load. Its
// methods are safe for concurrent use.
type Repo struct {
	dir      string // the directory given to Load, absolute
	workTree string // work tree root; "" when bare or not a repository
	prefix   string // dir relative to the work tree, "" or ending in "/"
	git      *gitdb.Repository
	head     plumbing.Hash
	roots    []string // repository-relative content roots; nil is the whole tree
	opts     Options
	trailers []string
	mm       *mailmap
	commits  []gitdb.Commit
	live     map[string]*lineage // repository-relative path at HEAD
	dead     map[string]*lineage // deleted or moved files, by their last path
	// readErr is why the history could not be read; the Repo then has
	// none.
	readErr error

	// Objects Attach could not read: the first error, and warnings.
	attachMu       sync.Mutex
	attachErr      error
	attachWarnings []string

	msgMu sync.Mutex
	msgs  map[int32]*message

	// The diffs of revisions and since stale sign-offs that Attach
	// compared or found cached, for RevisionDiff and SinceDiff.
	diffMu sync.Mutex
	diffs  revDiffs
	since  diffCache
	// walkedSince are the diffs since stale sign-offs that AttachChanges
	// compared from the versions it read, for AttachSinceApproval.
	walkedSince map[pair]walkedSince

	// early are the caches Load started reading for the first
	// AttachChanges and AttachSinceApproval.
	early earlyReads

	stats loadStats
}

// loadStats count the work Load did; tests use them to prove a cached load
// reads no history.
type loadStats struct {
	commitsRead int
	objectsRead int
	diffed      int
	fromCache   bool
	// compared counts the revisions AttachChanges compared rather than
	// found in the diff cache; sinceReused the diffs since approval it
	// took from the newest revision's rather than compared (headCompared).
	compared, sinceReused int
}

// Load reads the history of the Git repository containing dir once and
// returns it with warnings for the user. A directory that is not in a Git
// repository, or a repository without commits, yields an empty Repo and a
// warning rather than an error. A shallow clone yields a warning too, and the
// history it has. A repository whose objects cannot be read (a corrupt pack,
// a missing tree) yields a Repo without history and a warning naming what
// could not be read; ReadError returns the cause.
func Load(ctx context.Context, dir string, opts Options) (*Repo, []string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	r := &Repo{dir: abs, opts: opts, trailers: opts.Trailers, msgs: map[int32]*message{}}
	if len(r.trailers) == 0 {
		r.trailers = defaultTrailers
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	g, err := gitdb.Open(abs)
	if errors.Is(err, gitdb.ErrNotRepository) {
		return r, []string{fmt.Sprintf("%s is not in a Git repository: pages have no history", dir)}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: open Git repository: %w", dir, err)
	}
	r.git = g
	if r.workTree = g.WorkTree(); r.workTree != "" {
		r.prefix = relPrefix(r.workTree, abs)
	}
	r.head, err = g.Head()
	if errors.Is(err, gitdb.ErrNoCommits) {
		return r, []string{fmt.Sprintf("%s: the Git repository has no commits yet: pages have no history", dir)}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read HEAD: %w", dir, err)
	}

	r.readCachesEarly()
	var warnings []string
	shallow, err := g.Shallow()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read shallow commits: %w", dir, err)
	}
	if len(shallow) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s is a shallow clone: Git history is incomplete, so created dates, revisions, contributors and sign-offs may be missing; fetch the full history (with actions/checkout, set fetch-depth: 0)", dir))
	}

	roots := r.normRoots(opts.Roots)
	r.roots = roots
	key := cacheKey(roots, shallow)
	var snap *snapshot
	if opts.CacheDir != "" {
		var w []string
		snap, w = readCache(opts.CacheDir, key, r.head)
		warnings = append(warnings, w...)
	}
	if snap != nil {
		r.stats.fromCache = true
	} else {
		if snap, err = r.compute(ctx, key, roots, shallow); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			r.readErr = err
			warnings = append(warnings, fmt.Sprintf("%s: Git history could not be read, so pages show no revisions, sign-offs or review status: %v (`git fsck` lists what is damaged; a fresh clone repairs it)", dir, err))
			return r, warnings, nil
		}
		if opts.CacheDir != "" {
			if err := writeCache(opts.CacheDir, snap); err != nil {
				warnings = append(warnings, fmt.Sprintf("history cache not written: %v", err))
			}
		}
	}
	warnings = append(warnings, snap.Warnings...)
	r.mm = parseMailmap(snap.Mailmap)
	r.build(snap)
	return r, warnings, nil
}

// relPrefix returns dir relative to the work tree root as a path prefix.
func relPrefix(root, dir string) string {
	if a, err := filepath.EvalSymlinks(root); err == nil {
		root = a
	}
	if a, err := filepath.EvalSymlinks(dir); err == nil {
		dir = a
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel) + "/"
}

// normRoots makes the roots repository-relative, clean and free of
// nesting. Nil means the whole tree.
func (r *Repo) normRoots(in []string) []string {
	var roots []string
	for _, root := range in {
		root = path.Clean("/" + filepath.ToSlash(root))[1:]
		if root == "" {
			roots = nil
			in = nil
			break
		}
		roots = append(roots, r.prefix+root)
	}
	if len(in) == 0 {
		if r.prefix == "" {
			return nil
		}
		return []string{strings.TrimSuffix(r.prefix, "/")}
	}
	sort.Strings(roots)
	out := roots[:0]
	for _, root := range roots {
		if len(out) > 0 {
			last := out[len(out)-1]
			if root == last || strings.HasPrefix(root, last+"/") {
				continue
			}
		}
		out = append(out, root)
	}
	return out
}

// ReadError returns why the history, or part of what Attach reads, could
// not be read from Git, or nil when everything was read (or there was
// nothing to read: no repository, no commits).
func (r *Repo) ReadError() error {
	if r == nil {
		return nil
	}
	if r.readErr != nil {
		return r.readErr
	}
	r.attachMu.Lock()
	defer r.attachMu.Unlock()
	return r.attachErr
}

// AttachWarnings returns, for the user, what Attach could not read from
// Git so far: earlier versions of files, whose field changes are then
// missing. Each call returns the warnings added since the last.
func (r *Repo) AttachWarnings() []string {
	if r == nil {
		return nil
	}
	r.attachMu.Lock()
	defer r.attachMu.Unlock()
	w := r.attachWarnings
	r.attachWarnings = nil
	return w
}

// unreadable records that Attach could not read objects it needed.
func (r *Repo) unreadable(err error, warning string) {
	r.attachMu.Lock()
	defer r.attachMu.Unlock()
	if r.attachErr == nil {
		r.attachErr = err
	}
	r.attachWarnings = append(r.attachWarnings, warning)
}

// Head returns the hash of the commit the history was read from, or "" when
// there is none.
func (r *Repo) Head() string {
	if r == nil || r.head.IsZero() {
		return ""
	}
	return r.head.String()
}

// Revisions returns the commits that changed the file at path (relative to
// the directory given to Load), newest first, following renames back to
// the file's creation. A deleted file is found by its last path. Field
// changes are not filled in; Attach does that.
func (r *Repo) Revisions(path string) []postmortem.Revision {
	lin := r.lineage(path)
	if lin == nil {
		return nil
	}
	out := make([]postmortem.Revision, len(lin.revs))
	for i, rv := range lin.revs {
		out[i] = r.revision(rv)
	}
	return out
}

// key is the repository path of a path relative to the directory given to
// Load. A path that is clean already (cleanRel), as a build's sources
// are, is not cleaned again: the build looks up each incident's lineage
// several times (AttachRevisions, AttachChanges, AttachSinceApproval,
// the site's audit), and cleaning made a string or two each time.
func (r *Repo) key(p string) string {
	if cleanRel(p) {
		return r.prefix + p
	}
	return r.prefix + strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(p)), "/")
}

// cleanRel reports whether p is a relative path, slash-separated, that
// cleaning leaves as it is: no element of it is empty (p itself, or a
// slash at either end or two together), "." or "..".
func cleanRel(p string) bool {
	if filepath.Separator != '/' && strings.ContainsRune(p, filepath.Separator) {
		return false
	}
	for e := range strings.SplitSeq(p, "/") {
		if e == "" || e == "." || e == ".." {
			return false
		}
	}
	return true
}

// rel is a repository path relative to the directory given to Load; a
// file outside it (a postmortem's name before it was moved in) starts with
// "../".
func (r *Repo) rel(p string) string {
	if rest, ok := strings.CutPrefix(p, r.prefix); ok {
		return rest
	}
	return strings.Repeat("../", strings.Count(r.prefix, "/")) + p
}

func (r *Repo) lineage(p string) *lineage {
	if r == nil || r.live == nil {
		return nil
	}
	p = r.key(p)
	if lin := r.live[p]; lin != nil {
		return lin
	}
	return r.dead[p]
}

// message returns the parsed message of commit i.
func (r *Repo) message(i int32) *message {
	r.msgMu.Lock()
	defer r.msgMu.Unlock()
	m := r.msgs[i]
	if m == nil {
		pm := parseMessage(r.commits[i].Message, r.trailers)
		m = &pm
		r.msgs[i] = m
	}
	return m
}

func (r *Repo) revision(rv rev) postmortem.Revision {
	c := &r.commits[rv.c]
	m := r.message(rv.c)
	tr := make([]postmortem.Trailer, len(m.Trailers))
	for i, t := range m.Trailers {
		p := r.mm.person(t.Name, t.Email)
		t.Name, t.Email = p.Name, p.Email
		tr[i] = t
	}
	return postmortem.Revision{
		Commit:    c.Hash.String(),
		Author:    r.mm.person(c.Author.Name, c.Author.Email),
		Date:      c.Author.When(),
		Committer: r.mm.person(c.Committer.Name, c.Committer.Email),
		Subject:   m.Subject,
		Body:      m.Body,
		PR:        m.PR,
		Path:      r.rel(rv.path),
		Trailers:  tr,
	}
}
