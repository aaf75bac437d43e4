package gitdb

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestParseCommit(t *testing.T) {
	t.Parallel()
	raw := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n" +
		"parent 1111111111111111111111111111111111111111\n" +
		"parent 2222222222222222222222222222222222222222\n" +
		"author Ana Lima <ana@example.com> 1700000000 -0330\n" +
		"committer GitHub <noreply@github.com> 1700000100 +0000\n" +
		"gpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n" +
		"\nMerge pull request #3 from a/b\n"
	c, err := parseCommit(plumbing.ZeroHash, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 2 || c.Author.Name != "Ana Lima" || c.Author.Zone != -210 || c.Committer.Unix != 1700000100 || c.Message != "Merge pull request #3 from a/b\n" {
		t.Errorf("parsed %+v", c)
	}
	if _, off := c.Author.When().Zone(); off != -210*60 {
		t.Errorf("zone offset %d", off)
	}
	if _, err := parseCommit(plumbing.ZeroHash, []byte("author x\n\nmsg")); err == nil {
		t.Error("commit without tree accepted")
	}
}

func TestApplyDelta(t *testing.T) {
	t.Parallel()
	base := []byte("0123456789abcdef")
	// src size 16, dst size 9: copy 4 bytes from offset 10, insert "XYZ", copy 2 from 0.
	delta := []byte{16, 9, 0x80 | 0x01 | 0x10, 10, 4, 3, 'X', 'Y', 'Z', 0x80 | 0x10, 2}
	got, err := applyDelta(base, delta, nil)
	if err != nil || string(got) != "abcdXYZ01" {
		t.Fatalf("applyDelta = %q, %v", got, err)
	}
	for _, bad := range [][]byte{{15, 9}, {16, 9, 0}, {16, 9, 0x80 | 0x01 | 0x10, 14, 4}, {16, 20, 3, 'a'}} {
		if _, err := applyDelta(base, bad, nil); err == nil {
			t.Errorf("applyDelta accepted %v", bad)
		}
	}
}

func TestSimilarity(t *testing.T) {
	t.Parallel()
	a := strings.Repeat("a line of text that is the same\n", 10)
	b := a + strings.Repeat("new text added at the end\n", 5)
	c := strings.Repeat("completely different content here\n", 10)
	if s := similarity(hashChars([]byte(a)), hashChars([]byte(b))); s < minimumScore {
		t.Errorf("similar files score %d", s)
	}
	if s := similarity(hashChars([]byte(a)), hashChars([]byte(c))); s >= minimumScore {
		t.Errorf("different files score %d", s)
	}
	if s := similarity(hashChars([]byte(a)), hashChars([]byte(a))); s != maxScore {
		t.Errorf("identical files score %d", s)
	}
}

// FuzzObjects feeds malformed objects to the decoders that read repository
// data: none may panic.
func FuzzObjects(f *testing.F) {
	f.Add([]byte{16, 9, 0x91, 10, 4, 3, 'X', 'Y', 'Z'}, []byte("100644 a\x00aaaaaaaaaaaaaaaaaaaa40000 d\x00bbbbbbbbbbbbbbbbbbbb"))
	f.Add([]byte{0, 0}, []byte("tree x\nparent y\n\n"))
	f.Fuzz(func(t *testing.T, delta, tree []byte) {
		_, _ = applyDelta([]byte("0123456789abcdef"), delta, nil)
		_, _ = parseCommit(plumbing.ZeroHash, tree)
		for i := 0; i < len(tree); {
			_, next, err := parseEntry(tree, i)
			if err != nil {
				break
			}
			i = next
		}
		_ = entryEnd(tree, 0)
		_, _, _, _, _, _ = parseHeader(append([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01"), delta...), 12)
	})
}
