package s2

import "testing"

// Face 0's cell has only bit 60 set; its first child at level 1 has bit 58
// as its lowest and covers a quarter of the face.
func TestCellID(t *testing.T) {
	face := CellID(1 << 60)
	child := CellID(1 << 58)
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"face level", uint64(face.Level()), 0},
		{"child level", uint64(child.Level()), 1},
		{"child parent", uint64(child.Parent(0)), uint64(face)},
		{"face range min", uint64(face.RangeMin()), 1},
		{"face range max", uint64(face.RangeMax()), 1<<61 - 1},
		{"child range max", uint64(child.RangeMax()), 1<<59 - 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
}
