package main

import "testing"

// A workload is one of Go's sync.Map benchmarks (src/sync/map_bench_test.go,
// Go 1.23): a setup that primes a fresh map from one goroutine, and a
// per-goroutine loop run under b.RunParallel whose counter i starts at
// goroutine id * b.N and grows by one per pb.Next().  The same constants
// and priming as harness/workloads.c.
type workload struct {
	name string
	// The Go release whose sync.Map methods the loop calls; the loop is
	// bound by a file built only there (workloads_go1NN.go), else nil.
	needs string
	// Go skips these on DeepCopyMap: each op copies the whole map.
	quadratic bool
	setup     func(m mapInterface)
	// failed counts broken expectations (LoadOrStoreBalanced only).
	perG func(pb *testing.PB, i int, m mapInterface, failed *int64)
}

// In Go's file order.
var workloads = []*workload{
	{name: "LoadMostlyHits", setup: primer(1023), perG: loadMod1024},
	{name: "LoadMostlyMisses", setup: primer(1), perG: loadMod1024},
	{name: "LoadOrStoreBalanced", quadratic: true, setup: primer(128),
		perG: loadOrStoreBalanced},
	{name: "LoadOrStoreUnique", quadratic: true, perG: loadOrStoreUnique},
	{name: "LoadOrStoreCollision", setup: setupKey0,
		perG: loadOrStoreCollision},
	{name: "LoadAndDeleteBalanced", quadratic: true, setup: primer(128),
		perG: loadAndDeleteBalanced},
	{name: "LoadAndDeleteUnique", quadratic: true,
		perG: loadAndDeleteUnique},
	{name: "LoadAndDeleteCollision", setup: setupKey0,
		perG: loadAndDeleteCollision},
	{name: "Range", setup: fill1024, perG: rangeAll},
	{name: "AdversarialAlloc", perG: adversarialAlloc},
	{name: "AdversarialDelete", setup: fill1024, perG: adversarialDelete},
	{name: "DeleteCollision", setup: setupKey0, perG: deleteCollision},
	{name: "SwapCollision", needs: "go1.20", setup: setupKey0},
	{name: "SwapMostlyHits", needs: "go1.20", setup: primer(1023)},
	{name: "SwapMostlyMisses", needs: "go1.20", setup: primer(1)},
	{name: "CompareAndSwapCollision", needs: "go1.20", setup: setupKey0},
	{name: "CompareAndSwapNoExistingKey", needs: "go1.20"},
	{name: "CompareAndSwapValueNotEqual", needs: "go1.20",
		setup: func(m mapInterface) { m.Store(0, 0) }},
	{name: "CompareAndSwapMostlyHits", needs: "go1.20", quadratic: true,
		setup: primer(1023)},
	{name: "CompareAndSwapMostlyMisses", needs: "go1.20", setup: primer(1)},
	{name: "CompareAndDeleteCollision", needs: "go1.20", setup: setupKey0},
	{name: "CompareAndDeleteMostlyHits", needs: "go1.20", quadratic: true,
		setup: primer(1023)},
	{name: "CompareAndDeleteMostlyMisses", needs: "go1.20",
		setup: primer(1)},
	{name: "Clear", needs: "go1.23"},
}

func findWorkload(name string) *workload {
	for _, w := range workloads {
		if w.name == name {
			return w
		}
	}
	return nil
}

// bind gives a version-gated workload its loop.
func bind(name string,
	perG func(pb *testing.PB, i int, m mapInterface, failed *int64)) {
	findWorkload(name).perG = perG
}

// primer stores keys [0, hits) with LoadOrStore and loads each twice, so
// that sync.Map has promoted them to its read-only map.
func primer(hits int) func(mapInterface) {
	return func(m mapInterface) {
		for k := 0; k < hits; k++ {
			m.LoadOrStore(k, k)
		}
		for k := 0; k < 2*hits; k++ {
			m.Load(k % hits)
		}
	}
}

func setupKey0(m mapInterface) { m.LoadOrStore(0, 0) }

func fill1024(m mapInterface) {
	for k := 0; k < 1024; k++ {
		m.Store(k, k)
	}
}

func loadMod1024(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.Load(i % 1024)
	}
}

func loadOrStoreBalanced(pb *testing.PB, i int, m mapInterface, failed *int64) {
	for ; pb.Next(); i++ {
		if j := i % 256; j < 128 {
			if _, loaded := m.LoadOrStore(j, i); !loaded {
				addFailure(failed)
			}
		} else if _, loaded := m.LoadOrStore(i, i); loaded {
			addFailure(failed)
		}
	}
}

func loadOrStoreUnique(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.LoadOrStore(i, i)
	}
}

func loadOrStoreCollision(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.LoadOrStore(0, 0)
	}
}

func loadAndDeleteBalanced(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		if j := i % 256; j < 128 {
			m.LoadAndDelete(j)
		} else {
			m.LoadAndDelete(i)
		}
	}
}

func loadAndDeleteUnique(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.LoadAndDelete(i)
	}
}

func loadAndDeleteCollision(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		if _, loaded := m.LoadAndDelete(0); loaded {
			m.Store(0, 0)
		}
	}
}

func rangeAll(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.Range(func(_, _ any) bool { return true })
	}
}

// adversarialAlloc loads a key that is never there, and after every
// stores+1 loads inserts it, so sync.Map keeps missing into its dirty map.
func adversarialAlloc(pb *testing.PB, i int, m mapInterface, _ *int64) {
	var stores, sinceStore int64
	for ; pb.Next(); i++ {
		m.Load(i)
		sinceStore++
		if sinceStore > stores {
			m.LoadOrStore(i, stores)
			sinceStore = 0
			stores++
		}
	}
}

// adversarialDelete loads mostly absent keys and, once every 1024
// iterations, deletes the first key Range offers and stores a new one.
func adversarialDelete(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.Load(i)
		if i%1024 == 0 {
			m.Range(func(k, _ any) bool {
				m.Delete(k)
				return false
			})
			m.Store(i, i)
		}
	}
}

func deleteCollision(pb *testing.PB, i int, m mapInterface, _ *int64) {
	for ; pb.Next(); i++ {
		m.Delete(0)
	}
}
