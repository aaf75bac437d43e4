package site

import "bytes"

// indentJSON appends src, compact JSON as json.Marshal writes it (valid,
// no space outside strings), to dst indented as json.Indent indents it,
// byte for byte (FuzzIndentJSON): each element of an object or array on
// a line of its own, begun with prefix and one indent per level, a space
// after each colon, and {} and [] when empty. It copies each string and
// each number or literal whole, where json.Indent steps its scanner over
// every byte: in a warm 10k build json.MarshalIndent's indenting took
// more CPU than its encoding (0.83 against 0.55 CPU-s, two builds).
// Other input (space between tokens, invalid JSON) is not indented as
// json.Indent would.
func indentJSON(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	needIndent := false
	for i := 0; i < len(src); {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			dst = jsonNewline(dst, prefix, indent, depth)
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end
			continue
		case '{', '[':
			// {} and [] stay on one line: the indent waits for an element.
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = jsonNewline(dst, prefix, indent, depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				dst = jsonNewline(dst, prefix, indent, depth)
			}
			dst = append(dst, c)
		default:
			// A number, true, false or null: up to the next punctuation.
			end := i + 1
			for end < len(src) && !jsonPunct[src[end]] {
				end++
			}
			dst = append(dst, src[i:end]...)
			i = end
			continue
		}
		i++
	}
	return dst
}

// jsonPunct are the bytes that end a number or literal in compact JSON.
var jsonPunct = [256]bool{',': true, ':': true, '}': true, ']': true, '{': true, '[': true, '"': true}

// stringEnd is where the JSON string that begins at src[i] (a quote)
// ends: just after its closing quote, the first quote after i not
// escaped by an odd run of backslashes; len(src) when there is none.
func stringEnd(src []byte, i int) int {
	at := i + 1
	for {
		k := bytes.IndexByte(src[at:], '"')
		if k < 0 {
			return len(src)
		}
		q := at + k
		slashes := 0
		for q-1-slashes > i && src[q-1-slashes] == '\\' {
			slashes++
		}
		if slashes%2 == 0 {
			return q + 1
		}
		at = q + 1
	}
}

// jsonNewline starts a line of the given depth, as json.Indent does.
func jsonNewline(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
