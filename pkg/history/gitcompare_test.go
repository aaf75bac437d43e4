package history

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestAgainstGit generates a repository with the git CLI — edits, renames
// with and without edits, moves into the content folder and out of it,
// deletions, branches merged with merge commits — and checks every file's
// revisions against `git log --first-parent --follow`, loose and packed.
func TestAgainstGit(t *testing.T) {
	t.Parallel()
	g := repotest.NewDeferred(t)
	dir := g.Dir // the work tree; the history is in .git after g.Sync
	rng := rand.New(rand.NewSource(1))

	var files []*genFile
	serial := 0
	newLines := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			serial++
			out[i] = fmt.Sprintf("line %d: %x lorem ipsum dolor sit amet", serial, rng.Int63())
		}
		return out
	}
	write := func(f *genFile) {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(f.lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(f *genFile) {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f.path))); err != nil {
			t.Fatal(err)
		}
	}
	// Half the folders are outside the roots: files are written there,
	// moved in, moved out and back.
	folders := []string{"postmortems/2022", "postmortems/2023", "attic", "inbox"}
	newPath := func() string {
		serial++
		return fmt.Sprintf("%s/pm-%d.md", folders[rng.Intn(len(folders))], serial)
	}
	// One random change to the files; returns a description.
	step := func() string {
		switch op := rng.Intn(10); {
		case len(files) < 3 || op == 0:
			f := &genFile{path: newPath(), lines: newLines(20)}
			files = append(files, f)
			write(f)
			return "add " + f.path
		case op <= 4:
			f := files[rng.Intn(len(files))]
			f.lines[rng.Intn(len(f.lines))] = newLines(1)[0]
			write(f)
			return "edit " + f.path
		case op <= 6:
			f := files[rng.Intn(len(files))]
			remove(f)
			f.path = newPath()
			if op == 6 {
				f.lines[0] = newLines(1)[0]
				f.lines[1] = newLines(1)[0]
			}
			write(f)
			return "rename " + f.path
		case op == 7:
			// Rewritten and moved: too different to be a rename.
			f := files[rng.Intn(len(files))]
			remove(f)
			f.path = newPath()
			f.lines = newLines(20)
			write(f)
			return "rewrite " + f.path
		case op == 8 && len(files) > 5:
			i := rng.Intn(len(files))
			remove(files[i])
			files = append(files[:i], files[i+1:]...)
			return "delete"
		default:
			g.WriteFile("README.md", []byte(newLines(1)[0]+"\n"))
			return "readme"
		}
	}
	for i := range 60 {
		if i%10 == 9 {
			// A pull request: a branch with a few commits, main moving on
			// in other files, then a merge commit.
			branch := fmt.Sprintf("pr-%d", i)
			g.Branch(branch)
			for j := range 1 + rng.Intn(3) {
				g.Commit(fmt.Sprintf("%s step %d: %s", branch, j, step()))
			}
			g.Switch("main")
			// Re-read the file list as main has it.
			files = readFiles(t, dir)
			g.WriteFile("NOTES.md", []byte(fmt.Sprintf("main moved on %d\n", i)))
			g.Commit("main: readme")
			g.Merge(branch, fmt.Sprintf("Merge pull request #%d from acme/%s", i, branch))
			files = readFiles(t, dir)
			continue
		}
		g.Commit(fmt.Sprintf("commit %d: %s", i, step()))
	}

	// git's answers, asked once: packing does not change them.
	gitFollows := map[string][]string{}
	check := func(label string) {
		r, _ := load(t, g.Sync(), Options{Roots: []string{"postmortems"}})
		paths := strings.Fields(g.Git("ls-files", "postmortems"))
		for p := range r.dead {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if len(paths) < 5 {
			t.Fatalf("only %d files", len(paths))
		}
		movedIn := 0
		for _, p := range paths {
			want, ok := gitFollows[p]
			if !ok {
				want = strings.Fields(g.Git("log", "--first-parent", "--follow", "--format=%H", "--", p))
				gitFollows[p] = want
			}
			revs := r.Revisions(p)
			got := commitsOf(revs)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s:\n got %v\nwant %v", label, p, got, want)
			}
			if slices.ContainsFunc(revs, func(rv postmortem.Revision) bool { return !strings.HasPrefix(rv.Path, "postmortems/") }) {
				movedIn++
			}
		}
		if movedIn < 3 {
			t.Errorf("%s: only %d files were moved in from outside the roots", label, movedIn)
		}
	}
	check("loose")
	g.Git("gc", "-q", "--aggressive")
	check("packed")
}

type genFile struct {
	path  string
	lines []string
}

// readFiles reloads the generated files in the work tree after a checkout.
func readFiles(t *testing.T, dir string) []*genFile {
	t.Helper()
	var out []*genFile
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "pm-") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, &genFile{filepath.ToSlash(rel), strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// followSpec is what a testdata/follow archive's comment asks for.
type followSpec struct {
	content []string // content globs
	wants   []followWant
}

// followWant pins one file's history: how many revisions, its first
// commit's date, and whether git follows a copy inquest does not.
type followWant struct {
	path      string
	revisions int
	created   time.Time
	copied    bool
}

// parseFollowSpec reads "content: GLOB..." and "want PATH revisions=N
// created=RFC3339 [copied]" lines.
func parseFollowSpec(t *testing.T, comment []byte) followSpec {
	t.Helper()
	var s followSpec
	for _, line := range strings.Split(string(comment), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 1 && f[0] == "content:":
			s.content = f[1:]
		case len(f) > 0 && f[0] == "want":
			w := followWant{path: f[1]}
			for _, kv := range f[2:] {
				k, v, _ := strings.Cut(kv, "=")
				var err error
				switch k {
				case "revisions":
					w.revisions, err = strconv.Atoi(v)
				case "created":
					w.created, err = time.Parse(time.RFC3339, v)
				case "copied":
					w.copied = true
				default:
					err = fmt.Errorf("unknown key %q", k)
				}
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
			}
			s.wants = append(s.wants, w)
		}
	}
	if len(s.content) == 0 || len(s.wants) == 0 {
		t.Fatal("the archive's comment needs a content: line and want lines")
	}
	return s
}

// gitFollow is `git log --first-parent --follow` of one file: its commits,
// newest first, cut after the first commit where git followed a copy (a
// file the commit left in place), which inquest does not follow. cut
// reports whether that happened.
func gitFollow(t *testing.T, r *repotest.Repo, path string) (commits []string, cut bool) {
	t.Helper()
	out := r.Git("log", "--first-parent", "--follow", "--name-status", "--format=%H", "--", path)
	for _, line := range strings.Split(out, "\n") {
		switch {
		case len(line) == 40 && !strings.ContainsAny(line, "\t "):
			commits = append(commits, line)
		case strings.HasPrefix(line, "C") && strings.Contains(line, "\t"):
			return commits, true
		}
	}
	return commits, false
}

// TestFollowAgainstGit makes each repository of testdata/follow (moves
// from the root, from data/ and through other folders into the content
// folder, folder renames, moves between folders, renames inside it, pull
// requests that rename, files moved and edited at once, swapped, deleted
// and written again, copied and split) and compares the revisions of
// every file that ever was a postmortem with `git log --first-parent
// --follow`, reading only the content folders, the whole tree, and every
// file as a postmortem, from loose objects and from a pack.
func TestFollowAgainstGit(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/follow/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec := parseFollowSpec(t, ar.Comment)
			repo := repotest.New(t)
			repo.Apply(ar)
			cfg := &config.Config{Content: spec.content}
			roots := cfg.ContentRoots()
			if roots == nil {
				t.Fatalf("content %q has no root folder to limit the walk to", spec.content)
			}
			// Every path the first-parent history ever changed.
			var paths []string
			for _, p := range strings.Split(repo.Git("log", "--first-parent", "--no-renames", "--name-only", "--format="), "\n") {
				if p != "" && !slices.Contains(paths, p) {
					paths = append(paths, p)
				}
			}
			type expect struct {
				commits []string
				cut     bool
			}
			want := map[string]expect{}
			for _, p := range paths {
				c, cut := gitFollow(t, repo, p)
				want[p] = expect{c, cut}
			}
			check := func(label string, opts Options, postmortem func(string) bool) {
				t.Helper()
				r, warnings := load(t, repo.Dir, opts)
				if len(warnings) > 0 {
					t.Errorf("%s: warnings %q", label, warnings)
				}
				for _, p := range paths {
					got := commitsOf(r.Revisions(p))
					if !postmortem(p) {
						if len(got) > 0 {
							t.Errorf("%s: %s is not a postmortem but has revisions %v", label, p, got)
						}
						continue
					}
					if w := want[p]; !slices.Equal(got, w.commits) {
						t.Errorf("%s: %s:\n got %v\nwant %v (git log --follow, cut at a copy: %v)", label, p, got, w.commits, w.cut)
					}
				}
			}
			inRoots := func(p string) bool {
				return slices.ContainsFunc(roots, func(root string) bool { return strings.HasPrefix(p, root+"/") }) && cfg.Match(p)
			}
			all := func(string) bool { return true }
			check("content roots", Options{Include: cfg.Match, Roots: roots}, inRoots)
			check("whole tree", Options{Include: cfg.Match}, cfg.Match)
			check("every file", Options{Include: all}, all)

			// The pinned histories: revision counts, and the created date,
			// which is the first commit under any name.
			r, _ := load(t, repo.Dir, Options{Include: cfg.Match, Roots: roots})
			for _, w := range spec.wants {
				inc := attachOne(t, r, w.path)
				if inc.History == nil {
					t.Errorf("%s: no history", w.path)
					continue
				}
				if n := len(inc.History.Revisions); n != w.revisions {
					t.Errorf("%s: %d revisions, want %d", w.path, n, w.revisions)
				}
				if !inc.History.Created.Equal(w.created) {
					t.Errorf("%s: created %v, want %v", w.path, inc.History.Created.UTC(), w.created)
				}
				if got := want[w.path]; got.cut != w.copied {
					t.Errorf("%s: git follows a copy: %v, want %v", w.path, got.cut, w.copied)
				}
			}

			repo.Git("repack", "-q", "-a", "-d")
			check("content roots, packed", Options{Include: cfg.Match, Roots: roots}, inRoots)
		})
	}
}
