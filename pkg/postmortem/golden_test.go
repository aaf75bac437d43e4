package postmortem_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

var update = flag.Bool("update", false, "rewrite golden sections in testdata/golden/*.txtar")

// TestGolden loads each txtar archive in testdata/golden as a repository and
// compares the export JSON and the findings with the archive's
// export.golden and findings.golden sections.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden archives")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".golden") {
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				// "\r\n" and a BOM are spelled out in archives, which keep text plain.
				data := bytes.ReplaceAll(f.Data, []byte(`\r`), []byte("\r"))
				data = bytes.ReplaceAll(data, []byte(`<BOM>`), []byte("\xef\xbb\xbf"))
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			set := loadSet(t, dir)
			var export, findings bytes.Buffer
			if err := postmortem.WriteJSON(&export, set.Incidents); err != nil {
				t.Fatal(err)
			}
			for _, f := range set.AllFindings() {
				fmt.Fprintf(&findings, "%s:%d: %s: %s [%s]\n", f.File, f.Line, f.Level, f.Message, f.Rule)
			}
			got := map[string][]byte{"export.golden": export.Bytes(), "findings.golden": findings.Bytes()}
			if *update {
				var kept []txtar.File
				for _, f := range ar.Files {
					if !strings.HasSuffix(f.Name, ".golden") {
						kept = append(kept, f)
					}
				}
				ar.Files = append(kept, txtar.File{Name: "export.golden", Data: got["export.golden"]}, txtar.File{Name: "findings.golden", Data: got["findings.golden"]})
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for name, data := range got {
				var want []byte
				found := false
				for _, f := range ar.Files {
					if f.Name == name {
						want, found = f.Data, true
					}
				}
				if !found {
					t.Fatalf("%s: no %s section; run go test -update", file, name)
				}
				if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(data)) {
					t.Errorf("%s differs from %s (run go test ./pkg/postmortem -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, file, data, want)
				}
			}
		})
	}
}
