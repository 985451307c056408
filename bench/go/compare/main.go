// Command compare reshapes data for bench/compare.sh; it computes no
// statistics (those are mapbench compare's, harness/util/stats.c).
//
// Step 1, before mapbench compare:
//
//	compare -tosweep -raw RAWDIR -out DIR [-cmd "..."]
//	compare -tosweep -gbench gbench.json -gopeer gopeer.csv -out DIR [-cmd "..."]
//
// joins the C side (gbench JSON reports, Google Benchmark) and the Go side
// (gopeer CSVs, one row per repetition) into a sweep-like
// directory DIR/sweep (results.csv: impl, workload, threads, rep, status,
// ns_per_op and the C maps' counters per op; meta.json) that
// `mapbench compare --impl go:sync.Map,... --metric ns_per_op` reads, and
// prints that --impl list (Go's sync.Map first: the baseline).
//
// -raw reads an interleaved run of bench/compare.sh: RAWDIR/rep-N/
// gbench-W.json and gopeer-W.csv, one repetition of one workload each,
// the repetition being N (the files' own repetition_index and rep are 0),
// and RAWDIR/plan.txt (what the run meant to measure) when it is there.
// A repetition with files missing (an interrupted run) is used as far as
// it goes, with a warning on stderr.  -gbench/-gopeer read the older form:
// one gbench report with every repetition and one gopeer CSV.
//
// Step 2, after it:
//
//	compare -report -out DIR [-cmd "..."]
//
// turns DIR/comparison.csv (mapbench compare --format csv) and the
// syncmap counter comparisons DIR/counters/NAME.csv into DIR/comparison.md,
// the gnuplot data DIR/plot/{maps.txt,threads.txt,t<N>.dat,ratio.dat} for
// plots/go-vs-c.gp, and DIR/meta.json.
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const goRef = "go:sync.Map" // the baseline every map is compared with

// The C maps' own counters (gbench user counters, per op), compared
// across reps by mapbench too (DIR/counters/NAME.csv).
var counterNames = []string{"promotions", "dirty_rebuilds", "entries_copied",
	"misses", "locked_ops", "map_ops"}

type row struct {
	impl, workload string
	threads, rep   int
	status, note   string
	nsPerOp        float64
	counters       map[string]float64
}

type data struct {
	rows      []row
	workloads []string // Go's file order (gbench registers in that order)
	cMaps     []string // C impls in registry order
	goMaps    []string
	threads   []int
	context   json.RawMessage
	goVersion string
	reps      int    // repetitions measured (the highest rep seen)
	order     string // how C and Go runs were ordered in time
}

const (
	orderInterleaved = "interleaved by workload; C first on odd reps, Go first on even"
	orderSequential  = "sequential: every C run (gbench), then every Go run (gopeer)"
)

func (d *data) sawRep(rep int) {
	if rep+1 > d.reps {
		d.reps = rep + 1
	}
}

func addOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func addThreads(list []int, n int) []int {
	for _, x := range list {
		if x == n {
			return list
		}
	}
	list = append(list, n)
	sort.Ints(list)
	return list
}

var nanValue = regexp.MustCompile(`:\s*-?(?:NaN|nan|inf|Infinity)\b`)

var unitNs = map[string]float64{"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}

func num(v interface{}) float64 {
	f, _ := v.(float64)
	return f
}

// readGbench reads a gbench JSON report; rep >= 0 is the repetition
// (0-based) of every row, rep < 0 takes each row's repetition_index.
func readGbench(d *data, path string, rep int) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var report struct {
		Context    json.RawMessage          `json:"context"`
		Benchmarks []map[string]interface{} `json:"benchmarks"`
	}
	// Google Benchmark 1.7 writes bare NaN for some aggregates (the cv of
	// a counter that is always 0), which is not JSON.
	raw = nanValue.ReplaceAll(raw, []byte(": null"))
	if err := json.Unmarshal(raw, &report); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if d.context == nil {
		d.context = report.Context // the first report's: the run's start
	}
	for _, b := range report.Benchmarks {
		if rt, _ := b["run_type"].(string); rt != "iteration" {
			continue // aggregates: mapbench compare computes its own
		}
		name, _ := b["run_name"].(string)
		parts := strings.Split(name, "/")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "BM_") {
			continue
		}
		r := row{impl: parts[1], workload: strings.TrimPrefix(parts[0], "BM_"),
			threads: int(num(b["threads"])), rep: rep,
			status: "ok", counters: map[string]float64{}}
		if rep < 0 {
			r.rep = int(num(b["repetition_index"]))
		}
		d.sawRep(r.rep)
		d.workloads = addOnce(d.workloads, r.workload)
		d.cMaps = addOnce(d.cMaps, r.impl)
		d.threads = addThreads(d.threads, r.threads)
		if e, _ := b["error_occurred"].(bool); e {
			r.status = "error"
			r.note, _ = b["error_message"].(string)
			d.rows = append(d.rows, r)
			continue
		}
		unit, _ := b["time_unit"].(string)
		mul, ok := unitNs[unit]
		if !ok {
			return fmt.Errorf("%s: %s: unknown time_unit %q", path, name, unit)
		}
		r.nsPerOp = num(b["real_time"]) * mul
		for _, cn := range counterNames {
			if v, ok := b[cn]; ok {
				r.counters[cn] = num(v)
			}
		}
		d.rows = append(d.rows, r)
	}
	return nil
}

// readGopeer reads a gopeer CSV; rep as for readGbench.
func readGopeer(d *data, path string, rep int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: empty", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, need := range []string{"workload", "map", "threads", "rep", "status", "ns_per_op", "go_version", "note"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s: no column %q", path, need)
		}
	}
	for i, rec := range rows[1:] {
		threads, err1 := strconv.Atoi(rec[col["threads"]])
		fileRep, err2 := strconv.Atoi(rec[col["rep"]])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s:%d: bad threads or rep", path, i+2)
		}
		if rep >= 0 {
			fileRep = rep
		}
		r := row{impl: "go:" + rec[col["map"]], workload: rec[col["workload"]],
			threads: threads, rep: fileRep, status: rec[col["status"]],
			note: rec[col["note"]]}
		d.sawRep(r.rep)
		d.workloads = addOnce(d.workloads, r.workload)
		d.goMaps = addOnce(d.goMaps, r.impl)
		d.threads = addThreads(d.threads, threads)
		d.goVersion = rec[col["go_version"]]
		if r.status == "ok" {
			r.nsPerOp, err = strconv.ParseFloat(rec[col["ns_per_op"]], 64)
			if err != nil {
				return fmt.Errorf("%s:%d: bad ns_per_op %q", path, i+2, rec[col["ns_per_op"]])
			}
		}
		d.rows = append(d.rows, r)
	}
	return nil
}

// readPlan reads RAWDIR/plan.txt, lines of "key value" (reps, threads,
// impls, workloads, order, command), as bench/compare.sh writes it before
// measuring; a missing file is an empty plan.
func readPlan(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	plan := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			plan[k] = strings.TrimSpace(v)
		}
	}
	return plan, nil
}

var repDir = regexp.MustCompile(`^rep-([1-9][0-9]{0,5})$`)

// readRaw reads an interleaved run (see the package comment): rows rep
// by rep, workload by workload (the plan's order, then any others by
// name), C before Go.  It returns the repetitions that
// lack files, e.g. "rep-3 (2 of 4 files missing)", "rep-4 (absent)".
func readRaw(d *data, dir string) ([]string, error) {
	plan, err := readPlan(filepath.Join(dir, "plan.txt"))
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var reps []int
	for _, e := range ents {
		if m := repDir.FindStringSubmatch(e.Name()); m != nil && e.IsDir() {
			n, _ := strconv.Atoi(m[1])
			reps = append(reps, n)
		}
	}
	sort.Ints(reps)
	if len(reps) == 0 {
		return nil, fmt.Errorf("%s: no rep-N directories", dir)
	}
	// The workloads: the plan's, then any others found, by name.
	var planned, workloads []string
	if wl := plan["workloads"]; wl != "" {
		planned = strings.Fields(wl)
		workloads = append(workloads, planned...)
	}
	have := map[int]map[string]bool{} // rep -> file name -> present
	var found, gbFound, gpFound []string
	for _, n := range reps {
		have[n] = map[string]bool{}
		for _, kind := range []struct{ prefix, suffix string }{{"gbench-", ".json"}, {"gopeer-", ".csv"}} {
			files, err := filepath.Glob(filepath.Join(dir, fmt.Sprintf("rep-%d", n), kind.prefix+"*"+kind.suffix))
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				base := filepath.Base(f)
				have[n][base] = true
				w := strings.TrimSuffix(strings.TrimPrefix(base, kind.prefix), kind.suffix)
				found = addOnce(found, w)
				if kind.prefix == "gbench-" {
					gbFound = addOnce(gbFound, w)
				} else {
					gpFound = addOnce(gpFound, w)
				}
			}
		}
	}
	sort.Strings(found)
	for _, w := range found {
		workloads = addOnce(workloads, w)
	}
	for _, n := range reps {
		rd := filepath.Join(dir, fmt.Sprintf("rep-%d", n))
		for _, w := range workloads {
			if name := "gbench-" + w + ".json"; have[n][name] {
				if err := readGbench(d, filepath.Join(rd, name), n-1); err != nil {
					return nil, err
				}
			}
			if name := "gopeer-" + w + ".csv"; have[n][name] {
				if err := readGopeer(d, filepath.Join(rd, name), n-1); err != nil {
					return nil, err
				}
			}
		}
	}
	// What each repetition should hold: the plan's workloads on both
	// sides, or without a plan every workload some repetition has.
	var want []string
	if planned != nil {
		for _, w := range planned {
			want = append(want, "gbench-"+w+".json", "gopeer-"+w+".csv")
		}
	} else {
		for _, w := range gbFound {
			want = append(want, "gbench-"+w+".json")
		}
		for _, w := range gpFound {
			want = append(want, "gopeer-"+w+".csv")
		}
	}
	last := reps[len(reps)-1]
	if n, err := strconv.Atoi(plan["reps"]); err == nil && n > last {
		last = n
	}
	var incomplete []string
	for n := 1; n <= last; n++ {
		files, ok := have[n]
		if !ok {
			incomplete = append(incomplete, fmt.Sprintf("rep-%d (absent)", n))
			continue
		}
		missing := 0
		for _, f := range want {
			if !files[f] {
				missing++
			}
		}
		if missing > 0 {
			incomplete = append(incomplete, fmt.Sprintf("rep-%d (%d of %d files missing)", n, missing, len(want)))
		}
	}
	d.order = plan["order"]
	if d.order == "" {
		d.order = orderInterleaved
	}
	return incomplete, nil
}

// clean keeps a field fit for results.csv, which is written unquoted.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ',' || r == '"' || r == '\n' || r == '\r' {
			return ';'
		}
		return r
	}, s)
}

func writeSweep(d *data, dir, cmd string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("impl,workload,threads,rep,status,ns_per_op")
	for _, cn := range counterNames {
		b.WriteString("," + cn + "_per_op")
	}
	b.WriteString(",note\n")
	for _, r := range d.rows {
		ns := ""
		if r.status == "ok" {
			ns = strconv.FormatFloat(r.nsPerOp, 'g', 10, 64)
		}
		fmt.Fprintf(&b, "%s,%s,%d,%d,%s,%s", clean(r.impl), clean(r.workload),
			r.threads, r.rep+1, clean(r.status), ns)
		for _, cn := range counterNames {
			if v, ok := r.counters[cn]; ok {
				b.WriteString("," + strconv.FormatFloat(v, 'g', 10, 64))
			} else {
				b.WriteString(",")
			}
		}
		b.WriteString("," + clean(r.note) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "results.csv"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	var ctx map[string]interface{}
	_ = json.Unmarshal(d.context, &ctx)
	str := func(k string) interface{} {
		if v, ok := ctx[k]; ok {
			return v
		}
		return nil
	}
	meta := map[string]interface{}{
		"tool":         "bench/compare.sh",
		"date":         str("date"),
		"command_line": strings.Fields(cmd),
		"go_version":   d.goVersion,
		"c_impls":      d.cMaps,
		"reps":         d.reps,
		"order":        d.order,
		"options": map[string]interface{}{
			"threads": d.threads,
			"reps":    d.reps,
		},
		"machine": map[string]interface{}{
			"hostname":    str("host_name"),
			"cpus_online": str("num_cpus"),
			"mhz_per_cpu": str("mhz_per_cpu"),
		},
		"build": map[string]interface{}{
			"build_type":     str("mapbench_build_type"),
			"cflags":         str("mapbench_gbench_flags"),
			"gbench_library": str("library_build_type"),
			"git_commit":     gitCommit(str("mapbench_git_commit")),
			"git_dirty":      gitDirty(str("mapbench_git_dirty")),
		},
	}
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "meta.json"), append(raw, '\n'), 0o644)
}

// gitCommit and gitDirty give gbench's build/gitinfo strings the form
// mapbench's meta.json has (harness/sweep/sysinfo.c): a commit or null;
// true, false or "unknown".
func gitCommit(v interface{}) interface{} {
	if c, ok := v.(string); ok && c != "" {
		return c
	}
	return nil
}

func gitDirty(v interface{}) interface{} {
	switch v {
	case "1":
		return true
	case "0":
		return false
	}
	return "unknown"
}

// The baseline first, then the C maps, then the other Go maps.
func implOrder(d *data) []string {
	list := []string{goRef}
	for _, m := range d.cMaps {
		list = addOnce(list, m)
	}
	for _, m := range d.goMaps {
		list = addOnce(list, m)
	}
	return list
}

// ---- step 2: mapbench compare's CSV into markdown and plot data ----

type stat struct {
	n                   int
	median, lo, hi      string
	ratio, p, sig, note string
}

type key struct {
	workload string
	threads  string
	mapName  string
}

// readCompare reads `mapbench compare --format csv` output, keyed by
// workload, threads and map (the input's name with --impl).
func readCompare(path string) (map[key]stat, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, need := range []string{"workload", "threads", "name", "n", "median", "ci_lo", "ci_hi", "ratio", "p", "significant", "note"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, need)
		}
	}
	out := map[key]stat{}
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[col["n"]])
		out[key{r[col["workload"]], r[col["threads"]], r[col["name"]]}] = stat{
			n: n, median: r[col["median"]], lo: r[col["ci_lo"]], hi: r[col["ci_hi"]],
			ratio: r[col["ratio"]], p: r[col["p"]], sig: r[col["significant"]],
			note: r[col["note"]]}
	}
	return out, nil
}

// statuses reads DIR/sweep/results.csv for why a cell has no samples.
func statuses(path string) (map[key]string, []string, []string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, nil, nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	st := map[key]string{}
	var workloads, maps []string
	var threads []int
	for _, r := range rows[1:] {
		k := key{r[1], r[2], r[0]}
		workloads = addOnce(workloads, r[1])
		maps = addOnce(maps, r[0])
		t, _ := strconv.Atoi(r[2])
		threads = addThreads(threads, t)
		if st[k] != "ok" {
			st[k] = r[4]
		}
	}
	var ts []string
	for _, t := range threads {
		ts = append(ts, strconv.Itoa(t))
	}
	return st, workloads, maps, ts, nil
}

// fmtNs prints ns/op with 3 significant digits.
func fmtNs(s string) string {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

func report(dir, cmd string) error {
	cmp, err := readCompare(filepath.Join(dir, "comparison.csv"))
	if err != nil {
		return err
	}
	st, workloads, maps, threads, err := statuses(filepath.Join(dir, "sweep", "results.csv"))
	if err != nil {
		return err
	}
	order := []string{}
	for _, m := range maps {
		if !strings.HasPrefix(m, "go:") {
			order = append(order, m)
		}
	}
	for _, m := range maps {
		if strings.HasPrefix(m, "go:") {
			order = append(order, m)
		}
	}
	var cMaps []string
	for _, m := range order {
		if !strings.HasPrefix(m, "go:") {
			cMaps = append(cMaps, m)
		}
	}
	goVersion := ""
	var sweepMeta map[string]interface{}
	if raw, err := os.ReadFile(filepath.Join(dir, "sweep", "meta.json")); err == nil {
		if json.Unmarshal(raw, &sweepMeta) == nil {
			goVersion, _ = sweepMeta["go_version"].(string)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Go's sync.Map workloads: C maps vs Go maps\n\n")
	fmt.Fprintf(&b, "ns/op (one iteration of Go's benchmark body, wall time over all "+
		"threads' iterations): median over the repetitions, its 95%% confidence "+
		"interval in brackets (with 5 or fewer repetitions that is min–max, "+
		"which covers less: see comparison.txt).  `ratio` is a map's median "+
		"over Go's sync.Map median (< 1: faster than Go); `*` marks a "+
		"difference that `mapbench compare` finds significant (two-sided "+
		"Mann–Whitney U over the repetitions, p < 0.05), `~` one it does not.  "+
		"`n/a`: the Go toolchain's sync.Map lacks the methods (%s); `skip`: "+
		"skipped as in Go (DeepCopyMap is quadratic there).  Full statistics: "+
		"comparison.csv, comparison.txt.\n\n", goVersion)
	if cmd != "" {
		fmt.Fprintf(&b, "Command: `%s`\n\n", cmd)
	}
	for _, t := range threads {
		fmt.Fprintf(&b, "## %s thread(s)\n\n| workload |", t)
		for _, m := range order {
			fmt.Fprintf(&b, " %s |", m)
		}
		for _, m := range cMaps {
			fmt.Fprintf(&b, " %s ratio |", m)
		}
		b.WriteString("\n|---|")
		for range order {
			b.WriteString("---:|")
		}
		for range cMaps {
			b.WriteString("---:|")
		}
		b.WriteString("\n")
		for _, wl := range workloads {
			fmt.Fprintf(&b, "| %s |", wl)
			for _, m := range order {
				s, ok := cmp[key{wl, t, m}]
				switch {
				case ok && s.n > 0:
					fmt.Fprintf(&b, " %s [%s–%s] |", fmtNs(s.median), fmtNs(s.lo), fmtNs(s.hi))
				case st[key{wl, t, m}] == "unsupported":
					b.WriteString(" n/a |")
				case st[key{wl, t, m}] == "skipped":
					b.WriteString(" skip |")
				case st[key{wl, t, m}] == "":
					b.WriteString(" |")
				default:
					fmt.Fprintf(&b, " %s |", st[key{wl, t, m}])
				}
			}
			for _, m := range cMaps {
				s := cmp[key{wl, t, m}]
				if s.ratio == "" {
					b.WriteString(" |")
					continue
				}
				mark := "~"
				if s.sig == "true" {
					mark = "*"
				}
				r, _ := strconv.ParseFloat(s.ratio, 64)
				fmt.Fprintf(&b, " %.2f%s |", r, mark)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	// syncmap's own counters per op: medians from mapbench compare.
	b.WriteString("## syncmap counters per op (median over repetitions)\n\n| workload | threads |")
	counters := map[string]map[key]stat{}
	var have []string
	for _, cn := range counterNames {
		c, err := readCompare(filepath.Join(dir, "counters", cn+".csv"))
		if err != nil {
			continue
		}
		counters[cn] = c
		have = append(have, cn)
		fmt.Fprintf(&b, " %s |", cn)
	}
	b.WriteString("\n|---|---:|")
	for range have {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, wl := range workloads {
		for _, t := range threads {
			if s, ok := cmp[key{wl, t, "syncmap"}]; !ok || s.n == 0 {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s |", wl, t)
			for _, cn := range have {
				s := counters[cn][key{wl, t, "syncmap"}]
				if x, err := strconv.ParseFloat(s.median, 64); err == nil {
					fmt.Fprintf(&b, " %.4g |", x)
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "comparison.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	if err := writePlotData(cmp, workloads, order, threads, filepath.Join(dir, "plot")); err != nil {
		return err
	}
	var threadCounts []int
	for _, t := range threads {
		n, _ := strconv.Atoi(t)
		threadCounts = append(threadCounts, n)
	}
	meta := map[string]interface{}{
		"date":         time.Now().UTC().Format(time.RFC3339),
		"command":      cmd,
		"sweep":        "sweep/ (results.csv, meta.json)",
		"go_version":   goVersion,
		"c_impls":      sweepMeta["c_impls"],
		"order":        sweepMeta["order"],
		"reps":         sweepMeta["reps"],
		"threads":      threadCounts,
		"reference":    goRef,
		"significance": "mapbench compare: two-sided Mann-Whitney U over the repetitions (exact for small n), p < 0.05; medians with 95% order-statistic intervals",
	}
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "meta.json"), append(raw, '\n'), 0o644)
}

// writePlotData writes, per thread count, one row per workload: its name,
// then median, CI low and CI high of every map ("?" where none); and the
// syncmap / Go sync.Map ratios per thread count.
func writePlotData(cmp map[key]stat, workloads, maps, threads []string, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "maps.txt"),
		[]byte(strings.Join(maps, " ")+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "threads.txt"),
		[]byte(strings.Join(threads, " ")+"\n"), 0o644); err != nil {
		return err
	}
	q := func(s string) string {
		if s == "" {
			return "?"
		}
		return s
	}
	for _, t := range threads {
		var b strings.Builder
		b.WriteString("# workload")
		for _, m := range maps {
			fmt.Fprintf(&b, " %s_med %s_lo %s_hi", m, m, m)
		}
		b.WriteString("\n")
		for _, wl := range workloads {
			b.WriteString(wl)
			for _, m := range maps {
				s := cmp[key{wl, t, m}]
				fmt.Fprintf(&b, " %s %s %s", q(s.median), q(s.lo), q(s.hi))
			}
			b.WriteString("\n")
		}
		if err := os.WriteFile(filepath.Join(dir, "t"+t+".dat"), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("# workload")
	for _, t := range threads {
		fmt.Fprintf(&b, " ratio_t%s", t)
	}
	b.WriteString("\n")
	for _, wl := range workloads {
		b.WriteString(wl)
		for _, t := range threads {
			fmt.Fprintf(&b, " %s", q(cmp[key{wl, t, "syncmap"}].ratio))
		}
		b.WriteString("\n")
	}
	return os.WriteFile(filepath.Join(dir, "ratio.dat"), []byte(b.String()), 0o644)
}

// mergeGbench writes one gbench JSON report holding the benchmarks of
// every input in order, the first input's context as its context and
// every input's in "contexts" (each run's threads and CPUs):
// bench/compare.sh runs gbench once per thread count (each on its own CPU
// set) and keeps one report per workload and repetition.
func mergeGbench(out string, ins []string) error {
	var merged struct {
		Context    json.RawMessage   `json:"context"`
		Contexts   []json.RawMessage `json:"contexts"`
		Benchmarks []json.RawMessage `json:"benchmarks"`
	}
	merged.Benchmarks = []json.RawMessage{}
	for _, in := range ins {
		raw, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		var r struct {
			Context    json.RawMessage   `json:"context"`
			Benchmarks []json.RawMessage `json:"benchmarks"`
		}
		if err := json.Unmarshal(nanValue.ReplaceAll(raw, []byte(": null")), &r); err != nil {
			return fmt.Errorf("%s: %v", in, err)
		}
		if merged.Context == nil {
			merged.Context = r.Context
		}
		merged.Contexts = append(merged.Contexts, r.Context)
		merged.Benchmarks = append(merged.Benchmarks, r.Benchmarks...)
	}
	b, err := json.MarshalIndent(&merged, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

func main() {
	toSweep := flag.Bool("tosweep", false, "step 1: gbench + gopeer into OUT/sweep")
	merge := flag.String("merge", "", "write to this file one gbench JSON report of the reports given as arguments")
	doReport := flag.Bool("report", false, "step 2: OUT/comparison.csv into markdown and plot data")
	gb := flag.String("gbench", "", "gbench JSON report (--benchmark_out_format=json)")
	gp := flag.String("gopeer", "", "gopeer CSV output")
	rawDir := flag.String("raw", "", "an interleaved run's raw directory (rep-N/gbench-W.json, rep-N/gopeer-W.csv)")
	out := flag.String("out", "results/go-vs-c", "output directory")
	cmd := flag.String("cmd", "", "command line to record")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	switch {
	case *merge != "" && !*toSweep && !*doReport && flag.NArg() > 0:
		if err := mergeGbench(*merge, flag.Args()); err != nil {
			fail(err)
		}
	case *toSweep && *rawDir != "" && *gb == "" && *gp == "":
		d := &data{}
		incomplete, err := readRaw(d, *rawDir)
		if err != nil {
			fail(err)
		}
		if len(incomplete) > 0 {
			fmt.Fprintf(os.Stderr, "compare: warning: %s: incomplete repetitions (an interrupted run?): %s; "+
				"the tables have fewer repetitions for what they lack\n", *rawDir, strings.Join(incomplete, ", "))
		}
		if err := writeSweep(d, filepath.Join(*out, "sweep"), *cmd); err != nil {
			fail(err)
		}
		fmt.Println(strings.Join(implOrder(d), ","))
	case *toSweep && *rawDir == "" && *gb != "" && *gp != "":
		d := &data{order: orderSequential}
		for _, step := range []func() error{
			func() error { return readGbench(d, *gb, -1) },
			func() error { return readGopeer(d, *gp, -1) },
			func() error { return writeSweep(d, filepath.Join(*out, "sweep"), *cmd) },
		} {
			if err := step(); err != nil {
				fail(err)
			}
		}
		fmt.Println(strings.Join(implOrder(d), ","))
	case *doReport:
		if err := report(*out, *cmd); err != nil {
			fail(err)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: compare -tosweep -raw DIR [-out DIR] [-cmd TEXT]\n"+
			"       compare -merge OUT.json IN.json...\n"+
			"       compare -tosweep -gbench FILE.json -gopeer FILE.csv [-out DIR] [-cmd TEXT]\n"+
			"       compare -report [-out DIR] [-cmd TEXT]")
		os.Exit(2)
	}
}
