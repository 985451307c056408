// Command compare joins a gbench JSON report (C maps, Google Benchmark
// with repetitions) and a gopeer CSV (Go maps, one row per repetition)
// into a Go-vs-C table and gnuplot data.
//
//	compare -gbench gbench.json -gopeer gopeer.csv -out DIR [-cmd "..."]
//
// Writes DIR/comparison.csv, DIR/comparison.md, DIR/meta.json and the plot
// data DIR/plot/t<N>.dat and DIR/plot/ratio.dat (see plots/go-vs-c.gp).
// Every figure is ns/op (Go's op = one iteration of the workload body):
// the median over the repetitions with its min-max range.  A C map's
// difference from Go's sync.Map is called significant when a two-sided
// exact Mann-Whitney U test over the repetitions gives p < 0.05 (with 5
// repetitions a side the smallest possible p is 2/252 = 0.008).
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const goRef = "go:sync.Map" // the reference every map is compared with
const alpha = 0.05

var counterNames = []string{"promotions", "dirty_rebuilds", "entries_copied",
	"misses", "locked_ops", "map_ops"}

type key struct {
	workload string
	threads  int
	mapName  string
}

type cell struct {
	samples  []float64 // ns/op, one per repetition
	status   string    // ok, or why there are no samples
	note     string
	counters map[string][]float64 // per op, one per repetition
}

type data struct {
	cells     map[key]*cell
	workloads []string // Go's file order (gbench registers in that order)
	maps      []string // C impls in registry order, then Go maps
	threads   []int
	context   json.RawMessage
	goVersion string
}

func (d *data) get(k key) *cell {
	c := d.cells[k]
	if c == nil {
		c = &cell{counters: map[string][]float64{}}
		d.cells[k] = c
	}
	return c
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

func readGbench(d *data, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rep struct {
		Context    json.RawMessage          `json:"context"`
		Benchmarks []map[string]interface{} `json:"benchmarks"`
	}
	// Google Benchmark 1.7 writes bare NaN for some aggregates (the cv of
	// a counter that is always 0), which is not JSON.
	raw = nanValue.ReplaceAll(raw, []byte(": null"))
	if err := json.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	d.context = rep.Context
	for _, b := range rep.Benchmarks {
		if rt, _ := b["run_type"].(string); rt != "iteration" {
			continue // mean/median/stddev aggregates: we compute our own
		}
		name, _ := b["run_name"].(string)
		parts := strings.Split(name, "/")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "BM_") {
			continue
		}
		wl, impl := strings.TrimPrefix(parts[0], "BM_"), parts[1]
		threads := int(num(b["threads"]))
		k := key{wl, threads, impl}
		d.workloads = addOnce(d.workloads, wl)
		d.maps = addOnce(d.maps, impl)
		d.threads = addThreads(d.threads, threads)
		c := d.get(k)
		if e, _ := b["error_occurred"].(bool); e {
			c.status = "error"
			c.note, _ = b["error_message"].(string)
			continue
		}
		unit, _ := b["time_unit"].(string)
		mul, ok := unitNs[unit]
		if !ok {
			return fmt.Errorf("%s: %s: unknown time_unit %q", path, name, unit)
		}
		c.status = "ok"
		c.samples = append(c.samples, num(b["real_time"])*mul)
		for _, cn := range counterNames {
			if v, ok := b[cn]; ok {
				c.counters[cn] = append(c.counters[cn], num(v))
			}
		}
	}
	return nil
}

func num(v interface{}) float64 {
	f, _ := v.(float64)
	return f
}

func readGopeer(d *data, path string) error {
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
	for _, need := range []string{"workload", "map", "threads", "status", "ns_per_op", "go_version", "note"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s: no column %q", path, need)
		}
	}
	var goMaps []string
	for _, r := range rows[1:] {
		threads, _ := strconv.Atoi(r[col["threads"]])
		m := "go:" + r[col["map"]]
		k := key{r[col["workload"]], threads, m}
		d.workloads = addOnce(d.workloads, k.workload)
		goMaps = addOnce(goMaps, m)
		d.threads = addThreads(d.threads, threads)
		d.goVersion = r[col["go_version"]]
		c := d.get(k)
		st := r[col["status"]]
		if st != "ok" {
			if c.status != "ok" {
				c.status, c.note = st, r[col["note"]]
			}
			continue
		}
		ns, err := strconv.ParseFloat(r[col["ns_per_op"]], 64)
		if err != nil {
			return fmt.Errorf("%s: bad ns_per_op %q", path, r[col["ns_per_op"]])
		}
		c.status = "ok"
		c.samples = append(c.samples, ns)
	}
	for _, m := range goMaps {
		d.maps = addOnce(d.maps, m)
	}
	return nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minMax(xs []float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// mannWhitney returns the two-sided exact p-value of the Mann-Whitney U
// test of a against b, with midranks for ties (the exact null
// distribution is the no-ties one, rounded conservatively).
func mannWhitney(a, b []float64) float64 {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return math.NaN()
	}
	type obs struct {
		v     float64
		fromA bool
	}
	all := make([]obs, 0, n1+n2)
	for _, v := range a {
		all = append(all, obs{v, true})
	}
	for _, v := range b {
		all = append(all, obs{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	r1 := 0.0
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].fromA {
				r1 += mid
			}
		}
		i = j
	}
	u := r1 - float64(n1*(n1+1))/2
	// count[m][n][u]: arrangements of m a's and n b's with statistic u.
	dist := uDistribution(n1, n2)
	total := 0.0
	for _, c := range dist {
		total += c
	}
	lo, hi := 0.0, 0.0
	for x, c := range dist {
		if float64(x) <= math.Floor(u) {
			lo += c
		}
		if float64(x) >= math.Ceil(u) {
			hi += c
		}
	}
	return math.Min(1, 2*math.Min(lo, hi)/total)
}

func uDistribution(n1, n2 int) []float64 {
	// f[m][n] is the distribution of U for m and n observations.
	f := make([][][]float64, n1+1)
	for m := 0; m <= n1; m++ {
		f[m] = make([][]float64, n2+1)
		for n := 0; n <= n2; n++ {
			f[m][n] = make([]float64, m*n+1)
			switch {
			case m == 0 || n == 0:
				f[m][n][0] = 1
			default:
				// The largest observation is an a (adds n to U) or a b.
				for u := 0; u <= m*n; u++ {
					if u-n >= 0 && u-n <= (m-1)*n {
						f[m][n][u] += f[m-1][n][u-n]
					}
					if u <= m*(n-1) {
						f[m][n][u] += f[m][n-1][u]
					}
				}
			}
		}
	}
	return f[n1][n2]
}

type summary struct {
	ok           bool
	med, lo, hi  float64
	n            int
	ratio, p     float64
	significant  bool
	overlap      bool
	counters     map[string]float64
	status, note string
}

func summarize(d *data, k key) summary {
	c := d.cells[k]
	s := summary{ratio: math.NaN(), p: math.NaN(), counters: map[string]float64{}}
	if c == nil {
		s.status = "missing"
		return s
	}
	s.status, s.note = c.status, c.note
	if c.status != "ok" || len(c.samples) == 0 {
		return s
	}
	s.ok, s.n = true, len(c.samples)
	s.med = median(c.samples)
	s.lo, s.hi = minMax(c.samples)
	for cn, xs := range c.counters {
		s.counters[cn] = median(xs)
	}
	ref := d.cells[key{k.workload, k.threads, goRef}]
	if k.mapName != goRef && ref != nil && ref.status == "ok" && len(ref.samples) > 0 {
		s.ratio = s.med / median(ref.samples)
		s.p = mannWhitney(c.samples, ref.samples)
		s.significant = s.p < alpha
		rlo, rhi := minMax(ref.samples)
		s.overlap = !(s.hi < rlo || s.lo > rhi)
	}
	return s
}

func fmtF(x float64, prec int) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// fmtNs prints ns/op with 3 significant digits.
func fmtNs(x float64) string {
	switch {
	case x >= 100:
		return fmtF(x, 0)
	case x >= 10:
		return fmtF(x, 1)
	default:
		return fmtF(x, 2)
	}
}

func writeCSV(d *data, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	head := []string{"workload", "threads", "map", "side", "status", "reps",
		"median_ns", "min_ns", "max_ns", "ratio_to_go_syncmap",
		"p_mann_whitney", "significant", "ranges_overlap"}
	for _, cn := range counterNames {
		head = append(head, cn+"_per_op")
	}
	head = append(head, "note")
	w.Write(head)
	for _, t := range d.threads {
		for _, wl := range d.workloads {
			for _, m := range d.maps {
				s := summarize(d, key{wl, t, m})
				side := "c"
				if strings.HasPrefix(m, "go:") {
					side = "go"
				}
				rec := []string{wl, strconv.Itoa(t), m, side, s.status,
					strconv.Itoa(s.n), "", "", "", fmtF(s.ratio, 4),
					fmtF(s.p, 4), "", ""}
				if s.ok {
					rec[6], rec[7], rec[8] = fmtF(s.med, 3), fmtF(s.lo, 3), fmtF(s.hi, 3)
					if !math.IsNaN(s.p) {
						rec[11] = strconv.FormatBool(s.significant)
						rec[12] = strconv.FormatBool(s.overlap)
					}
				}
				for _, cn := range counterNames {
					v, ok := s.counters[cn]
					if ok {
						rec = append(rec, fmtF(v, 6))
					} else {
						rec = append(rec, "")
					}
				}
				rec = append(rec, s.note)
				w.Write(rec)
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeMarkdown(d *data, path, cmd string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Go's sync.Map workloads: C maps vs Go maps\n\n")
	fmt.Fprintf(&b, "ns/op (one iteration of Go's benchmark body, wall time over all "+
		"threads' iterations): median over the repetitions, min–max in "+
		"brackets.  `ratio` is a C map's median over Go's sync.Map median "+
		"(< 1: C is faster); `*` marks a difference that is significant at "+
		"p < %.2f by a two-sided exact Mann–Whitney U test over the "+
		"repetitions.  `n/a`: the Go toolchain's sync.Map lacks the "+
		"methods (%s); `skip`: skipped as in Go (DeepCopyMap is quadratic "+
		"there).\n\n", alpha, d.goVersion)
	if cmd != "" {
		fmt.Fprintf(&b, "Command: `%s`\n\n", cmd)
	}
	var cMaps []string
	for _, m := range d.maps {
		if !strings.HasPrefix(m, "go:") {
			cMaps = append(cMaps, m)
		}
	}
	for _, t := range d.threads {
		fmt.Fprintf(&b, "## %d thread(s)\n\n| workload |", t)
		for _, m := range d.maps {
			fmt.Fprintf(&b, " %s |", m)
		}
		for _, m := range cMaps {
			fmt.Fprintf(&b, " %s ratio |", m)
		}
		b.WriteString("\n|---|")
		for range d.maps {
			b.WriteString("---:|")
		}
		for range cMaps {
			b.WriteString("---:|")
		}
		b.WriteString("\n")
		for _, wl := range d.workloads {
			fmt.Fprintf(&b, "| %s |", wl)
			for _, m := range d.maps {
				s := summarize(d, key{wl, t, m})
				switch {
				case s.ok:
					fmt.Fprintf(&b, " %s [%s–%s] |", fmtNs(s.med), fmtNs(s.lo), fmtNs(s.hi))
				case s.status == "unsupported":
					b.WriteString(" n/a |")
				case s.status == "skipped":
					b.WriteString(" skip |")
				default:
					fmt.Fprintf(&b, " %s |", s.status)
				}
			}
			for _, m := range cMaps {
				s := summarize(d, key{wl, t, m})
				if math.IsNaN(s.ratio) {
					b.WriteString(" |")
					continue
				}
				star := ""
				if s.significant {
					star = "*"
				}
				fmt.Fprintf(&b, " %s%s |", fmtF(s.ratio, 2), star)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	// The C syncmap's internal counters, per op (median over repetitions).
	b.WriteString("## syncmap counters per op (median over repetitions)\n\n")
	b.WriteString("| workload | threads |")
	for _, cn := range counterNames {
		fmt.Fprintf(&b, " %s |", cn)
	}
	b.WriteString("\n|---|---:|")
	for range counterNames {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, wl := range d.workloads {
		for _, t := range d.threads {
			s := summarize(d, key{wl, t, "syncmap"})
			if !s.ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %d |", wl, t)
			for _, cn := range counterNames {
				if v, ok := s.counters[cn]; ok {
					fmt.Fprintf(&b, " %.4g |", v)
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writePlotData writes, per thread count, one row per workload: its name,
// then median, min and max ns/op of every map ("?" where none); and the
// syncmap / Go sync.Map ratios per thread count.
func writePlotData(d *data, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var maps strings.Builder
	for _, m := range d.maps {
		maps.WriteString(m + " ")
	}
	if err := os.WriteFile(filepath.Join(dir, "maps.txt"),
		[]byte(strings.TrimSpace(maps.String())+"\n"), 0o644); err != nil {
		return err
	}
	var ts strings.Builder
	for _, t := range d.threads {
		ts.WriteString(strconv.Itoa(t) + " ")
	}
	if err := os.WriteFile(filepath.Join(dir, "threads.txt"),
		[]byte(strings.TrimSpace(ts.String())+"\n"), 0o644); err != nil {
		return err
	}
	q := func(x float64, ok bool) string {
		if !ok || math.IsNaN(x) {
			return "?"
		}
		return fmtF(x, 4)
	}
	for _, t := range d.threads {
		var b strings.Builder
		b.WriteString("# workload")
		for _, m := range d.maps {
			fmt.Fprintf(&b, " %s_med %s_min %s_max", m, m, m)
		}
		b.WriteString("\n")
		for _, wl := range d.workloads {
			b.WriteString(wl)
			for _, m := range d.maps {
				s := summarize(d, key{wl, t, m})
				fmt.Fprintf(&b, " %s %s %s", q(s.med, s.ok), q(s.lo, s.ok), q(s.hi, s.ok))
			}
			b.WriteString("\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.dat", t)),
			[]byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("# workload")
	for _, t := range d.threads {
		fmt.Fprintf(&b, " ratio_t%d", t)
	}
	b.WriteString("\n")
	for _, wl := range d.workloads {
		b.WriteString(wl)
		for _, t := range d.threads {
			s := summarize(d, key{wl, t, "syncmap"})
			fmt.Fprintf(&b, " %s", q(s.ratio, s.ok))
		}
		b.WriteString("\n")
	}
	return os.WriteFile(filepath.Join(dir, "ratio.dat"), []byte(b.String()), 0o644)
}

func writeMeta(d *data, path, cmd, gbenchPath, gopeerPath string) error {
	meta := map[string]interface{}{
		"date":           time.Now().UTC().Format(time.RFC3339),
		"command":        cmd,
		"gbench_json":    gbenchPath,
		"gopeer_csv":     gopeerPath,
		"go_version":     d.goVersion,
		"reference":      goRef,
		"significance":   fmt.Sprintf("two-sided exact Mann-Whitney U, p < %.2f", alpha),
		"gbench_context": d.context,
	}
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

func main() {
	gb := flag.String("gbench", "", "gbench JSON report (--benchmark_out_format=json)")
	gp := flag.String("gopeer", "", "gopeer CSV output")
	out := flag.String("out", "results/go-vs-c", "output directory")
	cmd := flag.String("cmd", "", "command line to record")
	flag.Parse()
	if *gb == "" || *gp == "" {
		fmt.Fprintln(os.Stderr, "usage: compare -gbench FILE.json -gopeer FILE.csv [-out DIR] [-cmd TEXT]")
		os.Exit(2)
	}
	d := &data{cells: map[key]*cell{}}
	for _, step := range []func() error{
		func() error { return readGbench(d, *gb) },
		func() error { return readGopeer(d, *gp) },
		func() error { return os.MkdirAll(*out, 0o755) },
		func() error { return writeCSV(d, filepath.Join(*out, "comparison.csv")) },
		func() error { return writeMarkdown(d, filepath.Join(*out, "comparison.md"), *cmd) },
		func() error { return writePlotData(d, filepath.Join(*out, "plot")) },
		func() error { return writeMeta(d, filepath.Join(*out, "meta.json"), *cmd, *gb, *gp) },
	} {
		if err := step(); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
	}
}
