package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const gbenchJSON = `{"context": {"date": "2026-11-30", "host_name": "h", "num_cpus": 2},
"benchmarks": [
 {"run_name": "BM_LoadMostlyHits/syncmap/real_time/threads:1", "run_type": "iteration",
  "repetition_index": 0, "threads": 1, "real_time": 3.5, "time_unit": "ns", "promotions": 0.25},
 {"run_name": "BM_LoadMostlyHits/syncmap/real_time/threads:1", "run_type": "aggregate",
  "aggregate_name": "median", "threads": 1, "real_time": NaN, "time_unit": "ns"},
 {"run_name": "BM_LoadMostlyHits/syncmap/real_time/threads:1", "run_type": "iteration",
  "repetition_index": 1, "threads": 1, "real_time": 0.004, "time_unit": "us"},
 {"run_name": "BM_Clear/rwlock/real_time/threads:2", "run_type": "iteration",
  "repetition_index": 0, "threads": 2, "error_occurred": true, "error_message": "no, really"}
]}`

const gopeerCSV = `workload,map,threads,rep,status,iterations,ns_per_op,go_version,note
LoadMostlyHits,sync.Map,1,0,ok,100,26.5,go1.19.8,""
SwapCollision,sync.Map,1,0,unsupported,0,,go1.19.8,"needs go1.20"
`

// The sweep written for mapbench compare: one row per repetition, times
// in ns, statuses kept, nothing quoted, the baseline first in --impl.
func TestToSweep(t *testing.T) {
	dir := t.TempDir()
	gb, gp := filepath.Join(dir, "g.json"), filepath.Join(dir, "p.csv")
	os.WriteFile(gb, []byte(gbenchJSON), 0o644)
	os.WriteFile(gp, []byte(gopeerCSV), 0o644)
	d := &data{}
	if err := readGbench(d, gb, -1); err != nil {
		t.Fatal(err)
	}
	if err := readGopeer(d, gp, -1); err != nil {
		t.Fatal(err)
	}
	if err := writeSweep(d, filepath.Join(dir, "sweep"), "bench/compare.sh --reps 2"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "sweep", "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	want := []string{
		"impl,workload,threads,rep,status,ns_per_op,promotions_per_op,dirty_rebuilds_per_op,entries_copied_per_op,misses_per_op,locked_ops_per_op,map_ops_per_op,note",
		"syncmap,LoadMostlyHits,1,1,ok,3.5,0.25,,,,,,",
		"syncmap,LoadMostlyHits,1,2,ok,4,,,,,,,",
		"rwlock,Clear,2,1,error,,,,,,,,no; really",
		"go:sync.Map,LoadMostlyHits,1,1,ok,26.5,,,,,,,",
		"go:sync.Map,SwapCollision,1,1,unsupported,,,,,,,,needs go1.20",
	}
	if len(lines) != len(want) {
		t.Fatalf("results.csv:\n%s", raw)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, lines[i], want[i])
		}
	}
	if got := strings.Join(implOrder(d), ","); got != "go:sync.Map,syncmap,rwlock" {
		t.Errorf("impl order %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep", "meta.json")); err != nil {
		t.Error(err)
	}
}

// One repetition of one workload, as compare.sh writes it: the files'
// own repetition index is always 0.
const rawGbench = `{"context": {"date": "D%d"}, "benchmarks": [
 {"run_name": "BM_%s/syncmap/real_time/threads:1", "run_type": "iteration",
  "repetition_index": 0, "threads": 1, "real_time": 10, "time_unit": "ns"},
 {"run_name": "BM_%s/null/real_time/threads:1", "run_type": "iteration",
  "repetition_index": 0, "threads": 1, "real_time": 1, "time_unit": "ns"}]}`

const rawGopeer = `workload,map,threads,rep,status,iterations,ns_per_op,go_version,note
%s,sync.Map,1,0,ok,100,20,go1.23.5,""
%s,RWMutexMap,1,0,ok,100,30,go1.23.5,""
`

// -raw: the repetition comes from rep-N, an interrupted repetition is
// used as far as it goes and reported, and the rows follow the plan's
// workload order.
func TestReadRaw(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "raw")
	put := func(rep int, name, text string) {
		d := filepath.Join(raw, fmt.Sprintf("rep-%d", rep))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(raw, 0o755)
	os.WriteFile(filepath.Join(raw, "plan.txt"), []byte("reps 3\nworkloads LoadMostlyHits Clear\norder "+orderInterleaved+"\n"), 0o644)
	for rep := 1; rep <= 2; rep++ {
		for _, w := range []string{"LoadMostlyHits", "Clear"} {
			if rep == 2 && w == "Clear" {
				// killed here: only a temporary file, no gopeer file
				put(rep, ".gbench-Clear.json.tmp", `{"benchmarks": [`)
				continue
			}
			put(rep, "gbench-"+w+".json", fmt.Sprintf(rawGbench, rep, w, w))
			put(rep, "gopeer-"+w+".csv", fmt.Sprintf(rawGopeer, w, w))
		}
	}
	d := &data{}
	incomplete, err := readRaw(d, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(incomplete, "; "); got != "rep-2 (2 of 4 files missing); rep-3 (absent)" {
		t.Errorf("incomplete: %q", got)
	}
	if d.reps != 2 || d.order != orderInterleaved {
		t.Errorf("reps %d, order %q", d.reps, d.order)
	}
	if got := strings.Join(d.cMaps, ","); got != "syncmap,null" {
		t.Errorf("C maps %q", got)
	}
	if err := writeSweep(d, filepath.Join(dir, "sweep"), "x"); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(dir, "sweep", "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")[1:]
	// rows per (impl, workload) and the reps each has
	reps := map[string][]string{}
	for _, l := range lines {
		f := strings.Split(l, ",")
		reps[f[0]+"/"+f[1]] = append(reps[f[0]+"/"+f[1]], f[3])
	}
	want := map[string]string{
		"syncmap/LoadMostlyHits": "1,2", "null/LoadMostlyHits": "1,2",
		"go:sync.Map/LoadMostlyHits": "1,2", "go:RWMutexMap/LoadMostlyHits": "1,2",
		"syncmap/Clear": "1", "null/Clear": "1",
		"go:sync.Map/Clear": "1", "go:RWMutexMap/Clear": "1",
	}
	if len(lines) != 12 || len(reps) != len(want) {
		t.Errorf("%d rows, %d cells:\n%s", len(lines), len(reps), out)
	}
	for k, v := range want {
		if got := strings.Join(reps[k], ","); got != v {
			t.Errorf("%s: reps %q, want %q", k, got, v)
		}
	}
	if !strings.HasPrefix(lines[0], "syncmap,LoadMostlyHits,1,1,ok,10,") {
		t.Errorf("first row %q: want the plan's first workload, C first", lines[0])
	}
	// meta.json: the run's start (rep 1's context), reps, order, C maps
	m, _ := os.ReadFile(filepath.Join(dir, "sweep", "meta.json"))
	for _, s := range []string{`"date": "D1"`, `"reps": 2`, `"c_impls": [`, orderInterleaved} {
		if !strings.Contains(string(m), s) {
			t.Errorf("meta.json lacks %s:\n%s", s, m)
		}
	}
}

// -merge: one report with every input's benchmarks in order (bare NaN
// made null), the first context as the context and each input's in
// "contexts"; readGbench reads it as it reads gbench's own.
func TestMergeGbench(t *testing.T) {
	dir := t.TempDir()
	a, b, out := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "m.json")
	os.WriteFile(a, []byte(gbenchJSON), 0o644)
	os.WriteFile(b, []byte(strings.Replace(strings.Replace(gbenchJSON, `"num_cpus": 2`, `"num_cpus": 7`, 1),
		"threads:1", "threads:3", -1)), 0o644)
	if err := mergeGbench(out, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out)
	s := string(raw)
	if strings.Count(s, `"run_name"`) != 8 || strings.Index(s, "threads:1") > strings.Index(s, "threads:3") {
		t.Errorf("benchmarks not all there in order:\n%s", s)
	}
	if strings.Count(s, `"num_cpus": 2`) != 2 || strings.Count(s, `"num_cpus": 7`) != 1 {
		t.Errorf("want the first context and both in contexts:\n%s", s)
	}
	d := &data{}
	if err := readGbench(d, out, 0); err != nil {
		t.Fatal(err)
	}
	if len(d.rows) != 6 {
		t.Errorf("read %d iteration rows, want 6", len(d.rows))
	}
	if err := mergeGbench(out, []string{a, filepath.Join(dir, "absent.json")}); err == nil {
		t.Error("a missing input: no error")
	}
}
