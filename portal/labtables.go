package portal

import (
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// The rows of the lab tables are written here in Go rather than by the templates. They are the portal's
// most viewed markup (the pharmacist's eGFR, the GP's lab tab) and the row-heavy part of it: html/template
// evaluates every action of every row through reflection and calls an escaper per value, which made the
// rows of a 16-result lab page cost some 300 µs, more than the rest of the page (the measured figures are
// in docs/performance.md, BenchmarkRenderLabPage). The tables, captions and headers stay in the templates; the
// flag and badge inside a row are still drawn by their partials (labflag.html, badge.html), rendered once
// per language and value and kept, so that their markup has one source.

// labTable names the three tables the rows can belong to; each has its own columns.
type labTable string

const (
	// labLatest is the overview: per test its latest result and a link to its trend.
	labLatest labTable = "latest"
	// labAll is every result, newest first.
	labAll labTable = "all"
	// labSeries is one test over time, under its trend chart.
	labSeries labTable = "series"
)

// fragmentKey is one rendered partial: the partial, the language and its data (a comparable value).
type fragmentKey struct {
	name, lang string
	data       any
}

// fragments caches rendered partials whose output depends only on language and a small value (a lab
// flag, a status badge); both sets are finite, so the cache stays small.
type fragments struct {
	mu   sync.RWMutex
	html map[fragmentKey]template.HTML
}

// fragment renders a partial once per key and returns the kept copy afterwards.
func (r *renderer) fragment(name, lang string, data any) (template.HTML, error) {
	key := fragmentKey{name: name, lang: lang, data: data}
	r.cache.mu.RLock()
	h, ok := r.cache.html[key]
	r.cache.mu.RUnlock()
	if ok {
		return h, nil
	}
	h, err := r.partial(name, lang, data)
	if err != nil {
		return "", err
	}
	r.cache.mu.Lock()
	if r.cache.html == nil {
		r.cache.html = map[fragmentKey]template.HTML{}
	}
	r.cache.html[key] = h
	r.cache.mu.Unlock()
	return h, nil
}

// labRows writes the body rows of one lab table. Every text from the dossier is escaped with
// template.HTMLEscapeString, as html/template escapes text in an element; ids are numbers.
func (r *renderer) labRows(lang string, patientPublicID string, table labTable, rows []labRow) (template.HTML, error) {
	if table != labLatest && table != labAll && table != labSeries {
		return "", fmt.Errorf("views: no lab table %q", table)
	}
	var b strings.Builder
	b.Grow(len(rows) * 400)
	esc := template.HTMLEscapeString
	patient := esc(patientPublicID)
	for _, row := range rows {
		value := `<td class="num lab-table__value">` + esc(row.Value)
		if row.Flag.Flagged() {
			flag, err := r.fragment("labflag", lang, row.Flag)
			if err != nil {
				return "", err
			}
			b.WriteString(`<tr class="lab-table__row--flagged">`)
			value += " " + string(flag)
		} else {
			b.WriteString(`<tr>`)
		}
		value += `</td>`
		unitAndRange := `<td>` + esc(row.Unit) + `</td><td class="lab-table__range">` + esc(row.Range) + `</td>`
		switch table {
		case labLatest:
			b.WriteString(`<th scope="row">` + esc(row.Test) + `</th>` + value + unitAndRange)
			b.WriteString(`<td class="nowrap">` + esc(row.When) + `</td>`)
			b.WriteString(`<td><a href="/patients/` + patient + `/lab/` + esc(row.PublicID) + `">`)
			b.WriteString(esc(r.catalog.T(lang, "dossier.lab.trend_link", row.Count)))
			b.WriteString(`<span class="visually-hidden"> ` + esc(row.Test) + `</span></a></td>`)
		case labAll, labSeries:
			if table == labAll {
				b.WriteString(`<td class="nowrap">` + esc(row.When) + `</td><th scope="row">` + esc(row.Test) + `</th>`)
			} else {
				b.WriteString(`<th scope="row" class="nowrap">` + esc(row.When) + `</th>`)
			}
			badge, err := r.fragment("badge", lang, row.Badge)
			if err != nil {
				return "", err
			}
			b.WriteString(value + unitAndRange + `<td>` + string(badge) + `</td>`)
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()), nil
}
