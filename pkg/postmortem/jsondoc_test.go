package postmortem

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// jsonKeys are the keys of t's JSON, and of the structs it holds, by the
// path of the Go field each comes from.
func jsonKeys(t reflect.Type, at string, keys map[string]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || !strings.HasPrefix(t.Name(), "JSON") {
		return
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = at + "." + f.Name
		jsonKeys(f.Type, at+"."+f.Name, keys)
	}
}

// TestJSONKeysInREADME: every key the JSON API can write is in the
// README's section on it, in its example or its text. A key added to the
// API and not to the README was how six of them went undocumented.
func TestJSONKeysInREADME(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## JSON API\n")
	if !ok {
		t.Fatal("README: no JSON API section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	keys := map[string]string{}
	jsonKeys(reflect.TypeFor[JSONIncident](), "JSONIncident", keys)
	// The section diff's keys are written by JSONDiff.MarshalJSON.
	jsonKeys(reflect.TypeFor[JSONSectionDiff](), "JSONSectionDiff", keys)
	for _, want := range []string{"id", "history", "signoffs", "stale", "added"} {
		if _, ok := keys[want]; !ok {
			t.Fatalf("no key %q found: the walk over the JSON types is broken", want)
		}
	}
	for key, field := range keys {
		if !strings.Contains(section, `"`+key+`"`) && !strings.Contains(section, "`"+key+"`") {
			t.Errorf("README's JSON API section does not show %q (%s)", key, field)
		}
	}
}
