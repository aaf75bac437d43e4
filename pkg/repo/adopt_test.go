package repo_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
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
