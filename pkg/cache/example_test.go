package cache_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/inquest-dev/inquest/pkg/cache"
)

// A package keeps a file of its own kind: it opens the kind's folder,
// names the file by what it was computed from (its format's version
// among the parts) and writes it framed; reading it back checks it.
func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "cache-example-")
	defer os.RemoveAll(dir)
	const format = "example report 1"
	kind, err := cache.At(dir).Open(cache.Builds)
	if err != nil {
		panic(err)
	}
	name := filepath.Join(kind, cache.Key(format, "/srv/site/public")+".json")
	if err := cache.WriteFile(name, format, []byte(`{"pages": 12}`)); err != nil {
		panic(err)
	}
	data, err := cache.ReadFile(name, format)
	fmt.Println(string(data), err)
	_, err = cache.ReadFile(name, "example report 2")
	fmt.Println(err != nil)
	// Output:
	// {"pages": 12} <nil>
	// true
}
