package revdiff

import (
	"math/rand"
	"reflect"
	"testing"
)

// TestSingle holds single, middle's way with one element on one side, to
// myers, the search it stands for, on sequences of few distinct
// elements: kept, deleted and inserted alike, in the same order, and
// given up on alike.
func TestSingle(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(1))
	seq := func(n, k int) []int32 {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(r.Intn(k))
		}
		return s
	}
	for i := range 20000 {
		k := 1 + r.Intn(4)
		one, other := seq(1, k), seq(1+r.Intn(12), k)
		a, b := one, other
		if i%2 == 1 {
			a, b = other, one
		}
		off := r.Intn(3)
		maxD := r.Intn(len(a) + len(b) + 2)
		want, wok := myers(nil, a, b, off, maxD)
		got, gok := single(nil, a, b, off, maxD)
		if gok != wok || !reflect.DeepEqual(got, want) {
			t.Fatalf("a %v, b %v, off %d, maxD %d:\nsingle %v %v\n myers %v %v", a, b, off, maxD, got, gok, want, wok)
		}
	}
}
