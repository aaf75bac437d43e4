// Package strdist measures how far apart two short strings are, for "did
// you mean" suggestions in error messages.
package strdist

import "strings"

// Levenshtein returns the edit distance between a and b, in bytes.
func Levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Nearest returns the candidate closest to word, compared without regard
// to case, when it is at most maxDist edits away, or a candidate that
// starts with word when word has three letters or more; "" when none is
// close. Ties go to the earlier candidate.
func Nearest(word string, candidates []string, maxDist int) string {
	w := strings.ToLower(word)
	best, bestD := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == w {
			return c
		}
		d := Levenshtein(w, lc)
		prefix := len(w) >= 3 && strings.HasPrefix(lc, w)
		if prefix {
			d = min(d, 1)
		}
		if (d <= maxDist || prefix) && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}
