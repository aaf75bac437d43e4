package history

import (
	"bytes"
	"path"
	"sort"
)

// Rename scores follow git's diffcore: a score of 60000 is identical content
// and renames need at least half of that, git's default -M50%.
const (
	maxScore     = 60000
	minimumScore = maxScore / 2
	// renameLimit bounds the inexact pairing of one commit (deleted ×
	// added files), as git's diff.renameLimit does.
	renameLimit = 1000 * 1000
)

// pairRenames turns deletions and additions in one commit's changes into
// renames: first files whose content is identical, then files that are at
// least 50% similar, as git's rename detection pairs them (a deleted file
// with the same base name as an added one is tried first).
func (w *differ) pairRenames(cs []change) ([]change, error) {
	var dels, adds []int
	for i, c := range cs {
		switch {
		case c.deleted():
			dels = append(dels, i)
		case c.added():
			adds = append(adds, i)
		}
	}
	if len(dels) == 0 || len(adds) == 0 {
		return cs, nil
	}
	used := make([]bool, len(cs)) // consumed by a pair
	pair := map[int]int{}         // add index → del index

	// Exact renames: same blob.
	byBlob := map[[20]byte][]int{}
	for _, d := range dels {
		byBlob[cs[d].Prev] = append(byBlob[cs[d].Prev], d)
	}
	for _, a := range adds {
		cands := byBlob[cs[a].Blob]
		best := -1
		for _, d := range cands {
			if used[d] {
				continue
			}
			if best < 0 || (path.Base(cs[d].Path) == path.Base(cs[a].Path) && path.Base(cs[best].Path) != path.Base(cs[a].Path)) {
				best = d
			}
		}
		if best >= 0 {
			used[best], used[a] = true, true
			pair[a] = best
		}
	}

	// Inexact renames among what is left.
	var restD, restA []int
	for _, d := range dels {
		if !used[d] {
			restD = append(restD, d)
		}
	}
	for _, a := range adds {
		if !used[a] {
			restA = append(restA, a)
		}
	}
	if len(restD) > 0 && len(restA) > 0 && len(restD)*len(restA) <= renameLimit {
		sigs := map[int]*spanSig{}
		sig := func(i int, blob [20]byte) (*spanSig, error) {
			if s, ok := sigs[i]; ok {
				return s, nil
			}
			data, err := w.r.readType(blob, objBlob)
			if err != nil {
				return nil, err
			}
			s := hashChars(data)
			sigs[i] = s
			return s, nil
		}
		score := func(d, a int) (int, error) {
			sd, err := sig(d, cs[d].Prev)
			if err != nil {
				return 0, err
			}
			sa, err := sig(a, cs[a].Blob)
			if err != nil {
				return 0, err
			}
			return similarity(sd, sa), nil
		}
		// Basename-guided pass: a file moved to another folder, perhaps
		// edited, whose base name is unique on both sides.
		baseCount := map[string][2]int{}
		for _, d := range restD {
			b := baseCount[path.Base(cs[d].Path)]
			b[0]++
			baseCount[path.Base(cs[d].Path)] = b
		}
		for _, a := range restA {
			b := baseCount[path.Base(cs[a].Path)]
			b[1]++
			baseCount[path.Base(cs[a].Path)] = b
		}
		for _, a := range restA {
			base := path.Base(cs[a].Path)
			if baseCount[base] != [2]int{1, 1} {
				continue
			}
			for _, d := range restD {
				if used[d] || path.Base(cs[d].Path) != base {
					continue
				}
				s, err := score(d, a)
				if err != nil {
					return nil, err
				}
				if s >= minimumScore {
					used[d], used[a] = true, true
					pair[a] = d
				}
			}
		}
		// Everything against everything, best scores first.
		type cand struct{ score, d, a int }
		var cands []cand
		for _, a := range restA {
			if used[a] {
				continue
			}
			for _, d := range restD {
				if used[d] {
					continue
				}
				s, err := score(d, a)
				if err != nil {
					return nil, err
				}
				if s >= minimumScore {
					cands = append(cands, cand{s, d, a})
				}
			}
		}
		sort.SliceStable(cands, func(i, j int) bool {
			if cands[i].score != cands[j].score {
				return cands[i].score > cands[j].score
			}
			// Prefer the pair whose base names agree, then path order.
			bi := path.Base(cs[cands[i].d].Path) == path.Base(cs[cands[i].a].Path)
			bj := path.Base(cs[cands[j].d].Path) == path.Base(cs[cands[j].a].Path)
			if bi != bj {
				return bi
			}
			if cands[i].a != cands[j].a {
				return cands[i].a < cands[j].a
			}
			return cands[i].d < cands[j].d
		})
		for _, c := range cands {
			if used[c.d] || used[c.a] {
				continue
			}
			used[c.d], used[c.a] = true, true
			pair[c.a] = c.d
		}
	}
	if len(pair) == 0 {
		return cs, nil
	}
	out := make([]change, 0, len(cs)-len(pair))
	for i, c := range cs {
		if d, ok := pair[i]; ok {
			c.From, c.Prev = cs[d].Path, cs[d].Prev
			out = append(out, c)
			continue
		}
		if used[i] && c.deleted() {
			continue
		}
		out = append(out, c)
	}
	return out, nil
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
