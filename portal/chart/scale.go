package chart

import (
	"math"
	"time"
)

// The drawing area in viewBox units. The SVG scales to its container, so these only fix proportions and
// the size of text relative to the plot (12 units: legible from about 480 px wide).
const (
	width      = 640.0
	height     = 320.0
	plotLeft   = 64.0
	plotRight  = 604.0 // room for half a date label right of the last tick
	plotTop    = 28.0  // room for the unit above the value axis
	plotBottom = 252.0
	fontSize   = 12.0
	maxYTicks  = 8
	maxXTicks  = 7
)

// layout maps times and values to viewBox coordinates and holds the axis ticks.
type layout struct {
	tmin, tmax time.Time // the drawn time domain, a little wider than the data
	vmin, vmax float64   // the drawn value domain, on tick boundaries
	yTicks     []float64
	yDecimals  int
	xTicks     []timeTick
}

// timeTick is one labelled point on the time axis.
type timeTick struct {
	t     time.Time
	label string
}

func newLayout(points []Point, r Range, opts Options) layout {
	var l layout
	l.vmin, l.vmax, l.yTicks, l.yDecimals = valueScale(points, r)
	first, last := points[0].Time, points[len(points)-1].Time
	if !last.After(first) {
		// One moment: centre it, with a single tick naming the day.
		l.tmin, l.tmax = first.Add(-24*time.Hour), first.Add(24*time.Hour)
		l.xTicks = []timeTick{{first, fullShortDate(first.In(opts.Location), opts.Lang)}}
		return l
	}
	pad := last.Sub(first) / 25
	l.tmin, l.tmax = first.Add(-pad), last.Add(pad)
	l.xTicks = timeTicks(l.tmin, l.tmax, first, last, opts)
	return l
}

// x is the horizontal position of a moment.
func (l layout) x(t time.Time) float64 {
	span := float64(l.tmax.Sub(l.tmin))
	return plotLeft + float64(t.Sub(l.tmin))/span*(plotRight-plotLeft)
}

// y is the vertical position of a value (larger values higher up).
func (l layout) y(v float64) float64 {
	return plotBottom - (v-l.vmin)/(l.vmax-l.vmin)*(plotBottom-plotTop)
}

// valueScale chooses the value domain: every value and every bound of the reference range (so the band
// is always in view), widened a little so no point sits on the frame, never below zero when nothing is
// negative, and extended to round tick values.
func valueScale(points []Point, r Range) (vmin, vmax float64, ticks []float64, decimals int) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range points {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	if r.HasLow {
		lo, hi = min(lo, r.Low), max(hi, r.Low)
	}
	if r.HasHigh {
		lo, hi = min(lo, r.High), max(hi, r.High)
	}
	nonNegative := lo >= 0
	if hi == lo {
		pad := math.Abs(lo) / 10
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	} else {
		margin := (hi - lo) / 20
		lo, hi = lo-margin, hi+margin
	}
	if nonNegative && lo < 0 {
		lo = 0
	}
	step := niceStep(lo, hi, maxYTicks)
	vmin = math.Floor(lo/step) * step
	vmax = math.Ceil(hi/step) * step
	decimals = max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	n := int(math.Round((vmax - vmin) / step))
	ticks = make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		v := vmin + float64(i)*step
		ticks = append(ticks, roundTo(v, decimals))
	}
	return vmin, vmax, ticks, decimals
}

// niceStep is the smallest 1, 2 or 5 times a power of ten whose multiples cover [lo, hi] with at most
// maxTicks ticks: the steps a person reads without effort, as fine as the axis has room for.
func niceStep(lo, hi float64, maxTicks int) float64 {
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(maxTicks))))
	for {
		for _, m := range []float64{1, 2, 5} {
			step := m * mag
			if math.Ceil(hi/step-1e-9)-math.Floor(lo/step+1e-9)+1 <= float64(maxTicks) {
				return step
			}
		}
		mag *= 10
	}
}

// roundTo rounds to a number of decimals, so that 0.1+0.2 prints as 0.3 and -0 as 0.
func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	v = math.Round(v*p) / p
	if v == 0 {
		return 0
	}
	return v
}

// timeUnit is a calendar step of the time axis.
type timeUnit int

const (
	unitHour timeUnit = iota
	unitDay
	unitMonth
	unitYear
)

// timeStep is one candidate spacing of the time axis, with its rough length to skip hopeless candidates
// without generating their ticks.
type timeStep struct {
	unit   timeUnit
	n      int
	approx time.Duration
}

var timeSteps = func() []timeStep {
	const day = 24 * time.Hour
	var steps []timeStep
	for _, h := range []int{1, 2, 3, 6, 12} {
		steps = append(steps, timeStep{unitHour, h, time.Duration(h) * time.Hour})
	}
	for _, d := range []int{1, 2, 7, 14} {
		steps = append(steps, timeStep{unitDay, d, time.Duration(d) * day})
	}
	for _, m := range []int{1, 2, 3, 6} {
		steps = append(steps, timeStep{unitMonth, m, time.Duration(m) * 30 * day})
	}
	for _, y := range []int{1, 2, 5, 10, 20, 50, 100} {
		steps = append(steps, timeStep{unitYear, y, time.Duration(y) * 365 * day})
	}
	return steps
}()

// timeTicks picks the finest calendar step (hours, days, weeks, months, years) that puts between two and
// maxXTicks ticks in the domain, on local calendar boundaries (midnight, the first of a month, New
// Year), and labels them. Measurements too close together for any step get their own times as ticks.
func timeTicks(tmin, tmax, first, last time.Time, opts Options) []timeTick {
	loc := opts.Location
	span := tmax.Sub(tmin)
	for _, s := range timeSteps {
		if span/s.approx > maxXTicks+1 {
			continue
		}
		ts := stepTimes(tmin.In(loc), tmax.In(loc), s)
		if len(ts) < 2 || len(ts) > maxXTicks {
			continue
		}
		return labelTicks(ts, s.unit, opts.Lang)
	}
	// Shorter than an hour: label the first and the last measurement with their times.
	return labelTicks([]time.Time{first.In(loc), last.In(loc)}, unitHour, opts.Lang)
}

// stepTimes lists the boundaries of one step inside [tmin, tmax], in tmin's location.
func stepTimes(tmin, tmax time.Time, s timeStep) []time.Time {
	loc := tmin.Location()
	y, m, d := tmin.Date()
	var t time.Time
	switch s.unit {
	case unitHour:
		t = time.Date(y, m, d, tmin.Hour(), 0, 0, 0, loc)
	case unitDay:
		t = time.Date(y, m, d, 0, 0, 0, 0, loc)
	case unitMonth:
		t = time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case unitYear:
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
	var out []time.Time
	for i := 0; !t.After(tmax) && i < 10000; i++ {
		if !t.Before(tmin) && aligned(t, s) {
			out = append(out, t)
			if len(out) > maxXTicks {
				return out
			}
		}
		switch s.unit {
		case unitHour:
			t = t.Add(time.Hour)
		case unitDay:
			t = t.AddDate(0, 0, 1)
		case unitMonth:
			t = t.AddDate(0, 1, 0)
		case unitYear:
			t = t.AddDate(1, 0, 0)
		}
	}
	return out
}

// aligned keeps the boundaries a reader expects: 0:00, 6:00, 12:00; every other day counted from the
// epoch; Mondays for weeks; January, April, July, October for quarters; round years.
func aligned(t time.Time, s timeStep) bool {
	switch s.unit {
	case unitHour:
		return t.Hour()%s.n == 0
	case unitDay:
		switch s.n {
		case 7:
			return t.Weekday() == time.Monday
		case 14:
			_, week := t.ISOWeek()
			return t.Weekday() == time.Monday && week%2 == 1
		}
		return daysSinceEpoch(t)%s.n == 0
	case unitMonth:
		return (int(t.Month())-1)%s.n == 0
	case unitYear:
		return t.Year()%s.n == 0
	}
	return false
}

func daysSinceEpoch(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// labelTicks writes the short label of each tick, adding the larger unit on the first tick and where it
// changes: "3 feb 2026", "10 feb", ...; "jan 2026", "apr", ...; "23:00", "3 feb 0:00".
func labelTicks(ts []time.Time, unit timeUnit, lang string) []timeTick {
	out := make([]timeTick, len(ts))
	for i, t := range ts {
		first := i == 0
		var label string
		switch unit {
		case unitHour:
			label = t.Format("15:04")
			if first || !sameDay(t, ts[i-1]) {
				label = dayMonth(t, lang) + " " + label
			}
		case unitDay:
			label = dayMonth(t, lang)
			if first || t.Year() != ts[i-1].Year() {
				label = fullShortDate(t, lang)
			}
		case unitMonth:
			label = monthAbbr(t.Month(), lang)
			if first || t.Year() != ts[i-1].Year() {
				label += " " + itoa(t.Year())
			}
		case unitYear:
			label = itoa(t.Year())
		}
		out[i] = timeTick{t, label}
	}
	return out
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
