package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

var (
	// refDefRE is a link reference definition: "[id]: path/to/file".
	refDefRE = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)`)
	// htmlRefRE is an href or src attribute of raw HTML.
	htmlRefRE = regexp.MustCompile(`(?i)<(?:a|img|source|video|audio|iframe)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']`)
	schemeRE  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// dest is a link destination found in a line.
type dest struct {
	off   int // byte offset of the destination in the line
	url   string
	image bool
}

// brokenLinks reports relative links and images whose targets do not exist
// in the repository. Targets are looked up through an os.Root, so neither
// "../" nor a symbolic link can lead the check outside the repository.
func (lc *checker) brokenLinks(f *file) {
	if lc.root == nil {
		return
	}
	dir := path.Dir(f.inc.Source)
	for _, l := range f.lines {
		if l.prose == "" || !strings.ContainsAny(l.prose, "]<") {
			continue
		}
		for _, d := range findDests(l.prose) {
			target, ok := localTarget(dir, d.url)
			if !ok {
				continue
			}
			what := "link to"
			if d.image {
				what = "image"
			}
			if target == "" {
				f.add(l.n, d.off+1, postmortem.LevelWarning, "broken-link",
					fmt.Sprintf("%s %q leads out of the repository; link to a file inside it, or use an absolute URL", what, d.url))
				continue
			}
			err := lc.stat(target)
			switch {
			case err == nil:
			case errors.Is(err, fs.ErrNotExist):
				f.add(l.n, d.off+1, postmortem.LevelWarning, "broken-link",
					fmt.Sprintf("%s %q: %s does not exist in the repository; fix the path (relative to this file's folder) or add the file", what, d.url, target))
			default:
				f.add(l.n, d.off+1, postmortem.LevelWarning, "broken-link",
					fmt.Sprintf("%s %q: %s cannot be read inside the repository (a symbolic link out of it?); link to a regular file", what, d.url, target))
			}
		}
	}
}

func (lc *checker) stat(rel string) error {
	lc.mu.Lock()
	err, ok := lc.stats[rel]
	lc.mu.Unlock()
	if ok {
		return err
	}
	_, err = lc.root.Stat(filepath.FromSlash(rel))
	lc.mu.Lock()
	lc.stats[rel] = err
	lc.mu.Unlock()
	return err
}

// localTarget resolves a link destination written in a file in dir to a
// repository-relative slash path. ok is false for destinations that are not
// files of the repository (URLs with a scheme, "//host", "#anchor"); the
// path is "" for one that climbs out of the repository. A destination that
// starts with "/" is relative to the repository root, as on GitHub.
func localTarget(dir, d string) (target string, ok bool) {
	d = strings.TrimSpace(d)
	if strings.HasPrefix(d, "<") && strings.HasSuffix(d, ">") {
		d = d[1 : len(d)-1]
	}
	if d == "" || d[0] == '#' || strings.HasPrefix(d, "//") || schemeRE.MatchString(d) {
		return "", false
	}
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		d = d[:i]
	}
	if d == "" {
		return "", false
	}
	if u, err := url.PathUnescape(d); err == nil {
		d = u
	}
	if strings.ContainsRune(d, 0) || strings.Contains(d, `\`) {
		return "", true
	}
	var p string
	if strings.HasPrefix(d, "/") {
		p = path.Clean(strings.TrimLeft(d, "/"))
	} else {
		p = path.Join(dir, d)
	}
	if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
		return "", true
	}
	return p, true
}

// findDests returns the destinations of the inline links and images,
// reference definitions and HTML href/src attributes of one line, whose
// code spans and comments are already blanked out.
func findDests(s string) []dest {
	var out []dest
	for i := 0; ; {
		j := strings.Index(s[i:], "](")
		if j < 0 {
			break
		}
		j += i
		i = j + 2
		image := false
		if k := openBracket(s, j); k > 0 && s[k-1] == '!' {
			image = true
		} else if k < 0 {
			continue
		}
		start := j + 2
		for start < len(s) && (s[start] == ' ' || s[start] == '\t') {
			start++
		}
		end := start
		if start < len(s) && s[start] == '<' {
			e := strings.IndexByte(s[start:], '>')
			if e < 0 {
				continue
			}
			end = start + e + 1
		} else {
			depth := 0
		scan:
			for ; end < len(s); end++ {
				switch s[end] {
				case '(':
					depth++
				case ')':
					if depth == 0 {
						break scan
					}
					depth--
				case ' ', '\t':
					break scan
				}
			}
		}
		if end > start {
			out = append(out, dest{off: start, url: s[start:end], image: image})
		}
		i = max(i, end)
	}
	if m := refDefRE.FindStringSubmatchIndex(s); m != nil {
		out = append(out, dest{off: m[2], url: s[m[2]:m[3]]})
	}
	if strings.IndexByte(s, '<') >= 0 {
		for _, m := range htmlRefRE.FindAllStringSubmatchIndex(s, -1) {
			tag := strings.ToLower(s[m[0]+1 : min(m[0]+4, len(s))])
			out = append(out, dest{off: m[2], url: s[m[2]:m[3]], image: !strings.HasPrefix(tag, "a ") && !strings.HasPrefix(tag, "a\t")})
		}
	}
	return out
}

// openBracket returns the offset of the "[" that the "]" at close matches,
// or -1.
func openBracket(s string, close int) int {
	depth := 0
	for k := close - 1; k >= 0; k-- {
		switch s[k] {
		case ']':
			if k == 0 || s[k-1] != '\\' {
				depth++
			}
		case '[':
			if k > 0 && s[k-1] == '\\' {
				continue
			}
			if depth == 0 {
				return k
			}
			depth--
		}
	}
	return -1
}
