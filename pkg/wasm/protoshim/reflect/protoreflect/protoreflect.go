// Package protoreflect holds the two interfaces of
// google.golang.org/protobuf/reflect/protoreflect that Bleve's upsidedown
// package names. The shim has no reflection: nothing implements them
// beyond what the generated code needs to compile.
package protoreflect

// ProtoMessage is a generated message.
type ProtoMessage interface {
	ProtoReflect() Message
}

// Message is the reflective view of a message. In the shim it is empty.
type Message interface {
	Interface() ProtoMessage
}

// FileDescriptor describes a .proto file. The shim never builds one, so
// generated File_… variables stay nil.
type FileDescriptor interface {
	Path() string
}
