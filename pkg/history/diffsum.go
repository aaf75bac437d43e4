package history

import "crypto/sha256"

// RevisionDiffSum is the SHA-256 of the packed diff RevisionDiff decodes
// for the i-th revision of the file at path, false when there is none: a
// key of the diff that costs no decoding, for the site's record of what
// each revision page was rendered from.
func (r *Repo) RevisionDiffSum(path string, i int) ([sha256.Size]byte, bool) {
	packed, ok := r.revisionPacked(path, i)
	if !ok {
		return [sha256.Size]byte{}, false
	}
	return sha256.Sum256(packed), true
}
