package metrics

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

func scrape(t *testing.T, r *Registry) (string, Scrape) {
	t.Helper()
	var b bytes.Buffer
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	s, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("own output does not parse: %v\n%s", err, b.String())
	}
	return b.String(), s
}

func TestExpositionRoundTrips(t *testing.T) {
	r := NewRegistry()
	requests := r.CounterVec("zvp_requests_total", "Requests by route.\nSecond line \\ with a backslash.", "route", "class")
	requests.With("/patients/:id/access", "2xx").Add(3)
	requests.With("/", "4xx").Inc()
	requests.With(`odd "route"`+"\n"+`\x`, "5xx").Inc()
	single := r.Counter("zvp_sessions_started_total", "Sessions started.")
	single.Inc()
	hist := r.HistogramVec("zvp_duration_seconds", "Durations.", []float64{0.001, 0.01, 0.1}, "route")
	h := hist.With("/")
	for _, v := range []float64{0.0005, 0.001, 0.002, 0.05, 3} {
		h.Observe(v)
	}
	r.Collect("zvp_crl_usable", "CRL usable.", GaugeType, func(emit Emit) {
		emit(1, "CA b")
		emit(0, "CA a")
	}, "issuer")

	text, s := scrape(t, r)
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"zvp_requests_total", []string{"route", "/patients/:id/access", "class", "2xx"}, 3},
		{"zvp_requests_total", []string{"route", "/", "class", "4xx"}, 1},
		{"zvp_requests_total", []string{"route", `odd "route"` + "\n" + `\x`, "class", "5xx"}, 1},
		{"zvp_sessions_started_total", nil, 1},
		{"zvp_duration_seconds_bucket", []string{"route", "/", "le", "0.001"}, 2}, // le is inclusive
		{"zvp_duration_seconds_bucket", []string{"route", "/", "le", "0.01"}, 3},
		{"zvp_duration_seconds_bucket", []string{"route", "/", "le", "0.1"}, 4},
		{"zvp_duration_seconds_bucket", []string{"route", "/", "le", "+Inf"}, 5},
		{"zvp_duration_seconds_count", []string{"route", "/"}, 5},
		{"zvp_duration_seconds_sum", []string{"route", "/"}, 3.0535},
		{"zvp_crl_usable", []string{"issuer", "CA a"}, 0},
		{"zvp_crl_usable", []string{"issuer", "CA b"}, 1},
	}
	for _, tt := range tests {
		got, ok := s.Value(tt.name, tt.labels...)
		if !ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s%v = %v (found %v), want %v\n%s", tt.name, tt.labels, got, ok, tt.want, text)
		}
	}
	for name, want := range map[string]Type{"zvp_requests_total": CounterType, "zvp_duration_seconds": HistogramType, "zvp_crl_usable": GaugeType} {
		if s.Types[name] != want {
			t.Errorf("type of %s = %q, want %q", name, s.Types[name], want)
		}
	}
	if !strings.Contains(text, `# HELP zvp_requests_total Requests by route.\nSecond line \\ with a backslash.`) {
		t.Errorf("help text not escaped:\n%s", text)
	}
	if strings.Index(text, `issuer="CA a"`) > strings.Index(text, `issuer="CA b"`) {
		t.Errorf("series are not sorted by label value:\n%s", text)
	}
	if got := s.Sum("zvp_requests_total"); got != 5 {
		t.Errorf("sum over all routes = %v, want 5", got)
	}
}

func TestParseRefusesWhatAScraperRefuses(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"bad metric name", "9abc 1\n"},
		{"no value", "abc\n"},
		{"value not a number", "abc one\n"},
		{"unterminated label", `abc{a="x} 1` + "\n"},
		{"bad escape", `abc{a="\t"} 1` + "\n"},
		{"label twice", `abc{a="x",a="y"} 1` + "\n"},
		{"type after samples", "abc 1\n# TYPE abc counter\n"},
		{"second type", "# TYPE abc counter\n# TYPE abc gauge\n"},
		{"unknown type", "# TYPE abc meter\n"},
		{"histogram without suffix", "# TYPE h histogram\nh 1\n"},
		{"bucket without le", "# TYPE h histogram\nh_bucket{a=\"b\"} 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tt.text)); !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse(%q) = %v, want ErrFormat", tt.text, err)
			}
		})
	}
	ok := "# plain comment\n# HELP a x\n# TYPE a gauge\na{b=\"c\"} -Inf 1712345678000\n\na 2.5e-3\n"
	s, err := Parse(strings.NewReader(ok))
	if err != nil {
		t.Fatalf("valid text refused: %v", err)
	}
	if v, _ := s.Value("a"); v != 0.0025 {
		t.Errorf("a = %v", v)
	}
	if v, _ := s.Value("a", "b", "c"); !math.IsInf(v, -1) {
		t.Errorf("a{b=c} = %v", v)
	}
}

func TestRegistryRefusesBadFamilies(t *testing.T) {
	tests := []struct {
		name string
		reg  func(r *Registry)
	}{
		{"bad name", func(r *Registry) { r.Counter("zvp-requests", "x") }},
		{"twice", func(r *Registry) { r.Counter("a", "x"); r.Counter("a", "y") }},
		{"le label", func(r *Registry) { r.CounterVec("a", "x", "le") }},
		{"too many labels", func(r *Registry) { r.CounterVec("a", "x", "a", "b", "c", "d", "e") }},
		{"unsorted buckets", func(r *Registry) { r.HistogramVec("h", "x", []float64{2, 1}) }},
		{"wrong label count", func(r *Registry) { r.CounterVec("a", "x", "route").With("a", "b") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tt.reg(NewRegistry())
		})
	}
}

// TestCountingAllocatesNothing: a request counts itself on the hot path; once its series exists that
// must cost no allocation.
func TestCountingAllocatesNothing(t *testing.T) {
	r := NewRegistry()
	c := r.CounterVec("c", "x", "method", "route", "class")
	h := r.HistogramVec("h", "x", []float64{0.001, 0.01}, "route")
	route := "/patients/:id/access"
	c.With("GET", route, "2xx").Inc()
	h.With(route).Observe(0.002)
	if n := testing.AllocsPerRun(100, func() {
		c.With("GET", route, "2xx").Inc()
		h.With(route).Observe(0.002)
	}); n != 0 {
		t.Fatalf("%v allocations per counted request", n)
	}
}

func TestConcurrentCountsAddUp(t *testing.T) {
	r := NewRegistry()
	c := r.CounterVec("c", "x", "w")
	h := r.HistogramVec("h", "x", []float64{1})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for range 1000 {
				c.With([]string{"even", "odd"}[w%2]).Inc()
				h.With().Observe(0.5)
			}
		})
	}
	for range 20 { // scrapes while counting
		scrape(t, r)
	}
	wg.Wait()
	_, s := scrape(t, r)
	if got := s.Sum("c"); got != 8000 {
		t.Errorf("counted %v, want 8000", got)
	}
	if got, _ := s.Value("h_sum"); got != 4000 {
		t.Errorf("histogram sum %v, want 4000", got)
	}
}

func TestProcessFigures(t *testing.T) {
	rss, err := ParseVmRSS("Name:\tzvp\nVmPeak:\t  9000 kB\nVmRSS:\t   51234 kB\nThreads:\t8\n")
	if err != nil || rss != 51234*1024 {
		t.Errorf("ParseVmRSS = %d, %v", rss, err)
	}
	if _, err := ParseVmRSS("Name:\tzvp\n"); !errors.Is(err, ErrNoProcessInfo) {
		t.Errorf("no VmRSS line: %v", err)
	}
	// A command name with spaces and parentheses must not shift the fields.
	stat := "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 9 0 100 0 0"
	cpu, err := ParseStatCPU(stat)
	if err != nil || cpu.Seconds() != 3 {
		t.Errorf("ParseStatCPU = %v, %v; want 3s (250 + 50 ticks)", cpu, err)
	}
	if own, err := ResidentMemory(os.Getpid()); err == nil && own <= 0 {
		t.Errorf("own resident memory = %d", own)
	}
}
