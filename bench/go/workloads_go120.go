//go:build go1.20

package main

import "testing"

// The workloads that call sync.Map methods added in Go 1.20.
type swapMap interface {
	mapInterface
	Swap(key, value any) (previous any, loaded bool)
	CompareAndSwap(key, old, new any) (swapped bool)
	CompareAndDelete(key, old any) (deleted bool)
}

// mostlyKey is i % 1024 when that is one of the `hits` primed keys, else i.
func mostlyKey(i, hits int) int {
	if i%1024 < hits {
		return i % 1024
	}
	return i
}

func swapMostly(hits int) func(*testing.PB, int, mapInterface, *int64) {
	return func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			if k := i % 1024; k < hits {
				m.Swap(k, k)
			} else {
				m.Swap(i, i)
				m.Delete(i)
			}
		}
	}
}

func casMostly(hits int) func(*testing.PB, int, mapInterface, *int64) {
	return func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			k := mostlyKey(i, hits)
			m.CompareAndSwap(k, k, k)
		}
	}
}

func cadMostly(hits int) func(*testing.PB, int, mapInterface, *int64) {
	return func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			k := mostlyKey(i, hits)
			if m.CompareAndDelete(k, k) {
				m.Store(k, k)
			}
		}
	}
}

func init() {
	bind("SwapCollision", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			m.Swap(0, 0)
		}
	})
	bind("SwapMostlyHits", swapMostly(1023))
	bind("SwapMostlyMisses", swapMostly(1))
	bind("CompareAndSwapCollision", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for pb.Next() {
			if m.CompareAndSwap(0, 0, 42) {
				m.CompareAndSwap(0, 42, 0)
			}
		}
	})
	bind("CompareAndSwapNoExistingKey", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			if m.CompareAndSwap(i, 0, 0) {
				m.Delete(i)
			}
		}
	})
	bind("CompareAndSwapValueNotEqual", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			m.CompareAndSwap(0, 1, 2)
		}
	})
	bind("CompareAndSwapMostlyHits", casMostly(1023))
	bind("CompareAndSwapMostlyMisses", casMostly(1))
	bind("CompareAndDeleteCollision", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(swapMap)
		for ; pb.Next(); i++ {
			if m.CompareAndDelete(0, 0) {
				m.Store(0, 0)
			}
		}
	})
	bind("CompareAndDeleteMostlyHits", cadMostly(1023))
	bind("CompareAndDeleteMostlyMisses", cadMostly(1))
}
