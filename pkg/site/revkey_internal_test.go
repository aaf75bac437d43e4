package site

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TestRevisionKeyCoversEveryField checks that a revision page's key
// (revisionKey) changes with every field it is rendered from: each field
// of the page, its incident's id, title and page, its amendment, and each
// field of its revision and of the one before, found by reflection, so
// that a field added to postmortem.Revision or revdiff.Amendment without
// a line in revisionKey fails here. It also checks that fields are framed:
// moving bytes from one field to the next changes the key.
func TestRevisionKeyCoversEveryField(t *testing.T) {
	t.Parallel()
	site, diff := sha256.Sum256([]byte("site")), sha256.Sum256([]byte("diff"))
	// page is a revision page with every field set: each string has a
	// text, each number is not zero, each list has one entry.
	page := func() *Page {
		v := &Incident{Incident: &postmortem.Incident{ID: "INC-1", Title: "Pool ran dry"}, Path: "incidents/INC-1/"}
		rev, before := fullValue[postmortem.Revision](t), fullValue[postmortem.Revision](t)
		before.Commit = "older"
		am := &Amendment{Path: "incidents/INC-1/revisions/0123abcd/", Amendment: fullValue[revdiff.Amendment](t)}
		return &Page{Kind: "revision", Title: "Revision 0123abcd of Pool ran dry", Description: "Fix the times", Path: am.Path, Incident: v,
			Revision: &RevisionPage{Incident: v, Revision: &rev, Before: &before, Amendment: am}}
	}
	base := revisionKey(site, diff, page())
	if again := revisionKey(site, diff, page()); again != base {
		t.Fatal("the same page has two keys")
	}
	changed := func(name string, change func(p *Page)) {
		t.Helper()
		p := page()
		change(p)
		if revisionKey(site, diff, p) == base {
			t.Errorf("%s: the key did not change", name)
		}
	}
	if revisionKey(sha256.Sum256([]byte("other site")), diff, page()) == base {
		t.Error("site: the key did not change")
	}
	if revisionKey(site, sha256.Sum256([]byte("other diff")), page()) == base {
		t.Error("diff: the key did not change")
	}
	changed("Page.Kind", func(p *Page) { p.Kind += "x" })
	changed("Page.Title", func(p *Page) { p.Title += "x" })
	changed("Page.Description", func(p *Page) { p.Description += "x" })
	changed("Page.Path", func(p *Page) { p.Path += "x" })
	changed("Incident.ID", func(p *Page) { p.Incident.ID += "x" })
	changed("Incident.Title", func(p *Page) { p.Incident.Title += "x" })
	changed("Incident.Path", func(p *Page) { p.Incident.Path += "x" })
	changed("no Before", func(p *Page) { p.Revision.Before = nil })
	changed("no Amendment", func(p *Page) { p.Revision.Amendment = nil })
	changed("Amendment.Path", func(p *Page) { p.Revision.Amendment.Path += "x" })
	changed("framing: Title into Description", func(p *Page) { p.Title, p.Description = p.Title+"F", "ix the times" })
	forLeaves(t, reflect.TypeFor[revdiff.Amendment](), "Amendment", func(path []int, name string) {
		changed(name, func(p *Page) { mutate(t, reflect.ValueOf(&p.Revision.Amendment.Amendment).Elem(), path) })
	})
	for _, which := range []string{"Revision", "Before"} {
		rev := func(p *Page) *postmortem.Revision {
			if which == "Before" {
				return p.Revision.Before
			}
			return p.Revision.Revision
		}
		forLeaves(t, reflect.TypeFor[postmortem.Revision](), which, func(path []int, name string) {
			changed(name, func(p *Page) { mutate(t, reflect.ValueOf(rev(p)).Elem(), path) })
		})
		changed(which+".Date's zone", func(p *Page) {
			r := rev(p)
			r.Date = r.Date.In(time.FixedZone("", 5*3600))
		})
		changed(which+": framing, Subject into Body", func(p *Page) {
			r := rev(p)
			r.Subject, r.Body = r.Subject+r.Body[:1], r.Body[1:]
		})
	}
}

// fullValue is a T with every field set (see fill).
func fullValue[T any](t *testing.T) T {
	var v T
	fill(t, reflect.ValueOf(&v).Elem(), 1)
	return v
}

// fill sets every field of v: a text, a number not zero, true, a time,
// a list of one. A kind it does not know fails the test: extend fill,
// mutate and revisionKey together.
func fill(t *testing.T, v reflect.Value, n int) {
	t.Helper()
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2024, 3, 1, 10, 0, n, 0, time.FixedZone("", -7*3600))))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s %d", v.Type().Name(), n))
	case reflect.Int:
		v.SetInt(int64(n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), n+i)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), n)
	default:
		t.Fatalf("fill: a field of kind %s: say how a key writes it", v.Kind())
	}
}

// forLeaves calls fn with the path (field indexes, 0 for a list's entry,
// -1 for the list itself) and name of each field of typ that fill sets.
func forLeaves(t *testing.T, typ reflect.Type, name string, fn func(path []int, name string)) {
	t.Helper()
	var walk func(typ reflect.Type, path []int, name string)
	walk = func(typ reflect.Type, path []int, name string) {
		switch {
		case typ == reflect.TypeFor[time.Time](), typ.Kind() != reflect.Struct && typ.Kind() != reflect.Slice:
			fn(path, name)
		case typ.Kind() == reflect.Slice:
			fn(append(path[:len(path):len(path)], -1), name+"[+]")
			walk(typ.Elem(), append(path[:len(path):len(path)], 0), name+"[0]")
		default:
			for i := range typ.NumField() {
				walk(typ.Field(i).Type, append(path[:len(path):len(path)], i), name+"."+typ.Field(i).Name)
			}
		}
	}
	walk(typ, nil, name)
}

// mutate changes the field of v at path: a text gets a letter more, a
// number one more, a flag flips, a time is a second later, a list (-1)
// gets a second entry like its first.
func mutate(t *testing.T, v reflect.Value, path []int) {
	t.Helper()
	for _, i := range path {
		switch {
		case i == -1:
			v.Set(reflect.Append(v, v.Index(0)))
			return
		case v.Kind() == reflect.Slice:
			v = v.Index(i)
		default:
			v = v.Field(i)
		}
	}
	if tm, ok := v.Interface().(time.Time); ok {
		v.Set(reflect.ValueOf(tm.Add(time.Second)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	default:
		t.Fatalf("mutate: a field of kind %s", v.Kind())
	}
}
