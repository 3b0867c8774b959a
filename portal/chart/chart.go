// Package chart draws the trend of one laboratory test as a server-rendered SVG: the measurements over
// time, the reference band shaded behind them, and every value outside the band marked by its shape (a
// triangle pointing up for high, down for low) as well as by its colour, so that no reader depends on
// colour. The portal sends no JavaScript for it; the SVG scales with its container (viewBox) and prints.
//
// The SVG is built only from numbers that this package formats itself, fixed names, and text escaped
// for XML and HTML alike, so Render may return it as template.HTML: see Render for the argument.
package chart

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"
)

// Errors of Render. The screens show the lab table without a chart when Render fails, so these are
// about the data, never about drawing.
var (
	// ErrNoPoints means there is nothing to draw.
	ErrNoPoints = errors.New("chart: no measurements")
	// ErrInvalidPoint means a measurement has no time or a value that is not a finite number.
	ErrInvalidPoint = errors.New("chart: invalid measurement")
	// ErrInvalidRange means the reference range has a lower bound above its upper bound, or a bound that
	// is not a finite number.
	ErrInvalidRange = errors.New("chart: invalid reference range")
	// ErrNoMessages means Options.Messages is missing: every text of the chart comes from the catalogue.
	ErrNoMessages = errors.New("chart: no message catalogue")
)

// Flag says where a value lies relative to the reference range.
type Flag int

// Flags. FlagAuto (the zero value) on a Point means: derive it from the reference range.
const (
	FlagAuto Flag = iota
	FlagNormal
	FlagHigh
	FlagLow
)

// Point is one measurement.
type Point struct {
	Time  time.Time
	Value float64
	// Flag is the laboratory's own interpretation when it has one (it may use a range that differs from
	// the band drawn, e.g. age-dependent); FlagAuto derives it from Trend.Range.
	Flag Flag
}

// Range is a reference range; either bound may be missing ("< 5", "> 60").
type Range struct {
	Low, High       float64
	HasLow, HasHigh bool
}

// Between is a reference range with both bounds.
func Between(low, high float64) Range {
	return Range{Low: low, High: high, HasLow: true, HasHigh: true}
}

// AtMost is a reference range with only an upper bound.
func AtMost(high float64) Range { return Range{High: high, HasHigh: true} }

// AtLeast is a reference range with only a lower bound.
func AtLeast(low float64) Range { return Range{Low: low, HasLow: true} }

// Classify places a value against the range.
func (r Range) Classify(v float64) Flag {
	switch {
	case r.HasHigh && v > r.High:
		return FlagHigh
	case r.HasLow && v < r.Low:
		return FlagLow
	}
	return FlagNormal
}

func (r Range) check() error {
	for _, b := range []struct {
		has bool
		v   float64
	}{{r.HasLow, r.Low}, {r.HasHigh, r.High}} {
		if b.has && (math.IsNaN(b.v) || math.IsInf(b.v, 0)) {
			return ErrInvalidRange
		}
	}
	if r.HasLow && r.HasHigh && r.Low > r.High {
		return fmt.Errorf("%w: low %v above high %v", ErrInvalidRange, r.Low, r.High)
	}
	return nil
}

// Trend is one laboratory test over time.
type Trend struct {
	// ID makes the ids of the title and description unique on the page (aria-labelledby needs them);
	// only letters, digits, '-' and '_' are kept. Give each chart on a page its own.
	ID string
	// Test is the name of the test as the laboratory calls it ("Kalium", "eGFR (CKD-EPI)").
	Test string
	// Unit is the unit of every value ("mmol/L"); a trend never mixes units.
	Unit   string
	Range  Range
	Points []Point
}

// Options choose the language of the chart's texts.
type Options struct {
	// Lang is "nl" or "en": month names, decimal separator and sentences.
	Lang string
	// Messages is the portal's message catalogue (views.Catalog.T): lang, key, arguments -> text. The
	// chart's sentences live in views/messages/*/chart.json.
	Messages func(lang, key string, args ...any) string
	// Location is the time zone of the dates; nil means Europe/Amsterdam, where the hospital is.
	Location *time.Location
}

// Render draws the trend as an <svg> element.
//
// Why the result is safe as template.HTML: every byte comes from one of three sources. (1) Markup and
// attribute names written as constants in this package. (2) Numbers formatted by strconv (coordinates,
// tick values) and the sanitised ID, which holds only [A-Za-z0-9_-]. (3) Text from the caller or the
// catalogue (test name, unit, sentences), which passes through escapeText before it is written, and only
// as character data of <title>, <desc> and <text> elements, never into an attribute or a tag. escapeText
// replaces & < > " ' by character references, so no text can close an element, open a tag or start an
// attribute — in the HTML parser's foreign-content mode as in XML. The tests feed "</svg><script>" and
// friends through every text field and parse the result.
func Render(tr Trend, opts Options) (template.HTML, error) {
	if opts.Messages == nil {
		return "", ErrNoMessages
	}
	if opts.Location == nil {
		opts.Location = amsterdam
	}
	if len(tr.Points) == 0 {
		return "", ErrNoPoints
	}
	if err := tr.Range.check(); err != nil {
		return "", err
	}
	points := slices.Clone(tr.Points)
	for i, p := range points {
		if p.Time.IsZero() || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			return "", fmt.Errorf("%w: number %d (%v at %v)", ErrInvalidPoint, i+1, p.Value, p.Time)
		}
		if p.Flag == FlagAuto {
			points[i].Flag = tr.Range.Classify(p.Value)
		}
	}
	slices.SortStableFunc(points, func(a, b Point) int { return a.Time.Compare(b.Time) })

	l := newLayout(points, tr.Range, opts)
	var w svgWriter
	w.grow(len(points))
	d := drawing{w: &w, l: l, tr: tr, points: points, opts: opts, id: sanitizeID(tr.ID)}
	d.draw()
	return template.HTML(w.String()), nil
}

// sanitizeID keeps the characters that are safe in an id and in an aria-labelledby list.
func sanitizeID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || !(b.String()[0] >= 'a' && b.String()[0] <= 'z' || b.String()[0] >= 'A' && b.String()[0] <= 'Z') {
		return "chart-" + b.String()
	}
	return b.String()
}
