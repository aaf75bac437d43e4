package gitdb

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
)

// Commit is what a history needs of a commit. Callers may store it with
// encoding/gob.
type Commit struct {
	Hash      plumbing.Hash
	Tree      plumbing.Hash
	Parents   []plumbing.Hash
	Author    Signature
	Committer Signature
	Message   string // valid UTF-8: invalid bytes are replaced
}

// Signature is an author or committer line: name, email, Unix time and
// zone offset. It keeps the time as numbers rather than a time.Time, whose
// gob form comes back in time.Local when the offset happens to be the
// local zone's.
type Signature struct {
	Name  string
	Email string
	Unix  int64
	Zone  int32 // minutes east of UTC
}

// When returns the time of the signature in its own zone.
func (s Signature) When() time.Time {
	return time.Unix(s.Unix, 0).In(time.FixedZone("", int(s.Zone)*60))
}

var errBadCommit = errors.New("malformed commit")

// parseCommit decodes a raw commit object. Names, emails and the message
// are made valid UTF-8, as git log shows them.
func parseCommit(h plumbing.Hash, data []byte) (Commit, error) {
	c := Commit{Hash: h}
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			nl = len(data)
		}
		line := data[:nl]
		if nl < len(data) {
			data = data[nl+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			c.Message = toUTF8(data)
			break
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			if err := parseHex(&c.Tree, val); err != nil {
				return c, err
			}
		case "parent":
			var p plumbing.Hash
			if err := parseHex(&p, val); err != nil {
				return c, err
			}
			c.Parents = append(c.Parents, p)
		case "author":
			c.Author = parseSignature(val)
		case "committer":
			c.Committer = parseSignature(val)
		}
		// Other headers (gpgsig, mergetag, encoding) and their
		// continuation lines are not needed.
	}
	if c.Tree.IsZero() {
		return c, errBadCommit
	}
	return c, nil
}

func parseHex(h *plumbing.Hash, b []byte) error {
	if len(b) != 2*len(h) {
		return errBadCommit
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return errBadCommit
	}
	return nil
}

// parseSignature parses "Name <email> 1700000000 +0100". The email starts
// after the first "<", as git reads it (go-git's Signature.Decode takes the
// last), and ends at the last ">".
func parseSignature(b []byte) Signature {
	var s Signature
	lt := bytes.IndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		s.Name = toUTF8(bytes.TrimSpace(b))
		return s
	}
	s.Name = toUTF8(bytes.TrimSpace(b[:lt]))
	s.Email = toUTF8(bytes.TrimSpace(b[lt+1 : gt]))
	f := strings.Fields(string(b[gt+1:]))
	if len(f) >= 1 {
		s.Unix, _ = strconv.ParseInt(f[0], 10, 64)
	}
	if len(f) >= 2 && len(f[1]) == 5 {
		if n, err := strconv.Atoi(f[1][1:]); err == nil {
			m := int32(n/100*60 + n%100)
			if f[1][0] == '-' {
				m = -m
			}
			s.Zone = m
		}
	}
	return s
}

func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
