package postmortem

import (
	"bytes"
	"sync"
)

// FieldsCache gives what Parser.Fields gives, for the many versions of the
// same files that the history compares, parsing only the top-level YAML
// front-matter entries it has not seen before: successive versions of a
// postmortem mostly differ in one or two fields, and parsing YAML is most
// of what reading a version costs. It is safe for concurrent use.
//
// An entry is a top-level key line and the lines below it up to the next
// one; the first also takes the comments and blank lines above it. Parsed
// alone, an entry has the value it has in the whole front matter as long
// as nothing refers across entries, so front matter with anchors, aliases,
// tags, directives, tabs, duplicate keys or keys other than plain words is
// parsed whole, as are TOML and JSON.
// FuzzFieldsCache holds the results to Parser.Fields'.
type FieldsCache struct {
	p       *Parser
	entries sync.Map // entry text -> fieldEntry
	items   sync.Map // text of an entry naming the action items -> entryItems
	elems   sync.Map // text of one element of such an entry's list -> elemItem
	words   sync.Map // plain word -> wordValue (flowElem)
}

// entryItems are the action items of one front-matter entry, their lines
// counted from the entry's first line as line 1.
type entryItems []ActionItem

type fieldEntry struct{ name, value string }

// NewFieldsCache returns an empty cache of p's fields.
func (p *Parser) NewFieldsCache() *FieldsCache { return &FieldsCache{p: p} }

// Fields is Parser.Fields.
func (c *FieldsCache) Fields(content []byte) map[string]string {
	content = Normalize(content)
	entries, ok := yamlEntries(content)
	if !ok {
		return c.p.Fields(content)
	}
	vals := make([]fieldEntry, len(entries))
	var missing []int
	for i, e := range entries {
		if v, ok := c.entries.Load(e.text); ok {
			vals[i] = v.(fieldEntry)
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) > 2 {
		// A version mostly new: one parse of the whole is cheaper than
		// one per entry.
		fm, _, _, _ := SplitFrontMatter(content)
		if !c.storeWhole(entries, fm, vals) {
			return c.p.fieldsOf(fm)
		}
	} else {
		for _, i := range missing {
			v, ok := c.storeEntry(entries[i])
			if !ok {
				return c.p.Fields(content)
			}
			vals[i] = v
		}
	}
	out := make(map[string]string, len(vals))
	for _, v := range vals {
		out[v.name] = v.value
	}
	return out
}

// storeWhole stores the fields of entries, the entries of the front matter
// fm was split from, and puts them in vals (when not nil). It stores
// nothing and reports false when fm's keys are not the entries' keys, as
// when a value did not decode.
func (c *FieldsCache) storeWhole(entries []yamlEntry, fm *FrontMatter, vals []fieldEntry) bool {
	if fm.Format != "yaml" || len(fm.Keys) != len(entries) {
		return false
	}
	for i, k := range fm.Keys {
		if k != entries[i].key {
			return false
		}
	}
	for i, k := range fm.Keys {
		v := c.p.fieldOf(k, fm.Values[k])
		if vals != nil {
			vals[i] = v
		}
		c.entries.Store(entries[i].text, v)
		if c.p.namesItems(k) {
			// The items of the entry and of its elements, for the history
			// of the items, which reads the same versions.
			e := entries[i]
			if _, ok := c.items.Load(e.text); !ok {
				c.items.Store(e.text, c.itemsOf(fm.Values[k], fm.KeyLine(k)-e.line+1))
			}
			c.seedElems(e, fm.Values[k])
		}
	}
	return true
}

// itemsOf is the entryItems of an entry naming the items that holds v,
// its key on line keyLine of the entry.
func (c *FieldsCache) itemsOf(v any, keyLine int) entryItems {
	if v == nil {
		return nil
	}
	return appendFrontMatterItems(nil, v, keyLine, func(int, string, string, string, ...any) {})
}

// SeedingParser returns a parser like the cache's whose every Parse also
// stores the entries of the file's front matter in the cache, so that the
// history, which reads earlier versions of the files just parsed, finds
// most of their entries already there.
func (c *FieldsCache) SeedingParser() *Parser {
	p := *c.p
	p.seed = c
	return &p
}

// seed stores the entries of normalised content, whose front matter
// SplitFrontMatter split as fm.
func (c *FieldsCache) seed(content []byte, fm *FrontMatter) {
	if fm.Format != "yaml" {
		return
	}
	if entries, ok := yamlEntries(content); ok {
		c.storeWhole(entries, fm, nil)
	}
}

// yamlEntry is one top-level entry of YAML front matter: its key, its
// text and the line of the file its text starts on.
type yamlEntry struct {
	key, text string
	line      int
}

// yamlEntries splits the YAML front matter of normalised content into its
// top-level entries, or reports that it cannot be parsed an entry at a
// time (see FieldsCache). The front matter is found as SplitFrontMatter
// finds it: a first non-blank line "---" or "---yaml" and the first line
// after it that is "---", both trimmed.
func yamlEntries(content []byte) ([]yamlEntry, bool) {
	entries, _, ok := yamlSplit(content)
	return entries, ok
}

// yamlSplit is yamlEntries, also giving where the body starts: after the
// closing line, as SplitFrontMatter splits it.
func yamlSplit(content []byte) (_ []yamlEntry, bodyAt int, _ bool) {
	var (
		out    = make([]yamlEntry, 0, 16)
		seen   map[string]bool // the keys of out, once it is long
		opened bool
		start  = -1 // of the entry being read
		lead   int  // where the lines after the opening one start
		// Where the key of the entry being read starts, and its length:
		// the key is taken from the entry's text once that is made.
		keyAt, keyLen int
		// The lines of the line being read, of the first after the
		// opening one, and of the start of the entry being read.
		lineNo, leadLine, startLine = 1, 0, 0
	)
	entry := func(at int) yamlEntry {
		text := string(content[start:at])
		return yamlEntry{text[keyAt-start:][:keyLen], text, startLine}
	}
	for at := 0; at < len(content); lineNo++ {
		end := len(content)
		if i := bytes.IndexByte(content[at:], '\n'); i >= 0 {
			end = at + i + 1
		}
		line := content[at:end]
		t := bytes.TrimSpace(line)
		switch {
		case !opened:
			if len(t) > 0 {
				if s := string(t); s != "---" && s != "---yaml" {
					return nil, 0, false
				}
				opened, lead, leadLine = true, end, lineNo+1
			}
		case string(t) == "---":
			// Anchors, aliases and tags may refer across entries; a line
			// with a tab is left to the whole parse. "%" is a directive
			// only at the start of a line, where it is not a plain key
			// and so is rejected below; "%", "@" and "`" elsewhere
			// mean the same in an entry as in the whole (as text, or as
			// an error the whole parse then reports). Looked for once
			// in all the lines between the opening and closing ones.
			if bytes.ContainsAny(content[lead:at], "&*!\t") {
				return nil, 0, false
			}
			if start >= 0 {
				out = append(out, entry(at))
			}
			return out, end, len(out) > 0
		case len(line) > 0 && line[0] != ' ' && line[0] != '#' && line[0] != '\n':
			n, ok := plainKey(line)
			if !ok || start >= 0 && string(line[:n]) == string(content[keyAt:keyAt+keyLen]) {
				return nil, 0, false
			}
			if seen == nil && len(out) >= 32 {
				// Many keys: a map, not a scan of those before.
				seen = make(map[string]bool, 2*len(out))
				for _, e := range out {
					seen[e.key] = true
				}
			}
			if seen != nil {
				if seen[string(line[:n])] {
					return nil, 0, false
				}
			} else {
				for _, e := range out {
					if string(line[:n]) == e.key {
						return nil, 0, false // a key seen before
					}
				}
			}
			if start >= 0 {
				out = append(out, entry(at))
				if seen != nil {
					seen[out[len(out)-1].key] = true
				}
				start, startLine = at, lineNo
			} else {
				// Comments and blank lines before the first key go with
				// it: the whole parse reads them too, and fails on a
				// character YAML does not allow even in a comment.
				start, startLine = lead, leadLine
			}
			keyAt, keyLen = at, n
		case start < 0 && len(t) > 0 && t[0] != '#':
			return nil, 0, false // an indented line before the first key
		}
		at = end
	}
	return nil, 0, false // never closed
}

// plainKey returns the length of the key a top-level line starts with,
// "key:" followed by a space or the end of the line, when it is a word
// that YAML reads as a string: a letter or underscore, then letters,
// digits, "_" and "-", and not one of the words YAML reads as a boolean
// or null.
func plainKey(line []byte) (int, bool) {
	i := 0
	for i < len(line) {
		c := line[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || i > 0 && ('0' <= c && c <= '9' || c == '-') {
			i++
			continue
		}
		break
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		return 0, false
	}
	if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\n' {
		return 0, false
	}
	for _, w := range [...]string{"true", "false", "null", "yes", "no", "on", "off", "y", "n"} {
		if bytes.EqualFold(line[:i], []byte(w)) {
			return 0, false
		}
	}
	return i, true
}

// ActionItems is Parser.ActionItems, decoding only the front-matter
// entries it has not seen before, as Fields does: the history reads the
// action items of every version of every postmortem, and their front
// matter mostly repeats from one version to the next.
// FuzzFieldsCacheActionItems holds the results to Parser.ActionItems'.
func (c *FieldsCache) ActionItems(content []byte) []ActionItem {
	if items, ok := c.p.bodyActionItems(content, c.frontItems); ok {
		return items
	}
	return c.p.Parse("", content).ActionItems
}

// ItemsVersion is Parser.ItemsVersion.
func (c *FieldsCache) ItemsVersion() string { return c.p.ItemsVersion() }

// frontItems reads the action items of front matter split into entries:
// every entry must decode alone (those seen before did), as then the whole
// does; the items are those of the entries naming them, in order.
func (c *FieldsCache) frontItems(entries []yamlEntry) ([]ActionItem, bool) {
	var items []ActionItem
	for _, e := range entries {
		if !c.p.namesItems(e.key) {
			if _, ok := c.entries.Load(e.text); ok {
				continue
			}
			if _, ok := c.storeEntry(e); !ok {
				return nil, false
			}
			continue
		}
		var its entryItems
		if v, ok := c.items.Load(e.text); ok {
			its = v.(entryItems)
		} else if _, its, ok = c.store(e); !ok {
			return nil, false
		}
		for _, it := range its {
			it.Line += e.line - 1
			items = append(items, it)
		}
	}
	return items, true
}

// storeEntry decodes one entry alone and stores its field; ok is false
// when it does not decode to its one key.
func (c *FieldsCache) storeEntry(e yamlEntry) (fieldEntry, bool) {
	v, _, ok := c.store(e)
	return v, ok
}

// store is storeEntry, which also stores and returns the items of an
// entry naming them: from its list's elements when it splits into them
// (splitItems), else from the entry decoded whole.
func (c *FieldsCache) store(e yamlEntry) (fieldEntry, entryItems, bool) {
	items := c.p.namesItems(e.key)
	if items {
		// A list of n elements is "n entries" (fieldOf); its elements
		// mostly decoded before, in other versions.
		if its, ok := c.splitItems(e); ok {
			v := c.p.fieldOf(e.key, make([]any, len(its)))
			c.entries.Store(e.text, v)
			c.items.Store(e.text, its)
			return v, its, true
		}
	}
	fm, ok := decodeEntry(e)
	if !ok {
		return fieldEntry{}, nil, false
	}
	k := fm.Keys[0]
	v := c.p.fieldOf(k, fm.Values[k])
	c.entries.Store(e.text, v)
	var its entryItems
	if items {
		its = c.itemsOf(fm.Values[k], fm.KeyLine(k))
		c.items.Store(e.text, its)
	}
	return v, its, true
}

// decodeEntry decodes one front-matter entry alone, its first line as
// line 1; ok is false when it does not decode to its one key.
func decodeEntry(e yamlEntry) (*FrontMatter, bool) {
	fm := &FrontMatter{Values: map[string]any{}, Lines: map[string]int{}}
	if err := fm.decodeYAML([]byte(e.text), 1); err != nil || len(fm.Keys) != 1 || fm.Keys[0] != e.key {
		return nil, false
	}
	return fm, true
}
