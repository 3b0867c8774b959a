package metrics

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrFormat means a scrape is not valid text exposition format.
var ErrFormat = errors.New("not in the Prometheus text format")

// Sample is one parsed line: a metric name, its labels in the order written, and the value.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// Scrape is a parsed exposition: the samples in order and the declared type of every family.
type Scrape struct {
	Samples []Sample
	Types   map[string]Type
}

// Parse reads the text exposition format strictly enough to catch what a scraper would refuse: HELP and
// TYPE lines before the family's samples and at most once, valid metric and label names, quoted and
// escaped label values, numeric values, histogram series that belong to a declared histogram.
func Parse(r io.Reader) (Scrape, error) {
	s := Scrape{Types: map[string]Type{}}
	seenSamples := map[string]bool{}
	help := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			fields := strings.SplitN(text, " ", 4)
			if len(fields) < 3 || (fields[1] != "HELP" && fields[1] != "TYPE") {
				continue // a plain comment
			}
			name := fields[2]
			if !namePattern.MatchString(name) {
				return Scrape{}, fmt.Errorf("%w: line %d: %q is not a metric name", ErrFormat, line, name)
			}
			if seenSamples[name] {
				return Scrape{}, fmt.Errorf("%w: line %d: %s %s after its samples", ErrFormat, line, fields[1], name)
			}
			if fields[1] == "HELP" {
				if help[name] {
					return Scrape{}, fmt.Errorf("%w: line %d: second HELP for %s", ErrFormat, line, name)
				}
				help[name] = true
				continue
			}
			if len(fields) != 4 {
				return Scrape{}, fmt.Errorf("%w: line %d: TYPE without a type", ErrFormat, line)
			}
			t := Type(fields[3])
			switch t {
			case CounterType, GaugeType, HistogramType, "summary", "untyped":
			default:
				return Scrape{}, fmt.Errorf("%w: line %d: unknown type %q", ErrFormat, line, t)
			}
			if _, dup := s.Types[name]; dup {
				return Scrape{}, fmt.Errorf("%w: line %d: second TYPE for %s", ErrFormat, line, name)
			}
			s.Types[name] = t
			continue
		}
		smp, err := parseSample(text)
		if err != nil {
			return Scrape{}, fmt.Errorf("%w: line %d: %v", ErrFormat, line, err)
		}
		family := smp.Name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(smp.Name, suffix); ok && s.Types[base] == HistogramType {
				family = base
			}
		}
		if s.Types[family] == HistogramType && family == smp.Name {
			return Scrape{}, fmt.Errorf("%w: line %d: histogram %s without _bucket, _sum or _count", ErrFormat, line, family)
		}
		if strings.HasSuffix(smp.Name, "_bucket") && family != smp.Name {
			if _, ok := smp.Labels["le"]; !ok {
				return Scrape{}, fmt.Errorf("%w: line %d: bucket without le", ErrFormat, line)
			}
		}
		seenSamples[family] = true
		s.Samples = append(s.Samples, smp)
	}
	if err := sc.Err(); err != nil {
		return Scrape{}, err
	}
	return s, nil
}

func parseSample(text string) (Sample, error) {
	smp := Sample{Labels: map[string]string{}}
	i := strings.IndexAny(text, "{ ")
	if i < 0 {
		return Sample{}, fmt.Errorf("no value in %q", text)
	}
	smp.Name = text[:i]
	if !namePattern.MatchString(smp.Name) {
		return Sample{}, fmt.Errorf("%q is not a metric name", smp.Name)
	}
	rest := text[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq < 0 {
				return Sample{}, fmt.Errorf("label without value in %q", text)
			}
			name := rest[:eq]
			if !namePattern.MatchString(name) {
				return Sample{}, fmt.Errorf("%q is not a label name", name)
			}
			rest = rest[eq+2:]
			var value strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '\\' && j+1 < len(rest) {
					j++
					switch rest[j] {
					case 'n':
						value.WriteByte('\n')
					case '\\', '"':
						value.WriteByte(rest[j])
					default:
						return Sample{}, fmt.Errorf("bad escape \\%c in label %s", rest[j], name)
					}
					continue
				}
				if c == '"' {
					rest, closed = rest[j+1:], true
					break
				}
				value.WriteByte(c)
			}
			if !closed {
				return Sample{}, fmt.Errorf("unterminated value of label %s", name)
			}
			if _, dup := smp.Labels[name]; dup {
				return Sample{}, fmt.Errorf("label %s twice", name)
			}
			smp.Labels[name] = value.String()
			rest = strings.TrimPrefix(rest, ",")
		}
	}
	fields := strings.Fields(rest)
	if len(fields) < 1 || len(fields) > 2 || !strings.HasPrefix(rest, " ") {
		return Sample{}, fmt.Errorf("want one value (and a timestamp) in %q", text)
	}
	v, err := parseValue(fields[0])
	if err != nil {
		return Sample{}, err
	}
	smp.Value = v
	return smp, nil
}

func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", s)
	}
	return v, nil
}

// Value returns the value of the sample with this name and exactly these labels (name, value, name,
// value, ...), and whether there is one.
func (s Scrape) Value(name string, labels ...string) (float64, bool) {
	for _, smp := range s.Samples {
		if smp.Name != name || len(smp.Labels) != len(labels)/2 {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if smp.Labels[labels[i]] != labels[i+1] {
				match = false
				break
			}
		}
		if match {
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
		if smp.Name != name {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if smp.Labels[labels[i]] != labels[i+1] {
				match = false
				break
			}
		}
		if match {
			total += smp.Value
		}
	}
	return total
}
