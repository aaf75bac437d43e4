package gitdb

import (
	"bytes"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
)

// Rename scores follow git's diffcore: a score of 60000 is identical content
// and renames need at least half of that, git's default -M50%.
const (
	maxScore     = 60000
	minimumScore = maxScore / 2
	// renameLimit bounds the deleted files an added file is compared
	// with, as git's diff.renameLimit does (its square).
	renameLimit = 1000 * 1000
)

// findSources finds where each file added between two trees (in cs) came
// from, as `git log --follow` does for the file it follows: among the
// files deleted anywhere in the tree (dels, in path order), first one with
// the same content, preferring one with the same base name; else the most
// similar by git's measure, if at least 50% similar (git's default -M50%),
// preferring the same base name between equal scores. Each added file is
// matched on its own, so two copies of one moved file both get its
// history, as they do in git. The added file gets the source's path as
// From and its content as Prev; the deletion stays in the list, since the
// old path's own history ends there.
//
// git log --follow also takes a file left in place as the source of a copy
// (it looks for copies harder); this does not.
func (r *Reader) findSources(cs []Change, dels []Change) error {
	if len(dels) == 0 {
		return nil
	}
	var byBlob map[plumbing.Hash][]int
	sigs := map[plumbing.Hash]*spanSig{}
	sig := func(h plumbing.Hash) (*spanSig, error) {
		if s, ok := sigs[h]; ok {
			return s, nil
		}
		data, err := r.Blob(h)
		if err != nil {
			return nil, err
		}
		s := hashChars(data)
		sigs[h] = s
		return s, nil
	}
	for i := range cs {
		add := &cs[i]
		if !add.Added() {
			continue
		}
		if byBlob == nil {
			byBlob = make(map[plumbing.Hash][]int, len(dels))
			for d := range dels {
				byBlob[dels[d].Prev] = append(byBlob[dels[d].Prev], d)
			}
		}
		base := path.Base(add.Path)
		// Exact: the first deletion with this content, or the first one
		// that also has the same base name.
		best := -1
		for _, d := range byBlob[add.Blob] {
			if dels[d].Link != add.Link {
				continue
			}
			if best < 0 || path.Base(dels[d].Path) == base && path.Base(dels[best].Path) != base {
				best = d
			}
		}
		if best < 0 && !add.Link && len(dels) <= renameLimit {
			// Inexact: the best score, then the same base name, then
			// the first in path order. Symbolic links are renamed only
			// when unchanged.
			sa, err := sig(add.Blob)
			if err != nil {
				return err
			}
			bestScore, bestName := 0, false
			for d := range dels {
				if dels[d].Link {
					continue
				}
				sd, err := sig(dels[d].Prev)
				if err != nil {
					return err
				}
				s := similarity(sd, sa)
				if s < minimumScore {
					continue
				}
				same := path.Base(dels[d].Path) == base
				if best < 0 || s > bestScore || s == bestScore && same && !bestName {
					best, bestScore, bestName = d, s, same
				}
			}
		}
		if best >= 0 {
			add.From, add.Prev = dels[best].Path, dels[best].Prev
		}
	}
	return nil
}

// spanSig is git's content signature for rename detection: the text cut
// into lines (at most 64 bytes each), each piece hashed, with the number of
// bytes under each hash.
type spanSig struct {
	size   int
	counts map[uint32]int
}

const spanHashBase = 107927

// hashChars computes the signature as git's diffcore-delta.c does, so that
// scores agree with git's on the 50% boundary.
func hashChars(buf []byte) *spanSig {
	s := &spanSig{size: len(buf), counts: map[uint32]int{}}
	isText := bytes.IndexByte(buf[:min(len(buf), 8000)], 0) < 0
	var accum1, accum2 uint32
	n := 0
	for i := 0; i < len(buf); i++ {
		c := uint32(buf[i])
		old1 := accum1
		if isText && c == '\r' && i+1 < len(buf) && buf[i+1] == '\n' {
			continue
		}
		accum1 = (accum1 << 7) ^ (accum2 >> 25)
		accum2 = (accum2 << 7) ^ (old1 >> 25)
		accum1 += c
		n++
		if n < 64 && c != '\n' {
			continue
		}
		h := (accum1 + accum2*0x61) % spanHashBase
		s.counts[h] += n
		n = 0
		accum1, accum2 = 0, 0
	}
	if n > 0 {
		h := (accum1 + accum2*0x61) % spanHashBase
		s.counts[h] += n
	}
	return s
}

// similarity is git's estimate_similarity: the bytes of the source found in
// the destination, over the larger size, scaled to maxScore.
func similarity(src, dst *spanSig) int {
	maxSize, baseSize := src.size, dst.size
	if baseSize > maxSize {
		maxSize, baseSize = baseSize, maxSize
	}
	if maxSize == 0 || dst.size == 0 {
		return 0
	}
	if maxSize*(maxScore-minimumScore) < (maxSize-baseSize)*maxScore {
		return 0
	}
	copied := 0
	for h, sc := range src.counts {
		if dc, ok := dst.counts[h]; ok {
			copied += min(sc, dc)
		}
	}
	return int(int64(copied) * maxScore / int64(maxSize))
}
