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

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/internal/exestamp"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// buildRecordFormat frames the record of what an output folder was built
// from (see cache.WriteFile); change it with buildRecord.
const buildRecordFormat = "inquest build record 1"

// buildRecordPath is the file, in the cache folder's Builds kind, that
// records what the output folder out was built from; a build whose inputs
// hash to the same value has nothing to do. It lives outside the output so
// the site stays exactly the pages.
func buildRecordPath(cacheDir, out string) string {
	return outputRecordPath(cacheDir, out, buildRecordFormat, ".json")
}

// outputRecordPath is the file of the cache folder's Builds kind, named
// by format and ext, that records something of the output folder out.
func outputRecordPath(cacheDir, out, format, ext string) string {
	abs, _ := filepath.Abs(out)
	return filepath.Join(cache.At(cacheDir).Path(cache.Builds), cache.Key(format, abs)+ext)
}

// buildRecord is what a build that wrote its output records: the stamp of
// its inputs and the result to report when the next build has the same.
type buildRecord struct {
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

// stampedOptions writes the options that change what a build writes or
// reports, for inputStamp. TestStampCoversOptions holds every field of
// BuildOptions to change it, but those in unstampedOptions.
func stampedOptions(o BuildOptions) string {
	return fmt.Sprintf("dir %q\nout %q\nbase url %q\ndrafts %t\naudience %q\nno history %t\ntheme %q\nnow %s\ncache %q\npage size %d\nsearch index %t\nfail on errors %t\nrelated text max %d\ncheck %t\n",
		o.Dir, o.Out, o.BaseURL, o.Drafts, o.Audience, o.NoHistory, o.ThemeDir, o.Now.UTC().Format(time.RFC3339Nano), o.CacheDir,
		o.PageSize, o.SearchIndex, o.FailOnErrors, o.RelatedTextMax, o.Check)
}

// unstampedOptions are the options that do not change what a build writes
// or reports: Progress is where it says how it goes, Force and Serve
// builds record no stamp, and CheckNow is the clock check's rules read,
// which a build with the same inputs a minute later does not run again
// for.
var unstampedOptions = []string{"Progress", "Force", "Serve", "CheckNow"}

// inputStamp hashes everything a build reads: the options, the inquest
// binary, SOURCE_DATE_EPOCH, the HEAD commit, and the path, size and
// modification time of every file of the repository outside .git and the
// output folder. It reads no file contents, so it costs a walk of the tree.
func inputStamp(opts BuildOptions) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s%s\n", stampedOptions(opts), os.Getenv("SOURCE_DATE_EPOCH"))
	// Where the site is published, when the CI job says it (publishedBase).
	for _, k := range []string{"CI_PAGES_URL", "GITHUB_PAGES", "GITHUB_REPOSITORY"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	if exe, err := exestamp.Running(); err == nil {
		fmt.Fprintf(h, "exe %s\n", exe)
	}
	head := repo.Head(opts.Dir)
	if head == "" || opts.NoHistory {
		// Without history the reference time is the clock: overdue items
		// change with the day.
		fmt.Fprintf(h, "day %s\n", time.Now().UTC().Format("2006-01-02"))
	}
	fmt.Fprintf(h, "head %s\n", head)
	out, _ := filepath.Abs(opts.Out)
	// WalkDir does not follow a root that is a symbolic link: it would
	// see no file at all. Walk what the link names.
	root := opts.Dir
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
		if o, err := filepath.EvalSymlinks(out); err == nil {
			out = o
		}
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
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
		rel, _ := filepath.Rel(root, p)
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
func upToDate(cacheDir, out, stamp string) (*buildRecord, bool) {
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		return nil, false
	}
	data, err := cache.ReadFile(buildRecordPath(cacheDir, out), buildRecordFormat)
	if err != nil {
		return nil, false
	}
	var rec buildRecord
	if json.Unmarshal(data, &rec) != nil || rec.Stamp != stamp {
		return nil, false
	}
	return &rec, true
}

// writeBuildRecord records what the output folder out was built from.
func writeBuildRecord(cacheDir, out string, rec buildRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := cache.At(cacheDir).Open(cache.Builds); err != nil {
		return err
	}
	return cache.WriteFile(buildRecordPath(cacheDir, out), buildRecordFormat, data)
}
