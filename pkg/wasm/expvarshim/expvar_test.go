package expvar

import "testing"

type constVar string

func (c constVar) String() string { return string(c) }

// Map formats like the real expvar's: a JSON object with sorted keys.
func TestMap(t *testing.T) {
	m := NewMap("bleve")
	m.Add("n", 2)
	m.Set("indexes", constVar(`{"a": 1}`))
	m.Add("n", 3)
	if got, want := m.String(), `{"indexes": {"a": 1}, "n": 5}`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := m.Get("n").(*Int).Value(); got != 5 {
		t.Errorf("n = %d, want 5", got)
	}
	if m.Get("missing") != nil {
		t.Error("Get(missing) is not nil")
	}
}
