//go:build browser

package portal_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/document"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserStartPageLanguageLogoutAndLogin walks the whole frame in Chromium over mutual TLS with the
// gp card: the start page names the card holder, the English switch, logging out and logging in again.
// Each page is screenshotted and checked with axe-core.
func TestBrowserStartPageLanguageLogoutAndLogin(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)

	if status := b.Visit("/"); status != http.StatusOK {
		t.Fatalf("start page: status %d", status)
	}
	main := b.Text("main")
	for _, want := range []string{"Mijn patiënten", "Anna de Vries", "900100001", "Huisarts"} {
		if !strings.Contains(main, want) {
			t.Errorf("start page lacks %q:\n%s", want, main)
		}
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "nl" {
		t.Errorf("html lang = %q, want nl", lang)
	}
	b.Screenshot("start-nl")
	b.Axe(t)

	if status := b.Follow("a.lang-switch"); status != http.StatusOK {
		t.Fatalf("English: status %d", status)
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("after the switch html lang = %q, want en", lang)
	}
	if got := b.Text("main h1"); got != "My patients" {
		t.Errorf("English heading = %q", got)
	}
	if main := b.Text("main"); !strings.Contains(main, "General practitioner") || !strings.Contains(main, "900100001") {
		t.Errorf("English start page:\n%s", main)
	}
	b.Screenshot("start-en")
	b.Axe(t)

	if status := b.Follow("form.logout button"); status != http.StatusOK {
		t.Fatalf("logout: status %d", status)
	}
	if got := b.Text("main h1"); got != "You are logged out" {
		t.Errorf("after logout the heading is %q", got)
	}
	if n := b.Count(".who__name"); n != 0 {
		t.Errorf("the logged-out page still names the provider")
	}
	b.Screenshot("logged-out")
	b.Axe(t)
	// The language switch of a page that answered a form still leads somewhere sensible.
	if status := b.Follow("a.lang-switch"); status != http.StatusUnauthorized {
		t.Errorf("language switch on the logged-out page: status %d, want 401", status)
	}
	if got := b.Text("main h1"); got != "U bent uitgelogd" {
		t.Errorf("Dutch logged-out page heading = %q", got)
	}
	b.Screenshot("logged-out-nl")
	b.Axe(t)
	b.Follow("a.lang-switch")
	// A reload of the start page does not log the card straight in again.
	if status := b.Visit("/"); status != http.StatusUnauthorized {
		t.Errorf("start page after logout: status %d, want 401", status)
	}

	if status := b.Follow("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("log in again: status %d", status)
	}
	if !strings.HasSuffix(b.Location(), "/") || !strings.Contains(b.Text("main"), "Anna de Vries") {
		t.Errorf("after logging in again: %s\n%s", b.Location(), b.Text("main"))
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("the language choice was not remembered across the login: lang %q", lang)
	}
	b.Screenshot("logged-in-again")
	b.Axe(t)
}

// TestBrowserDoorExplainsTheCard: a real Chromium without a card, and one with an expired card, gets the
// door's page in Dutch (not a browser error) that says what is wrong and what to do, styled and
// accessible; a connection without a verified card reaches nothing else.
func TestBrowserDoorExplainsTheCard(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	for _, tt := range []struct {
		card, title, shot string
	}{
		{browser.NoCard, "Plaats uw UZI-pas", "door-no-card"},
		// Chromium does not offer an expired certificate at all: the provider sees the page that asks for
		// the card, and that page says that an expired card is not offered. (A client that does send the
		// expired card gets "Uw UZI-pas is verlopen op …": TestCertificates in portal/abuse.)
		{devpki.CardExpired, "Plaats uw UZI-pas", "door-expired-card"},
	} {
		b := browser.Open(t, env, tt.card)
		if status := b.Visit("/"); status != http.StatusForbidden {
			t.Fatalf("%s: status %d", tt.shot, status)
		}
		if got := b.Text("h1"); got != tt.title {
			t.Errorf("%s: heading %q, want %q", tt.shot, got, tt.title)
		}
		if text := b.Text("main"); !strings.Contains(text, "Wat kunt u doen?") || !strings.Contains(text, "verlopen") {
			t.Errorf("%s: the page does not say what to do: %q", tt.shot, text)
		}
		if b.Count(`link[rel="stylesheet"]`) == 0 || b.Text("body") == "" {
			t.Errorf("%s: the page is not the portal's styled page", tt.shot)
		}
		b.Axe(t)
		b.Screenshot(tt.shot)
		if status := b.Visit("/patients/search"); status != http.StatusForbidden || b.Text("h1") != tt.title {
			t.Errorf("%s: the search page answered %d %q behind the door", tt.shot, status, b.Text("h1"))
		}
	}
}

// TestBrowserSkipLinkIsFirstTabStop: from the top of the page, the first Tab lands on the skip link, which
// then shows on screen with a visible focus ring, and following it moves focus to the main content.
func TestBrowserSkipLinkIsFirstTabStop(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	b.Press(kb.Tab)
	focused := b.Focused()
	if focused.Class != "skip-link" || focused.Href != "#main" {
		t.Fatalf("first Tab stop is %+v, want the skip link", focused)
	}
	if focused.Text != "Direct naar de inhoud" {
		t.Errorf("skip link text %q", focused.Text)
	}
	if focused.OutlineStyle == "none" || focused.OutlineWidth < 2 {
		t.Errorf("skip link has no visible focus ring: outline %s %.1fpx %s", focused.OutlineStyle, focused.OutlineWidth, focused.OutlineColor)
	}
	if !focused.InViewport {
		t.Error("the focused skip link is not on screen")
	}
	b.Screenshot("skip-link-focused")
	b.Press(kb.Enter)
	if f := b.Focused(); f.ID != "main" {
		t.Errorf("after following the skip link focus is on %+v, want main", f)
	}
}

// TestBrowserDossierComponents puts every dossier partial, rendered by the portal's own renderer, into
// the real start page with the real stylesheet, and checks them the way a person would: axe finds no
// serious problem (contrast included), the tabs show keyboard focus, and the print version keeps the
// banner and drops the navigation.
func TestBrowserDossierComponents(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")

	render := func(name, lang string, data any) string {
		t.Helper()
		out, err := env.Server.RenderPartial(name, lang, data)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	now := time.Now()
	died := now.AddDate(0, 0, -3)
	p := access.Patient{BSN: "123456782", PatientNumber: "P0012345", FamilyName: "Vries", FamilyPrefix: "de",
		GivenNames: "Maria Johanna", BirthDate: time.Date(1950, 2, 3, 0, 0, 0, 0, time.UTC), Sex: access.SexFemale,
		Deceased: true, DeceasedAt: &died}
	banner := portal.NewPatientBanner(p, portal.BannerClinical{Allergies: []string{"Penicilline", "Pinda"},
		TreatmentLimits: []string{"Niet reanimeren"}}, now)
	tabs := portal.DossierTabs(access.Categories, access.Lab, func(c access.Category) string { return "#" + string(c) })
	trend := chart.Trend{ID: "lab-k", Test: "Kalium", Unit: "mmol/L", Range: chart.Between(3.5, 5)}
	for i, v := range []float64{4.1, 5.6, 4.4, 3.2, 3.9} {
		trend.Points = append(trend.Points, chart.Point{Time: now.AddDate(0, 0, 14*(i-4)), Value: v})
	}
	var rows strings.Builder
	for _, r := range []struct {
		test, value, unit, rangeText, interpretation, status string
	}{
		{"Kalium", "5,6", "mmol/L", "3,5 – 5,0", "H", "final"},
		{"Natrium", "128", "mmol/L", "135 – 145", "L", "final"},
		{"Troponine T", "2100", "ng/L", "< 14", "HH", "preliminary"},
		{"Hemoglobine", "8,1", "mmol/L", "7,5 – 10,0", "", "corrected"},
	} {
		flag := portal.LabFlagOf(r.interpretation, nil, nil, nil)
		class := ""
		if flag.Flagged() {
			class = ` class="lab-table__row--flagged"`
		}
		fmt.Fprintf(&rows, `<tr%s><th scope="row">%s</th><td class="num lab-table__value">%s %s</td><td>%s</td><td class="lab-table__range">%s</td><td>%s</td></tr>`,
			class, r.test, r.value, render("labflag", "nl", flag), r.unit, r.rangeText, render("badge", "nl", portal.StatusBadge(r.status)))
	}
	letter, err := document.NewSanitizer().HTML([]byte(`<h1>Ontslagbrief</h1><p>Geachte collega,</p><p onclick=x()>Patiënt is <b>ontslagen</b>.</p><ul><li>CRP 12</li></ul>`), "")
	if err != nil {
		t.Fatal(err)
	}
	components := render("banner", "nl", banner) + render("tabs", "nl", tabs) +
		`<h2>Lab</h2><table class="lab-table"><caption>Laatste uitslagen</caption><thead><tr><th scope="col">Test</th><th scope="col" class="num">Waarde</th><th scope="col">Eenheid</th><th scope="col">Referentie</th><th scope="col">Status</th></tr></thead><tbody>` +
		rows.String() + `</tbody></table>` + render("trend", "nl", trend) +
		`<h2>Brief</h2><dl class="facts"><dt>Auteur</dt><dd>Dr. J. Bakker, internist</dd><dt>Status</dt><dd>` + render("badge", "nl", portal.StatusBadge("final")) + `</dd></dl>` + string(letter)
	browser.Eval[bool](b, fmt.Sprintf(`(document.querySelector("main").innerHTML = %s, true)`, jsonString(components)))

	if got := browser.Eval[string](b, `document.querySelector("main h1").textContent`); got != "Maria Johanna de Vries" {
		t.Errorf("banner heading %q", got)
	}
	if b.Count(`.tabs a[aria-current="page"]`) != 1 || b.Text(`.tabs a[aria-current="page"]`) != "Labuitslagen" {
		t.Error("the current tab is not marked")
	}
	if n := b.Count(".lab-flag .visually-hidden"); n != 3 {
		t.Errorf("%d hidden flag words, want 3", n)
	}
	if fill := browser.Eval[string](b, `getComputedStyle(document.querySelector(".lab-flag--high")).color`); fill != "rgb(164, 0, 29)" {
		t.Errorf("high flag colour %s", fill)
	}
	// The trend chart uses the width it has: the width of its container.
	w := browser.Eval[float64](b, `document.querySelector(".chart svg").getBoundingClientRect().width`)
	if box := browser.Eval[float64](b, `document.querySelector(".chart").parentElement.getBoundingClientRect().width`); w < 0.9*box || w > box+1 {
		t.Errorf("chart width %.0f px in a container of %.0f px: it does not use the width it has", w, box)
	}
	b.Screenshot("components")
	b.Axe(t)

	// Keyboard: tabbing onto the current tab shows a visible focus ring.
	browser.Eval[bool](b, `(document.querySelector('.tabs a[href="#medication"]').focus(), true)`)
	b.Press(kb.Tab)
	if f := b.Focused(); f.Text != "Labuitslagen" || f.OutlineStyle == "none" || f.OutlineWidth < 2 {
		t.Errorf("focused tab %+v", f)
	}

	b.Media("print")
	display := func(sel string) string {
		return browser.Eval[string](b, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).display`, jsonString(sel)))
	}
	if display(".tabs") != "none" || display(".site-header__tools") != "none" || display(".skip-link") != "none" {
		t.Error("the print version shows navigation")
	}
	if display(".patient-banner") == "none" || display(".chart") == "none" {
		t.Error("the print version hides the banner or the chart")
	}
	if top := browser.Eval[float64](b, `document.querySelector(".patient-banner").getBoundingClientRect().top`); top > 200 {
		t.Errorf("the banner starts %.0f px down the printed page", top)
	}
	b.Screenshot("components-print")
}

// jsonString quotes s as a JavaScript string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
