package postmortem

import (
	"strings"
	"time"
	"unicode/utf8"
)

// An entry naming the action items is mostly a block list whose elements
// are each one line ("  - {title: ..., status: open}"), and a version of a
// postmortem mostly changes one element of the version before: the status
// of one item. FieldsCache decodes such an entry an element at a time,
// each element as the entry's key line followed by the element's lines,
// and caches the item of each element by its text, so that a version
// decodes only the elements it changed.
//
// The split is taken only when it is sure (itemElements): the key line has
// no value and nothing above it, every element starts with "- " at the
// same indent, and every other line is blank or indented deeper (so
// belongs to the element above it). Tabs, anchors, aliases and tags are
// already refused by yamlEntries. A line that starts an element in the
// split but not in the whole (one inside a quoted string or a flow
// collection that spans lines) leaves the element above it unterminated,
// which then does not decode alone; any element that does not decode
// alone to a list of one sends the entry to the whole decode.
// FuzzFieldsCacheActionItems holds the results to Parser.ActionItems'.

// elemItem is the action item of one element of an entry's list, before
// settleStatuses and with Line 0; ok is false when the element does not
// decode alone.
type elemItem struct {
	it ActionItem
	ok bool
}

// itemElements splits the text of an entry into its key line and the
// texts of the elements of its block list, calling elem with each in
// order; ok is false, and elem may have been called for some, when the
// split is not sure (see above). n is the number of elements.
func itemElements(e yamlEntry, elem func(head, text string) bool) (n int, ok bool) {
	s := e.text
	nl := strings.IndexByte(s, '\n')
	if nl < 0 || !strings.HasPrefix(s, e.key+":") || strings.TrimRight(s[len(e.key)+1:nl], " ") != "" {
		return 0, false
	}
	head, rest := s[:nl+1], s[nl+1:]
	indent := 0
	for indent < len(rest) && rest[indent] == ' ' {
		indent++
	}
	if indent == 0 || !strings.HasPrefix(rest[indent:], "- ") {
		return 0, false
	}
	start := 0 // of the element being read, in rest
	for at := 0; at < len(rest); {
		end := len(rest)
		if i := strings.IndexByte(rest[at:], '\n'); i >= 0 {
			end = at + i + 1
		}
		line := rest[at:end]
		sp := 0
		for sp < len(line) && line[sp] == ' ' {
			sp++
		}
		switch {
		case sp == len(line) || line[sp] == '\n':
			// Blank: the element above's.
		case sp > indent:
			// Deeper: the element above's.
		case sp == indent && strings.HasPrefix(line[sp:], "- "):
			if at > start {
				if !elem(head, rest[start:at]) {
					return n, false
				}
				n++
			}
			start = at
		default:
			return n, false
		}
		at = end
	}
	if !elem(head, rest[start:]) {
		return n, false
	}
	return n + 1, true
}

// decodeElem decodes one element of an entry's list alone, as the entry's
// key line head followed by the element's text.
func (c *FieldsCache) decodeElem(key, head, text string) elemItem {
	if m, ok := c.flowElem(text); ok {
		return elemOf(m)
	}
	fm, ok := decodeEntry(yamlEntry{key: key, text: head + text, line: 1})
	if !ok {
		return elemItem{}
	}
	v, ok := fm.Values[key].([]any)
	if !ok || len(v) != 1 {
		return elemItem{}
	}
	return elemOf(v[0])
}

// elemOf is the item of one element's decoded value.
func elemOf(v any) elemItem {
	its := appendFrontMatterItems(nil, []any{v}, -1, func(int, string, string, string, ...any) {})
	return elemItem{it: its[0], ok: len(its) == 1}
}

// splitItems reads the items of an entry naming them an element at a
// time, their lines counted from the entry's first line as line 1, and
// settled as appendFrontMatterItems settles them; ok is false when the
// entry does not split surely or an element does not decode alone.
func (c *FieldsCache) splitItems(e yamlEntry) (entryItems, bool) {
	var items entryItems
	_, ok := itemElements(e, func(head, text string) bool {
		var el elemItem
		if v, ok := c.elems.Load(text); ok {
			el = v.(elemItem)
		} else {
			el = c.decodeElem(e.key, head, text)
			c.elems.Store(text, el)
		}
		if !el.ok {
			return false
		}
		// The key is on the entry's first line; the whole decode counts
		// item i on the line after the key's, plus i.
		el.it.Line = 2 + len(items)
		items = append(items, el.it)
		return true
	})
	if !ok {
		return nil, false
	}
	settleStatuses(items)
	return items, true
}

// seedElems stores the item of each element of an entry naming the items
// whose list, decoded with the whole front matter, is v: only when the
// entry splits surely into as many elements as v holds, each element's
// text then being the text of its value.
func (c *FieldsCache) seedElems(e yamlEntry, v any) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return
	}
	var texts []string
	n, ok := itemElements(e, func(_, text string) bool {
		texts = append(texts, text)
		return len(texts) <= len(list)
	})
	if !ok || n != len(list) {
		return
	}
	for i, t := range texts {
		if _, ok := c.elems.Load(t); !ok {
			c.elems.Store(t, elemOf(list[i]))
		}
	}
}

// maxFlowKey is the longest key flowElem reads. YAML allows an implicit
// key of at most 1024 characters, and yaml.v3 refuses the whole element
// for a longer one; flowElem leaves long keys, which no tool writes, to
// the decoder.
const maxFlowKey = 256

// flowElem reads the value of an element that is one line holding a flow
// mapping of plain keys to double-quoted strings without escapes or to
// plain words ("  - {title: "A", due: 2024-02-01, status: done}"), the
// shape nearly every element written by tools has, without the YAML
// decoder; ok is false for anything else, which is then decoded. A plain
// word is resolved as the decoder resolves it (a date, a number, a
// boolean, null or a string) by decoding it once (FieldsCache.words).
// FuzzFlowElem holds the results to the decoder's.
func (c *FieldsCache) flowElem(text string) (map[string]any, bool) {
	s := strings.TrimLeft(text, " ")
	if !strings.HasPrefix(s, "- {") {
		return nil, false
	}
	s = strings.TrimSuffix(s, "\n")
	if !strings.HasSuffix(s, "}") {
		return nil, false
	}
	s = s[3 : len(s)-1]
	m := make(map[string]any, 8)
	for {
		i := 0
		for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || s[i] == '_' || i > 0 && '0' <= s[i] && s[i] <= '9') {
			i++
		}
		if i == 0 || i > maxFlowKey || !strings.HasPrefix(s[i:], ": ") {
			return nil, false
		}
		k := s[:i]
		if !itemKeyWord(k) {
			if kv, ok := c.word(k); !ok || !isString(kv, k) {
				return nil, false // a key YAML does not read as that string
			}
		}
		if _, dup := m[k]; dup {
			return nil, false
		}
		s = s[i+2:]
		var v any
		if strings.HasPrefix(s, `"`) {
			j := 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					return nil, false
				}
				j++
			}
			if j == len(s) || !printable(s[1:j]) {
				return nil, false
			}
			v, s = s[1:j], s[j+1:]
		} else {
			j := 0
			for j < len(s) && ('a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z' || '0' <= s[j] && s[j] <= '9' || j > 0 && (s[j] == '-' || s[j] == '.' || s[j] == '_')) {
				j++
			}
			if j == 0 {
				return nil, false
			}
			var ok bool
			if v, ok = c.word(s[:j]); !ok {
				return nil, false
			}
			s = s[j:]
		}
		m[k] = v
		if s == "" {
			return m, true
		}
		if !strings.HasPrefix(s, ", ") {
			return nil, false
		}
		s = s[2:]
	}
}

// printable reports text that YAML reads in a double-quoted string as
// it is: printable characters and no line breaks.
func printable(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			return false
		case 0x20 <= r && r <= 0x7e:
		case 0xa0 <= r && r <= 0xd7ff && r != 0x2028 && r != 0x2029:
		case 0xe000 <= r && r <= 0xfffd && r != 0xfeff:
		case 0x10000 <= r && r <= 0x10ffff:
		default:
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isString reports whether v is the string s.
func isString(v any, s string) bool {
	t, ok := v.(string)
	return ok && t == s
}

// itemKeyWord reports the keys of an item written most, which YAML reads
// as themselves, without asking the decoder.
func itemKeyWord(k string) bool {
	switch k {
	case "title", "owner", "due", "priority", "status", "link", "ticket", "detail", "state", "done":
		return true
	}
	return false
}

// word is what the decoder makes of a plain word as the value of a flow
// mapping; ok is false when that is not one value. A date YYYY-MM-DD is
// read as the decoder reads it (yaml.v3's parseTimestamp: the layout
// "2006-1-2" in UTC) without asking it; other words are decoded once.
func (c *FieldsCache) word(w string) (any, bool) {
	if len(w) == 10 && w[4] == '-' && w[7] == '-' && digits(w[:4]) && digits(w[5:7]) && digits(w[8:]) {
		if t, err := time.Parse("2006-1-2", w); err == nil {
			return t, true
		}
	}
	if v, ok := c.words.Load(w); ok {
		el := v.(wordValue)
		return el.v, el.ok
	}
	var el wordValue
	if fm, ok := decodeEntry(yamlEntry{key: "k", text: "k:\n  - {a: " + w + "}\n", line: 1}); ok {
		if l, ok := fm.Values["k"].([]any); ok && len(l) == 1 {
			if m, ok := l[0].(map[string]any); ok && len(m) == 1 {
				el.v, el.ok = m["a"]
			}
		}
	}
	c.words.Store(w, el)
	return el.v, el.ok
}

type wordValue struct {
	v  any
	ok bool
}
