package chart_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/views"
)

// node is a parsed SVG element: enough structure for assertions.
type node struct {
	Name     string
	Attr     map[string]string
	Text     string
	Children []*node
}

// parseSVG parses the chart with encoding/xml in strict mode: the output must be well-formed XML.
func parseSVG(t testing.TB, out template.HTML) *node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(out)))
	dec.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{Name: tok.Name.Local, Attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			} else if root == nil {
				root = n
			} else {
				t.Fatalf("more than one root element")
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			} else if strings.TrimSpace(string(tok)) != "" {
				t.Fatalf("text outside the svg element: %q", tok)
			}
		}
	}
	if root == nil || root.Name != "svg" {
		t.Fatalf("root is not <svg>: %s", out)
	}
	return root
}

// all returns every element (depth first) for which keep is true.
func (n *node) all(keep func(*node) bool) []*node {
	var out []*node
	var walk func(*node)
	walk = func(n *node) {
		if keep(n) {
			out = append(out, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

// group returns the <g> with the given class.
func (n *node) group(t testing.TB, class string) *node {
	t.Helper()
	gs := n.all(func(e *node) bool { return e.Name == "g" && e.Attr["class"] == class })
	if len(gs) != 1 {
		t.Fatalf("%d groups of class %s", len(gs), class)
	}
	return gs[0]
}

func hasClass(n *node, class string) bool {
	return slices.Contains(strings.Fields(n.Attr["class"]), class)
}

// marks counts the measurement marks by kind, inside the points group only (the legend has marks too).
func marks(t testing.TB, root *node) (normal, high, low int) {
	for _, m := range root.group(t, "trend-chart__points").all(func(e *node) bool { return hasClass(e, "trend-chart__point") }) {
		switch {
		case hasClass(m, "trend-chart__point--high"):
			high++
		case hasClass(m, "trend-chart__point--low"):
			low++
		default:
			normal++
		}
	}
	return
}

func texts(t testing.TB, root *node, class string) []string {
	var out []string
	for _, e := range root.group(t, class).all(func(e *node) bool { return e.Name == "text" }) {
		out = append(out, e.Text)
	}
	return out
}

var catalog = func() *views.Catalog {
	c, err := views.LoadCatalog()
	if err != nil {
		panic(err)
	}
	return c
}()

func opts(lang string) chart.Options { return chart.Options{Lang: lang, Messages: catalog.T} }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

// potassium is a typical monitoring series with one high and one low value.
func potassium() chart.Trend {
	return chart.Trend{
		ID: "lab-k", Test: "Kalium", Unit: "mmol/L", Range: chart.Between(3.5, 5.0),
		Points: []chart.Point{
			{Time: day(2025, time.November, 3), Value: 4.1},
			{Time: day(2025, time.December, 1), Value: 5.6},
			{Time: day(2026, time.January, 5), Value: 4.4},
			{Time: day(2026, time.January, 19), Value: 3.2},
			{Time: day(2026, time.February, 2), Value: 3.9},
			{Time: day(2025, time.October, 6), Value: 4.0}, // out of order on purpose
		},
	}
}

func TestRenderStructureDutch(t *testing.T) {
	out, err := chart.Render(potassium(), opts("nl"))
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, out)
	if root.Attr["viewBox"] != "0 0 640 320" || root.Attr["role"] != "img" || root.Attr["aria-labelledby"] != "lab-k-title lab-k-desc" {
		t.Errorf("svg attributes %v", root.Attr)
	}
	if _, fixed := root.Attr["width"]; fixed {
		t.Error("a fixed width keeps the chart from scaling")
	}
	title := root.all(func(e *node) bool { return e.Name == "title" && e.Attr["id"] == "lab-k-title" })
	if len(title) != 1 || title[0].Text != "Verloop van Kalium (mmol/L)" {
		t.Fatalf("title %+v", title)
	}
	desc := root.all(func(e *node) bool { return e.Name == "desc" && e.Attr["id"] == "lab-k-desc" })
	if len(desc) != 1 {
		t.Fatal("no desc")
	}
	wantDesc := "6 metingen van 6 oktober 2025 tot en met 2 februari 2026. Referentiewaarden: 3,5 tot 5 mmol/L. " +
		"Laagste waarde 3,2 mmol/L, hoogste 5,6 mmol/L. Laatste waarde 3,9 mmol/L op 2 februari 2026 (normaal). " +
		"2 keer buiten de referentiewaarden: 1 keer hoog, 1 keer laag."
	if desc[0].Text != wantDesc {
		t.Errorf("desc\n got %q\nwant %q", desc[0].Text, wantDesc)
	}
	if n, h, l := marks(t, root); n != 4 || h != 1 || l != 1 {
		t.Errorf("marks normal/high/low = %d/%d/%d, want 4/1/1", n, h, l)
	}
	// Shapes, not only colours: high points up, low points down.
	high := root.group(t, "trend-chart__points").all(func(e *node) bool { return hasClass(e, "trend-chart__point--high") })[0]
	low := root.group(t, "trend-chart__points").all(func(e *node) bool { return hasClass(e, "trend-chart__point--low") })[0]
	if high.Name != "path" || low.Name != "path" || pointsUp(t, high.Attr["d"]) != true || pointsUp(t, low.Attr["d"]) != false {
		t.Errorf("high %v / low %v are not up/down triangles", high.Attr, low.Attr)
	}
	if high.Attr["fill"] == low.Attr["fill"] {
		t.Error("high and low have the same colour")
	}

	// Points in time order: the polyline's x coordinates increase.
	line := root.all(func(e *node) bool { return e.Name == "polyline" })
	if len(line) != 1 {
		t.Fatal("no line")
	}
	xs := coordinates(t, line[0].Attr["points"], 0)
	if len(xs) != 6 || !slices.IsSorted(xs) {
		t.Errorf("line x coordinates %v", xs)
	}

	// The value axis: evenly spaced round numbers with a decimal comma, covering data and band.
	values := texts(t, root, "trend-chart__values")
	if want := []string{"3,0", "3,5", "4,0", "4,5", "5,0", "5,5", "6,0"}; !slices.Equal(values, want) {
		t.Errorf("value ticks %q, want %q", values, want)
	}
	// The time axis: Dutch month names, the year on the first tick and where it changes.
	times := texts(t, root, "trend-chart__times")
	if want := []string{"nov 2025", "dec", "jan 2026", "feb"}; !slices.Equal(times, want) {
		t.Errorf("time ticks %q, want %q", times, want)
	}

	// The band lies between the y of 5.0 and of 3.5, and the high point is above it.
	band := root.group(t, "trend-chart__band").all(func(e *node) bool { return e.Name == "rect" })[0]
	top, height := num(t, band.Attr["y"]), num(t, band.Attr["height"])
	if _, ys := triangleTip(t, high.Attr["d"]); ys >= top {
		t.Errorf("high point (tip y %.1f) is not above the band (top %.1f)", ys, top)
	}
	if _, ys := triangleTip(t, low.Attr["d"]); ys <= top+height {
		t.Errorf("low point (tip y %.1f) is not below the band (bottom %.1f)", ys, top+height)
	}
	tooltips := root.group(t, "trend-chart__points").all(func(e *node) bool { return e.Name == "title" })
	if len(tooltips) != 6 || tooltips[2].Text != "1 december 2025: 5,6 mmol/L (hoog)" {
		t.Errorf("tooltips %d, third %+v", len(tooltips), tooltips[2])
	}
	if strings.Contains(string(out), "[chart.") {
		t.Error("a message key is missing from the catalogue")
	}
}

func TestRenderEnglish(t *testing.T) {
	out, err := chart.Render(potassium(), opts("en"))
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, out)
	if got := texts(t, root, "trend-chart__times"); !slices.Equal(got, []string{"Nov 2025", "Dec", "Jan 2026", "Feb"}) {
		t.Errorf("time ticks %q", got)
	}
	if got := texts(t, root, "trend-chart__values"); got[1] != "3.5" {
		t.Errorf("value ticks %q", got)
	}
	desc := root.all(func(e *node) bool { return e.Name == "desc" })[0].Text
	if !strings.Contains(desc, "Reference range: 3.5 to 5 mmol/L.") || !strings.Contains(desc, "1 times high") {
		t.Errorf("desc %q", desc)
	}
}

// TestRenderShapes runs the awkward shapes of real data through Render and checks what must hold for
// every one of them: well-formed, every coordinate inside the viewBox, a mark per measurement, readable
// unique ticks, and nothing that is not a number where a number belongs.
func TestRenderShapes(t *testing.T) {
	start := time.Date(2016, time.March, 1, 8, 0, 0, 0, time.UTC)
	series := func(n int, step time.Duration, value func(i int) float64) []chart.Point {
		ps := make([]chart.Point, n)
		for i := range ps {
			ps[i] = chart.Point{Time: start.Add(time.Duration(i) * step), Value: value(i)}
		}
		return ps
	}
	cases := []struct {
		name             string
		trend            chart.Trend
		wantHigh, wantLo int
		wantTimes        []string // nil: not checked
		wantValues       []string
	}{
		{name: "one point", trend: chart.Trend{Test: "HbA1c", Unit: "mmol/mol", Range: chart.Between(20, 42),
			Points: []chart.Point{{Time: start, Value: 48}}}, wantHigh: 1, wantTimes: []string{"1 mrt 2016"}},
		{name: "1000 points over ten years", trend: chart.Trend{Test: "eGFR", Unit: "mL/min/1,73m²", Range: chart.AtLeast(60),
			Points: series(1000, 88*time.Hour, func(i int) float64 { return 75 - float64(i)/25 + 5*math.Sin(float64(i)/7) })}, wantHigh: -1},
		{name: "equal values", trend: chart.Trend{Test: "Natrium", Unit: "mmol/L",
			Points: series(5, 24*time.Hour, func(int) float64 { return 140 })}, wantValues: []string{"125", "130", "135", "140", "145", "150", "155"}},
		{name: "equal zero values", trend: chart.Trend{Test: "Troponine", Unit: "ng/L",
			Points: series(3, 24*time.Hour, func(int) float64 { return 0 })}},
		{name: "no band", trend: chart.Trend{Test: "Gewicht", Unit: "kg",
			Points: series(12, 30*24*time.Hour, func(i int) float64 { return 82 - float64(i)/3 })}},
		{name: "upper bound only", trend: chart.Trend{Test: "CRP", Unit: "mg/L", Range: chart.AtMost(5),
			Points: series(8, 12*time.Hour, func(i int) float64 { return []float64{180, 150, 96, 60, 31, 12, 6, 3}[i] })}, wantHigh: 7},
		{name: "lower bound only", trend: chart.Trend{Test: "eGFR", Unit: "mL/min", Range: chart.AtLeast(60),
			Points: series(4, 90*24*time.Hour, func(i int) float64 { return []float64{64, 58, 55, 61}[i] })}, wantLo: 2},
		{name: "negative values", trend: chart.Trend{Test: "Base excess", Unit: "mmol/L", Range: chart.Between(-2, 2),
			Points: series(6, 2*time.Hour, func(i int) float64 { return []float64{-8.5, -6, -3.1, -1.2, 0.4, 1.1}[i] })}, wantLo: 3,
			wantValues: []string{"-10", "-8", "-6", "-4", "-2", "0", "2", "4"}},
		{name: "far outside the band", trend: chart.Trend{Test: "Kalium", Unit: "mmol/L", Range: chart.Between(3.5, 5),
			Points: series(3, 24*time.Hour, func(i int) float64 { return []float64{4, 85, 4.2}[i] })}, wantHigh: 1},
		{name: "within one hour", trend: chart.Trend{Test: "pH", Range: chart.Between(7.35, 7.45),
			Points: series(4, 10*time.Minute, func(i int) float64 { return []float64{7.21, 7.28, 7.33, 7.36}[i] })}, wantLo: 3,
			wantTimes: []string{"1 mrt 09:00", "09:30"}},
		{name: "a few hours", trend: chart.Trend{Test: "Glucose", Unit: "mmol/L", Range: chart.Between(4, 7.8),
			Points: series(6, time.Hour, func(i int) float64 { return 5 + float64(i) })}, wantHigh: 3},
		{name: "tiny values", trend: chart.Trend{Test: "TSH", Unit: "mU/L", Range: chart.Between(0.4, 4),
			Points: series(3, 7*24*time.Hour, func(i int) float64 { return []float64{0.012, 0.03, 0.25}[i] })}, wantLo: 3},
		{name: "band of zero width", trend: chart.Trend{Test: "X", Range: chart.Between(1, 1),
			Points: series(2, 24*time.Hour, func(i int) float64 { return float64(i) + 0.5 })}, wantHigh: 1, wantLo: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := chart.Render(tc.trend, opts("nl"))
			if err != nil {
				t.Fatal(err)
			}
			if bad := regexp.MustCompile(`NaN|Inf|(^|[^#0-9a-f])\d+(\.\d+)?e[+-]?\d`).FindString(string(out)); bad != "" {
				t.Errorf("output contains %q where a plain number belongs", bad)
			}
			root := parseSVG(t, out)
			checkInsideViewBox(t, root)
			wantHigh, wantLow := 0, 0
			for _, p := range tc.trend.Points {
				switch tc.trend.Range.Classify(p.Value) {
				case chart.FlagHigh:
					wantHigh++
				case chart.FlagLow:
					wantLow++
				}
			}
			if tc.wantHigh >= 0 && (wantHigh != tc.wantHigh || wantLow != tc.wantLo) {
				t.Fatalf("test table: the data has %d high and %d low values, the case says %d and %d", wantHigh, wantLow, tc.wantHigh, tc.wantLo)
			}
			n, h, l := marks(t, root)
			if n+h+l != len(tc.trend.Points) || h != wantHigh || l != wantLow {
				t.Errorf("marks %d/%d/%d (normal/high/low) for %d points, want high %d low %d", n, h, l, len(tc.trend.Points), wantHigh, wantLow)
			}
			values := texts(t, root, "trend-chart__values")
			if len(values) < 2 || len(values) > 8 || !unique(values) {
				t.Errorf("value ticks %q", values)
			}
			if tc.wantValues != nil && !slices.Equal(values, tc.wantValues) {
				t.Errorf("value ticks %q, want %q", values, tc.wantValues)
			}
			times := texts(t, root, "trend-chart__times")
			if len(times) < 1 || len(times) > 7 || !unique(times) {
				t.Errorf("time ticks %q", times)
			}
			if tc.wantTimes != nil && !slices.Equal(times, tc.wantTimes) {
				t.Errorf("time ticks %q, want %q", times, tc.wantTimes)
			}
			tooltips := len(root.group(t, "trend-chart__points").all(func(e *node) bool { return e.Name == "title" }))
			if len(tc.trend.Points) <= 200 && tooltips != len(tc.trend.Points) || len(tc.trend.Points) > 200 && tooltips != 0 {
				t.Errorf("%d tooltips for %d points", tooltips, len(tc.trend.Points))
			}
			hasBand := len(root.all(func(e *node) bool { return e.Attr["class"] == "trend-chart__band" })) == 1
			if hasBand != (tc.trend.Range.HasLow || tc.trend.Range.HasHigh) {
				t.Errorf("band drawn: %v, range %+v", hasBand, tc.trend.Range)
			}
		})
	}
}

// TestRenderHostileText puts markup into every text that reaches the SVG — test name, unit, id and the
// catalogue's sentences — and checks, with an XML parser and with the HTML5 parser a browser uses, that
// it stays text.
func TestRenderHostileText(t *testing.T) {
	payloads := []string{
		`</svg><script>alert(1)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`</title><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe></foreignObject>`,
		`<![CDATA[</svg>]]><svg onload=alert(1)>`,
		"&lt;script&gt;\x00\x1b'",
	}
	for i, p := range payloads {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			tr := potassium()
			tr.Test, tr.Unit, tr.ID = p, p, p
			hostile := chart.Options{Lang: "nl", Messages: func(lang, key string, args ...any) string {
				return p + catalog.T(lang, key, args...)
			}}
			out, err := chart.Render(tr, hostile)
			if err != nil {
				t.Fatal(err)
			}
			s := string(out)
			for _, bad := range []string{"<script", "<img", "<iframe", "<foreignObject", "<svg onload", "<![CDATA["} {
				if strings.Contains(s, bad) {
					t.Errorf("output contains %q", bad)
				}
			}
			root := parseSVG(t, out)
			allowed := []string{"svg", "title", "desc", "g", "rect", "line", "path", "polyline", "circle", "text"}
			for _, e := range root.all(func(*node) bool { return true }) {
				if !slices.Contains(allowed, e.Name) {
					t.Errorf("element <%s> in the output", e.Name)
				}
				for name := range e.Attr {
					if strings.HasPrefix(strings.ToLower(name), "on") {
						t.Errorf("event handler attribute %s", name)
					}
				}
			}
			if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*-title [A-Za-z][A-Za-z0-9_-]*-desc$`).MatchString(root.Attr["aria-labelledby"]) {
				t.Errorf("aria-labelledby %q", root.Attr["aria-labelledby"])
			}
			// The payload comes back as the title's text (minus the control characters XML cannot hold).
			title := root.all(func(e *node) bool { return e.Name == "title" && strings.HasSuffix(e.Attr["id"], "-title") })[0]
			clean := strings.Map(func(r rune) rune {
				if r < 0x20 {
					return -1
				}
				return r
			}, p)
			if !strings.HasPrefix(title.Text, clean) {
				t.Errorf("title text %q does not start with the payload %q", title.Text, clean)
			}

			// A browser parses the SVG inside HTML with the HTML5 algorithm (foreign content).
			doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><body><figure>" + s + "</figure><p id=after>after</p></body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			var elements []string
			var after *html.Node
			var walk func(*html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					elements = append(elements, n.Data)
					if n.Data == "p" {
						after = n
					}
					for _, a := range n.Attr {
						if strings.HasPrefix(a.Key, "on") {
							t.Errorf("HTML parser sees handler %s on <%s>", a.Key, n.Data)
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			for _, bad := range []string{"script", "img", "iframe", "foreignobject"} {
				if slices.Contains(elements, bad) {
					t.Errorf("HTML parser builds <%s>: %v", bad, elements)
				}
			}
			// The svg closes where it should: the paragraph after it is a child of the body, not of the svg.
			if after == nil || after.Parent == nil || after.Parent.Data != "body" {
				t.Errorf("the markup after the chart is swallowed by it: %v", elements)
			}
		})
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	good := potassium()
	cases := []struct {
		name  string
		trend func() chart.Trend
		opts  chart.Options
		want  error
	}{
		{"no points", func() chart.Trend { tr := good; tr.Points = nil; return tr }, opts("nl"), chart.ErrNoPoints},
		{"NaN", func() chart.Trend {
			tr := good
			tr.Points = append(slices.Clone(tr.Points), chart.Point{Time: day(2026, 3, 1), Value: math.NaN()})
			return tr
		}, opts("nl"), chart.ErrInvalidPoint},
		{"infinite", func() chart.Trend {
			tr := good
			tr.Points = []chart.Point{{Time: day(2026, 3, 1), Value: math.Inf(1)}}
			return tr
		}, opts("nl"), chart.ErrInvalidPoint},
		{"no time", func() chart.Trend { tr := good; tr.Points = []chart.Point{{Value: 4}}; return tr }, opts("nl"), chart.ErrInvalidPoint},
		{"low above high", func() chart.Trend { tr := good; tr.Range = chart.Between(5, 3.5); return tr }, opts("nl"), chart.ErrInvalidRange},
		{"NaN bound", func() chart.Trend { tr := good; tr.Range = chart.AtMost(math.NaN()); return tr }, opts("nl"), chart.ErrInvalidRange},
		{"no messages", func() chart.Trend { return good }, chart.Options{Lang: "nl"}, chart.ErrNoMessages},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := chart.Render(tc.trend(), tc.opts)
			if !errors.Is(err, tc.want) || out != "" {
				t.Errorf("Render = %q, %v; want %v", out, err, tc.want)
			}
		})
	}
}

// TestLabFlagOverridesTheBand: the laboratory's own flag wins over the band (its range may depend on
// age or method), and the mark follows it.
func TestLabFlagOverridesTheBand(t *testing.T) {
	tr := chart.Trend{ID: "x", Test: "ALAT", Unit: "U/L", Range: chart.AtMost(45), Points: []chart.Point{
		{Time: day(2026, 1, 1), Value: 40, Flag: chart.FlagHigh},
		{Time: day(2026, 1, 2), Value: 50, Flag: chart.FlagNormal},
	}}
	out, err := chart.Render(tr, opts("nl"))
	if err != nil {
		t.Fatal(err)
	}
	if n, h, l := marks(t, parseSVG(t, out)); n != 1 || h != 1 || l != 0 {
		t.Errorf("marks %d/%d/%d", n, h, l)
	}
}

func TestRangeClassify(t *testing.T) {
	cases := []struct {
		r    chart.Range
		v    float64
		want chart.Flag
	}{
		{chart.Between(3.5, 5), 5, chart.FlagNormal},
		{chart.Between(3.5, 5), 5.01, chart.FlagHigh},
		{chart.Between(3.5, 5), 3.49, chart.FlagLow},
		{chart.AtMost(5), -100, chart.FlagNormal},
		{chart.AtLeast(60), 1e9, chart.FlagNormal},
		{chart.AtLeast(60), 59.9, chart.FlagLow},
		{chart.Range{}, 42, chart.FlagNormal},
	}
	for _, tc := range cases {
		if got := tc.r.Classify(tc.v); got != tc.want {
			t.Errorf("%+v.Classify(%v) = %v, want %v", tc.r, tc.v, got, tc.want)
		}
	}
}

var numberRE = regexp.MustCompile(`-?\d+(\.\d+)?`)

// coordinates extracts every index-th number of "x,y x,y ..." (0 for x, 1 for y).
func coordinates(t testing.TB, points string, index int) []float64 {
	var out []float64
	for _, pair := range strings.Fields(points) {
		parts := strings.Split(pair, ",")
		if len(parts) != 2 {
			t.Fatalf("bad point %q", pair)
		}
		out = append(out, num(t, parts[index]))
	}
	return out
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// triangleTip returns the first vertex of a triangle path "Mx,yL..H..Z".
func triangleTip(t testing.TB, d string) (x, y float64) {
	nums := numberRE.FindAllString(d, -1)
	if len(nums) < 2 {
		t.Fatalf("path %q", d)
	}
	return num(t, nums[0]), num(t, nums[1])
}

// pointsUp: the tip is above (smaller y than) the base.
func pointsUp(t testing.TB, d string) bool {
	nums := numberRE.FindAllString(d, -1)
	_, tipY := triangleTip(t, d)
	return tipY < num(t, nums[3])
}

func checkInsideViewBox(t testing.TB, root *node) {
	t.Helper()
	check := func(e *node, what string, v float64, limit float64) {
		if v < 0 || v > limit {
			t.Errorf("<%s> %s = %.1f outside the viewBox", e.Name, what, v)
		}
	}
	for _, e := range root.all(func(*node) bool { return true }) {
		for _, a := range []string{"x", "x1", "x2", "cx"} {
			if v, ok := e.Attr[a]; ok {
				check(e, a, num(t, v), 640)
			}
		}
		for _, a := range []string{"y", "y1", "y2", "cy"} {
			if v, ok := e.Attr[a]; ok {
				check(e, a, num(t, v), 320)
			}
		}
		if p, ok := e.Attr["points"]; ok {
			for _, x := range coordinates(t, p, 0) {
				check(e, "points x", x, 640)
			}
			for _, y := range coordinates(t, p, 1) {
				check(e, "points y", y, 320)
			}
		}
	}
}

func unique(s []string) bool {
	seen := map[string]bool{}
	for _, v := range s {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func BenchmarkRender(b *testing.B) {
	for _, n := range []int{12, 1000} {
		b.Run(fmt.Sprintf("points=%d", n), func(b *testing.B) {
			start := time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC)
			tr := chart.Trend{ID: "k", Test: "Kalium", Unit: "mmol/L", Range: chart.Between(3.5, 5)}
			for i := range n {
				tr.Points = append(tr.Points, chart.Point{Time: start.Add(time.Duration(i) * 50 * time.Hour), Value: 4.2 + math.Sin(float64(i))})
			}
			o := opts("nl")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := chart.Render(tr, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
