package theme

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestFiles(t *testing.T) {
	t.Parallel()
	fsys := Files(map[string][]byte{
		"static/style.css":          []byte("body{}"),
		"static/img/logo.png":       []byte("\x89PNG"),
		"templates/incident.html":   []byte(`{{define "content"}}{{end}}`),
		"templates/partials/x.html": []byte(`x`),
	})
	if err := fstest.TestFS(fsys, "static/style.css", "static/img/logo.png", "templates/incident.html", "templates/partials/x.html"); err != nil {
		t.Fatal(err)
	}
	// Over the default theme: the repository's file wins, the others stay.
	o := Overlay(fsys)
	if data, err := fs.ReadFile(o, "static/style.css"); err != nil || string(data) != "body{}" {
		t.Errorf("style.css = %q, %v", data, err)
	}
	if _, err := fs.ReadFile(o, "templates/layout.html"); err != nil {
		t.Errorf("the default layout is gone: %v", err)
	}
}
