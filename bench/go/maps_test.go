//go:build go1.23

package main

import (
	"math/rand"
	"testing"
)

// fullMap is every operation of Go 1.23's sync.Map.
type fullMap interface {
	mapInterface
	Swap(key, value any) (previous any, loaded bool)
	CompareAndSwap(key, old, new any) (swapped bool)
	CompareAndDelete(key, old any) (deleted bool)
	Clear()
}

// TestMapsAgree drives every map kind with the same random operations and
// checks each result against a plain Go map.
func TestMapsAgree(t *testing.T) {
	for _, mk := range mapKinds {
		m, ok := mk.make().(fullMap)
		if !ok {
			t.Fatalf("%s lacks some of Go 1.23's sync.Map methods", mk.name)
		}
		model := map[any]any{}
		r := rand.New(rand.NewSource(1))
		for i := 0; i < 20000; i++ {
			k, v, w := r.Intn(16), r.Intn(4), r.Intn(4)
			mv, mok := model[k]
			switch op := r.Intn(10); op {
			case 0:
				if got, ok := m.Load(k); ok != mok || got != mv {
					t.Fatalf("%s op %d: Load(%d) = %v, %v; want %v, %v", mk.name, i, k, got, ok, mv, mok)
				}
			case 1:
				m.Store(k, v)
				model[k] = v
			case 2:
				got, loaded := m.LoadOrStore(k, v)
				if loaded != mok || (mok && got != mv) || (!mok && got != v) {
					t.Fatalf("%s op %d: LoadOrStore(%d, %d) = %v, %v", mk.name, i, k, v, got, loaded)
				}
				if !mok {
					model[k] = v
				}
			case 3:
				if got, ok := m.LoadAndDelete(k); ok != mok || got != mv {
					t.Fatalf("%s op %d: LoadAndDelete(%d) = %v, %v; want %v, %v", mk.name, i, k, got, ok, mv, mok)
				}
				delete(model, k)
			case 4:
				m.Delete(k)
				delete(model, k)
			case 5:
				if got, ok := m.Swap(k, v); ok != mok || got != mv {
					t.Fatalf("%s op %d: Swap(%d) = %v, %v; want %v, %v", mk.name, i, k, got, ok, mv, mok)
				}
				model[k] = v
			case 6:
				want := mok && mv == w
				if got := m.CompareAndSwap(k, w, v); got != want {
					t.Fatalf("%s op %d: CompareAndSwap(%d, %d, %d) = %v", mk.name, i, k, w, v, got)
				}
				if want {
					model[k] = v
				}
			case 7:
				want := mok && mv == w
				if got := m.CompareAndDelete(k, w); got != want {
					t.Fatalf("%s op %d: CompareAndDelete(%d, %d) = %v", mk.name, i, k, w, got)
				}
				if want {
					delete(model, k)
				}
			case 8:
				seen := map[any]any{}
				m.Range(func(key, value any) bool { seen[key] = value; return true })
				if len(seen) != len(model) {
					t.Fatalf("%s op %d: Range saw %d keys, want %d", mk.name, i, len(seen), len(model))
				}
				for key, value := range model {
					if seen[key] != value {
						t.Fatalf("%s op %d: Range: key %v = %v, want %v", mk.name, i, key, seen[key], value)
					}
				}
			case 9:
				if r.Intn(20) == 0 {
					m.Clear()
					model = map[any]any{}
				}
			}
		}
	}
}
