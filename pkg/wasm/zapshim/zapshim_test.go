package zapshim

import (
	"strings"
	"testing"
)

type v13 struct{}

func (v13) Version() uint32 { return 13 }

// The zero value, which is what scorch registers, knows its version, and
// every operation says which version is missing.
func TestPlugin(t *testing.T) {
	var p Plugin[v13]
	if p.Type() != "zap" || p.Version() != 13 {
		t.Fatalf("Type, Version = %q, %d, want zap, 13", p.Type(), p.Version())
	}
	_, err := p.Open("x.zap")
	if err == nil || !strings.Contains(err.Error(), "zap v13 segments are not supported") {
		t.Fatalf("Open: %v", err)
	}
	if _, _, err := p.New(nil); err == nil {
		t.Fatal("New: no error")
	}
	if _, _, err := p.Merge(nil, nil, "", nil, nil); err == nil {
		t.Fatal("Merge: no error")
	}
}
