package metrics

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// scrape writes a registry as promhttp does (text format 0.0.4) and parses it back.
func scrape(t *testing.T, r *prometheus.Registry) (string, Scrape) {
	t.Helper()
	families, err := r.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, b.String())
	}
	return b.String(), s
}

// TestParseReadsWhatClientGolangWrites: counters with awkward label values, a counter without labels, a
// histogram (its buckets, +Inf, sum and count as the text lines show them) and a gauge come back with the
// values that were recorded, and Sum adds across the labels a question leaves open.
func TestParseReadsWhatClientGolangWrites(t *testing.T) {
	r := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_requests_total", Help: "Requests by route.\nSecond line \\ with a backslash."}, []string{"route", "class"})
	single := prometheus.NewCounter(prometheus.CounterOpts{Name: "zvp_sessions_started_total", Help: "Sessions started."})
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "zvp_duration_seconds", Help: "Durations.", Buckets: []float64{0.001, 0.01, 0.1}}, []string{"route"})
	gauge := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zvp_crl_usable", Help: "CRL usable."}, []string{"issuer"})
	r.MustRegister(requests, single, hist, gauge)

	requests.WithLabelValues("/patients/:id/access", "2xx").Add(3)
	requests.WithLabelValues("/", "4xx").Inc()
	requests.WithLabelValues(`odd "route"`+"\n"+`\x`, "5xx").Inc()
	single.Inc()
	for _, v := range []float64{0.0005, 0.001, 0.002, 0.05, 3} {
		hist.WithLabelValues("/").Observe(v)
	}
	gauge.WithLabelValues("CA b").Set(1)
	gauge.WithLabelValues("CA a").Set(0)

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
	if n := strings.Count(text, `zvp_duration_seconds_bucket{route="/",le="+Inf"}`); n != 1 {
		t.Errorf("%d +Inf buckets in the text, want 1", n)
	}
	if _, ok := s.Value("zvp_requests_total", "route", "/"); ok {
		t.Error("Value matched a series with more labels than asked for")
	}
	if got := s.Sum("zvp_requests_total"); got != 5 {
		t.Errorf("sum over all routes = %v, want 5", got)
	}
	if got := s.Sum("zvp_requests_total", "class", "4xx"); got != 1 {
		t.Errorf("sum of 4xx = %v, want 1", got)
	}
	if got := s.Sum("zvp_requests_total", "class", "1xx"); got != 0 {
		t.Errorf("sum of an absent class = %v, want 0", got)
	}
}

// TestParseRefusesWhatAScraperRefuses: a scrape that a Prometheus server would refuse is an ErrFormat,
// not a partial reading.
func TestParseRefusesWhatAScraperRefuses(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"bad metric name", "9abc 1\n"},
		{"no value", "abc\n"},
		{"value not a number", "abc one\n"},
		{"unterminated label", `abc{a="x} 1` + "\n"},
		{"bad escape", `abc{a="\t"} 1` + "\n"},
		{"type after samples", "abc 1\n# TYPE abc counter\n"},
		{"second type", "# TYPE abc counter\n# TYPE abc gauge\n"},
		{"unknown type", "# TYPE abc meter\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tt.text)); !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse(%q) = %v, want ErrFormat", tt.text, err)
			}
		})
	}
	ok := "# plain comment\n# HELP a x\n# TYPE a gauge\na{b=\"c\"} -Inf 1712345678000\na 2.5e-3\n"
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
