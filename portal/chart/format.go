package chart

import (
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must not depend on the server's zone files
)

// amsterdam is the default time zone: the hospital's, in which clinicians read dates.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

var (
	monthsNL      = [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	monthsEN      = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthAbbrNL   = [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
	monthAbbrEN   = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	decimalMarkNL = ","
)

// monthAbbr is the short month name of the axis: "mrt" in Dutch, "Mar" in English.
func monthAbbr(m time.Month, lang string) string {
	if lang == "en" {
		return monthAbbrEN[m-1]
	}
	return monthAbbrNL[m-1]
}

// dayMonth is "3 feb" / "3 Feb".
func dayMonth(t time.Time, lang string) string {
	return itoa(t.Day()) + " " + monthAbbr(t.Month(), lang)
}

// fullShortDate is "3 feb 2026": the axis label of the first tick.
func fullShortDate(t time.Time, lang string) string {
	return dayMonth(t, lang) + " " + itoa(t.Year())
}

// longDate is "3 februari 2026" / "3 February 2026", the form of the portal's screens, for sentences.
func longDate(t time.Time, lang string) string {
	name := monthsNL[t.Month()-1]
	if lang == "en" {
		name = monthsEN[t.Month()-1]
	}
	return itoa(t.Day()) + " " + name + " " + itoa(t.Year())
}

func itoa(i int) string { return strconv.Itoa(i) }

// formatFixed writes a number with a fixed number of decimals in the reader's convention: "4,5" in
// Dutch, "4.5" in English.
func formatFixed(v float64, decimals int, lang string) string {
	s := strconv.FormatFloat(roundTo(v, decimals), 'f', decimals, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", decimalMarkNL, 1)
	}
	return s
}

// formatValue writes a measured value with up to four significant digits and no trailing zeros:
// 5.4, 0.0345, 123.5, 12000. Laboratory values carry their own precision, and a float64 should never
// show 0.30000000000000004 to a clinician.
func formatValue(v float64, lang string) string {
	decimals := 0
	if v != 0 {
		decimals = min(6, max(0, 3-int(math.Floor(math.Log10(math.Abs(v))))))
	}
	s := formatFixed(v, decimals, lang)
	if strings.ContainsAny(s, ".,") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimRight(s, ".,")
	}
	return s
}

// withUnit joins a formatted value and its unit: "4,5 mmol/L", or just "4,5" without a unit.
func withUnit(value, unit string) string {
	if unit = strings.TrimSpace(unit); unit == "" {
		return value
	}
	return value + " " + unit
}

// escapeText makes any text safe as character data of an SVG element inside HTML and XML: the five
// characters that can end text or start markup become character references. Control characters other
// than tab and newline, which XML forbids, are dropped.
func escapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '\t', '\n':
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff || (r >= 0xd800 && r <= 0xdfff) {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
