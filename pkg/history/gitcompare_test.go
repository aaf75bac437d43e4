package history

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// gitCLI runs git in dir with a fixed identity and clock.
type gitCLI struct {
	t     *testing.T
	dir   string
	clock int64
}

func (g *gitCLI) run(args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	date := fmt.Sprintf("%d +0100", g.clock)
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=Ana Lima", "GIT_AUTHOR_EMAIL=ana@example.com", "GIT_AUTHOR_DATE="+date,
		"GIT_COMMITTER_NAME=Ana Lima", "GIT_COMMITTER_EMAIL=ana@example.com", "GIT_COMMITTER_DATE="+date,
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+g.dir, "GIT_CONFIG_GLOBAL=/dev/null",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (g *gitCLI) commit(msg string) {
	g.t.Helper()
	g.clock += 3600
	g.run("add", "-A")
	g.run("commit", "-q", "--allow-empty", "-m", msg)
}

// TestAgainstGit generates a repository with the git CLI — edits, renames
// with and without edits, deletions, branches merged with merge commits —
// and checks every file's revisions against
// `git log --first-parent --follow`, loose and packed.
func TestAgainstGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	g := &gitCLI{t: t, dir: dir, clock: 1700000000}
	g.run("init", "-q", "-b", "main")
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
	years := []string{"2022", "2023", "2024"}
	newPath := func() string {
		serial++
		return fmt.Sprintf("postmortems/%s/pm-%d.md", years[rng.Intn(len(years))], serial)
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
			g.write("README.md", newLines(1)[0])
			return "readme"
		}
	}
	for i := range 60 {
		if i%10 == 9 {
			// A pull request: a branch with a few commits, main moving on
			// in other files, then a merge commit.
			branch := fmt.Sprintf("pr-%d", i)
			g.run("checkout", "-q", "-b", branch)
			for j := range 1 + rng.Intn(3) {
				g.commit(fmt.Sprintf("%s step %d: %s", branch, j, step()))
			}
			g.run("checkout", "-q", "main")
			// Re-read the file list as main has it.
			files = readFiles(t, dir)
			g.write("NOTES.md", fmt.Sprintf("main moved on %d", i))
			g.commit("main: readme")
			g.clock += 3600
			g.run("merge", "-q", "--no-ff", "-m", fmt.Sprintf("Merge pull request #%d from acme/%s", i, branch), branch)
			files = readFiles(t, dir)
			continue
		}
		g.commit(fmt.Sprintf("commit %d: %s", i, step()))
	}

	check := func(label string) {
		r, _ := load(t, dir, Options{Roots: []string{"postmortems"}})
		paths := strings.Fields(g.run("ls-files", "postmortems"))
		for p := range r.dead {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if len(paths) < 5 {
			t.Fatalf("only %d files", len(paths))
		}
		for _, p := range paths {
			want := strings.Fields(g.run("log", "--first-parent", "--follow", "--format=%H", "--", p))
			got := commitsOf(r.Revisions(p))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s:\n got %v\nwant %v", label, p, got, want)
			}
		}
	}
	check("loose")
	g.run("gc", "-q", "--aggressive")
	check("packed")
}

func (g *gitCLI) write(path, content string) {
	if err := os.WriteFile(filepath.Join(g.dir, path), []byte(content+"\n"), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

type genFile struct {
	path  string
	lines []string
}

// readFiles reloads the postmortems in the work tree after a checkout.
func readFiles(t *testing.T, dir string) []*genFile {
	t.Helper()
	var out []*genFile
	err := filepath.WalkDir(filepath.Join(dir, "postmortems"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
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
