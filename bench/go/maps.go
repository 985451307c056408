package main

import (
	"sync"
	"sync/atomic"
)

// mapInterface is what every map under test offers on Go 1.19: the
// sync.Map methods that existed before Go 1.20.
type mapInterface interface {
	Load(key any) (value any, ok bool)
	Store(key, value any)
	LoadOrStore(key, value any) (actual any, loaded bool)
	LoadAndDelete(key any) (value any, loaded bool)
	Delete(key any)
	Range(f func(key, value any) bool)
}

// mapKind names a map implementation and makes empty ones.
type mapKind struct {
	name string
	make func() mapInterface
}

var mapKinds = []mapKind{
	{"sync.Map", func() mapInterface { return new(sync.Map) }},
	{"RWMutexMap", func() mapInterface { return newRWMutexMap() }},
	{"DeepCopyMap", func() mapInterface { return newDeepCopyMap() }},
}

// The two reference maps below behave as Go 1.23's
// src/sync/map_reference_test.go defines them (every operation, the same
// locking and the same copies, so that their costs are Go's), written for
// this peer so that they build with Go 1.19 as well: Clear deletes in a
// range loop, which the compiler turns into the same map clear as Go
// 1.21's clear builtin.

// RWMutexMap is a Go map under a readers-writer lock.  Only Load and the
// key snapshot of Range take the read lock.  Range looks every key up
// again, so f may call back into the map.  The map is made by the first
// write that needs it.
type RWMutexMap struct {
	mu sync.RWMutex
	m  map[any]any
}

func newRWMutexMap() *RWMutexMap { return new(RWMutexMap) }

// ensureLocked makes the Go map if there is none yet; call with mu held.
func (r *RWMutexMap) ensureLocked() {
	if r.m == nil {
		r.m = make(map[any]any)
	}
}

func (r *RWMutexMap) Load(key any) (any, bool) {
	r.mu.RLock()
	v, ok := r.m[key]
	r.mu.RUnlock()
	return v, ok
}

func (r *RWMutexMap) Store(key, value any) {
	r.mu.Lock()
	r.ensureLocked()
	r.m[key] = value
	r.mu.Unlock()
}

func (r *RWMutexMap) LoadOrStore(key, value any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[key]; ok {
		return v, true
	}
	r.ensureLocked()
	r.m[key] = value
	return value, false
}

func (r *RWMutexMap) Swap(key, value any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ensureLocked()
	prev, ok := r.m[key]
	r.m[key] = value
	return prev, ok
}

func (r *RWMutexMap) LoadAndDelete(key any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[key]
	if ok {
		delete(r.m, key)
	}
	return v, ok
}

func (r *RWMutexMap) Delete(key any) {
	r.mu.Lock()
	delete(r.m, key)
	r.mu.Unlock()
}

func (r *RWMutexMap) CompareAndSwap(key, old, new any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[key]; ok && v == old {
		r.m[key] = new
		return true
	}
	return false
}

func (r *RWMutexMap) CompareAndDelete(key, old any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[key]; ok && v == old {
		delete(r.m, key)
		return true
	}
	return false
}

// Clear empties the map in place, keeping its buckets (as clear(m) does).
func (r *RWMutexMap) Clear() {
	r.mu.Lock()
	for k := range r.m {
		delete(r.m, k)
	}
	r.mu.Unlock()
}

func (r *RWMutexMap) Range(f func(key, value any) bool) {
	r.mu.RLock()
	keys := make([]any, 0, len(r.m))
	for k := range r.m {
		keys = append(keys, k)
	}
	r.mu.RUnlock()
	for _, k := range keys {
		if v, ok := r.Load(k); ok && !f(k, v) {
			return
		}
	}
}

// DeepCopyMap is copy-on-write: readers load an immutable Go map from an
// atomic.Value (nil until the first write); writers, one at a time under
// mu, copy it, change the copy and publish it.  As in Go's reference,
// every Store, Swap, Delete and LoadAndDelete copies, even when the key is
// absent, and CompareAndSwap/CompareAndDelete copy once the lock-free
// compare has passed, before comparing again on the copy.
type DeepCopyMap struct {
	mu    sync.Mutex
	clean atomic.Value // map[any]any, never modified once stored
}

func newDeepCopyMap() *DeepCopyMap { return new(DeepCopyMap) }

// snapshot is the published map (nil before the first write).
func (d *DeepCopyMap) snapshot() map[any]any {
	m, _ := d.clean.Load().(map[any]any)
	return m
}

// copyLocked returns a private copy of the published map, with room for
// one more key; call with mu held.
func (d *DeepCopyMap) copyLocked() map[any]any {
	cur := d.snapshot()
	out := make(map[any]any, len(cur)+1)
	for k, v := range cur {
		out[k] = v
	}
	return out
}

func (d *DeepCopyMap) Load(key any) (any, bool) {
	v, ok := d.snapshot()[key]
	return v, ok
}

func (d *DeepCopyMap) Store(key, value any) {
	d.mu.Lock()
	next := d.copyLocked()
	next[key] = value
	d.clean.Store(next)
	d.mu.Unlock()
}

func (d *DeepCopyMap) LoadOrStore(key, value any) (any, bool) {
	if v, ok := d.snapshot()[key]; ok {
		return v, true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Another writer may have stored it while we waited for mu.
	if v, ok := d.snapshot()[key]; ok {
		return v, true
	}
	next := d.copyLocked()
	next[key] = value
	d.clean.Store(next)
	return value, false
}

func (d *DeepCopyMap) Swap(key, value any) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	next := d.copyLocked()
	prev, ok := next[key]
	next[key] = value
	d.clean.Store(next)
	return prev, ok
}

func (d *DeepCopyMap) LoadAndDelete(key any) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	next := d.copyLocked()
	v, ok := next[key]
	delete(next, key)
	d.clean.Store(next)
	return v, ok
}

func (d *DeepCopyMap) Delete(key any) {
	d.mu.Lock()
	next := d.copyLocked()
	delete(next, key)
	d.clean.Store(next)
	d.mu.Unlock()
}

func (d *DeepCopyMap) CompareAndSwap(key, old, new any) bool {
	if v, ok := d.snapshot()[key]; !ok || v != old {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	next := d.copyLocked()
	if v, ok := next[key]; !ok || v != old {
		return false
	}
	next[key] = new
	d.clean.Store(next)
	return true
}

func (d *DeepCopyMap) CompareAndDelete(key, old any) bool {
	if v, ok := d.snapshot()[key]; !ok || v != old {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	next := d.copyLocked()
	if v, ok := next[key]; !ok || v != old {
		return false
	}
	delete(next, key)
	d.clean.Store(next)
	return true
}

// Clear publishes the nil map.
func (d *DeepCopyMap) Clear() {
	d.mu.Lock()
	d.clean.Store(map[any]any(nil))
	d.mu.Unlock()
}

func (d *DeepCopyMap) Range(f func(key, value any) bool) {
	for k, v := range d.snapshot() {
		if !f(k, v) {
			return
		}
	}
}
