package insight

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// CatalogFile is the service catalog's name at the repository root.
const CatalogFile = "services.yaml"

// maxCatalog is the largest catalog read: a catalog of thousands of
// services is a few hundred kilobytes.
const maxCatalog = 4 << 20

// Catalog is the repository's service catalog, services.yaml:
//
//	services:
//	  - name: checkout-api
//	    owner: team-checkout
//	    tier: 1
//	    runbook: https://runbooks.example.com/checkout-api
//	    aliases: [checkout]
//	    description: Takes orders and payments from the web shop.
//	    links:
//	      - {title: Dashboard, url: https://grafana.example.com/d/checkout}
//
// Postmortems name services as they like; a name matches an entry by its
// name or an alias, compared without regard to case.
type Catalog struct {
	Services []Service `yaml:"services"`
	// byName maps a lower-case name or alias to its position.
	byName map[string]int
}

// Service is one entry of the catalog.
type Service struct {
	Name        string   `yaml:"name"`
	Owner       string   `yaml:"owner"`
	Tier        string   `yaml:"tier"`
	Runbook     string   `yaml:"runbook"`
	Description string   `yaml:"description"`
	Aliases     []string `yaml:"aliases"`
	Links       []Link   `yaml:"links"`
	// Line is the line of the entry in the file.
	Line int `yaml:"-"`
}

// Link is a titled link of a catalog entry.
type Link struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

// Lookup finds the entry a postmortem's service name means.
func (c *Catalog) Lookup(name string) (*Service, bool) {
	if c == nil {
		return nil, false
	}
	i, ok := c.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, false
	}
	return &c.Services[i], true
}

// ReadCatalog reads CatalogFile in the repository root; it returns nil and
// no error when there is none. A catalog that is a symbolic link is not
// read: its values reach the site, and a link may lead out of the
// repository.
func ReadCatalog(root string) (*Catalog, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CatalogFile, err)
	}
	defer r.Close()
	st, err := r.Lstat(CatalogFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("%s: %w", CatalogFile, err)
	case st.Mode()&fs.ModeSymlink != 0:
		return nil, &CatalogError{File: CatalogFile, Msg: "a symbolic link; it is not read (commit the catalog itself)"}
	case !st.Mode().IsRegular():
		return nil, &CatalogError{File: CatalogFile, Msg: "not a regular file"}
	case st.Size() > maxCatalog:
		return nil, &CatalogError{File: CatalogFile, Msg: fmt.Sprintf("larger than %d MiB; it is not read", maxCatalog>>20)}
	}
	f, err := r.Open(CatalogFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CatalogFile, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCatalog+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CatalogFile, err)
	}
	return ParseCatalog(data, CatalogFile)
}

// CatalogError is one problem of a catalog, at a line when it is known
// (0 otherwise). ParseCatalog joins them with errors.Join.
type CatalogError struct {
	File string
	Line int
	Msg  string
}

func (e *CatalogError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// yamlLine finds the line in a yaml.v3 error message.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// ParseCatalog reads a catalog; name is the file name for errors. Every
// problem is reported at once, each with its line.
func ParseCatalog(data []byte, name string) (*Catalog, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Catalog{byName: map[string]int{}}, nil
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &CatalogError{File: name, Line: line, Msg: m[2]}
		}
		return nil, &CatalogError{File: name, Msg: msg}
	}
	c := &Catalog{byName: map[string]int{}}
	var errs []error
	at := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, &CatalogError{File: name, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
	}
	top := &doc
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	var list *yaml.Node
	switch {
	case top.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(top.Content); i += 2 {
			k, v := top.Content[i], top.Content[i+1]
			if k.Value != "services" {
				at(k, "unknown key %q (the catalog has one key, services: a list of services)", k.Value)
				continue
			}
			list = v
		}
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
	default:
		at(top, "want services: followed by a list of services")
	}
	if list != nil && list.Kind != yaml.SequenceNode && list.Tag != "!!null" {
		at(list, "services must be a list of services (- name: ...)")
		list = nil
	}
	if list != nil {
		for _, n := range list.Content {
			// An entry with a problem is still registered, so that a
			// name it repeats is reported too.
			s := parseService(n, at)
			if s.Name == "" {
				continue
			}
			for _, key := range append([]string{s.Name}, s.Aliases...) {
				k := strings.ToLower(strings.TrimSpace(key))
				j, dup := c.byName[k]
				switch {
				case k == "" || dup && j == len(c.Services):
					// An alias that is its own name again says nothing new.
				case dup:
					at(n, "%q is already the name or an alias of %s (line %d)", key, c.Services[j].Name, c.Services[j].Line)
				default:
					c.byName[k] = len(c.Services)
				}
			}
			c.Services = append(c.Services, s)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// parseService reads one entry, reporting its problems with at.
func parseService(n *yaml.Node, at func(*yaml.Node, string, ...any)) Service {
	s := Service{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		at(n, "a service is a map with at least a name (- name: checkout-api)")
		return s
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		scalar := func(dst *string) {
			if v.Kind != yaml.ScalarNode {
				at(v, "%s must be text", k.Value)
				return
			}
			*dst = strings.TrimSpace(v.Value)
		}
		switch k.Value {
		case "name":
			scalar(&s.Name)
		case "owner", "team":
			scalar(&s.Owner)
		case "tier":
			scalar(&s.Tier)
		case "runbook":
			scalar(&s.Runbook)
			if s.Runbook != "" && !webURL(s.Runbook) {
				at(v, "runbook %q is not an http or https URL", s.Runbook)
			}
		case "description":
			scalar(&s.Description)
		case "aliases":
			if err := v.Decode(&s.Aliases); err != nil {
				at(v, "aliases must be a list of names")
			}
		case "links":
			if err := v.Decode(&s.Links); err != nil {
				at(v, "links must be a list of {title, url}")
			}
			for _, l := range s.Links {
				if !webURL(l.URL) {
					at(v, "link %q is not an http or https URL", l.URL)
				}
			}
		default:
			at(k, "unknown key %q (a service has name, owner, tier, runbook, description, aliases, links)", k.Value)
		}
	}
	if s.Name == "" {
		at(n, "a service without a name")
	}
	return s
}

// webURL reports whether u is an absolute http or https URL: the site
// links to it, and any other scheme (javascript:) could run script.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// Suggest returns the catalog name or alias nearest to a name the catalog
// does not have, within a few edits; "" when none is near.
func (c *Catalog) Suggest(name string, dist func(a, b string) int) string {
	if c == nil {
		return ""
	}
	name = strings.ToLower(strings.TrimSpace(name))
	best, bestD := "", min(4, len(name)/2+1)
	for _, s := range c.Services {
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if d := dist(name, strings.ToLower(n)); d < bestD {
				best, bestD = n, d
			}
		}
	}
	return best
}
