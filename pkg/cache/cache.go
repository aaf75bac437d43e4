// Package cache is the folder where inquest keeps, between runs, what it
// worked out from one repository: the history pass and the front-matter
// fields of earlier file versions, the search index, and what each output
// folder was built from. It is the one place that decides
//
//   - where the folder is (For: $INQUEST_CACHE_DIR, else the user cache
//     folder, one sub-folder per repository path);
//   - its layout: one sub-folder per Kind, and a LAYOUT file naming the
//     layout's version;
//   - how a file is named by what it was computed from (Key);
//   - how a file is framed (WriteFile, ReadFile): a magic line naming its
//     format and that format's version, the CRC-32C of the payload, written
//     whole by rename; and how many of a kind are kept (Prune).
//
// What a kind stores, and its version, stay with the code that writes it
// (history's snapshot, postmortem's Fields, search's mapping), which puts
// that version into the file's Key and magic line: a change there makes
// the old files unread rather than wrong. A folder written under another
// layout is emptied of what that layout wrote before anything in it is
// used, and a file that fails any check is rebuilt, never trusted.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// layout names the folder's layout; change it when a Kind moves or the
// framing of WriteFile changes. Layout 1 (before this package) kept every
// file at the top of the folder; layout 2 checked each payload with its
// SHA-256.
const layout = "inquest cache layout 3\n"

// layoutFile holds the layout's name.
const layoutFile = "LAYOUT"

// Kind is one kind of cache: a sub-folder of the layout, written by one
// package.
type Kind string

// The kinds of cache, one sub-folder each.
const (
	// History holds package history's snapshot of the one pass over Git
	// history, by HEAD, and the front-matter fields of file versions, by
	// blob.
	History Kind = "history"
	// Search holds the Bleve index of every postmortem and the
	// fingerprint of the files it was built from (package repo).
	Search Kind = "search"
	// Builds holds what each output folder was built from, so that a
	// build with the same inputs does nothing (package site).
	Builds Kind = "builds"
)

// kinds are the sub-folders of the layout.
var kinds = [...]Kind{History, Search, Builds}

// Folder is the cache folder of one repository. The zero Folder caches
// nothing: its paths are "".
type Folder struct{ dir string }

// For returns the cache folder of the repository at root: a sub-folder,
// named after the repository's folder and a hash of its absolute path, of
// $INQUEST_CACHE_DIR, else of inquest/ in the user cache folder. It is the
// zero Folder when neither is known.
func For(root string) Folder {
	base := os.Getenv("INQUEST_CACHE_DIR")
	if base == "" {
		ucd, err := os.UserCacheDir()
		if err != nil {
			return Folder{}
		}
		base = filepath.Join(ucd, "inquest")
	}
	abs, _ := filepath.Abs(root)
	sum := sha256.Sum256([]byte(abs))
	return Folder{filepath.Join(base, postmortem.Slug(filepath.Base(abs))+"-"+hex.EncodeToString(sum[:6]))}
}

// At returns the cache folder dir, one a caller chose (a test's folder,
// BuildOptions.CacheDir); "" is the zero Folder.
func At(dir string) Folder { return Folder{dir} }

// Dir is the folder's path; "" for the zero Folder.
func (f Folder) Dir() string { return f.dir }

// Path is the sub-folder of kind k, neither made nor checked: for reading
// what Open made ready. "" for the zero Folder.
func (f Folder) Path(k Kind) string {
	if f.dir == "" {
		return ""
	}
	return filepath.Join(f.dir, string(k))
}

// Open returns the sub-folder of kind k ready to write: made when missing,
// after emptying the folder of what another layout wrote there. It returns
// "" and no error for the zero Folder.
func (f Folder) Open(k Kind) (string, error) {
	if f.dir == "" {
		return "", nil
	}
	if err := f.settleLayout(); err != nil {
		return "", fmt.Errorf("cache %s: %w", f.dir, err)
	}
	p := f.Path(k)
	if err := os.MkdirAll(p, 0o755); err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	return p, nil
}

// layout1 are the names layout 1 gave its files at the top of the folder.
var layout1 = []string{
	"history-*.gob", ".history-*.tmp", "fields-*.bin", ".fields-*.tmp",
	"search-all", "search-all.stamp", ".search-all.build-*", ".search-all.old-*", "build-*.json",
}

// settleLayout makes the folder one of this layout: it removes what
// layout 1 left at its top when there is no LAYOUT file, or every kind's
// sub-folder when LAYOUT names another layout, then writes LAYOUT.
func (f Folder) settleLayout() error {
	got, err := os.ReadFile(filepath.Join(f.dir, layoutFile))
	switch {
	case err == nil && string(got) == layout:
		return nil
	case err == nil:
		// Another layout, or a damaged LAYOUT file: nothing in the
		// kinds' folders can be trusted.
		for _, k := range kinds {
			if err := os.RemoveAll(f.Path(k)); err != nil {
				return err
			}
		}
	case errors.Is(err, os.ErrNotExist):
		// New, or layout 1. Its names are removed, not the kinds'
		// folders: an inquest of this layout may be writing them.
		for _, pattern := range layout1 {
			old, _ := filepath.Glob(filepath.Join(f.dir, pattern))
			for _, p := range old {
				if err := os.RemoveAll(p); err != nil {
					return err
				}
			}
		}
	default:
		return err
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return err
	}
	return writeWhole(filepath.Join(f.dir, layoutFile), []byte(layout))
}

// Key names a file by what it was computed from: the hex SHA-256 of the
// parts, each ended by a NUL byte, cut to 24 digits. A kind puts its
// format's version among the parts.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// WriteFile writes payload to the file name whole: into a temporary file
// beside it, renamed over it, so that a reader finds the old file or the
// new one. The file starts with the line magic, which names the format
// and its version, then the checksum of payload (checksum).
func WriteFile(name, magic string, payload []byte) error {
	head := make([]byte, 0, len(magic)+1+sumSize)
	head = append(append(head, magic...), '\n')
	// The payload is written as it is, not copied behind the head: the
	// history's diff cache is about 90 MB at 10,000 postmortems.
	return writeWhole(name, appendSum(head, crc32.Checksum(payload, castagnoli)), payload)
}

// The checksum of a payload is its CRC-32C, big-endian. It is there to
// catch a file cut short or damaged on disk, not one written to fool
// inquest: whoever can write the cache folder can write a matching sum of
// any kind. The SHA-256 it replaced took 0.06-0.2 s of a 10,000-postmortem
// build to check the history's 88 MB diff cache, against 0.01 s; the
// CRC-32C runs on the CPU's own instruction where there is one (package
// hash/crc32).
const sumSize = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func appendSum(b []byte, sum uint32) []byte { return binary.BigEndian.AppendUint32(b, sum) }

// payloadOf checks the file data read from name against magic and its
// checksum, and returns its payload.
func payloadOf(name, magic string, data []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic+"\n"))
	if !ok {
		line, _, _ := strings.Cut(string(data[:min(len(data), 80)]), "\n")
		return nil, fmt.Errorf("%s: not a %q file (it starts %q)", name, magic, line)
	}
	if len(rest) < sumSize {
		return nil, fmt.Errorf("%s: cut short", name)
	}
	sum, payload := binary.BigEndian.Uint32(rest), rest[sumSize:]
	if crc32.Checksum(payload, castagnoli) != sum {
		return nil, fmt.Errorf("%s: checksum mismatch", name)
	}
	return payload, nil
}

// ReadFile returns the payload WriteFile wrote to the file name with
// magic. A missing file is an error that wraps os.ErrNotExist; one of
// another format or version, or whose payload is not what was written, is
// an error too.
func ReadFile(name, magic string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return payloadOf(name, magic, data)
}

// writeWhole writes the parts of data, one after the other, to name
// through a temporary file renamed over it.
func writeWhole(name string, data ...[]byte) error {
	return replaceFile(name, func(f *os.File) error {
		for _, part := range data {
			if _, err := f.Write(part); err != nil {
				return err
			}
		}
		return nil
	})
}

// replaceFile writes the file name whole, with write, into a temporary
// file beside it (mode 0644) renamed over name once written and closed,
// so that a reader sees the old file or the new one, never a part; the
// temporary file is removed when anything fails.
func replaceFile(name string, write func(f *os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// Touch marks the file name used now, for Prune.
func Touch(name string) {
	now := time.Now()
	_ = os.Chtimes(name, now, now)
}

// Prune keeps the keep most recently written or touched files matching
// pattern in dir and removes the others.
func Prune(dir, pattern string, keep int) {
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(files) <= keep {
		return
	}
	type aged struct {
		name string
		mod  time.Time
	}
	all := make([]aged, len(files))
	for i, f := range files {
		all[i].name = f
		if st, err := os.Stat(f); err == nil {
			all[i].mod = st.ModTime()
		}
	}
	slices.SortFunc(all, func(a, b aged) int { return b.mod.Compare(a.mod) })
	for _, f := range all[keep:] {
		_ = os.Remove(f.name)
	}
}
