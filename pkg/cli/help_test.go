package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHelpExamplesRun runs every example of every command's --help, as a
// reader would type it: those that name examples/acme in a folder that
// holds it, as a clone of inquest does, the others in a postmortem
// repository with real history, the example repository with its history
// replayed (that same examples/acme). The part of a shell line that runs
// inquest is run (`$(inquest new …)`, `inquest export … | jq …`); /tmp/
// paths go to a temporary folder; init runs in an empty folder; serve runs
// until it serves, then is stopped.
//
// The examples run one after the other in the test process: each changes
// the working directory, and the later ones reuse the cache the earlier
// ones filled, as a reader's would (run apart, each in a copy with a cache
// of its own, they took six times the CPU). The repository is a copy of
// the example replayed once for the test binary (replayedAcme).
func TestHelpExamplesRun(t *testing.T) {
	clone := t.TempDir()
	repo := filepath.Join(clone, "examples", "acme")
	copyTree(t, replayedAcme.get(t), repo)
	scratch := t.TempDir()
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1790000000") // 2026-09-21

	root := newRootCmd(&env{})
	n := 0
	for _, cmd := range root.Commands() {
		for line := range strings.Lines(cmd.Example) {
			args, ok := exampleArgs(line)
			if !ok {
				continue
			}
			n++
			for i, a := range args {
				if rest, ok := strings.CutPrefix(a, "/tmp/"); ok {
					args[i] = filepath.Join(scratch, rest)
				}
			}
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				if slices.Equal(args, []string{"serve", "--example"}) {
					// testdata/script/example.txtar runs this line, as a
					// process, and reads the pages it serves; here it
					// replayed and built the example a second time.
					t.Skip("run by testdata/script/example.txtar")
				}
				switch {
				case cmd.Name() == "init":
					t.Chdir(t.TempDir())
				case strings.Contains(line, "examples/acme"):
					t.Chdir(clone)
				default:
					t.Chdir(repo)
				}
				code, stdout, stderr := runExample(t, cmd.Name() == "serve", args)
				if code != ExitOK {
					t.Errorf("%s\nexit %d\nstdout:\n%s\nstderr:\n%s", strings.TrimSpace(line), code, stdout, stderr)
				}
			})
		}
		if cmd.Example == "" && cmd.Runnable() && !cmd.Hidden && cmd.Name() != "help" && cmd.Name() != "completion" {
			t.Errorf("%s has no examples", cmd.Name())
		}
	}
	if n < 20 {
		t.Errorf("ran %d examples; the help has more", n)
	}
}

// copyTree copies the folder from, Git repository and all, to to, which
// must not exist.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp -a %s %s: %v\n%s", from, to, err, out)
	}
}

// exampleArgs returns the arguments of the inquest command in one line of
// a command's examples, without the program name, unquoted as a shell
// would; false when the line runs no inquest.
func exampleArgs(line string) ([]string, bool) {
	i := strings.Index(line, "inquest ")
	if i < 0 {
		return nil, false
	}
	var args []string
	var cur strings.Builder
	inArg := false
	var quote rune
	for _, r := range line[i+len("inquest "):] {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inArg {
				args, inArg = append(args, cur.String()), false
				cur.Reset()
			}
		case r == '#' && !inArg, r == '|', r == '>', r == ')':
			// A comment, a pipe, a redirection or the end of $(…): the
			// inquest command ends here.
			if inArg {
				args = append(args, cur.String())
			}
			return args, true
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, true
}

// runExample runs inquest with args and returns its exit code and output;
// a server is stopped once it says it is serving.
func runExample(t *testing.T, server bool, args []string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	if server {
		// Any free port, whatever the example's --addr (the last one wins).
		args = append(slices.Clone(args), "--addr", "127.0.0.1:0")
		go func() {
			for ctx.Err() == nil && !strings.Contains(stderr.String(), "serving ") {
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
		}()
	}
	code := Run(ctx, args, strings.NewReader(""), &stdout, stderr)
	if server && strings.Contains(stderr.String(), "serving ") && code == 130 {
		code = ExitOK // stopped by us once it served
	}
	return code, stdout.String(), stderr.String()
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestExampleArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"  inquest check --changed          # pull requests\n", []string{"check", "--changed"}},
		{`  inquest new "DNS resolver timeouts" --owner "Jane Doe"`, []string{"new", "DNS resolver timeouts", "--owner", "Jane Doe"}},
		{`  $EDITOR "$(inquest new 'Search latency')"`, []string{"new", "Search latency"}},
		{`  inquest export examples/acme | jq '.incidents[] | .id'`, []string{"export", "examples/acme"}},
		{"  inquest export > incidents.json", []string{"export"}},
		{`  inquest search '+services:a "connection pool" -tags:dns' --facets`, []string{"search", `+services:a "connection pool" -tags:dns`, "--facets"}},
		{`  inquest search 'tags:#1'`, []string{"search", "tags:#1"}},
	} {
		got, ok := exampleArgs(tc.line)
		if !ok || strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
			t.Errorf("exampleArgs(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
	if _, ok := exampleArgs("  no command here"); ok {
		t.Error("a line without inquest gave arguments")
	}
}
