package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestCorruptPack: a repository whose pack file is damaged builds, checks
// and exports with a warning that names the pack and no history (exit 0);
// `build --strict` fails (exit 1) and keeps the previous site.
func TestCorruptPack(t *testing.T) {
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1717200000")
	repo := repotest.New(t)
	repo.WriteFile("inquest.yaml", []byte("title: Damaged\n"))
	for i := range 3 {
		repo.WriteFile(fmt.Sprintf("postmortems/2023/inc-%05d.md", i), []byte(postmortemText(i)))
		repo.Commit(fmt.Sprintf("Add INC-%05d\n", i))
	}
	repo.WriteFile("postmortems/2023/inc-00000.md", []byte(postmortemText(0)+"\nA late addition.\n"))
	repo.Commit("Edit INC-00000\n")
	repo.Git("gc", "-q")
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "public")
	if code, stdout, stderr := runCLI(ctx, "build", repo.Dir, "--out", out, "--strict"); code != 0 || strings.Contains(stderr, "\nwarning: ") || strings.HasPrefix(stderr, "warning: ") {
		t.Fatalf("intact repository: exit %d\n%s%s", code, stdout, stderr)
	}
	before := readTree(t, out)
	checkCode, checkOut, _ := runCLI(ctx, "check", repo.Dir)
	summary := checkOut[strings.LastIndex(strings.TrimSpace(checkOut), "\n")+1:]

	packs, _ := filepath.Glob(filepath.Join(repo.Dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("%d packs", len(packs))
	}
	b, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 3; i < len(b)-20; i += 5 {
		b[i] ^= 0x3c
	}
	if err := os.Chmod(packs[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(packs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The history cache of the intact repository would hide the damage.
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	pack := filepath.Base(packs[0])

	code, stdout, stderr := runCLI(ctx, "build", repo.Dir, "--out", out, "--strict")
	if code != cli.ExitFindings || !strings.Contains(stderr, "--strict: Git history could not be read") {
		t.Errorf("build --strict: exit %d, want %d\n%s%s", code, cli.ExitFindings, stdout, stderr)
	}
	sameTree(t, "failed --strict build", before, readTree(t, out))

	code, stdout, stderr = runCLI(ctx, "build", repo.Dir, "--out", out)
	if code != 0 || !strings.Contains(stderr, "warning: ") || !strings.Contains(stderr, pack) {
		t.Errorf("build: exit %d, want 0 and a warning naming %s\n%s%s", code, pack, stdout, stderr)
	}
	page, err := os.ReadFile(filepath.Join(out, "api", "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), `"history"`) {
		t.Errorf("api/incidents.json has history from a damaged repository")
	}
	// Not up to date: the next build tries to read the history again.
	if _, stdout, _ := runCLI(ctx, "build", repo.Dir, "--out", out); strings.Contains(stdout, "up to date") {
		t.Errorf("a build without its history counts as up to date: %s", stdout)
	}

	// check finds what it found before (the generated postmortems lack
	// sections its rules want) and one warning more.
	code, stdout, stderr = runCLI(ctx, "check", repo.Dir)
	errs := func(summary string) string { return strings.Fields(summary)[3] }
	now := stdout[strings.LastIndex(strings.TrimSpace(stdout), "\n")+1:]
	if code != checkCode || errs(now) != errs(summary) || !strings.Contains(stdout, "[git]") || !strings.Contains(stdout, pack) {
		t.Errorf("check: exit %d (%s), want %d (%s) and a git warning naming %s\n%s%s", code, now, checkCode, summary, pack, stdout, stderr)
	}

	code, stdout, stderr = runCLI(ctx, "export", repo.Dir)
	var export struct {
		Incidents []map[string]any `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(stdout), &export); code != 0 || err != nil || len(export.Incidents) != 3 {
		t.Fatalf("export: exit %d, %v, %d incidents\n%s", code, err, len(export.Incidents), stderr)
	}
	if !strings.Contains(stderr, pack) {
		t.Errorf("export does not warn about %s:\n%s", pack, stderr)
	}
}
