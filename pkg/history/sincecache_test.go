package history

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TestSinceCacheEncoding: the since cache reads back what it wrote, the
// sections left to the diff's summary, and refuses a truncated file
// rather than reading part of it.
func TestSinceCacheEncoding(t *testing.T) {
	t.Parallel()
	d := revdiff.Compare([]byte("## Summary\nThe queue backed up.\n"), []byte("## Summary\nThe ingest queue backed up.\n"), nil)
	var p1, p2 pair
	p1[0], p2[39] = 1, 2
	fields := []postmortem.FieldChange{{Field: "severity", From: "SEV3", To: "SEV2"}, {Field: "status", To: "published"}}
	in := map[pair]walkedSince{
		p1: {sections: d.Summary(), fields: fields, diff: pack(d)},
		p2: {sections: []postmortem.SectionChange{}, diff: pack(&revdiff.Diff{})},
	}
	data := encodeSince(in)
	out, ok := decodeSince(data)
	if !ok || len(out) != 2 {
		t.Fatalf("decodeSince = %v, %v", out, ok)
	}
	for p, want := range in {
		got := out[p]
		if got.sections != nil || !got.summarize() {
			t.Fatalf("%x: sections %v before summarize, or a diff that does not decode", p[:1], got.sections)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%x: read\n%+v\nwant\n%+v", p[:1], got, want)
		}
	}
	if c, ok := decodeSince(nil); !ok || len(c) != 0 {
		t.Errorf("empty: %v, %v", c, ok)
	}
	for cut := 1; cut < len(data); cut++ {
		if c, ok := decodeSince(data[:cut]); ok {
			// A cut between entries reads as fewer entries: never as
			// an entry cut short.
			for p, e := range c {
				if want := in[p]; !reflect.DeepEqual(e.fields, want.fields) || string(e.diff) != string(want.diff) {
					t.Errorf("cut at %d of %d: read %+v", cut, len(data), e)
				}
			}
			if len(c) != 1 {
				t.Errorf("cut at %d of %d: read %d entries", cut, len(data), len(c))
			}
		}
	}
}

// FuzzDecodeSince: any bytes read as a since cache or are refused, and
// what reads encodes back to a cache that reads the same.
func FuzzDecodeSince(f *testing.F) {
	var p pair
	d := revdiff.Compare([]byte("a\n"), []byte("b\n"), nil)
	f.Add(encodeSince(map[pair]walkedSince{p: {fields: []postmortem.FieldChange{{Field: "a", From: "b", To: "c"}}, diff: pack(d)}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := decodeSince(data)
		if !ok {
			return
		}
		for _, e := range c {
			e.summarize() // never panics
		}
		back, ok := decodeSince(encodeSince(c))
		if !ok || !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip: %v, want %v", back, c)
		}
	})
}

// TestSinceCacheDamaged: a since cache cut short, changed on disk, or
// holding a diff that does not decode under a good checksum is not used:
// what changed since the approval is compared again, the same as without
// a cache, and the cache is rewritten.
func TestSinceCacheDamaged(t *testing.T) {
	t.Parallel()
	tr, approved := approvedQueue(t)
	tr.write("postmortems/q.md", doc("INC-7", "SEV2", "published", "## Timeline", "", "- 09:00 queue depth alert", "- 09:45 consumers scaled out"))
	tr.commit("Publish", cy)

	// attach gives the stale sign-off and SinceDiff of a load with the
	// cache folder dir.
	attach := func(dir string) (*postmortem.SignOff, *revdiff.Diff) {
		t.Helper()
		r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, FieldsVersion: "1", CacheDir: dir})
		inc := attachOne(t, r, "postmortems/q.md", "Bo Chen <bo@example.com>")
		for i := range inc.History.SignOffs {
			if s := &inc.History.SignOffs[i]; s.Commit == approved && s.Stale {
				return s, r.SinceDiff("postmortems/q.md", approved)
			}
		}
		t.Fatalf("sign-offs %+v: want a stale one at %s", inc.History.SignOffs, approved[:7])
		return nil, nil
	}
	wantSign, wantDiff := attach("")
	if wantDiff == nil || len(wantSign.Since) == 0 || len(wantSign.SinceFields) == 0 {
		t.Fatalf("without a cache: since %+v, fields %+v, diff %+v", wantSign.Since, wantSign.SinceFields, wantDiff)
	}
	damages := map[string]func(t *testing.T, file string){
		"cut short": func(t *testing.T, file string) {
			rewrite(t, file, func(b []byte) []byte { return b[:len(b)-5] })
		},
		"changed": func(t *testing.T, file string) {
			rewrite(t, file, func(b []byte) []byte { b[len(b)-3] ^= 0x5a; return b })
		},
		"a diff that does not decode": func(t *testing.T, file string) {
			payload, err := cache.ReadFile(file, sinceFormat)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := decodeSince(payload)
			if !ok || len(c) == 0 {
				t.Fatalf("cache as written: %v, %v", c, ok)
			}
			for p, e := range c {
				e.diff = packedDiff("not a diff")
				c[p] = e
			}
			if err := cache.WriteFile(file, sinceFormat, encodeSince(c)); err != nil {
				t.Fatal(err)
			}
		},
		"an old format's file": func(t *testing.T, file string) {
			if err := os.Rename(file, filepath.Join(filepath.Dir(file), "history-since-3.gob")); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte("inquest history since 3\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			// The diff cache of an earlier format too: its diffs are
			// compared again and written in the current one.
			dir := filepath.Dir(file)
			if err := os.Rename(filepath.Join(dir, diffCacheFile), filepath.Join(dir, "history-diffs-2.bin")); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			attach(dir)
			file := filepath.Join(dir, sinceCacheFile)
			before, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			damage(t, file)
			s, d := attach(dir)
			if !reflect.DeepEqual(s.Since, wantSign.Since) || !reflect.DeepEqual(s.SinceFields, wantSign.SinceFields) || !reflect.DeepEqual(d, wantDiff) {
				t.Errorf("after the damage: since %+v, fields %+v, diff %+v\nwant %+v, %+v, %+v", s.Since, s.SinceFields, d, wantSign.Since, wantSign.SinceFields, wantDiff)
			}
			if after, err := os.ReadFile(file); err != nil || string(after) != string(before) {
				t.Errorf("the cache was not rewritten as it was (%v)", err)
			}
			// An earlier format's file is removed once the current one
			// is written.
			for _, old := range []string{"history-since-3.gob", "history-diffs-2.bin"} {
				if _, err := os.Stat(filepath.Join(dir, old)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s left in the cache folder (%v)", old, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, diffCacheFile)); err != nil {
				t.Errorf("the diff cache: %v", err)
			}
			// And read back, it gives the same.
			if s, d := attach(dir); !reflect.DeepEqual(s.Since, wantSign.Since) || !reflect.DeepEqual(d, wantDiff) {
				t.Errorf("from the rewritten cache: since %+v, diff %+v", s.Since, d)
			}
		})
	}
}
