package chart

import (
	"strconv"
	"strings"
)

// Colours: the portal's palette (static/css/portal.css). Marks and lines meet the 3:1 contrast of WCAG
// 1.4.11 on white and on the band; text meets 4.5:1. They are SVG presentation attributes, which the
// portal's Content-Security-Policy allows (it forbids style attributes), and which the stylesheet can
// still override through the classes.
const (
	colourText   = "#1a1a1a"
	colourMuted  = "#4d4d4d"
	colourGrid   = "#dde1e6"
	colourAxis   = "#6b7480"
	colourLine   = "#6b7480"
	colourNormal = "#154273"
	colourHigh   = "#a4001d"
	colourLow    = "#0b4f9c"
	colourBand   = "#e3f1e6"
	colourBandEd = "#1e6b30"
)

// svgWriter appends markup; numbers go through strconv, text through escapeText.
type svgWriter struct {
	b []byte
}

func (w *svgWriter) grow(points int) { w.b = make([]byte, 0, 4096+points*160) }

func (w *svgWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *svgWriter) text(s string) { w.b = append(w.b, escapeText(s)...) }

// num writes a coordinate with one decimal: a tenth of a viewBox unit is finer than any screen.
func (w *svgWriter) num(v float64) {
	w.b = strconv.AppendFloat(w.b, roundTo(v, 1), 'f', -1, 64)
}

// attr writes ` name="number"`.
func (w *svgWriter) attr(name string, v float64) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.num(v)
	w.b = append(w.b, '"')
}

// String is the markup written so far.
func (w *svgWriter) String() string { return string(w.b) }

// drawing is one Render call's state.
type drawing struct {
	w      *svgWriter
	l      layout
	tr     Trend
	points []Point
	opts   Options
	id     string
	// markSize shrinks the marks of long series so that they stay apart; the shapes stay distinct.
	markSize float64
}

// t is a catalogue text in the chart's language.
func (d *drawing) t(key string, args ...any) string {
	return d.opts.Messages(d.opts.Lang, key, args...)
}

// maxPointTitles bounds the per-point tooltips: beyond it the marks overlap and the lab table is the
// way to read single values, while the markup would grow by a title per point.
const maxPointTitles = 200

func (d *drawing) draw() {
	w, l := d.w, d.l
	d.markSize = 1
	if n := len(d.points); n > 100 {
		d.markSize = max(0.55, 1-float64(n-100)/600)
	}
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 `)
	w.num(width)
	w.raw(" ")
	w.num(height)
	w.raw(`" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="`)
	w.raw(d.id + `-title ` + d.id + `-desc" font-size="`)
	w.num(fontSize)
	w.raw(`" font-family="system-ui, sans-serif">`)

	w.raw(`<title id="` + d.id + `-title">`)
	w.text(d.title())
	w.raw(`</title><desc id="` + d.id + `-desc">`)
	w.text(d.description())
	w.raw(`</desc>`)

	d.band()
	d.valueAxis()
	d.bandEdges()
	d.timeAxis()

	// The frame of the plot: the two axes.
	w.raw(`<path class="trend-chart__axes" fill="none" stroke="` + colourAxis + `" d="M`)
	w.num(plotLeft)
	w.raw(",")
	w.num(plotTop)
	w.raw("V")
	w.num(plotBottom)
	w.raw("H")
	w.num(plotRight)
	w.raw(`"/>`)

	if len(d.points) > 1 {
		w.raw(`<polyline class="trend-chart__line" fill="none" stroke="` + colourLine + `" stroke-width="1.5" points="`)
		for i, p := range d.points {
			if i > 0 {
				w.raw(" ")
			}
			w.num(l.x(p.Time))
			w.raw(",")
			w.num(l.y(p.Value))
		}
		w.raw(`"/>`)
	}
	d.marks()
	d.legend()
	w.raw(`</svg>`)
}

// title names the test and its unit.
func (d *drawing) title() string {
	if unit := strings.TrimSpace(d.tr.Unit); unit != "" {
		return d.t("chart.title_unit", d.tr.Test, unit)
	}
	return d.t("chart.title", d.tr.Test)
}

// description is the text alternative a screen reader gets: period, reference range, extremes, the last
// value with its flag, and how often the values left the range.
func (d *drawing) description() string {
	lang, unit, r := d.opts.Lang, d.tr.Unit, d.tr.Range
	loc := d.opts.Location
	first, last := d.points[0], d.points[len(d.points)-1]
	var s []string
	if len(d.points) == 1 {
		s = append(s, d.t("chart.desc.one", longDate(first.Time.In(loc), lang)))
	} else {
		s = append(s, d.t("chart.desc.count", len(d.points), longDate(first.Time.In(loc), lang), longDate(last.Time.In(loc), lang)))
	}
	switch {
	case r.HasLow && r.HasHigh:
		s = append(s, d.t("chart.desc.range", formatValue(r.Low, lang), withUnit(formatValue(r.High, lang), unit)))
	case r.HasLow:
		s = append(s, d.t("chart.desc.range_low", withUnit(formatValue(r.Low, lang), unit)))
	case r.HasHigh:
		s = append(s, d.t("chart.desc.range_high", withUnit(formatValue(r.High, lang), unit)))
	default:
		s = append(s, d.t("chart.desc.range_none"))
	}
	if len(d.points) > 1 {
		lo, hi := first.Value, first.Value
		for _, p := range d.points {
			lo, hi = min(lo, p.Value), max(hi, p.Value)
		}
		s = append(s, d.t("chart.desc.extremes", withUnit(formatValue(lo, lang), unit), withUnit(formatValue(hi, lang), unit)))
	}
	s = append(s, d.t("chart.desc.last", withUnit(formatValue(last.Value, lang), unit), longDate(last.Time.In(loc), lang), d.flagWord(last.Flag)))
	high, low := 0, 0
	for _, p := range d.points {
		switch p.Flag {
		case FlagHigh:
			high++
		case FlagLow:
			low++
		}
	}
	switch {
	case high+low > 0:
		s = append(s, d.t("chart.desc.outside", high+low, high, low))
	case r.HasLow || r.HasHigh:
		s = append(s, d.t("chart.desc.inside"))
	}
	return strings.Join(s, " ")
}

func (d *drawing) flagWord(f Flag) string {
	switch f {
	case FlagHigh:
		return d.t("chart.flag.high")
	case FlagLow:
		return d.t("chart.flag.low")
	}
	return d.t("chart.flag.normal")
}

// band shades the reference range, from a bound to the edge of the plot when the other is missing, and
// draws each bound as a dashed line so that it shows in greyscale print too.
func (d *drawing) band() {
	w, l, r := d.w, d.l, d.tr.Range
	if !r.HasLow && !r.HasHigh {
		return
	}
	top, bottom := plotTop, plotBottom
	if r.HasHigh {
		top = l.y(r.High)
	}
	if r.HasLow {
		bottom = l.y(r.Low)
	}
	w.raw(`<g class="trend-chart__band"><rect fill="` + colourBand + `"`)
	w.attr("x", plotLeft)
	w.attr("y", top)
	w.attr("width", plotRight-plotLeft)
	w.attr("height", max(bottom-top, 1)) // a band of zero width (low == high) still shows as a line
	w.raw(`/></g>`)
}

// bandEdges draws the bounds over the grid lines, which would otherwise hide them.
func (d *drawing) bandEdges() {
	w, l, r := d.w, d.l, d.tr.Range
	if !r.HasLow && !r.HasHigh {
		return
	}
	w.raw(`<g class="trend-chart__band-edges">`)
	for _, b := range []struct {
		has bool
		v   float64
	}{{r.HasLow, r.Low}, {r.HasHigh, r.High}} {
		if !b.has {
			continue
		}
		w.raw(`<line stroke="` + colourBandEd + `" stroke-dasharray="6 4"`)
		w.attr("x1", plotLeft)
		w.attr("x2", plotRight)
		w.attr("y1", l.y(b.v))
		w.attr("y2", l.y(b.v))
		w.raw(`/>`)
	}
	w.raw(`</g>`)
}

// valueAxis draws horizontal grid lines with the value of each, and the unit above the axis.
func (d *drawing) valueAxis() {
	w, l := d.w, d.l
	w.raw(`<g class="trend-chart__grid" stroke="` + colourGrid + `">`)
	for _, v := range l.yTicks {
		w.raw(`<line`)
		w.attr("x1", plotLeft)
		w.attr("x2", plotRight)
		w.attr("y1", l.y(v))
		w.attr("y2", l.y(v))
		w.raw(`/>`)
	}
	w.raw(`</g><g class="trend-chart__values" fill="` + colourMuted + `" text-anchor="end">`)
	for _, v := range l.yTicks {
		w.raw(`<text`)
		w.attr("x", plotLeft-8)
		w.attr("y", l.y(v)+4)
		w.raw(`>`)
		w.text(formatFixed(v, l.yDecimals, d.opts.Lang))
		w.raw(`</text>`)
	}
	w.raw(`</g>`)
	if unit := strings.TrimSpace(d.tr.Unit); unit != "" {
		w.raw(`<text class="trend-chart__unit" fill="` + colourMuted + `"`)
		w.attr("x", 8)
		w.attr("y", plotTop-12)
		w.raw(`>`)
		w.text(unit)
		w.raw(`</text>`)
	}
}

// timeAxis draws a tick and a date under the axis for each time tick.
func (d *drawing) timeAxis() {
	w, l := d.w, d.l
	w.raw(`<g class="trend-chart__times" fill="` + colourMuted + `" text-anchor="middle">`)
	for _, tk := range l.xTicks {
		x := l.x(tk.t)
		w.raw(`<line stroke="` + colourAxis + `"`)
		w.attr("x1", x)
		w.attr("x2", x)
		w.attr("y1", plotBottom)
		w.attr("y2", plotBottom+5)
		w.raw(`/><text`)
		w.attr("x", x)
		w.attr("y", plotBottom+20)
		w.raw(`>`)
		w.text(tk.label)
		w.raw(`</text>`)
	}
	w.raw(`</g>`)
}

// marks draws every measurement: a circle when in range, a triangle pointing up when high and down when
// low, each in its own colour; the shape carries the meaning, the colour repeats it.
func (d *drawing) marks() {
	w, l := d.w, d.l
	titles := len(d.points) <= maxPointTitles
	w.raw(`<g class="trend-chart__points">`)
	for _, p := range d.points {
		x, y := l.x(p.Time), l.y(p.Value)
		d.mark(p.Flag, x, y, titles)
		if titles {
			w.raw(`<title>`)
			w.text(d.t("chart.point", longDate(p.Time.In(d.opts.Location), d.opts.Lang),
				withUnit(formatValue(p.Value, d.opts.Lang), d.tr.Unit), d.flagWord(p.Flag)))
			w.raw(`</title></g>`)
		}
	}
	w.raw(`</g>`)
}

// mark draws one shape; open leaves its <g> open for a tooltip title.
func (d *drawing) mark(f Flag, x, y float64, open bool) {
	w, k := d.w, d.markSize
	if open {
		w.raw(`<g>`)
	}
	triangle := func(class, colour string, dir float64) {
		w.raw(`<path class="trend-chart__point ` + class + `" fill="` + colour + `" d="M`)
		w.num(x)
		w.raw(",")
		w.num(y - dir*6*k)
		w.raw("L")
		w.num(x + 5.5*k)
		w.raw(",")
		w.num(y + dir*4*k)
		w.raw("H")
		w.num(x - 5.5*k)
		w.raw(`Z"/>`)
	}
	switch f {
	case FlagHigh:
		triangle("trend-chart__point--high", colourHigh, 1)
	case FlagLow:
		triangle("trend-chart__point--low", colourLow, -1)
	default:
		w.raw(`<circle class="trend-chart__point" fill="` + colourNormal + `"`)
		w.attr("r", 3.5*k)
		w.attr("cx", x)
		w.attr("cy", y)
		w.raw(`/>`)
	}
}

// legend explains shapes and band under the time axis, so the picture reads on its own and in print.
func (d *drawing) legend() {
	w, r := d.w, d.tr.Range
	y := height - 22.0
	x := plotLeft
	w.raw(`<g class="trend-chart__legend" fill="` + colourText + `">`)
	item := func(f Flag, key string) {
		size := d.markSize
		d.markSize = 1
		d.mark(f, x+6, y-4, false)
		d.markSize = size
		w.raw(`<text`)
		w.attr("x", x+16)
		w.attr("y", y)
		w.raw(`>`)
		label := d.t(key)
		w.text(label)
		w.raw(`</text>`)
		x += 28 + float64(len([]rune(label)))*fontSize*0.6
	}
	item(FlagNormal, "chart.legend.normal")
	item(FlagHigh, "chart.legend.high")
	item(FlagLow, "chart.legend.low")
	if r.HasLow || r.HasHigh {
		w.raw(`<rect fill="` + colourBand + `" stroke="` + colourBandEd + `" stroke-dasharray="3 2"`)
		w.attr("x", x)
		w.attr("y", y-11)
		w.attr("width", 14)
		w.attr("height", 12)
		w.raw(`/><text`)
		w.attr("x", x+20)
		w.attr("y", y)
		w.raw(`>`)
		w.text(d.t("chart.legend.band"))
		w.raw(`</text>`)
	}
	w.raw(`</g>`)
}
