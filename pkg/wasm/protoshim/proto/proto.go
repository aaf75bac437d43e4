// Package proto holds the two functions of google.golang.org/protobuf/proto
// that Bleve's upsidedown package calls. Unmarshal always fails: the wasm
// runtime reads scorch indexes only.
package proto

import (
	"errors"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Message is a generated message.
type Message = protoreflect.ProtoMessage

// ErrUnsupported is what Unmarshal returns.
var ErrUnsupported = errors.New("protobuf is not part of the inquest wasm runtime (upsidedown indexes are not supported)")

// Unmarshal returns ErrUnsupported.
func Unmarshal([]byte, Message) error { return ErrUnsupported }

// Uint32 returns a pointer to a copy of v.
func Uint32(v uint32) *uint32 { return &v }
