package insight

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const catalogYAML = `# The services we run.
services:
  - name: checkout-api
    owner: team-checkout
    tier: 1
    runbook: https://runbooks.example.com/checkout-api
    aliases: [checkout, Checkout Service]
    links:
      - {title: Dashboard, url: "https://grafana.example.com/d/checkout"}
  - name: search
    team: discovery
    tier: "tier 2"
`

func TestParseCatalog(t *testing.T) {
	t.Parallel()
	c, err := ParseCatalog([]byte(catalogYAML), CatalogFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, want string }{
		{"checkout-api", "checkout-api"}, {"CHECKOUT", "checkout-api"}, {" checkout service ", "checkout-api"}, {"search", "search"}, {"cart", ""},
	} {
		s, ok := c.Lookup(tt.name)
		if got := ""; ok {
			got = s.Name
			if got != tt.want {
				t.Errorf("Lookup(%q) = %q, want %q", tt.name, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("Lookup(%q) found nothing, want %q", tt.name, tt.want)
		}
	}
	s, _ := c.Lookup("checkout-api")
	if s.Owner != "team-checkout" || s.Tier != "1" || s.Line != 3 || len(s.Links) != 1 || s.Links[0].Title != "Dashboard" {
		t.Errorf("entry %+v", s)
	}
	if s, _ := c.Lookup("search"); s.Owner != "discovery" || s.Tier != "tier 2" {
		t.Errorf("entry %+v", s)
	}
	var nilCat *Catalog
	if _, ok := nilCat.Lookup("x"); ok {
		t.Error("a missing catalog found a service")
	}
}

func TestParseCatalogErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"empty file", "", nil},
		{"syntax", "services:\n  - name: [x\n", []string{"services.yaml:"}},
		{"not a list", "services: checkout\n", []string{"services.yaml:1: services must be a list"}},
		{"unknown top key", "servces:\n  - name: x\n", []string{`services.yaml:1: unknown key "servces"`}},
		{"every problem at once", "services:\n  - owner: x\n  - name: a\n    runbook: javascript:alert(1)\n  - name: b\n    colour: red\n  - name: A\n",
			[]string{"services.yaml:2: a service without a name", `services.yaml:4: runbook "javascript:alert(1)" is not an http or https URL`, `services.yaml:6: unknown key "colour"`, `services.yaml:7: "A" is already the name or an alias of a (line 3)`}},
		{"bad link", "services:\n  - name: a\n    links:\n      - {title: x, url: \"file:///etc/passwd\"}\n", []string{`services.yaml:4: link "file:///etc/passwd" is not an http or https URL`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCatalog([]byte(tt.yaml), CatalogFile)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("errors:\n%v\nwant %d", err, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d = %q, want it to start %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestReadCatalog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := ReadCatalog(dir)
	if c != nil || err != nil {
		t.Fatalf("no catalog: %v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, CatalogFile), []byte(catalogYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := ReadCatalog(dir); err != nil || len(c.Services) != 2 {
		t.Fatalf("catalog %v, %v", c, err)
	}
	linked := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, CatalogFile), filepath.Join(linked, CatalogFile)); err != nil {
		t.Skip(err)
	}
	if _, err := ReadCatalog(linked); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a linked catalog: %v", err)
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte(catalogYAML))
	f.Add([]byte("services:\n  - name: a\n    aliases: [A]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data, CatalogFile)
		if err != nil {
			if c != nil {
				t.Fatal("a catalog with an error")
			}
			return
		}
		for _, s := range c.Services {
			if s.Name == "" {
				t.Fatal("a service without a name")
			}
			if got, ok := c.Lookup(s.Name); !ok || got.Name == "" {
				t.Fatalf("%q not found by its name", s.Name)
			}
			for _, u := range append([]string{s.Runbook}, linkURLs(s)...) {
				if u != "" && !webURL(u) {
					t.Fatalf("URL %q let through", u)
				}
			}
		}
	})
}

func linkURLs(s Service) []string {
	var out []string
	for _, l := range s.Links {
		out = append(out, l.URL)
	}
	return out
}
