//go:build go1.23

package main

import "testing"

// The workload that calls sync.Map.Clear, added in Go 1.23.
type clearMap interface {
	mapInterface
	Clear()
}

func init() {
	bind("Clear", func(pb *testing.PB, i int, mi mapInterface, _ *int64) {
		m := mi.(clearMap)
		for ; pb.Next(); i++ {
			k := i % 256
			m.Clear()
			m.Store(k, k)
		}
	})
}
