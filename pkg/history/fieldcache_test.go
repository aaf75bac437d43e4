package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// attachAll attaches history to paths with opts and returns the incidents
// and how many times Fields ran.
func attachAll(t *testing.T, dir string, opts Options, paths []string) ([]*postmortem.Incident, int) {
	t.Helper()
	cf := &keyValues{}
	opts.Fields = cf
	r, _ := load(t, dir, opts)
	incs := make([]*postmortem.Incident, len(paths))
	for i, p := range paths {
		incs[i] = &postmortem.Incident{Source: p}
	}
	if err := r.Attach(context.Background(), incs); err != nil {
		t.Fatal(err)
	}
	return incs, cf.take()
}

func sameHistories(t *testing.T, what string, got, want []*postmortem.Incident) {
	t.Helper()
	for i := range want {
		if !reflect.DeepEqual(got[i].History, want[i].History) {
			t.Errorf("%s: %s: history differs from the uncached one:\n got %+v\nwant %+v", what, want[i].Source, got[i].History, want[i].History)
		}
	}
}

// fieldsRepo makes files with several versions each, one of them without
// front matter for a while (Fields returns nil for it).
func fieldsRepo(t *testing.T) (*testRepo, []string) {
	tr := newTestRepo(t)
	var paths []string
	for i := range 5 {
		paths = append(paths, fmt.Sprintf("postmortems/f%d.md", i))
	}
	tr.write(paths[4], "no front matter yet\n")
	for v := range 4 {
		for i, p := range paths[:4] {
			tr.write(p, doc(fmt.Sprintf("INC-%d", i), fmt.Sprintf("SEV%d", v+1), []string{"draft", "review"}[v%2], fmt.Sprintf("owner: team-%d", i)))
		}
		if v == 2 {
			tr.write(paths[4], doc("INC-4", "SEV3", "draft"))
		}
		tr.commit(fmt.Sprintf("Version %d", v), ana)
	}
	return tr, paths
}

func TestFieldsCache(t *testing.T) {
	t.Parallel()
	tr, paths := fieldsRepo(t)
	cache := t.TempDir()
	base := Options{Roots: []string{"postmortems"}, CacheDir: cache}
	want, parsedUncached := attachAll(t, tr.dir(), base, paths)

	v1 := base
	v1.FieldsVersion = "v1"
	if FieldsCached(cache, "v1") {
		t.Error("FieldsCached before any attach with v1")
	}
	got, calls := attachAll(t, tr.dir(), v1, paths)
	sameHistories(t, "first", got, want)
	if calls != parsedUncached {
		t.Errorf("first attach parsed %d versions, want %d", calls, parsedUncached)
	}
	if _, err := os.Stat(filepath.Join(cache, fieldsName("v1"))); err != nil {
		t.Fatalf("fields cache not written: %v", err)
	}
	if !FieldsCached(cache, "v1") || FieldsCached(cache, "v2") || FieldsCached("", "v1") {
		t.Errorf("FieldsCached: v1 %v (want true), v2 %v, no directory %v (want false)",
			FieldsCached(cache, "v1"), FieldsCached(cache, "v2"), FieldsCached("", "v1"))
	}

	got, calls = attachAll(t, tr.dir(), v1, paths)
	sameHistories(t, "cached", got, want)
	if calls != 0 {
		t.Errorf("cached attach parsed %d versions, want 0", calls)
	}

	// A new version of one file: only it is parsed; the version before it
	// comes from the cache.
	tr.write(paths[0], doc("INC-0", "SEV1", "published", "owner: team-0"))
	tr.commit("Publish", bo)
	want, _ = attachAll(t, tr.dir(), base, paths)
	got, calls = attachAll(t, tr.dir(), v1, paths)
	sameHistories(t, "incremental", got, want)
	if calls != 1 {
		t.Errorf("incremental attach parsed %d versions, want 1", calls)
	}

	// Another FieldsVersion parses everything again, into its own file.
	v2 := base
	v2.FieldsVersion = "v2"
	got, calls = attachAll(t, tr.dir(), v2, paths)
	sameHistories(t, "v2", got, want)
	if calls != parsedUncached+1 {
		t.Errorf("attach with another FieldsVersion parsed %d versions, want %d", calls, parsedUncached+1)
	}
	if _, calls = attachAll(t, tr.dir(), v1, paths); calls != 0 {
		t.Errorf("v1 cache lost to v2: parsed %d versions", calls)
	}
	// Only the most recently used files are kept.
	v3 := base
	v3.FieldsVersion = "v3"
	attachAll(t, tr.dir(), v3, paths)
	files, _ := filepath.Glob(filepath.Join(cache, "fields-*.bin"))
	if len(files) != fieldsKeep {
		t.Errorf("fields cache files = %d, want %d", len(files), fieldsKeep)
	}
	if _, err := os.Stat(filepath.Join(cache, fieldsName("v2"))); !os.IsNotExist(err) {
		t.Errorf("least recently used fields cache kept: %v", err)
	}
	// An empty FieldsVersion caches nothing.
	if _, calls = attachAll(t, tr.dir(), base, paths); calls != parsedUncached+1 {
		t.Errorf("uncached attach parsed %d versions", calls)
	}
}

func TestFieldsCacheCorrupt(t *testing.T) {
	t.Parallel()
	tr, paths := fieldsRepo(t)
	cache := t.TempDir()
	opts := Options{Roots: []string{"postmortems"}, CacheDir: cache, FieldsVersion: "v1"}
	want, all := attachAll(t, tr.dir(), opts, paths)
	file := filepath.Join(cache, fieldsName("v1"))
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)-3] ^= 0x40; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-7] }},
		{"only magic", func([]byte) []byte { return []byte(fieldsFormat + "\n") }},
		{"not a cache", func([]byte) []byte { return []byte("hello") }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(file, tc.corrupt(append([]byte(nil), good...)), 0o644); err != nil {
				t.Fatal(err)
			}
			got, calls := attachAll(t, tr.dir(), opts, paths)
			sameHistories(t, "rebuilt", got, want)
			if calls != all {
				t.Errorf("attach with a corrupt cache parsed %d versions, want %d", calls, all)
			}
			// Rebuilt and rewritten.
			if _, calls = attachAll(t, tr.dir(), opts, paths); calls != 0 {
				t.Errorf("rebuilt cache not used: parsed %d versions", calls)
			}
		})
	}
}

// TestFieldsCachePartial: attaching some files caches theirs; the rest are
// added later, and blobs the history no longer refers to are dropped.
func TestFieldsCachePartial(t *testing.T) {
	t.Parallel()
	tr, paths := fieldsRepo(t)
	cache := t.TempDir()
	opts := Options{Roots: []string{"postmortems"}, CacheDir: cache, FieldsVersion: "v1"}
	_, one := attachAll(t, tr.dir(), opts, paths[:1])
	if _, calls := attachAll(t, tr.dir(), opts, paths[:1]); calls != 0 {
		t.Errorf("second attach of one file parsed %d versions", calls)
	}
	_, rest := attachAll(t, tr.dir(), opts, paths)
	_, all := attachAll(t, tr.dir(), Options{Roots: opts.Roots}, paths)
	if one+rest != all {
		t.Errorf("parsed %d then %d versions, want %d in all", one, rest, all)
	}
	if _, calls := attachAll(t, tr.dir(), opts, paths); calls != 0 {
		t.Errorf("attach after both parsed %d versions", calls)
	}

	// Rewrite the last commit: its versions are no longer in the history
	// and go when the cache is next rewritten.
	gone := plumbing.NewHash(tr.Git("rev-parse", "HEAD:"+paths[0]))
	tr.Git("reset", "-q", "--hard", "HEAD~1")
	tr.write(paths[0], doc("INC-0", "SEV4", "closed"))
	tr.commit("Version 3, again", ana)
	want, now := attachAll(t, tr.dir(), Options{Roots: opts.Roots}, paths)
	got, calls := attachAll(t, tr.dir(), opts, paths)
	sameHistories(t, "rewritten", got, want)
	if calls != 1 {
		t.Errorf("attach after the rewrite parsed %d versions, want 1", calls)
	}
	fc, err := readFieldsCache(cache, "v1")
	if err != nil || fc == nil {
		t.Fatalf("read fields cache: %v", err)
	}
	if fc.find(gone) >= 0 {
		t.Errorf("blob %s of the rewritten commit kept", gone)
	}
	if fc.len() != now {
		t.Errorf("fields cache holds %d blobs, want %d", fc.len(), now)
	}
}

func TestFieldsEncoding(t *testing.T) {
	t.Parallel()
	sets := map[plumbing.Hash]fieldSet{
		{1}: {},
		{2}: {ok: true},
		{3}: newFieldSet(map[string]string{"severity": "SEV1", "title": "Ünïcode — “quotes”", "empty": ""}),
		{4}: newFieldSet(map[string]string{"severity": "SEV1", "status": "draft"}),
	}
	w := newFieldsWriter()
	for _, h := range []plumbing.Hash{{1}, {2}, {3}, {4}} {
		w.add(h, sets[h])
	}
	dir := t.TempDir()
	if err := w.write(dir, "v"); err != nil {
		t.Fatal(err)
	}
	c, err := readFieldsCache(dir, "v")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.strs) != 8 {
		t.Errorf("strings = %q, want 8 interned", c.strs)
	}
	for h, want := range sets {
		i := c.find(h)
		if i < 0 {
			t.Fatalf("%s not found", h)
		}
		got := c.set(i, nil)
		if got.ok != want.ok || len(got.fields) != len(want.fields) || len(want.fields) > 0 && !reflect.DeepEqual(got.fields, want.fields) {
			t.Errorf("%s = %+v, want %+v", h, got, want)
		}
	}
	if c.find(plumbing.Hash{5}) >= 0 {
		t.Error("found a blob not written")
	}
	if c, err := readFieldsCache(dir, "other"); c != nil || err != nil {
		t.Errorf("another version's file read: %v %v", c, err)
	}
}

// FuzzDecodeFields checks that no file content makes the decoder panic or
// return a cache whose look-ups go out of range.
func FuzzDecodeFields(f *testing.F) {
	w := newFieldsWriter()
	w.add(plumbing.Hash{1}, fieldSet{})
	w.add(plumbing.Hash{2}, newFieldSet(map[string]string{"a": "x", "b": "x"}))
	dir := f.TempDir()
	if err := w.write(dir, "v"); err != nil {
		f.Fatal(err)
	}
	good, err := cache.ReadFile(filepath.Join(dir, fieldsName("v")), fieldsFormat)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, err := decodeFields(payload, "v")
		if err != nil {
			return
		}
		for i := range c.hashes {
			c.set(i, nil)
		}
	})
}
