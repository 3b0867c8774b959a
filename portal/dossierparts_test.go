package portal

import (
	"html/template"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/chart"
)

// fragment parses rendered partial markup the way a browser would inside <main>.
func fragment(t *testing.T, markup template.HTML) *html.Node {
	t.Helper()
	main := &html.Node{Type: html.ElementNode, Data: "main", DataAtom: atom.Main}
	nodes, err := html.ParseFragment(strings.NewReader(string(markup)), main)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		main.AppendChild(n)
	}
	return main
}

// find returns every element below n for which keep holds.
func find(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && keep(c) {
			out = append(out, c)
		}
		out = append(out, find(c, keep)...)
	}
	return out
}

func byClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return slices.Contains(strings.Fields(attr(n, "class")), class) }
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// text is the text content of a node, with runs of white space collapsed and elements other than
// spans apart, the way a screen reader reads a term and its description separately.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		separate := n.Type == html.ElementNode && n.DataAtom != atom.Span
		if separate {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if separate {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func testRenderer(t *testing.T) *renderer {
	t.Helper()
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func renderPart(t *testing.T, r *renderer, name, lang string, data any) *html.Node {
	t.Helper()
	out, err := r.partial(name, lang, data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "[banner.") || strings.Contains(string(out), "[tabs.") || strings.Contains(string(out), "[status.") || strings.Contains(string(out), "[labflag.") {
		t.Errorf("a message key is missing:\n%s", out)
	}
	return fragment(t, out)
}

func patient() access.Patient {
	return access.Patient{
		BSN: "123456782", PatientNumber: "P0012345", FamilyName: "Vries", FamilyPrefix: "de",
		GivenNames: "Maria Johanna", Initials: "M.J.", BirthDate: time.Date(1950, 2, 3, 0, 0, 0, 0, time.UTC), Sex: access.SexFemale,
	}
}

var today = time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)

func TestNewPatientBanner(t *testing.T) {
	died := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		patient  func() access.Patient
		clinical BannerClinical
		now      time.Time
		check    func(t *testing.T, b PatientBanner)
	}{
		{"the day before the birthday", patient, BannerClinical{}, today, func(t *testing.T, b PatientBanner) {
			if b.Age != 75 || b.FamilyName != "de Vries" || b.GivenNames != "Maria Johanna" || b.BSN != "1234.56.782" || b.Allergy != AllergiesUnknown {
				t.Errorf("%+v", b)
			}
		}},
		{"on the birthday, late in the Dutch evening", patient, BannerClinical{}, time.Date(2026, 2, 2, 23, 30, 0, 0, time.UTC), func(t *testing.T, b PatientBanner) {
			if b.Age != 76 {
				t.Errorf("age %d: 23:30 UTC is already 3 February in Amsterdam", b.Age)
			}
		}},
		{"deceased: age at death", func() access.Patient {
			p := patient()
			p.Deceased, p.DeceasedAt = true, &died
			return p
		}, BannerClinical{}, today, func(t *testing.T, b PatientBanner) {
			if b.Age != 75 || !b.Deceased {
				t.Errorf("%+v", b)
			}
		}},
		{"initials when no given names, no prefix, unknown sex value", func() access.Patient {
			p := patient()
			p.GivenNames, p.FamilyPrefix, p.Sex = "", "", "x"
			return p
		}, BannerClinical{NoKnownAllergies: true}, today, func(t *testing.T, b PatientBanner) {
			if b.GivenNames != "M.J." || b.FamilyName != "Vries" || b.Sex != access.SexUnknown || b.Allergy != AllergiesNoneKnown {
				t.Errorf("%+v", b)
			}
		}},
		{"recorded allergies win over 'none known'", patient, BannerClinical{Allergies: []string{"Penicilline"}, NoKnownAllergies: true}, today, func(t *testing.T, b PatientBanner) {
			if b.Allergy != AllergiesPresent {
				t.Errorf("%+v", b)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, NewPatientBanner(tc.patient(), tc.clinical, tc.now)) })
	}
}

func TestBannerPartial(t *testing.T) {
	r := testRenderer(t)
	died := time.Date(2026, 1, 20, 8, 0, 0, 0, time.UTC)
	full := NewPatientBanner(func() access.Patient {
		p := patient()
		p.Deceased, p.DeceasedAt = true, &died
		return p
	}(), BannerClinical{Allergies: []string{"Penicilline", "Pinda"}, TreatmentLimits: []string{"Niet reanimeren", "Niet beademen"}}, today)
	plain := NewPatientBanner(patient(), BannerClinical{NoKnownAllergies: true}, today)
	unknown := NewPatientBanner(patient(), BannerClinical{}, today)

	t.Run("everything, Dutch", func(t *testing.T) {
		doc := renderPart(t, r, "banner", "nl", full)
		h1 := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 })
		if len(h1) != 1 || text(h1[0]) != "Maria Johanna de Vries" {
			t.Fatalf("h1 %v", h1)
		}
		if fam := find(h1[0], byClass("patient-banner__family")); len(fam) != 1 || text(fam[0]) != "de Vries" {
			t.Error("the family name is not emphasised")
		}
		facts := text(find(doc, byClass("patient-banner__facts"))[0])
		for _, want := range []string{"Geboren 3 februari 1950 (75 jaar)", "BSN 1234.56.782", "Geslacht vrouw", "Patiëntnummer P0012345"} {
			if !strings.Contains(facts, want) {
				t.Errorf("facts %q lack %q", facts, want)
			}
		}
		if strings.Contains(facts, "geen vastgelegd") {
			t.Error("'no treatment limits' shown while there are some")
		}
		deceased := find(doc, byClass("patient-banner__alert--deceased"))
		if len(deceased) != 1 || text(deceased[0]) != "† Overleden op 20 januari 2026" {
			t.Errorf("deceased marker %v", deceased)
		}
		limits := find(doc, byClass("patient-banner__alert--limits"))
		if len(limits) != 1 || text(limits[0]) != "! Behandelbeperkingen: Niet reanimeren Niet beademen" {
			t.Errorf("limits %q", text(limits[0]))
		}
		allergy := find(doc, byClass("patient-banner__alert--allergy"))
		if len(allergy) != 1 || !strings.Contains(text(allergy[0]), "Allergieën: Penicilline Pinda") {
			t.Errorf("allergies %v", allergy)
		}
		// Symbols are decoration: screen readers get the words.
		for _, n := range find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Span && attr(n, "aria-hidden") == "true" }) {
			if s := text(n); s != "†" && s != "!" && s != "⚠" {
				t.Errorf("hidden text %q", s)
			}
		}
	})
	t.Run("no allergies, no limits, English", func(t *testing.T) {
		doc := renderPart(t, r, "banner", "en", plain)
		all := text(doc)
		for _, want := range []string{"Born 3 February 1950 (75 years)", "Sex female", "Treatment limits none recorded", "No known allergies"} {
			if !strings.Contains(all, want) {
				t.Errorf("banner %q lacks %q", all, want)
			}
		}
		if len(find(doc, byClass("patient-banner__alert--deceased"))) != 0 {
			t.Error("a living patient is marked deceased")
		}
	})
	t.Run("allergy status unknown", func(t *testing.T) {
		doc := renderPart(t, r, "banner", "nl", unknown)
		if n := find(doc, byClass("patient-banner__alert--unknown")); len(n) != 1 || text(n[0]) != "? Allergiestatus onbekend" {
			t.Errorf("unknown allergy status %v", n)
		}
	})
	t.Run("hostile names stay text", func(t *testing.T) {
		b := plain
		b.GivenNames, b.FamilyName = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
		b.TreatmentLimits = []string{"<b>NR</b>"}
		doc := renderPart(t, r, "banner", "nl", b)
		if len(find(doc, func(n *html.Node) bool {
			return n.DataAtom == atom.Script || n.DataAtom == atom.Img || n.DataAtom == atom.B
		})) > 0 {
			t.Error("markup from the data became elements")
		}
		if !strings.Contains(text(doc), `<script>alert(1)</script> "><img src=x onerror=alert(1)>`) {
			t.Errorf("name not shown as text: %q", text(doc))
		}
	})
}

func TestTabsPartial(t *testing.T) {
	r := testRenderer(t)
	// The pharmacist's categories, given out of order: the tabs follow the dossier's order.
	tabs := DossierTabs([]access.Category{access.Lab, access.Summary, access.Medication, access.Allergies}, access.Lab,
		func(c access.Category) string { return "/patients/7/" + string(c) })
	doc := renderPart(t, r, "tabs", "nl", tabs)
	nav := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Nav })
	if len(nav) != 1 || attr(nav[0], "aria-label") != "Onderdelen van het dossier" {
		t.Fatalf("nav %v", nav)
	}
	links := find(nav[0], func(n *html.Node) bool { return n.DataAtom == atom.A })
	var got []string
	for _, a := range links {
		current := ""
		if hasAttr(a, "aria-current") {
			current = "*" + attr(a, "aria-current")
		}
		got = append(got, text(a)+"="+attr(a, "href")+current)
	}
	want := []string{"Samenvatting=/patients/7/summary", "Allergieën=/patients/7/allergies", "Medicatie=/patients/7/medication", "Labuitslagen=/patients/7/lab*page"}
	if !slices.Equal(got, want) {
		t.Errorf("tabs %q, want %q", got, want)
	}
	if len(find(nav[0], func(n *html.Node) bool { return n.DataAtom == atom.Li })) != 4 {
		t.Error("not a list of four items")
	}
	en := renderPart(t, r, "tabs", "en", DossierTabs(access.Categories, access.Summary, func(c access.Category) string { return "#" + string(c) }))
	if s := text(en); s != "Summary Encounters Problems Allergies Medication Lab results Reports Letters Imaging" {
		t.Errorf("English tabs %q", s)
	}
	// A hostile href from data is neutralised by html/template.
	hostile := renderPart(t, r, "tabs", "nl", []DossierTab{{Category: access.Lab, Href: "javascript:alert(1)"}})
	if a := find(hostile, func(n *html.Node) bool { return n.DataAtom == atom.A }); strings.HasPrefix(attr(a[0], "href"), "javascript:") {
		t.Errorf("href %q", attr(a[0], "href"))
	}
}

func TestLabFlagOf(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		interpretation  string
		value, low, top *float64
		want            LabFlag
	}{
		{"H", nil, nil, nil, LabHigh},
		{"hh", nil, nil, nil, LabCriticalHigh},
		{"L", nil, nil, nil, LabLow},
		{"LL", nil, nil, nil, LabCriticalLow},
		{"A", nil, nil, nil, LabAbnormal},
		{"N", f(9), f(1), f(5), LabNormal}, // the laboratory's word wins over the range
		{"H", f(3), f(1), f(5), LabHigh},
		{"", f(5.6), f(3.5), f(5), LabHigh},
		{"", f(3.4), f(3.5), f(5), LabLow},
		{"", f(5), f(3.5), f(5), LabNormal},
		{"", f(5), nil, nil, LabNormal},
		{"", nil, f(1), f(2), LabNormal},
		{"", f(-3), f(-2), nil, LabLow},
	}
	for _, tc := range cases {
		if got := LabFlagOf(tc.interpretation, tc.value, tc.low, tc.top); got != tc.want {
			t.Errorf("LabFlagOf(%q, %v) = %q, want %q", tc.interpretation, tc.value, got, tc.want)
		}
	}
}

func TestLabFlagPartial(t *testing.T) {
	r := testRenderer(t)
	cases := []struct {
		flag       LabFlag
		lang       string
		arrow, say string
	}{
		{LabHigh, "nl", "↑", "hoog"},
		{LabLow, "nl", "↓", "laag"},
		{LabCriticalHigh, "en", "↑↑", "critically high"},
		{LabCriticalLow, "nl", "↓↓", "kritiek laag"},
		{LabAbnormal, "en", "!", "abnormal"},
	}
	for _, tc := range cases {
		doc := renderPart(t, r, "labflag", tc.lang, tc.flag)
		flag := find(doc, byClass("lab-flag"))
		if len(flag) != 1 || !slices.Contains(strings.Fields(attr(flag[0], "class")), "lab-flag--"+string(tc.flag)) {
			t.Fatalf("%s: no flag element", tc.flag)
		}
		arrow := find(flag[0], func(n *html.Node) bool { return attr(n, "aria-hidden") == "true" })
		hidden := find(flag[0], byClass("visually-hidden"))
		if len(arrow) != 1 || text(arrow[0]) != tc.arrow || len(hidden) != 1 || text(hidden[0]) != tc.say {
			t.Errorf("%s: arrow %v, words %v", tc.flag, arrow, hidden)
		}
	}
	if doc := renderPart(t, r, "labflag", "nl", LabNormal); text(doc) != "" || doc.FirstChild != nil {
		t.Error("a normal value has a flag")
	}
}

func TestStatusBadge(t *testing.T) {
	r := testRenderer(t)
	cases := []struct {
		status, lang, word, tone string
	}{
		{"final", "nl", "definitief", "final"},
		{"current", "nl", "definitief", "final"},
		{"preliminary", "en", "preliminary", "preliminary"},
		{"partial", "nl", "voorlopig", "preliminary"},
		{"corrected", "nl", "gewijzigd", "amended"},
		{"Cancelled", "nl", "geannuleerd", "cancelled"},
		{"entered-in-error", "en", "entered in error", "error"},
		{"stopped", "nl", "gestopt", "cancelled"},
		{"on-hold", "en", "on hold", "preliminary"},
		{"<script>", "nl", "onbekende status", "neutral"},
	}
	for _, tc := range cases {
		doc := renderPart(t, r, "badge", tc.lang, StatusBadge(tc.status))
		b := find(doc, byClass("badge"))
		if len(b) != 1 || text(b[0]) != tc.word || !slices.Contains(strings.Fields(attr(b[0], "class")), "badge--"+tc.tone) {
			t.Errorf("%s: %v", tc.status, b)
		}
	}
}

func TestTrendPartial(t *testing.T) {
	r := testRenderer(t)
	tr := chart.Trend{ID: "lab-kalium", Test: "Kalium", Unit: "mmol/L", Range: chart.Between(3.5, 5), Points: []chart.Point{
		{Time: today.AddDate(0, -1, 0), Value: 4.2}, {Time: today, Value: 5.4},
	}}
	doc := renderPart(t, r, "trend", "nl", tr)
	fig := find(doc, byClass("chart"))
	if len(fig) != 1 || fig[0].DataAtom != atom.Figure {
		t.Fatal("no figure.chart")
	}
	svg := find(fig[0], func(n *html.Node) bool { return n.Data == "svg" })
	if len(svg) != 1 || attr(svg[0], "role") != "img" || attr(svg[0], "aria-labelledby") != "lab-kalium-title lab-kalium-desc" {
		t.Fatalf("svg %v", svg)
	}
	// Data the chart cannot draw gives a note, not a broken page.
	for _, bad := range []chart.Trend{{}, {Test: "x", Range: chart.Between(5, 3), Points: tr.Points}} {
		doc := renderPart(t, r, "trend", "en", bad)
		if n := find(doc, byClass("chart__unavailable")); len(n) != 1 || !strings.HasPrefix(text(n[0]), "No chart") {
			t.Errorf("no note for %+v", bad)
		}
	}
}
