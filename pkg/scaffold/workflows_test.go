package scaffold_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/inquest-dev/inquest/pkg/scaffold"
)

// knownActions are the actions a workflow may use, at the major version we
// have checked, with the inputs each one really has (from its action.yml).
// A typo in an input is silently ignored by GitHub, so it is caught here.
var knownActions = map[string][]string{
	"actions/checkout@v4": {"repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user",
		"persist-credentials", "path", "clean", "filter", "sparse-checkout", "sparse-checkout-cone-mode",
		"fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory", "github-server-url"},
	"actions/setup-go@v5":              {"go-version", "go-version-file", "check-latest", "token", "cache", "cache-dependency-path", "architecture"},
	"actions/upload-pages-artifact@v3": {"name", "path", "retention-days"},
	"actions/cache@v4": {"path", "key", "restore-keys", "upload-chunk-size", "enableCrossOsArchive",
		"fail-on-cache-miss", "lookup-only", "save-always"},
	"actions/deploy-pages@v4": {"token", "timeout", "error_count", "reporting_interval", "artifact_name", "preview"},
	"actions/upload-artifact@v4": {"name", "path", "if-no-files-found", "retention-days", "compression-level",
		"overwrite", "include-hidden-files"},
	"actions/download-artifact@v4": {"name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id"},
	"softprops/action-gh-release@v2": {"body", "body_path", "name", "tag_name", "draft", "prerelease", "files",
		"fail_on_unmatched_files", "repository", "token", "target_commitish", "discussion_category_name",
		"generate_release_notes", "append_body", "make_latest"},
}

var knownEvents = []string{"push", "pull_request", "pull_request_target", "workflow_dispatch", "schedule",
	"release", "merge_group", "workflow_call", "workflow_run"}

// The structs list every key a workflow may use here; decoding with
// KnownFields rejects the others (runs_on, step.with misplaced, …).
type workflow struct {
	Name        string            `yaml:"name"`
	RunName     string            `yaml:"run-name"`
	On          yaml.Node         `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency yaml.Node         `yaml:"concurrency"`
	Env         map[string]string `yaml:"env"`
	Defaults    yaml.Node         `yaml:"defaults"`
	Jobs        map[string]*job   `yaml:"jobs"`

	rawJobs map[string]yaml.Node // the jobs as written, to search their text
}

type job struct {
	Name            string            `yaml:"name"`
	RunsOn          yaml.Node         `yaml:"runs-on"`
	Needs           yaml.Node         `yaml:"needs"`
	If              string            `yaml:"if"`
	Permissions     map[string]string `yaml:"permissions"`
	Environment     yaml.Node         `yaml:"environment"`
	Concurrency     yaml.Node         `yaml:"concurrency"`
	Strategy        yaml.Node         `yaml:"strategy"`
	Container       yaml.Node         `yaml:"container"`
	Services        yaml.Node         `yaml:"services"`
	Env             map[string]string `yaml:"env"`
	Defaults        yaml.Node         `yaml:"defaults"`
	Outputs         map[string]string `yaml:"outputs"`
	TimeoutMinutes  int               `yaml:"timeout-minutes"`
	ContinueOnError bool              `yaml:"continue-on-error"`
	Steps           []step            `yaml:"steps"`
}

type step struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	With             map[string]any    `yaml:"with"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	ContinueOnError  bool              `yaml:"continue-on-error"`
	TimeoutMinutes   int               `yaml:"timeout-minutes"`
}

func parseWorkflow(t *testing.T, name string, data []byte) *workflow {
	t.Helper()
	w, err := decodeWorkflow(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

func decodeWorkflow(data []byte) (*workflow, error) {
	var w workflow
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&w); err != nil {
		return nil, err
	}
	var raw struct {
		Jobs map[string]yaml.Node `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	w.rawJobs = raw.Jobs
	return &w, nil
}

// triggers returns the workflow's events and, for each, its node.
func (w *workflow) triggers() map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	switch w.On.Kind {
	case yaml.ScalarNode:
		out[w.On.Value] = nil
	case yaml.SequenceNode:
		for _, n := range w.On.Content {
			out[n.Value] = nil
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(w.On.Content); i += 2 {
			out[w.On.Content[i].Value] = w.On.Content[i+1]
		}
	}
	return out
}

var stepRefRE = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.`)

// validateWorkflow checks what GitHub would only find out at run time, or
// never: unknown events, actions and inputs, steps with both or neither of
// uses and run, needs and steps.ID references that lead nowhere,
// unbalanced expressions.
func validateWorkflow(t *testing.T, name string, w *workflow) {
	t.Helper()
	for _, p := range workflowProblems(w) {
		t.Errorf("%s: %s", name, p)
	}
}

func workflowProblems(w *workflow) []string {
	var problems []string
	errorf := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if w.Name == "" {
		errorf("no name")
	}
	trig := w.triggers()
	if len(trig) == 0 {
		errorf("no on: triggers")
	}
	for ev := range trig {
		if !slices.Contains(knownEvents, ev) {
			errorf("unknown event %q", ev)
		}
	}
	checkPermissions := func(where string, p map[string]string) {
		for k, v := range p {
			if v != "read" && v != "write" && v != "none" {
				errorf("%s: permission %s: %q is not read, write or none", where, k, v)
			}
		}
	}
	checkPermissions("workflow", w.Permissions)
	if len(w.Jobs) == 0 {
		errorf("no jobs")
	}
	for id, j := range w.Jobs {
		where := "job " + id
		checkPermissions(where, j.Permissions)
		if j.RunsOn.Kind == 0 {
			errorf("%s: no runs-on", where)
		}
		var needs []string
		switch j.Needs.Kind {
		case yaml.ScalarNode:
			needs = []string{j.Needs.Value}
		case yaml.SequenceNode:
			for _, n := range j.Needs.Content {
				needs = append(needs, n.Value)
			}
		}
		for _, n := range needs {
			if _, ok := w.Jobs[n]; !ok || n == id {
				errorf("%s: needs %q, which is not another job", where, n)
			}
		}
		if len(j.Steps) == 0 {
			errorf("%s: no steps", where)
		}
		ids := map[string]bool{}
		for i, s := range j.Steps {
			if s.ID != "" {
				ids[s.ID] = true
			}
			sw := fmt.Sprintf("%s step %d", where, i+1)
			if (s.Uses == "") == (s.Run == "") {
				errorf("%s: needs exactly one of uses and run", sw)
			}
			if s.Uses == "" {
				if len(s.With) > 0 {
					errorf("%s: with: without uses:", sw)
				}
				continue
			}
			inputs, ok := knownActions[s.Uses]
			if !ok {
				errorf("%s: uses %q, not one of the known actions at a checked major version", sw, s.Uses)
				continue
			}
			for k := range s.With {
				if !slices.Contains(inputs, k) {
					errorf("%s: %s has no input %q (it has %s)", sw, s.Uses, k, strings.Join(inputs, ", "))
				}
			}
		}
		node := w.rawJobs[id]
		raw, err := yaml.Marshal(&node)
		if err != nil {
			errorf("%s: %v", where, err)
			continue
		}
		for _, m := range stepRefRE.FindAllStringSubmatch(string(raw), -1) {
			if !ids[m[1]] {
				errorf("%s: refers to steps.%s, but no step of the job has that id", where, m[1])
			}
		}
		if strings.Count(string(raw), "${{") != strings.Count(string(raw), "}}") {
			errorf("%s: unbalanced ${{ … }}", where)
		}
	}
	slices.Sort(problems) // jobs are a map
	return problems
}

// runs returns every run: script of a workflow.
func (w *workflow) runs() []string {
	var out []string
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if s.Run != "" {
				out = append(out, s.Run)
			}
		}
	}
	return out
}

// steps returns the steps that use an action, by action.
func (w *workflow) uses(action string) []step {
	var out []step
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if s.Uses == action {
				out = append(out, s)
			}
		}
	}
	return out
}

func skeletonFile(t *testing.T, path string) []byte {
	t.Helper()
	for _, f := range scaffold.Files() {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no %s in the skeleton", path)
	return nil
}

func anyContains(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

// checkoutFullHistory asserts that every checkout fetches the whole history:
// revisions and sign-offs come from Git.
func checkoutFullHistory(t *testing.T, name string, w *workflow) {
	t.Helper()
	cos := w.uses("actions/checkout@v4")
	if len(cos) == 0 {
		t.Errorf("%s: no actions/checkout", name)
	}
	for _, s := range cos {
		if fmt.Sprint(s.With["fetch-depth"]) != "0" {
			t.Errorf("%s: checkout without fetch-depth: 0", name)
		}
	}
}

func TestScaffoldedWorkflows(t *testing.T) {
	var names []string
	for _, f := range scaffold.Files() {
		if strings.HasPrefix(f.Path, ".github/workflows/") {
			names = append(names, f.Path)
			validateWorkflow(t, f.Path, parseWorkflow(t, f.Path, f.Data))
		}
	}
	if len(names) != 2 {
		t.Fatalf("skeleton workflows = %v, want the check and publish workflows", names)
	}

	t.Run("check", func(t *testing.T) {
		const name = ".github/workflows/postmortems-check.yml"
		w := parseWorkflow(t, name, skeletonFile(t, name))
		trig := w.triggers()
		if _, ok := trig["pull_request"]; !ok || len(trig) != 1 {
			t.Errorf("on = %v, want pull_request only", keys(trig))
		}
		checkoutFullHistory(t, name, w)
		if s := w.uses("actions/setup-go@v5"); len(s) != 1 || s[0].With["go-version"] != "1.26" {
			t.Errorf("setup-go = %+v, want go-version \"1.26\"", s)
		}
		runs := w.runs()
		if !anyContains(runs, "go install github.com/inquest-dev/inquest/cmd/inquest@") {
			t.Errorf("runs = %q, want go install of inquest", runs)
		}
		if !anyContains(runs, "inquest check --format github") {
			t.Errorf("runs = %q, want inquest check --format github", runs)
		}
		if len(w.Permissions) != 1 || w.Permissions["contents"] != "read" {
			t.Errorf("permissions = %v, want contents: read only", w.Permissions)
		}
	})

	t.Run("publish", func(t *testing.T) {
		const name = ".github/workflows/postmortems-publish.yml"
		w := parseWorkflow(t, name, skeletonFile(t, name))
		trig := w.triggers()
		push := trig["push"]
		if push == nil {
			t.Fatalf("on = %v, want push to main", keys(trig))
		}
		var on struct {
			Branches []string `yaml:"branches"`
		}
		if err := push.Decode(&on); err != nil || !slices.Equal(on.Branches, []string{"main"}) {
			t.Errorf("on.push = %+v (%v), want branches [main]", on, err)
		}
		if _, ok := trig["pull_request"]; ok {
			t.Error("publish runs on pull requests: a branch would deploy the site")
		}
		checkoutFullHistory(t, name, w)
		for k, v := range map[string]string{"pages": "write", "id-token": "write", "contents": "read"} {
			if w.Permissions[k] != v {
				t.Errorf("permissions[%s] = %q, want %q", k, w.Permissions[k], v)
			}
		}
		runs := w.runs()
		for _, want := range []string{"inquest build --quiet --strict --base-url ", "go install github.com/inquest-dev/inquest/cmd/inquest@"} {
			if !anyContains(runs, want) {
				t.Errorf("runs = %q, want %q", runs, want)
			}
		}
		// inquest's caches: restored before the build from the newest run
		// of an earlier commit, at the folder inquest uses on the runner
		// ($HOME/.cache/inquest, os.UserCacheDir on Linux).
		if c := w.uses("actions/cache@v4"); len(c) != 1 {
			t.Errorf("actions/cache steps = %d, want one for inquest's caches", len(c))
		} else {
			key, _ := c[0].With["key"].(string)
			restore, _ := c[0].With["restore-keys"].(string)
			if c[0].With["path"] != "~/.cache/inquest" || !strings.Contains(key, "github.sha") ||
				restore == "" || !strings.HasPrefix(key, strings.TrimSpace(restore)) {
				t.Errorf("actions/cache with %v: want path ~/.cache/inquest, a key per commit and a restore-keys prefix of it", c[0].With)
			}
			if i, b := stepIndex(w, "uses", "actions/cache@v4"), stepIndex(w, "run", "inquest build"); i < 0 || b < 0 || i > b {
				t.Errorf("actions/cache is step %d, inquest build step %d: the cache must be restored before the build", i, b)
			}
		}
		if s := w.uses("actions/upload-pages-artifact@v3"); len(s) != 1 || s[0].With["path"] != "public" {
			t.Errorf("upload-pages-artifact = %+v, want path: public (build's output)", s)
		}
		deployJobs := 0
		for id, j := range w.Jobs {
			for _, s := range j.Steps {
				if s.Uses != "actions/deploy-pages@v4" {
					continue
				}
				deployJobs++
				var env struct {
					Name string `yaml:"name"`
					URL  string `yaml:"url"`
				}
				if err := j.Environment.Decode(&env); err != nil || env.Name != "github-pages" {
					t.Errorf("job %s deploys without environment github-pages (%+v, %v)", id, env, err)
				}
				if s.ID == "" || !strings.Contains(env.URL, "steps."+s.ID+".outputs.page_url") {
					t.Errorf("job %s: environment url %q does not show the deployed page_url", id, env.URL)
				}
			}
		}
		if deployJobs != 1 {
			t.Errorf("%d deploy-pages steps, want 1", deployJobs)
		}
	})
}

func keys(m map[string]*yaml.Node) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestProjectWorkflows validates inquest's own CI the same way.
func TestProjectWorkflows(t *testing.T) {
	names, err := filepath.Glob("../../.github/workflows/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Skip("no .github/workflows in this checkout")
	}
	all := map[string]*workflow{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		w := parseWorkflow(t, name, data)
		validateWorkflow(t, name, w)
		all[filepath.Base(name)] = w
	}

	if ci := all["ci.yml"]; ci != nil {
		runs := strings.Join(ci.runs(), "\n")
		for _, want := range []string{"go vet ./...", "honnef.co/go/tools/cmd/staticcheck@", "-race", "-fuzz", "-fuzztime",
			"apt-get install", "chromium", "CGO_ENABLED=0", "-trimpath", "-ldflags"} {
			if !strings.Contains(runs, want) && !jobEnvHas(ci, want) {
				t.Errorf("ci.yml: no %q", want)
			}
		}
		if len(ci.uses("actions/upload-artifact@v4")) == 0 {
			t.Error("ci.yml: release builds are not uploaded as artifacts")
		}
		checkMatrix(t, "ci.yml", ci)
	} else {
		t.Error("no ci.yml")
	}
	if rel := all["release.yml"]; rel != nil {
		push := rel.triggers()["push"]
		var on struct {
			Tags []string `yaml:"tags"`
		}
		if push == nil || push.Decode(&on) != nil || len(on.Tags) == 0 {
			t.Error("release.yml: not triggered by pushing a tag")
		}
		if len(rel.uses("softprops/action-gh-release@v2")) == 0 && !strings.Contains(strings.Join(rel.runs(), "\n"), "gh release") {
			t.Error("release.yml: binaries are not attached to a release")
		}
		checkMatrix(t, "release.yml", rel)
	} else {
		t.Error("no release.yml")
	}
}

// jobEnvHas reports whether any job or step env sets a variable to make a
// string true: CGO_ENABLED=0 may be written as env.
func jobEnvHas(w *workflow, want string) bool {
	k, v, ok := strings.Cut(want, "=")
	if !ok {
		return false
	}
	for _, j := range w.Jobs {
		if j.Env[k] == v {
			return true
		}
		for _, s := range j.Steps {
			if s.Env[k] == v {
				return true
			}
		}
	}
	return false
}

// checkMatrix asserts a job builds linux, darwin and windows × amd64, arm64.
func checkMatrix(t *testing.T, name string, w *workflow) {
	t.Helper()
	for _, j := range w.Jobs {
		var s struct {
			Matrix struct {
				GOOS   []string `yaml:"goos"`
				GOARCH []string `yaml:"goarch"`
			} `yaml:"matrix"`
		}
		if j.Strategy.Kind == 0 || j.Strategy.Decode(&s) != nil {
			continue
		}
		m := s.Matrix
		slices.Sort(m.GOOS)
		slices.Sort(m.GOARCH)
		if slices.Equal(m.GOOS, []string{"darwin", "linux", "windows"}) && slices.Equal(m.GOARCH, []string{"amd64", "arm64"}) {
			return
		}
	}
	t.Errorf("%s: no job with the matrix goos [linux, darwin, windows] × goarch [amd64, arm64]", name)
}

func TestGitLabExample(t *testing.T) {
	var ci map[string]struct {
		Stage  string `yaml:"stage"`
		Script []string
		Rules  []struct {
			If string `yaml:"if"`
		}
		Artifacts struct {
			Paths    []string `yaml:"paths"`
			ExposeAs string   `yaml:"expose_as"`
			When     string   `yaml:"when"`
		}
		Cache struct {
			Key   string   `yaml:"key"`
			Paths []string `yaml:"paths"`
		}
	}
	data := skeletonFile(t, ".gitlab-ci.yml.example")
	// The top-level keys that are not jobs.
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"image", "variables", "stages", "default"} {
		delete(top, k)
	}
	jobs, _ := yaml.Marshal(top)
	if err := yaml.Unmarshal(jobs, &ci); err != nil {
		t.Fatal(err)
	}
	check, pages := ci["check"], ci["pages"]
	if !slices.Contains(check.Script, "inquest check --summary review.md") || len(check.Rules) == 0 || !strings.Contains(check.Rules[0].If, "merge_request_event") {
		t.Errorf("check job = %+v, want inquest check on merge requests", check)
	}
	// The review summary is the job's artifact, linked from the merge
	// request, even when the check fails.
	if !slices.Equal(check.Artifacts.Paths, []string{"review.md"}) || check.Artifacts.ExposeAs == "" || check.Artifacts.When != "always" {
		t.Errorf("check artifacts = %+v, want review.md exposed, always", check.Artifacts)
	}
	if !anyContains(pages.Script, "inquest build") || !slices.Equal(pages.Artifacts.Paths, []string{"public"}) ||
		len(pages.Rules) == 0 || !strings.Contains(pages.Rules[0].If, "CI_DEFAULT_BRANCH") {
		t.Errorf("pages job = %+v, want inquest build into public on the default branch", pages)
	}
	// GitLab caches only folders inside the project: inquest's caches go
	// there (a hidden folder, never read as content) and pages keeps them.
	if !bytes.Contains(data, []byte(`INQUEST_CACHE_DIR: "$CI_PROJECT_DIR/.inquest-cache"`)) ||
		!slices.Equal(pages.Cache.Paths, []string{".inquest-cache"}) || pages.Cache.Key == "" {
		t.Errorf("pages cache = %+v, want INQUEST_CACHE_DIR in the project and .inquest-cache cached", pages.Cache)
	}
	if !bytes.Contains(data, []byte(`GIT_DEPTH: "0"`)) {
		t.Error("GitLab clones shallowly unless GIT_DEPTH is 0: history would be missing")
	}
}

// TestWorkflowValidator shows that the validator finds each kind of mistake
// it claims to, so that a passing TestProjectWorkflows means something.
func TestWorkflowValidator(t *testing.T) {
	const good = `name: x
on: [push]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: co
        uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - run: echo ${{ steps.co.outputs.commit }}
`
	w, err := decodeWorkflow([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if p := workflowProblems(w); len(p) > 0 {
		t.Fatalf("good workflow: %q", p)
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"unknown action", "actions/checkout@v4", "actions/checkout@v9", `not one of the known actions`},
		{"unknown input", "fetch-depth: 0", "fetch_depth: 0", `has no input "fetch_depth"`},
		{"unknown event", "[push]", "[pushed]", `unknown event "pushed"`},
		{"uses and run", "      - run: echo", "        run: echo x\n      - run: echo", "exactly one of uses and run"},
		{"step id", "steps.co.", "steps.checkout.", "no step of the job has that id"},
		{"needs", "    runs-on:", "    needs: b\n    runs-on:", `needs "b"`},
		{"expression", "commit }}", "commit }", "unbalanced"},
		{"unknown key", "runs-on:", "runs_on:", "field runs_on not found"},
		{"permission", "jobs:", "permissions: {pages: writ}\njobs:", `"writ" is not read, write or none`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(good, tc.old, tc.new, 1)
			w, err := decodeWorkflow([]byte(src))
			var got []string
			if err != nil {
				got = []string{err.Error()}
			} else {
				got = workflowProblems(w)
			}
			if !anyContains(got, tc.want) {
				t.Errorf("problems = %q, want one containing %q\n%s", got, tc.want, src)
			}
		})
	}
}

// stepIndex is the index among all steps of w of the first whose uses (or
// run) contains s, or -1.
func stepIndex(w *workflow, field, s string) int {
	i := 0
	for _, id := range slices.Sorted(maps.Keys(w.Jobs)) {
		for _, st := range w.Jobs[id].Steps {
			v := st.Run
			if field == "uses" {
				v = st.Uses
			}
			if strings.Contains(v, s) {
				return i
			}
			i++
		}
	}
	return -1
}
