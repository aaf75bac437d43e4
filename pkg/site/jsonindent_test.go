package site

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzIndentJSON holds indentJSON to json.Indent on compact JSON, with
// the API's prefix and indent and with others.
func FuzzIndentJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2,{"b":"c\"d\\","e":[]},{}],"f":null,"g":true,"h":-1.5e3}`,
		`"x\\\"y"`, `[]`, `{}`, `[[],[{}]]`, `{"\\":"\\\\","q":"\u003c\"\\"}`, `12`,
	} {
		f.Add([]byte(s), "    ", "  ")
	}
	f.Add([]byte(`{"a":{"b":[1]}}`), "", "\t")
	f.Fuzz(func(t *testing.T, src []byte, prefix, indent string) {
		if !json.Valid(src) {
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, src); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), prefix, indent); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON([]byte("x"), compact.Bytes(), prefix, indent); !bytes.Equal(got[1:], want.Bytes()) || got[0] != 'x' {
			t.Fatalf("indentJSON(%q, %q, %q) = %q, want %q", compact.Bytes(), prefix, indent, got, want.Bytes())
		}
	})
}
