//go:build js && wasm

// Command wasm is inquest's search runtime for static sites: the same
// mapping, query parser and scoring as the CLI (package search), compiled to
// WebAssembly. The page provides the index directory as files through
// globalThis.fs (see wasm_exec.js), then calls
//
//	inquestOpen(dir) → "" or an error message
//	inquestSearch(query, opts) → JSON of search.Result, or {"error": …}
//	inquestIDs(query, opts) → {"total": n, "ids": […]} of every match (or
//	opts.limit of them from opts.from), in the order of inquestSearch's
//	hits, or {"error": …}: search.Index.IDs, for the page's counts and
//	filters
//
// The JSON is search.Result's, the shape `inquest search --json` and
// serve's /api/search print (snake_case, took_ms).
// opts is an object with limit, from, sort, facets, facetSize, highlight.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/wasm/memseg"
)

var ix *search.Index

func main() {
	memseg.Register()
	js.Global().Set("inquestOpen", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 1 {
			return "inquestOpen(dir): missing dir"
		}
		i, err := search.Open(args[0].String())
		if err != nil {
			return err.Error()
		}
		if ix != nil {
			_ = ix.Close()
		}
		ix = i
		return ""
	}))
	js.Global().Set("inquestSearch", js.FuncOf(func(this js.Value, args []js.Value) any {
		return searchJSON(args)
	}))
	js.Global().Set("inquestIDs", js.FuncOf(func(this js.Value, args []js.Value) any {
		return idsJSON(args)
	}))
	select {}
}

// fail is the JSON of an error.
func fail(err error) string {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(b)
}

// request reads a search.Request from the arguments (query, opts).
func request(args []js.Value) search.Request {
	var r search.Request
	if len(args) > 0 {
		r.Query = args[0].String()
	}
	if len(args) > 1 && args[1].Type() == js.TypeObject {
		o := args[1]
		num := func(k string) int {
			if v := o.Get(k); v.Type() == js.TypeNumber {
				return v.Int()
			}
			return 0
		}
		r.Limit, r.From, r.FacetSize = num("limit"), num("from"), num("facetSize")
		if v := o.Get("sort"); v.Type() == js.TypeString {
			r.Sort = v.String()
		}
		r.Facets = o.Get("facets").Truthy()
		r.Highlight = o.Get("highlight").Truthy()
	}
	return r
}

func searchJSON(args []js.Value) string {
	if ix == nil {
		return fail(fmt.Errorf("no index: call inquestOpen first"))
	}
	res, err := ix.Search(context.Background(), request(args))
	if err != nil {
		return fail(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fail(err)
	}
	return string(b)
}

func idsJSON(args []js.Value) string {
	if ix == nil {
		return fail(fmt.Errorf("no index: call inquestOpen first"))
	}
	ids, total, err := ix.IDs(context.Background(), request(args))
	if err != nil {
		return fail(err)
	}
	b, err := json.Marshal(struct {
		Total uint64   `json:"total"`
		IDs   []string `json:"ids"`
	}{total, ids})
	if err != nil {
		return fail(err)
	}
	return string(b)
}
