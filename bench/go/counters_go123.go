//go:build go1.23

package main

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unsafe"
)

// Counting mode (-counters): Go's own sync.Map, driven by one goroutine,
// reports the events mapbench's syncmap counts (struct map_stats):
// promotions, dirty rebuilds, entries copied and misses.  Go's sources are
// not modified: after every call, a wrapper reads sync.Map's unexported
// state (the read pointer, len(read.m), dirty == nil, misses) through
// reflect and unsafe, and infers the events from how it changed:
//
//   dirty non-nil -> nil   a promotion (missLocked or Range); a miss too,
//                          unless Range promoted;
//   dirty nil -> non-nil   dirtyLocked rebuilt dirty, copying len(read.m);
//   misses grew            misses.
//
// One call makes at most one of the first two changes (no sync.Map method
// both promotes and rebuilds), Clear resets misses without promoting and
// keeps dirty, as syncmap does.  The field names and types are Go 1.23's;
// they are checked when the mode starts.

type syncMapState struct {
	readLen  int
	dirtyNil bool
	misses   int
}

type syncMapFields struct {
	read, dirty, misses reflect.StructField
	readOnly            reflect.Type // sync.readOnly
}

var smFields *syncMapFields

func lookupSyncMapFields() (*syncMapFields, error) {
	t := reflect.TypeOf(sync.Map{})
	f := new(syncMapFields)
	var ok [3]bool
	f.read, ok[0] = t.FieldByName("read")
	f.dirty, ok[1] = t.FieldByName("dirty")
	f.misses, ok[2] = t.FieldByName("misses")
	if !ok[0] || !ok[1] || !ok[2] || f.dirty.Type.Kind() != reflect.Map ||
		f.misses.Type.Kind() != reflect.Int ||
		f.read.Type.Kind() != reflect.Struct || f.read.Type.NumField() < 1 {
		return nil, fmt.Errorf("sync.Map of %s is not Go 1.23's classic layout", runtime.Version())
	}
	// atomic.Pointer[readOnly] starts with `_ [0]*readOnly`.
	arr := f.read.Type.Field(0).Type
	if arr.Kind() != reflect.Array || arr.Elem().Kind() != reflect.Pointer {
		return nil, fmt.Errorf("sync.Map.read of %s is not an atomic.Pointer", runtime.Version())
	}
	f.readOnly = arr.Elem().Elem()
	if m, ok := f.readOnly.FieldByName("m"); !ok || m.Type.Kind() != reflect.Map {
		return nil, fmt.Errorf("sync.readOnly of %s has no map m", runtime.Version())
	}
	if _, ok := f.read.Type.FieldByName("v"); !ok {
		return nil, fmt.Errorf("atomic.Pointer of %s has no field v", runtime.Version())
	}
	return f, nil
}

func peekSyncMap(m *sync.Map) syncMapState {
	f := smFields
	base := unsafe.Pointer(m)
	var st syncMapState
	read := reflect.NewAt(f.read.Type, unsafe.Add(base, f.read.Offset)).Elem()
	if p := read.FieldByName("v").UnsafePointer(); p != nil {
		ro := reflect.NewAt(f.readOnly, p).Elem()
		st.readLen = ro.FieldByName("m").Len()
	}
	st.dirtyNil = reflect.NewAt(f.dirty.Type, unsafe.Add(base, f.dirty.Offset)).Elem().IsNil()
	st.misses = int(reflect.NewAt(f.misses.Type, unsafe.Add(base, f.misses.Offset)).Elem().Int())
	return st
}

type syncMapCounts struct {
	promotions, rebuilds, copied, misses int64
}

// countingMap is a sync.Map that counts its promotions and copies.
type countingMap struct {
	m  sync.Map
	st syncMapState
	syncMapCounts
	// The counts when the workload's priming ended.
	primed syncMapCounts
}

func (c *countingMap) markPrimed() { c.primed = c.syncMapCounts }

func newCountingMap() *countingMap {
	c := new(countingMap)
	c.st = peekSyncMap(&c.m)
	return c
}

// observe infers what the call just made did from the state change.
func (c *countingMap) observe(isRange bool) {
	b, a := c.st, peekSyncMap(&c.m)
	switch {
	case !b.dirtyNil && a.dirtyNil:
		c.promotions++
		if !isRange {
			c.misses++
		}
	case b.dirtyNil && !a.dirtyNil:
		c.rebuilds++
		c.copied += int64(b.readLen)
		fallthrough
	default:
		if a.misses > b.misses {
			c.misses += int64(a.misses - b.misses)
		}
	}
	c.st = a
}

func (c *countingMap) Load(key any) (any, bool) {
	v, ok := c.m.Load(key)
	c.observe(false)
	return v, ok
}

func (c *countingMap) Store(key, value any) {
	c.m.Store(key, value)
	c.observe(false)
}

func (c *countingMap) LoadOrStore(key, value any) (any, bool) {
	v, ok := c.m.LoadOrStore(key, value)
	c.observe(false)
	return v, ok
}

func (c *countingMap) LoadAndDelete(key any) (any, bool) {
	v, ok := c.m.LoadAndDelete(key)
	c.observe(false)
	return v, ok
}

func (c *countingMap) Delete(key any) {
	c.m.Delete(key)
	c.observe(false)
}

func (c *countingMap) Swap(key, value any) (any, bool) {
	v, ok := c.m.Swap(key, value)
	c.observe(false)
	return v, ok
}

func (c *countingMap) CompareAndSwap(key, old, new any) bool {
	ok := c.m.CompareAndSwap(key, old, new)
	c.observe(false)
	return ok
}

func (c *countingMap) CompareAndDelete(key, old any) bool {
	ok := c.m.CompareAndDelete(key, old)
	c.observe(false)
	return ok
}

func (c *countingMap) Clear() {
	c.m.Clear()
	c.observe(false)
}

// Range promotes, if at all, before its walk: observe it at the first
// callback (or after an empty walk).  Calls f makes into the map observe
// themselves.
func (c *countingMap) Range(f func(key, value any) bool) {
	first := true
	c.m.Range(func(k, v any) bool {
		if first {
			c.observe(true)
			first = false
		}
		return f(k, v)
	})
	if first {
		c.observe(true)
	}
}

func init() {
	countersMain = runCounters
}

// runCounters prints, for each workload, Go's events over one run of
// b.N = iterations in one goroutine (i from 0, as mapbench's harness).
func runCounters(ws []*workload, benchtime string) error {
	f, err := lookupSyncMapFields()
	if err != nil {
		return err
	}
	smFields = f
	fmt.Println("workload,iterations,promotions,dirty_rebuilds,entries_copied,misses,go_version")
	for _, w := range ws {
		var last *countingMap
		mk := mapKind{"sync.Map", func() mapInterface {
			last = newCountingMap()
			return last
		}}
		res, _ := measure(w, mk, 1)
		// The priming's events are not the workload's.
		fmt.Printf("%s,%d,%d,%d,%d,%d,%s\n", w.name, res.N,
			last.promotions-last.primed.promotions,
			last.rebuilds-last.primed.rebuilds,
			last.copied-last.primed.copied,
			last.misses-last.primed.misses, runtime.Version())
	}
	return nil
}
