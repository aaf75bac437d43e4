// Command wasmsize says what a Go wasm binary is made of: the bytes of
// each section, and the code of its functions added up by package, raw and
// gzipped one function at a time (a rough share of the whole file's gzip).
// It needs the name section, which -ldflags=-s strips:
//
//	pkg/wasm/build.sh -names /tmp/inquest.wasm
//	go run ./internal/wasmsize /tmp/inquest.wasm
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("n", 40, "how many packages to list")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-n N] FILE.wasm")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		err = report(b, *top)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasmsize: %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
}

// reader reads the LEB128 integers and byte strings of the wasm format.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) uleb() int {
	var v, shift uint
	for r.err == nil {
		if r.off >= len(r.b) {
			r.err = errors.New("truncated")
			break
		}
		c := r.b[r.off]
		r.off++
		v |= uint(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		shift += 7
	}
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		r.err = errors.New("truncated")
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

var sectionNames = []string{"custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data"}

func report(b []byte, top int) error {
	if !bytes.HasPrefix(b, []byte("\x00asm")) {
		return errors.New("not a wasm module")
	}
	r := &reader{b: b, off: 8}
	var imported int
	var bodies [][]byte
	names := map[int]string{}
	fmt.Printf("%-12s %10s %10s\n", "section", "bytes", "gzip")
	for r.off < len(b) && r.err == nil {
		id := int(r.bytes(1)[0])
		body := &reader{b: r.bytes(r.uleb())}
		label := fmt.Sprint(id)
		if id < len(sectionNames) {
			label = sectionNames[id]
		}
		switch id {
		case 0:
			name := string(body.bytes(body.uleb()))
			label += " " + name
			if name == "name" {
				readNames(body, names)
			}
		case 2:
			imported = countFuncImports(body)
		case 10:
			for n := body.uleb(); n > 0 && body.err == nil; n-- {
				bodies = append(bodies, body.bytes(body.uleb()))
			}
		}
		if body.err != nil {
			return fmt.Errorf("section %s: %w", label, body.err)
		}
		fmt.Printf("%-12s %10d %10d\n", label, len(body.b), gzipLen(body.b))
	}
	if r.err != nil {
		return r.err
	}
	if len(names) == 0 {
		return errors.New("no name section: build with build.sh -names")
	}
	type pkg struct {
		name      string
		raw, gzip int
	}
	byPkg := map[string]*pkg{}
	for i, fn := range bodies {
		p := pkgOf(names[imported+i])
		if byPkg[p] == nil {
			byPkg[p] = &pkg{name: p}
		}
		byPkg[p].raw += len(fn)
		byPkg[p].gzip += gzipLen(fn)
	}
	var list []*pkg
	for _, p := range byPkg {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].raw > list[j].raw })
	fmt.Printf("\n%10s %10s  package (function code)\n", "bytes", "gzip")
	for _, p := range list[:min(top, len(list))] {
		fmt.Printf("%10d %10d  %s\n", p.raw, p.gzip, p.name)
	}
	return nil
}

// countFuncImports returns how many functions the module imports: they
// come first in the function index space.
func countFuncImports(r *reader) int {
	n := 0
	for count := r.uleb(); count > 0 && r.err == nil; count-- {
		r.bytes(r.uleb()) // module
		r.bytes(r.uleb()) // name
		switch r.bytes(1)[0] {
		case 0: // function: type index
			r.uleb()
			n++
		case 1: // table: element type, limits
			r.bytes(1)
			limits(r)
		case 2: // memory: limits
			limits(r)
		case 3: // global: value type, mutability
			r.bytes(2)
		}
	}
	return n
}

func limits(r *reader) {
	if flags := r.bytes(1); len(flags) == 1 {
		r.uleb()
		if flags[0]&1 != 0 {
			r.uleb()
		}
	}
}

// readNames reads the function names (subsection 1) of a name section.
func readNames(r *reader, names map[int]string) {
	for r.off < len(r.b) && r.err == nil {
		id := r.bytes(1)
		sub := &reader{b: r.bytes(r.uleb())}
		if len(id) == 0 || id[0] != 1 {
			continue
		}
		for n := sub.uleb(); n > 0 && sub.err == nil; n-- {
			idx := sub.uleb()
			names[idx] = string(sub.bytes(sub.uleb()))
		}
		r.err = sub.err
	}
}

// pkgOf returns the package of a Go function name in the wasm name section.
// There a path's slashes are underscores and its host keeps its dots
// (github.com_blevesearch_zapx_v17.(*SegmentBase).Count), so the package
// ends at the first dot after the host, if there is one.
func pkgOf(fn string) string {
	if strings.HasPrefix(fn, "type:") || strings.HasPrefix(fn, "type_.") {
		return "(type algorithms)"
	}
	start := 0
	if host, _, ok := strings.Cut(fn, "_"); ok && strings.Contains(host, ".") {
		switch host[strings.LastIndex(host, ".")+1:] {
		case "com", "org", "net", "io", "in", "dev":
			start = len(host)
		}
	}
	if i := strings.Index(fn[start:], "."); i >= 0 {
		return fn[:start+i]
	}
	return fn
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}
