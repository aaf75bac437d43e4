// Package scaffold holds what `inquest init` and `inquest new` write: the
// skeleton of a postmortem repository (configuration, template, CI workflows,
// review checklist) and the rendering of a new postmortem from a template.
//
// The files are embedded from files/ and written as they are, so the
// skeleton a user gets is exactly what this package's tests validate.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/scaffold/builtin"
)

// TemplatePath is the repository-relative path of a repository's own
// postmortem template. Init writes the built-in template there; new reads it
// when it exists.
const TemplatePath = builtin.Path

//go:embed all:files
var skeleton embed.FS

// File is one file of the repository skeleton.
type File struct {
	// Path is relative to the repository root, with forward slashes.
	Path string
	Data []byte
}

// Files returns the repository skeleton that Init writes: visible files
// first, then dotfiles, each group sorted by path.
func Files() []File {
	var files []File
	err := fs.WalkDir(skeleton, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := skeleton.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: strings.TrimPrefix(p, "files/"), Data: data})
		return nil
	})
	// The template lives in package builtin, which the parser reads too.
	files = append(files, File{Path: TemplatePath, Data: builtin.Template()})
	if err != nil {
		// The embedded tree is fixed at build time; failing to read it is a
		// broken binary, not a condition callers can handle.
		panic(fmt.Sprintf("scaffold: read embedded files: %v", err))
	}
	slices.SortFunc(files, func(a, b File) int {
		ha, hb := strings.HasPrefix(a.Path, "."), strings.HasPrefix(b.Path, ".")
		if ha != hb {
			if ha {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Path, b.Path)
	})
	return files
}

// Template returns the built-in postmortem template: the file Init writes to
// TemplatePath, and what new uses when a repository has none.
func Template() []byte { return builtin.Template() }

// ExistsError is returned by Init when files of the skeleton already exist
// and overwriting was not asked for. Nothing was written.
type ExistsError struct {
	// Paths are the existing files, relative to the folder, with forward
	// slashes, in the order of Files.
	Paths []string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%d files exist: %s", len(e.Paths), strings.Join(e.Paths, ", "))
}

// Written is one file Init wrote.
type Written struct {
	// Path is relative to the folder, with forward slashes.
	Path string
	// Overwrote reports that a file was replaced.
	Overwrote bool
	// Appended reports that lines were added to a file that existed (the
	// .gitignore of an existing repository).
	Appended bool
}

// GitIgnorePath is the file Init makes sure ignores the site that
// `inquest build` writes into public/.
const GitIgnorePath = ".gitignore"

// gitIgnoreLines are what Init writes into, or appends to, .gitignore.
const gitIgnoreLines = "# The site inquest build writes; CI builds and publishes it.\npublic/\n"

// Init writes the repository skeleton into dir, creating folders as needed.
// Unless force is set it first checks every file and, when any exists,
// returns an *ExistsError naming them all without writing anything. With
// force, existing files (and symbolic links, which are replaced rather than
// followed) are overwritten.
func Init(dir string, force bool) ([]Written, error) {
	files := Files()
	existed := make([]bool, len(files))
	var exist []string
	for i, f := range files {
		_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case err == nil:
			existed[i] = true
			exist = append(exist, f.Path)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, filepath.FromSlash(f.Path)), err)
		}
	}
	if len(exist) > 0 && !force {
		return nil, &ExistsError{Paths: exist}
	}
	var written []Written
	for i, f := range files {
		name := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return written, err
		}
		if existed[i] {
			// Remove rather than truncate, so that a symbolic link is
			// replaced instead of written through.
			if err := os.Remove(name); err != nil {
				return written, err
			}
		}
		if err := writeNew(name, f.Data); err != nil {
			return written, err
		}
		written = append(written, Written{Path: f.Path, Overwrote: existed[i]})
	}
	w, err := ignoreOutput(dir)
	if err != nil || w == nil {
		return written, err
	}
	return append(written, *w), nil
}

// ignoreOutput makes dir/.gitignore ignore public/, the build's output,
// so that committing everything does not commit the site: it writes the
// file when there is none, appends the lines when the file does not
// ignore public/ already, and else leaves it alone (nil), as it does a
// .gitignore that is not a regular file. It never replaces what a
// repository has, with or without force.
func ignoreOutput(dir string) (*Written, error) {
	name := filepath.Join(dir, GitIgnorePath)
	if st, err := os.Lstat(name); err == nil && !st.Mode().IsRegular() {
		return nil, nil // a link or something odd: not ours to write through
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		if err := writeNew(name, []byte(gitIgnoreLines)); err != nil {
			return nil, err
		}
		return &Written{Path: GitIgnorePath}, nil
	}
	if err != nil {
		return nil, err
	}
	for line := range strings.Lines(string(data)) {
		switch strings.TrimSpace(line) {
		case "public", "public/", "/public", "/public/":
			return nil, nil
		}
	}
	add := gitIgnoreLines
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		add = "\n" + add
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(add); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &Written{Path: GitIgnorePath, Appended: true}, nil
}

// writeNew creates name and writes data to it, failing when name exists:
// a file that appeared since it was checked is never overwritten.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
