// Package expvar stands in for the standard library's expvar in the wasm
// runtime. build.sh compiles this file in its place (go build -overlay), so
// that it is imported as "expvar"; in this module it is an ordinary package
// for vet and tests.
//
// Bleve publishes its statistics with expvar.NewMap("bleve"). The real
// expvar registers an HTTP handler when it starts, which links net/http
// and crypto/tls into the runtime: 2.0 of its 14.6 MB, 0.5 MB of gzip.
// This one keeps the values in the Map and serves nothing; nothing in a
// browser reads them.
package expvar

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Var is a variable that formats itself as JSON.
type Var interface {
	String() string
}

// Map is a string-to-Var map, safe for concurrent use.
type Map struct {
	mu   sync.RWMutex
	vars map[string]Var
	keys []string // sorted
}

// NewMap returns an empty Map. Unlike the real expvar it publishes nothing:
// there is no registry to publish to.
func NewMap(name string) *Map {
	return &Map{vars: map[string]Var{}}
}

// Get returns the Var for key, or nil.
func (v *Map) Get(key string) Var {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.vars[key]
}

// Set sets key to av.
func (v *Map) Set(key string, av Var) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.vars[key]; !ok {
		i, _ := slices.BinarySearch(v.keys, key)
		v.keys = slices.Insert(v.keys, i, key)
	}
	v.vars[key] = av
}

// Add adds delta to the *Int at key, creating it if needed.
func (v *Map) Add(key string, delta int64) {
	if i, ok := v.Get(key).(*Int); ok {
		i.Add(delta)
		return
	}
	i := new(Int)
	i.Add(delta)
	v.Set(key, i)
}

// String returns the map as a JSON object, keys sorted.
func (v *Map) String() string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var b strings.Builder
	b.WriteByte('{')
	for n, k := range v.keys {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(k))
		b.WriteString(": ")
		b.WriteString(v.vars[k].String())
	}
	b.WriteByte('}')
	return b.String()
}

// Int is a 64-bit integer variable, safe for concurrent use.
type Int struct {
	mu sync.Mutex
	i  int64
}

// Add adds delta to v.
func (v *Int) Add(delta int64) {
	v.mu.Lock()
	v.i += delta
	v.mu.Unlock()
}

// Value returns v's value.
func (v *Int) Value() int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.i
}

// String returns v's value in decimal.
func (v *Int) String() string {
	return strconv.FormatInt(v.Value(), 10)
}
