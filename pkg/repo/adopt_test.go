package repo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/scaffold"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/adopt")

// TestAdoptFixtures loads each repository of testdata/adopt, made with real
// commits, as inquest finds it with no configuration (or the little each
// has), and compares what `inquest export` prints with NAME.json, and where
// the postmortems were found, the findings of the parser and what was
// inferred with NAME.txt; and each report's revisions with what
// `git log --first-parent --follow` shows.
func TestAdoptFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/adopt/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.WriteFile(t, file)
			rp, err := repo.Load(context.Background(), dir, repo.Options{History: true, CacheDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			var export, report bytes.Buffer
			if err := postmortem.WriteJSON(&export, rp.Set.Incidents); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&report, "found: %s\n", rp.Found())
			if err := rp.NoneFound(); err != nil {
				fmt.Fprintf(&report, "none: %v\n", err)
			}
			fmt.Fprintf(&report, "severities: %s\n", strings.Join(rp.Config.Severities, ", "))
			fmt.Fprintf(&report, "statuses: %s\n", strings.Join(rp.Config.Statuses, ", "))
			for _, f := range rp.Set.AllFindings() {
				fmt.Fprintf(&report, "%s:%d: %s: %s [%s]\n", f.File, f.Line, f.Level, f.Message, f.Rule)
			}
			for _, inc := range rp.Set.Incidents {
				for _, x := range inc.Inferred {
					fmt.Fprintf(&report, "%s:%d: inferred %s %q from %s %q\n", inc.Source, x.Line, x.Field, x.Value, x.From, x.Key)
				}
			}
			// Every report's revisions are what git log --follow shows,
			// through moves from outside the report folders.
			for _, inc := range rp.Set.Incidents {
				var got []string
				if inc.History != nil {
					for _, rv := range inc.History.Revisions {
						got = append(got, rv.Commit)
					}
				}
				out, err := exec.Command("git", "-C", dir, "log", "--first-parent", "--follow", "--format=%H", "--", inc.Source).Output()
				if err != nil {
					t.Fatal(err)
				}
				if want := strings.Fields(string(out)); !slices.Equal(got, want) {
					t.Errorf("%s: revisions %q, git log --first-parent --follow %q", inc.Source, got, want)
				}
			}
			golden(t, strings.TrimSuffix(file, ".txtar")+".json", export.Bytes())
			golden(t, strings.TrimSuffix(file, ".txtar")+".txt", report.Bytes())
		})
	}
}

// golden compares got with a golden file, or writes it with -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/repo -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (run go test ./pkg/repo -update to accept):\n--- got ---\n%s\n--- want ---\n%s", file, got, want)
	}
}

// TestAdoptRoundTrip adopts each repository of testdata/adopt and checks
// that inquest reads it as before: `inquest export` gives the same
// incidents, and check the same findings. What legitimately differs is
// named: the history (the adopted files are uncommitted changes), the
// lines of findings (the front matter moves the body down), date warnings
// and notes about reading a date that is now written, and the inferences
// (what is written is no longer inferred), and a severity finding's words
// for the scale once it is pinned. Each body is kept byte for
// byte, and adopting again changes nothing.
func TestAdoptRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/adopt/*.txtar")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.WriteFile(t, file)
			ctx := context.Background()
			load := func() *repo.Repo {
				t.Helper()
				rp, err := repo.Load(ctx, dir, repo.Options{History: true, CacheDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				return rp
			}
			before := load()
			// Adopt the files without front matter, then --fill those with.
			for _, fill := range []bool{false, true} {
				a, err := scaffold.Adopt(ctx, load(), scaffold.AdoptOptions{Fill: fill})
				if err != nil {
					t.Fatal(err)
				}
				if os.Getenv("INQUEST_ADOPT_DIFF") != "" {
					var diff bytes.Buffer
					_ = a.Diff(&diff)
					t.Logf("fill %v: notes %v\n%s", fill, a.Notes, diff.String())
				}
				// Each report is adopted, in part at least.
				for _, n := range a.Notes {
					if strings.HasPrefix(n.Message, "left alone") {
						t.Errorf("fill %v: %s: %s", fill, n.Path, n.Message)
					}
				}
				if err := a.Write(dir); err != nil {
					t.Fatal(err)
				}
				for _, c := range a.Changes {
					if c.Path != "inquest.yaml" && !fill && !bytes.HasSuffix(c.New, bytes.TrimPrefix(c.Old, []byte("\xef\xbb\xbf"))) {
						t.Errorf("%s: the body is not kept as it was", c.Path)
					}
				}
				after := load()
				if got, want := exportOf(t, after, false), exportOf(t, before, false); got != want {
					t.Errorf("fill %v: export differs after adopt:\n--- after ---\n%s\n--- before ---\n%s", fill, got, want)
				}
				for i, inc := range after.Set.Incidents {
					if b := before.Set.Incidents[i]; !sameRevisions(inc.History, b.History) {
						t.Errorf("fill %v: %s: revisions changed", fill, inc.Source)
					}
				}
				if got, want := checkOf(ctx, after), checkOf(ctx, before); got != want {
					t.Errorf("fill %v: findings differ after adopt:\n--- after ---\n%s\n--- before ---\n%s", fill, got, want)
				}
				if !slices.Equal(after.Config.Severities, before.Config.Severities) {
					t.Errorf("severities %q, learned %q", after.Config.Severities, before.Config.Severities)
				}
				if after.Config.AutoContent || before.Set.Discovery != nil && !slices.Equal(after.Config.Content, before.Set.Discovery.Content) {
					t.Errorf("content %q not pinned to what discovery found", after.Config.Content)
				}
				again, err := scaffold.Adopt(ctx, after, scaffold.AdoptOptions{Fill: fill})
				if err != nil {
					t.Fatal(err)
				}
				var diff bytes.Buffer
				if err := again.Diff(&diff); err != nil || len(again.Changes) > 0 {
					t.Errorf("fill %v: adopting again changes %d files:\n%s", fill, len(again.Changes), diff.String())
				}
			}
		})
	}
}

// exportOf is what `inquest export` prints for rp, with each incident's
// history left out unless withHistory.
func exportOf(t *testing.T, rp *repo.Repo, withHistory bool) string {
	t.Helper()
	var b bytes.Buffer
	for _, inc := range rp.Set.Incidents {
		j := inc.ToJSON()
		if !withHistory {
			j.History = nil
		}
		data, err := json.MarshalIndent(j, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// sameRevisions reports whether two histories list the same commits.
func sameRevisions(a, b *postmortem.History) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.EqualFunc(a.Revisions, b.Revisions, func(x, y postmortem.Revision) bool { return x.Commit == y.Commit })
}

// checkOf is what `inquest check` reports for rp, without lines (in
// messages too) and without warnings and notes about reading a date: once adopt writes a
// date, the one read from a title or file name with a warning is not read.
// learnedScaleRE is how a severity finding names a learned scale.
var learnedScaleRE = regexp.MustCompile(`is not on the scale the other postmortems use \((.*); pin it with severities: in inquest\.yaml\);`)

func checkOf(ctx context.Context, rp *repo.Repo) string {
	fs := rp.Set.AllFindings()
	fs = append(fs, lint.Run(ctx, rp.Config, rp.Set.Incidents, lint.Options{Root: rp.Root, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})...)
	var out []string
	for _, f := range fs {
		if f.Rule == "date" && f.Level != postmortem.LevelError {
			continue
		}
		msg := regexp.MustCompile(`\bline \d+`).ReplaceAllString(f.Message, "line N") // the front matter moves them
		// The scale is the same, but pinned it is no longer "learned".
		msg = learnedScaleRE.ReplaceAllString(msg, "is not one of $1;")
		out = append(out, fmt.Sprintf("%s: %s: %s [%s]", f.File, f.Level, msg, f.Rule))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
