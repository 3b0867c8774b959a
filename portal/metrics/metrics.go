// Package metrics keeps the portal's counters and histograms and writes them in the Prometheus text
// exposition format (version 0.0.4), by hand: the format is a few lines of text per series, which does not
// justify a client library and its dependencies. Parse reads the format back, for tests and for the load
// command, which reads the portal's counters before and after a run.
//
// The hot path (a request counting itself) takes no lock and allocates nothing once a series exists:
// series are found in maps keyed by fixed-size arrays of label values, and values are atomics.
package metrics

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// MaxLabels is the most labels a family may have; series are keyed by an array of this size so that
// finding one allocates nothing.
const MaxLabels = 4

// Type is the Prometheus type of a family.
type Type string

// The types the portal exposes.
const (
	CounterType   Type = "counter"
	GaugeType     Type = "gauge"
	HistogramType Type = "histogram"
)

var namePattern = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// family is one metric family: the registry writes its HELP and TYPE lines and then its series.
type family interface {
	write(b *bytes.Buffer)
}

// Registry holds the families in the order they were registered and writes them all on a scrape.
type Registry struct {
	mu       sync.Mutex
	names    map[string]bool
	families []family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{names: map[string]bool{}}
}

func (r *Registry) register(name string, labels []string, f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !namePattern.MatchString(name) {
		panic(fmt.Sprintf("metrics: %q is not a metric name", name))
	}
	if r.names[name] {
		panic(fmt.Sprintf("metrics: %s registered twice", name))
	}
	if len(labels) > MaxLabels {
		panic(fmt.Sprintf("metrics: %s has more than %d labels", name, MaxLabels))
	}
	for _, l := range labels {
		if !namePattern.MatchString(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic(fmt.Sprintf("metrics: %s: %q is not a label name", name, l))
		}
	}
	r.names[name] = true
	r.families = append(r.families, f)
}

// WriteTo writes every family in the text exposition format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	families := slices.Clone(r.families)
	r.mu.Unlock()
	var b bytes.Buffer
	for _, f := range families {
		f.write(&b)
	}
	return b.WriteTo(w)
}

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// labelKey is the map key of a series: its label values in the family's label order.
type labelKey [MaxLabels]string

func keyOf(labels []string, values []string) labelKey {
	if len(values) != len(labels) {
		panic(fmt.Sprintf("metrics: %d label values for labels %v", len(values), labels))
	}
	var k labelKey
	copy(k[:], values)
	return k
}

// header writes the HELP and TYPE lines of a family.
func header(b *bytes.Buffer, name, help string, t Type) {
	b.WriteString("# HELP ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(escapeHelp(help))
	b.WriteString("\n# TYPE ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(string(t))
	b.WriteByte('\n')
}

// sample writes one line: name{labels} value. extra is an additional label (le of a histogram bucket).
func sample(b *bytes.Buffer, name string, labels []string, k labelKey, extraName, extraValue string, v float64) {
	b.WriteString(name)
	if len(labels) > 0 || extraName != "" {
		b.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(l)
			b.WriteString(`="`)
			b.WriteString(escapeLabel(k[i]))
			b.WriteByte('"')
		}
		if extraName != "" {
			if len(labels) > 0 {
				b.WriteByte(',')
			}
			b.WriteString(extraName)
			b.WriteString(`="`)
			b.WriteString(extraValue)
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(FormatValue(v))
	b.WriteByte('\n')
}

// FormatValue writes a sample value as the format wants it: shortest decimal, +Inf, -Inf, NaN.
func FormatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// sortedKeys returns the keys of a series map in label order, so that scrapes are stable and diffable.
func sortedKeys[V any](m map[labelKey]V) []labelKey {
	keys := make([]labelKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		for n := range MaxLabels {
			if keys[i][n] != keys[j][n] {
				return keys[i][n] < keys[j][n]
			}
		}
		return false
	})
	return keys
}

// Counter is a value that only goes up.
type Counter struct{ v atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.v.Load() }

// CounterVec is a counter per combination of label values, such as requests per route and status class.
type CounterVec struct {
	name, help string
	labels     []string
	mu         sync.RWMutex
	series     map[labelKey]*Counter
}

// CounterVec registers a counter family with labels (none for a single counter: use With()).
func (r *Registry) CounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{name: name, help: help, labels: labels, series: map[labelKey]*Counter{}}
	r.register(name, labels, c)
	return c
}

// Counter registers a counter without labels.
func (r *Registry) Counter(name, help string) *Counter {
	return r.CounterVec(name, help).With()
}

// With returns the counter of these label values, creating it (at zero) on first use.
func (c *CounterVec) With(values ...string) *Counter {
	k := keyOf(c.labels, values)
	c.mu.RLock()
	s, ok := c.series[k]
	c.mu.RUnlock()
	if ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok = c.series[k]; !ok {
		s = &Counter{}
		c.series[k] = s
	}
	return s
}

func (c *CounterVec) write(b *bytes.Buffer) {
	header(b, c.name, c.help, CounterType)
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, k := range sortedKeys(c.series) {
		sample(b, c.name, c.labels, k, "", "", float64(c.series[k].Value()))
	}
}

// HistogramVec counts observations (durations, in seconds) into fixed buckets, per combination of label
// values.
type HistogramVec struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.RWMutex
	series     map[labelKey]*Histogram
}

// Histogram is one series of a HistogramVec.
type Histogram struct {
	buckets []float64
	counts  []atomic.Uint64 // per bucket, not cumulative; the last one is +Inf
	sumBits atomic.Uint64
	count   atomic.Uint64
}

// HistogramVec registers a histogram family with the given bucket upper bounds (ascending; +Inf is
// implied).
func (r *Registry) HistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	if !slices.IsSorted(buckets) || len(buckets) == 0 {
		panic(fmt.Sprintf("metrics: %s: buckets must be ascending and not empty", name))
	}
	h := &HistogramVec{name: name, help: help, labels: labels, buckets: slices.Clone(buckets), series: map[labelKey]*Histogram{}}
	r.register(name, labels, h)
	return h
}

// With returns the histogram of these label values, creating it on first use.
func (h *HistogramVec) With(values ...string) *Histogram {
	k := keyOf(h.labels, values)
	h.mu.RLock()
	s, ok := h.series[k]
	h.mu.RUnlock()
	if ok {
		return s
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok = h.series[k]; !ok {
		s = &Histogram{buckets: h.buckets, counts: make([]atomic.Uint64, len(h.buckets)+1)}
		h.series[k] = s
	}
	return s
}

// Observe records one value.
func (s *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(s.buckets, v) // first bucket with bound >= v: "le" is inclusive
	s.counts[i].Add(1)
	s.count.Add(1)
	for {
		old := s.sumBits.Load()
		if s.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Count returns the number of observations.
func (s *Histogram) Count() uint64 { return s.count.Load() }

func (h *HistogramVec) write(b *bytes.Buffer) {
	header(b, h.name, h.help, HistogramType)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, k := range sortedKeys(h.series) {
		s := h.series[k]
		var cumulative uint64
		for i, bound := range h.buckets {
			cumulative += s.counts[i].Load()
			sample(b, h.name+"_bucket", h.labels, k, "le", FormatValue(bound), float64(cumulative))
		}
		cumulative += s.counts[len(h.buckets)].Load()
		sample(b, h.name+"_bucket", h.labels, k, "le", "+Inf", float64(cumulative))
		sample(b, h.name+"_sum", h.labels, k, "", "", math.Float64frombits(s.sumBits.Load()))
		// The count is the +Inf bucket, read once, so that the two can never disagree in one scrape.
		sample(b, h.name+"_count", h.labels, k, "", "", float64(cumulative))
	}
}

// Emit hands one value of a collected family to the registry, with its label values.
type Emit func(value float64, labelValues ...string)

// collected is a family whose values are read at scrape time from elsewhere: the runtime, the access
// log's counters, the CRLs.
type collected struct {
	name, help string
	typ        Type
	labels     []string
	collect    func(emit Emit)
}

// Collect registers a family whose values fn produces at every scrape. It suits values that live
// elsewhere (runtime statistics, the CRL status) and counters kept by another package.
func (r *Registry) Collect(name, help string, t Type, fn func(emit Emit), labels ...string) {
	r.register(name, labels, &collected{name: name, help: help, typ: t, labels: labels, collect: fn})
}

func (c *collected) write(b *bytes.Buffer) {
	header(b, c.name, c.help, c.typ)
	series := map[labelKey]float64{}
	c.collect(func(v float64, values ...string) { series[keyOf(c.labels, values)] = v })
	for _, k := range sortedKeys(series) {
		sample(b, c.name, c.labels, k, "", "", series[k])
	}
}
