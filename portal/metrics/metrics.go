// Package metrics reads what the portal exposes on its operations listener: Parse reads a scrape of
// /metrics with the Prometheus project's own text parser (prometheus/common/expfmt), for the tests and for
// the load command, which reads the portal's counters before and after a run. The portal writes its
// metrics with prometheus/client_golang (see portal/ops.go); this package only reads them back, plus the
// figures of another process (resident memory, CPU time) that the load command takes from /proc.
package metrics

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// ErrFormat means a scrape is not valid text exposition format.
var ErrFormat = errors.New("not in the Prometheus text format")

// Sample is one value of a scrape: a series name (a histogram's _bucket, _sum and _count are series of
// their own, as in the text format), its labels, and the value.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// Scrape is a parsed exposition: the families as expfmt parsed them, and their samples flattened so that
// a test or the load command can ask for one value or a sum without walking protocol buffers.
type Scrape struct {
	Families map[string]*dto.MetricFamily
	Samples  []Sample
}

// Parse reads the text exposition format with expfmt's parser, which refuses what a Prometheus server
// refuses (a malformed line, a second TYPE, a sample before its family's TYPE, a bucket without le).
func Parse(r io.Reader) (Scrape, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return Scrape{}, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	s := Scrape{Families: families}
	for _, name := range slices.Sorted(maps.Keys(families)) {
		s.Samples = append(s.Samples, flatten(families[name])...)
	}
	return s, nil
}

// flatten turns a family into the samples its text lines showed.
func flatten(f *dto.MetricFamily) []Sample {
	var out []Sample
	name := f.GetName()
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		with := func(extra, value string) map[string]string {
			c := maps.Clone(labels)
			c[extra] = value
			return c
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			out = append(out, Sample{name, labels, m.GetCounter().GetValue()})
		case dto.MetricType_GAUGE:
			out = append(out, Sample{name, labels, m.GetGauge().GetValue()})
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			h := m.GetHistogram()
			infinite := false
			for _, b := range h.GetBucket() {
				infinite = infinite || math.IsInf(b.GetUpperBound(), 1)
				out = append(out, Sample{name + "_bucket", with("le", leValue(b.GetUpperBound())), float64(b.GetCumulativeCount())})
			}
			if !infinite { // a writer may leave the +Inf bucket out: it is the count
				out = append(out, Sample{name + "_bucket", with("le", "+Inf"), float64(h.GetSampleCount())})
			}
			out = append(out, Sample{name + "_sum", labels, h.GetSampleSum()})
			out = append(out, Sample{name + "_count", labels, float64(h.GetSampleCount())})
		case dto.MetricType_SUMMARY:
			sm := m.GetSummary()
			for _, q := range sm.GetQuantile() {
				out = append(out, Sample{name, with("quantile", leValue(q.GetQuantile())), q.GetValue()})
			}
			out = append(out, Sample{name + "_sum", labels, sm.GetSampleSum()})
			out = append(out, Sample{name + "_count", labels, float64(sm.GetSampleCount())})
		default:
			out = append(out, Sample{name, labels, m.GetUntyped().GetValue()})
		}
	}
	return out
}

// leValue writes a bucket bound as the text format does: shortest decimal, +Inf.
func leValue(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Value returns the value of the sample with this name and exactly these labels (name, value, name,
// value, ...), and whether there is one.
func (s Scrape) Value(name string, labels ...string) (float64, bool) {
	for _, smp := range s.Samples {
		if smp.Name == name && len(smp.Labels) == len(labels)/2 && smp.has(labels) {
			return smp.Value, true
		}
	}
	return 0, false
}

// Sum adds the values of every sample with this name whose labels include the given pairs; it reads a
// counter across the labels that do not matter to the question (all routes, all reasons).
func (s Scrape) Sum(name string, labels ...string) float64 {
	var total float64
	for _, smp := range s.Samples {
		if smp.Name == name && smp.has(labels) {
			total += smp.Value
		}
	}
	return total
}

// has reports whether the sample carries every name/value pair.
func (smp Sample) has(pairs []string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if v, ok := smp.Labels[pairs[i]]; !ok || v != pairs[i+1] {
			return false
		}
	}
	return true
}
