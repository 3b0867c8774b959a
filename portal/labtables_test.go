package portal

import (
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// TestLabRowsEscapeAndMark checks the lab rows written without the template engine: text from the
// laboratory is escaped exactly where html/template would escape it, a flagged value gets the row class
// and the labflag partial's markup, every full-table row its status badge, and the overview its trend link.
func TestLabRowsEscapeAndMark(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	high, low, top := 9.1, 4.5, 7.5
	hostile := `<script>alert("x")</script>&'`
	results := []dossier.LabResult{
		{ID: 11, PublicID: "a11", Code: "2823-3x", Display: hostile, ValueNum: &high, Unit: "mmol/L", RefLow: &low, RefHigh: &top, Status: "final",
			EffectiveAt: time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)},
		{ID: 12, PublicID: "a12", Code: "2823-3", Display: "Kalium", ValueText: "hemolytisch", Unit: `<b>`, RefText: `"3,5 - 5"`, Status: "no-such-status",
			EffectiveAt: time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC)},
	}
	body := newLabBody("nl", results, func(int64) {})
	flag, err := r.partial("labflag", "nl", LabHigh)
	if err != nil {
		t.Fatal(err)
	}
	final, err := r.partial("badge", "nl", StatusBadge("final"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.partial("badge", "nl", StatusBadge("no-such-status"))
	if err != nil {
		t.Fatal(err)
	}
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;`

	all, err := r.labRows("nl", "p7", labAll, body.All)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(all)), "\n")
	if len(rows) != 2 {
		t.Fatalf("full table: %d rows, want 2:\n%s", len(rows), all)
	}
	for _, want := range []string{`<tr class="lab-table__row--flagged">`, `<th scope="row">` + escaped + `</th>`,
		`<td class="num lab-table__value">9,1 ` + string(flag) + `</td>`, `<td class="lab-table__range">4,5 – 7,5</td>`,
		`<td class="nowrap">2 maart 2026 10:05</td>`, `<td>` + string(final) + `</td>`} {
		if !strings.Contains(rows[0], want) {
			t.Errorf("flagged row lacks %s:\n%s", want, rows[0])
		}
	}
	for _, want := range []string{`<tr><td class="nowrap">`, `<td class="num lab-table__value">hemolytisch</td>`,
		`<td>&lt;b&gt;</td>`, `<td class="lab-table__range">&#34;3,5 - 5&#34;</td>`, `<td>` + string(other) + `</td>`} {
		if !strings.Contains(rows[1], want) {
			t.Errorf("normal row lacks %s:\n%s", want, rows[1])
		}
	}
	if strings.Contains(string(all), "<script>") || strings.Contains(rows[1], "lab-flag") {
		t.Errorf("unescaped text or a flag on a normal value:\n%s", all)
	}

	latest, err := r.labRows("nl", "p7", labLatest, body.Latest)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="/patients/p7/lab/a11">Verloop (1)<span class="visually-hidden"> ` + escaped + `</span></a>`,
		`<a href="/patients/p7/lab/a12">`} {
		if !strings.Contains(string(latest), want) {
			t.Errorf("overview lacks %s:\n%s", want, latest)
		}
	}

	series, err := r.labRows("en", "p7", labSeries, body.All[:1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(series), `<tr class="lab-table__row--flagged"><th scope="row" class="nowrap">`) ||
		!strings.Contains(string(series), "high") {
		t.Errorf("series row in English:\n%s", series)
	}
}

// TestLabRowsRefuseAnUnknownTable: a template naming a table that does not exist fails the page instead of
// writing rows without cells.
func TestLabRowsRefuseAnUnknownTable(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.labRows("nl", "p7", "overview", []labRow{{ID: 1, Test: "Kalium"}}); err == nil {
		t.Error("an unknown table was written")
	}
}
