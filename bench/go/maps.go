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

// RWMutexMap is the simplest safe map: a Go map under a readers-writer
// lock.  Range walks a copy of the keys taken under the read lock and looks
// each one up again, so f may call back into the map.
type RWMutexMap struct {
	mu sync.RWMutex
	m  map[any]any
}

func newRWMutexMap() *RWMutexMap { return &RWMutexMap{m: make(map[any]any)} }

func (r *RWMutexMap) Load(key any) (any, bool) {
	r.mu.RLock()
	v, ok := r.m[key]
	r.mu.RUnlock()
	return v, ok
}

func (r *RWMutexMap) Store(key, value any) {
	r.mu.Lock()
	r.m[key] = value
	r.mu.Unlock()
}

func (r *RWMutexMap) LoadOrStore(key, value any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[key]; ok {
		return v, true
	}
	r.m[key] = value
	return value, false
}

func (r *RWMutexMap) LoadAndDelete(key any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[key]
	delete(r.m, key)
	return v, ok
}

func (r *RWMutexMap) Delete(key any) {
	r.mu.Lock()
	delete(r.m, key)
	r.mu.Unlock()
}

func (r *RWMutexMap) Swap(key, value any) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, ok := r.m[key]
	r.m[key] = value
	return prev, ok
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

func (r *RWMutexMap) Clear() {
	r.mu.Lock()
	r.m = make(map[any]any)
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
// atomic.Value; writers, one at a time, copy it, change the copy and
// publish it.  Every write costs O(len).
type DeepCopyMap struct {
	mu    sync.Mutex
	clean atomic.Value // map[any]any, never modified once stored
}

func newDeepCopyMap() *DeepCopyMap {
	d := new(DeepCopyMap)
	d.clean.Store(map[any]any{})
	return d
}

func (d *DeepCopyMap) snapshot() map[any]any {
	return d.clean.Load().(map[any]any)
}

// copyLocked returns a private copy of the current map; call with mu held.
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
	if v, ok := d.snapshot()[key]; ok {
		return v, true
	}
	next := d.copyLocked()
	next[key] = value
	d.clean.Store(next)
	return value, false
}

func (d *DeepCopyMap) LoadAndDelete(key any) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.snapshot()[key]
	if !ok {
		return nil, false
	}
	next := d.copyLocked()
	delete(next, key)
	d.clean.Store(next)
	return v, true
}

func (d *DeepCopyMap) Delete(key any) { d.LoadAndDelete(key) }

func (d *DeepCopyMap) Swap(key, value any) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	prev, ok := d.snapshot()[key]
	next := d.copyLocked()
	next[key] = value
	d.clean.Store(next)
	return prev, ok
}

func (d *DeepCopyMap) CompareAndSwap(key, old, new any) bool {
	if v, ok := d.snapshot()[key]; !ok || v != old {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.snapshot()[key]; !ok || v != old {
		return false
	}
	next := d.copyLocked()
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
	if v, ok := d.snapshot()[key]; !ok || v != old {
		return false
	}
	next := d.copyLocked()
	delete(next, key)
	d.clean.Store(next)
	return true
}

func (d *DeepCopyMap) Clear() {
	d.mu.Lock()
	d.clean.Store(map[any]any{})
	d.mu.Unlock()
}

func (d *DeepCopyMap) Range(f func(key, value any) bool) {
	for k, v := range d.snapshot() {
		if !f(k, v) {
			return
		}
	}
}
