package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// stampPath is the file in the cache folder that records what the output
// folder out was built from; a build whose inputs hash to the same value has
// nothing to do. It lives outside the output so the site stays exactly the
// pages.
func stampPath(cache, out string) string {
	abs, _ := filepath.Abs(out)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(cache, "build-"+hex.EncodeToString(sum[:8])+".json")
}

type stampFile struct {
	Stamp     string               `json:"stamp"`
	Incidents int                  `json:"incidents"`
	Pages     int                  `json:"pages"`
	Skipped   int                  `json:"skipped"`
	LeftOut   LeftOut              `json:"left_out"`
	Findings  []postmortem.Finding `json:"findings,omitempty"`
	Warnings  []string             `json:"warnings,omitempty"`
	Notes     []string             `json:"notes,omitempty"`
	IndexDir  string               `json:"index_dir"`
	Found     string               `json:"found,omitempty"`
}

// inputStamp hashes everything a build reads: the options, the inquest
// binary, SOURCE_DATE_EPOCH, the HEAD commit, and the path, size and
// modification time of every file of the repository outside .git and the
// output folder. It reads no file contents, so it costs a walk of the tree.
func inputStamp(opts BuildOptions) (string, error) {
	h := sha256.New()
	o := opts
	o.Progress, o.CheckNow = nil, time.Time{}
	fmt.Fprintf(h, "%+v\n%s\n", o, os.Getenv("SOURCE_DATE_EPOCH"))
	// Where the site is published, when the CI job says it (publishedBase).
	for _, k := range []string{"CI_PAGES_URL", "GITHUB_PAGES", "GITHUB_REPOSITORY"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "exe %d %d\n", st.Size(), st.ModTime().UnixNano())
		}
	}
	head := ""
	if r, err := git.PlainOpenWithOptions(opts.Dir, &git.PlainOpenOptions{DetectDotGit: true}); err == nil {
		if ref, err := r.Head(); err == nil {
			head = ref.Hash().String()
		}
	}
	if head == "" || opts.NoHistory {
		// Without history the reference time is the clock: overdue items
		// change with the day.
		fmt.Fprintf(h, "day %s\n", time.Now().UTC().Format("2006-01-02"))
	}
	fmt.Fprintf(h, "head %s\n", head)
	out, _ := filepath.Abs(opts.Out)
	err := filepath.WalkDir(opts.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts are reported by the build itself
		}
		if d.IsDir() {
			abs, _ := filepath.Abs(p)
			if d.Name() == ".git" || abs == out || strings.HasPrefix(filepath.Base(abs), "."+filepath.Base(out)+".") {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(opts.Dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%v\n", filepath.ToSlash(rel), info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// upToDate returns the recorded result when the output folder exists and
// was built from the same inputs.
func upToDate(cache, out, stamp string) (*stampFile, bool) {
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		return nil, false
	}
	data, err := os.ReadFile(stampPath(cache, out))
	if err != nil {
		return nil, false
	}
	var sf stampFile
	if json.Unmarshal(data, &sf) != nil || sf.Stamp != stamp {
		return nil, false
	}
	return &sf, true
}

func writeStamp(cache, out string, sf stampFile) error {
	data, err := json.Marshal(sf)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return err
	}
	return os.WriteFile(stampPath(cache, out), data, 0o644)
}
