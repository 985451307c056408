// Command gopeer runs Go's sync.Map benchmark workloads (the 24 of Go
// 1.23's src/sync/map_bench_test.go, same constants and priming as
// mapbench's harness/workloads.c) on Go's sync.Map and on two reference
// maps, RWMutexMap and DeepCopyMap, and prints one machine-readable line
// per (workload, map, threads, rep).
//
// Each measurement is testing.Benchmark around b.RunParallel with
// GOMAXPROCS set to the thread count, so ns_per_op is what
// `go test -bench -cpu N` reports: wall-clock ns per loop iteration of all
// goroutines together (T / N), the figure gbench reports per iteration and
// mapbench calls wall_ns_per_iter (and ns_per_op).  Workloads that need sync.Map methods
// newer than the running Go (Swap, CompareAndSwap, CompareAndDelete: 1.20;
// Clear: 1.23) are reported with status "unsupported".
//
//	gopeer [-workloads all|A,B] [-maps all|sync.Map,...] [-threads 1,2,4]
//	       [-reps 1] [-benchtime 1s|Nx] [-format csv|json] [-list]
//	gopeer -counters [-workloads ...] [-benchtime Nx]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

type row struct {
	Workload   string  `json:"workload"`
	Map        string  `json:"map"`
	Threads    int     `json:"threads"`
	Rep        int     `json:"rep"`
	Status     string  `json:"status"` // ok, unsupported, skipped, failed
	Iterations int     `json:"iterations"`
	NsPerOp    float64 `json:"ns_per_op"`
	GoVersion  string  `json:"go_version"`
	Note       string  `json:"note"`
}

var csvHeader = "workload,map,threads,rep,status,iterations,ns_per_op,go_version,note"

func (r *row) csv() string {
	ns := ""
	if r.Status == "ok" {
		ns = strconv.FormatFloat(r.NsPerOp, 'f', 3, 64)
	}
	return fmt.Sprintf("%s,%s,%d,%d,%s,%d,%s,%s,%q", r.Workload, r.Map,
		r.Threads, r.Rep, r.Status, r.Iterations, ns, r.GoVersion, r.Note)
}

func addFailure(failed *int64) { atomic.AddInt64(failed, 1) }

// countersMain runs the -counters mode; set by counters_go123.go.
var countersMain func(ws []*workload, benchtime string) error

// measure runs one benchmark of w on a fresh map of kind mk with GOMAXPROCS
// procs, as `go test -bench` would.
func measure(w *workload, mk mapKind, procs int) (testing.BenchmarkResult, int64) {
	prev := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(prev)

	var failed int64
	res := testing.Benchmark(func(b *testing.B) {
		m := mk.make()
		if w.setup != nil {
			w.setup(m)
		}
		if p, ok := m.(interface{ markPrimed() }); ok {
			p.markPrimed()
		}
		b.ResetTimer()
		var nextID int64
		b.RunParallel(func(pb *testing.PB) {
			id := int(atomic.AddInt64(&nextID, 1) - 1)
			w.perG(pb, id*b.N, m, &failed)
		})
	})
	return res, atomic.LoadInt64(&failed)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gopeer: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	testing.Init() // registers -test.benchtime, which -benchtime sets
	wlFlag := flag.String("workloads", "all", "comma-separated workload names, or all")
	mapFlag := flag.String("maps", "all", "comma-separated maps (sync.Map, RWMutexMap, DeepCopyMap), or all")
	thrFlag := flag.String("threads", "1,2,4", "comma-separated GOMAXPROCS values")
	reps := flag.Int("reps", 1, "repetitions of each measurement")
	benchtime := flag.String("benchtime", "1s", "time or Nx per measurement, as go test -benchtime")
	format := flag.String("format", "csv", "csv or json (one object per line)")
	list := flag.Bool("list", false, "list workloads and maps, then exit")
	counters := flag.Bool("counters", false, "count sync.Map's promotions, rebuilds, copies and misses in one goroutine (Go 1.23)")
	flag.Parse()

	if *list {
		for _, w := range workloads {
			s := "ok"
			if w.perG == nil {
				s = "needs " + w.needs
			}
			fmt.Printf("workload %s %s\n", w.name, s)
		}
		for _, mk := range mapKinds {
			fmt.Printf("map %s\n", mk.name)
		}
		return
	}
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fail("-benchtime %q: want a duration (1s, 200ms) or a count (1000x)", *benchtime)
	}
	if *reps < 1 {
		fail("-reps %d: want 1 or more", *reps)
	}
	if *format != "csv" && *format != "json" {
		fail("-format %q: want csv or json", *format)
	}

	var ws []*workload
	if *wlFlag == "all" {
		ws = workloads
	} else {
		for _, name := range strings.Split(*wlFlag, ",") {
			w := findWorkload(name)
			if w == nil {
				fail("-workloads: unknown workload %q (see -list)", name)
			}
			ws = append(ws, w)
		}
	}
	if *counters {
		if countersMain == nil {
			fail("-counters needs Go 1.23's sync.Map; built with %s", runtime.Version())
		}
		for _, w := range ws {
			if w.perG == nil {
				fail("-counters: %s needs sync.Map methods of %s; built with %s", w.name, w.needs, runtime.Version())
			}
		}
		if err := countersMain(ws, *benchtime); err != nil {
			fail("-counters: %v", err)
		}
		return
	}
	var mks []mapKind
	for _, mk := range mapKinds {
		if *mapFlag == "all" || strings.Contains(","+*mapFlag+",", ","+mk.name+",") {
			mks = append(mks, mk)
		}
	}
	if len(mks) == 0 {
		fail("-maps %q: want some of sync.Map, RWMutexMap, DeepCopyMap, or all", *mapFlag)
	}
	var threads []int
	for _, s := range strings.Split(*thrFlag, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1024 {
			fail("-threads %q: want comma-separated counts from 1 to 1024", *thrFlag)
		}
		threads = append(threads, n)
	}

	enc := json.NewEncoder(os.Stdout)
	if *format == "csv" {
		fmt.Println(csvHeader)
	}
	emit := func(r *row) {
		if *format == "csv" {
			fmt.Println(r.csv())
		} else if err := enc.Encode(r); err != nil {
			fail("writing output: %v", err)
		}
	}
	for _, w := range ws {
		for _, mk := range mks {
			for _, n := range threads {
				for rep := 0; rep < *reps; rep++ {
					r := &row{Workload: w.name, Map: mk.name, Threads: n,
						Rep: rep, GoVersion: runtime.Version()}
					switch {
					case w.perG == nil:
						r.Status = "unsupported"
						r.Note = "needs sync.Map methods of " + w.needs + "; built with " + runtime.Version()
					case w.quadratic && mk.name == "DeepCopyMap":
						r.Status = "skipped"
						r.Note = "DeepCopyMap has quadratic running time (skipped as in Go)"
					default:
						res, failed := measure(w, mk, n)
						r.Status = "ok"
						r.Iterations = res.N
						if res.N > 0 {
							r.NsPerOp = float64(res.T.Nanoseconds()) / float64(res.N)
						}
						if failed > 0 {
							r.Status = "failed"
							r.Note = fmt.Sprintf("%d unexpected LoadOrStore results", failed)
						}
					}
					emit(r)
				}
			}
		}
	}
}
