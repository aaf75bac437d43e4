package proto_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"
)

// message is shaped like protoc-gen-go's output: the state comes first.
type message struct {
	state protoimpl.MessageState
	Field *uint32
}

func (m *message) ProtoReflect() protoreflect.Message {
	return protoimpl.X.MessageStateOf(protoimpl.Pointer(m))
}

// Generated code runs against the shim, and decoding says why it cannot.
func TestShim(t *testing.T) {
	m := &message{Field: proto.Uint32(7)}
	if ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(m)); ms != &m.state {
		t.Error("MessageStateOf does not return the message's first field")
	}
	if *m.Field != 7 {
		t.Errorf("Uint32(7) points to %d", *m.Field)
	}
	if err := proto.Unmarshal([]byte{8, 7}, m); !errors.Is(err, proto.ErrUnsupported) {
		t.Errorf("Unmarshal: %v, want ErrUnsupported", err)
	}
	if out := (protoimpl.TypeBuilder{}).Build(); out.File != nil {
		t.Error("Build returned a file descriptor")
	}
}
