// Module protoshim stands in for google.golang.org/protobuf in the wasm
// search runtime (see ../go.mod). Only Bleve's upsidedown index, which the
// runtime never opens, uses protobuf. The real module was 2 MB of wasm
// code, and because it calls reflect's MethodByName the linker also kept
// every exported method of every type: 11.4 of the binary's 27.9 MB. This
// is inquest's own code: the few names upsidedown's generated code refers
// to, doing nothing, and an Unmarshal that fails.
module google.golang.org/protobuf

go 1.26.0
