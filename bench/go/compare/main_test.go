package main

import (
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
	if err := readGbench(d, gb); err != nil {
		t.Fatal(err)
	}
	if err := readGopeer(d, gp); err != nil {
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
