package history

import "testing"

// TestCommitHash: a commit is named by its hash as Hash.String spells
// it, and by nothing else.
func TestCommitHash(t *testing.T) {
	t.Parallel()
	const s = "0123456789abcdef0123456789abcdef01234567"
	if h, ok := commitHash(s); !ok || h.String() != s {
		t.Errorf("%s: %v, %v", s, h, ok)
	}
	for _, bad := range []string{"", s[:39], s + "8", "0123456789ABCDEF0123456789abcdef01234567", "g123456789abcdef0123456789abcdef01234567"} {
		if h, ok := commitHash(bad); ok {
			t.Errorf("%q: read as %v", bad, h)
		}
	}
}
