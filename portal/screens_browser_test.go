//go:build browser

package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// The provider's screens in a real Chromium over mutual TLS, on the demo data set: what a GP, a
// pharmacist and a GP of another practice do with them. Every main screen is screenshotted (the
// test-artifacts folder) and checked with axe-core.

// setDate puts a day into an <input type="date">. Typing into it depends on the browser's locale (the
// order of day, month and year), which the test does not control; the value the form sends does not.
func setDate(b *browser.Browser, selector, day string) {
	browser.Eval[bool](b, fmt.Sprintf(`(document.querySelector(%s).value = %s, true)`, jsonString(selector), jsonString(day)))
}

// TestBrowserGPFromStartPageToLabTrendAndDischargeLetter: the GP opens her start page, narrows it to
// the admitted patients, opens Mr van den Berg, goes to the lab results and the eGFR trend (the chart is
// drawn, with its text alternative, the values flagged by arrow and colour), prints it (banner on top, no
// navigation); then finds Mrs de Jong among the recently discharged, opens her discharge letter (text in
// the page, the PDF in Chromium's viewer), and reads the dossier in English.
func TestBrowserGPFromStartPageToLabTrendAndDischargeLetter(t *testing.T) {
	env := demoEnv(t)
	berg, jong := env.Patient(t, bsnVanDenBerg), env.Patient(t, bsnDeJong)
	b := browser.Open(t, env, devpki.CardGP)

	if status := b.Visit("/"); status != http.StatusOK {
		t.Fatalf("start page: %d", status)
	}
	if got := b.Text("main h1"); got != "Mijn patiënten" {
		t.Errorf("start page heading %q", got)
	}
	if n := b.Count("table.patients tbody tr"); n < 15 {
		t.Errorf("%d patients on the start page", n)
	}
	b.Screenshot("start-page")
	b.Axe(t)

	if status := b.Follow(`a[href="/?toon=opgenomen"]`); status != http.StatusOK {
		t.Fatalf("filter: %d", status)
	}
	if n := b.Count("table.patients tbody tr"); n != 1 {
		t.Errorf("%d admitted patients, want 1", n)
	}
	b.Screenshot("start-page-admitted")
	b.Axe(t)

	if status := b.Follow(`table.patients a[href="` + portaltest.PatientPath(berg) + `"]`); status != http.StatusOK {
		t.Fatalf("dossier: %d", status)
	}
	if got := b.Text(".patient-banner h1"); got != "Hendrik Jan van den Berg" && got != "Hendrik Jan VAN DEN BERG" {
		t.Errorf("banner heading %q", got)
	}
	if n := b.Count(".tabs a"); n != 9 {
		t.Errorf("%d tabs for the GP, want 9", n)
	}
	for _, want := range []string{"Niet reanimeren", "Allergie voor penicilline", "Ingeschreven huisartsenpraktijk", "Opgenomen"} {
		if !strings.Contains(b.Text("main"), want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	b.Screenshot("dossier-summary")
	b.Axe(t)

	if status := b.Follow(`.tabs a[href="` + portaltest.PatientPath(berg, "lab") + `"]`); status != http.StatusOK {
		t.Fatalf("lab tab: %d", status)
	}
	flag := ".lab-table tbody .lab-flag--high"
	if b.Count(flag) == 0 {
		t.Fatal("no high value flagged")
	}
	if arrow := b.Text(flag + ` [aria-hidden="true"]`); arrow != "↑" {
		t.Errorf("high flag arrow %q", arrow)
	}
	if colour := browser.Eval[string](b, `getComputedStyle(document.querySelector(".lab-table tbody .lab-flag--high")).color`); colour != "rgb(164, 0, 29)" {
		t.Errorf("high flag colour %s", colour)
	}
	b.Screenshot("dossier-lab")
	b.Axe(t)

	egfr := browser.Eval[string](b, `[...document.querySelectorAll(".lab-table tbody tr")].find(r => r.querySelector("th").textContent.startsWith("eGFR")).querySelector("a").getAttribute("href")`)
	if status := b.Follow(fmt.Sprintf(`a[href="%s"]`, egfr)); status != http.StatusOK {
		t.Fatalf("trend: %d", status)
	}
	if got := b.Text("main h2.dossier__title"); !strings.HasPrefix(got, "Verloop: eGFR") {
		t.Errorf("trend heading %q", got)
	}
	box := browser.Eval[[]float64](b, `(r => [r.width, r.height])(document.querySelector(".chart svg").getBoundingClientRect())`)
	if box[0] < 300 || box[1] < 150 {
		t.Errorf("the chart is not visible: %v", box)
	}
	if role, _ := b.Attribute(".chart svg", "role"); role != "img" {
		t.Errorf("chart role %q", role)
	}
	if n := b.Count(".chart svg title"); n == 0 {
		t.Error("the chart has no text alternative")
	}
	if rows := b.Count(".lab-table tbody tr"); rows < 5 {
		t.Errorf("the series table has %d rows", rows)
	}
	b.Screenshot("dossier-lab-trend")
	b.Axe(t)

	b.Media("print")
	display := func(sel string) string {
		return browser.Eval[string](b, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).display`, jsonString(sel)))
	}
	for _, hidden := range []string{".tabs", ".site-nav", ".site-header__tools", ".breadcrumb", ".access-basis__more"} {
		if display(hidden) != "none" {
			t.Errorf("the printed page shows %s", hidden)
		}
	}
	if display(".patient-banner") == "none" || display(".chart") == "none" || display(".access-basis") == "none" {
		t.Error("the printed page lacks the banner, the chart or the basis")
	}
	if top := browser.Eval[float64](b, `document.querySelector(".patient-banner").getBoundingClientRect().top`); top > 150 {
		t.Errorf("the banner starts %.0f px down the printed page", top)
	}
	b.Screenshot("dossier-lab-trend-print")
	b.Media("")

	b.Visit("/")
	if status := b.Follow(`a[href="/?toon=ontslagen"]`); status != http.StatusOK {
		t.Fatalf("discharged filter: %d", status)
	}
	if status := b.Follow(`table.patients a[href="` + portaltest.PatientPath(jong) + `"]`); status != http.StatusOK {
		t.Fatalf("dossier de Jong: %d", status)
	}
	if status := b.Follow(`.tabs a[href="` + portaltest.PatientPath(jong, "letters") + `"]`); status != http.StatusOK {
		t.Fatalf("letters: %d", status)
	}
	if first := b.Text("main table tbody tr:first-child td:nth-child(2)"); first != "Ontslagbrief" {
		t.Errorf("the first letter is a %q, want the discharge letter", first)
	}
	b.Screenshot("dossier-letters")
	b.Axe(t)
	if status := b.Follow("main table tbody tr:first-child th a"); status != http.StatusOK {
		t.Fatalf("discharge letter: %d", status)
	}
	if text := b.Text(".document--text"); !strings.Contains(text, "Beleid: dagelijks wegen") {
		t.Errorf("the letter's text is not shown: %q", text)
	}
	b.Screenshot("discharge-letter")
	b.Axe(t)
	pdf, _ := b.Attribute(".attachment__pdf a", "href")
	if status := b.Visit(pdf); status != http.StatusOK {
		t.Fatalf("PDF: %d", status)
	}
	if ct := browser.Eval[string](b, `document.contentType`); ct != "application/pdf" {
		t.Errorf("the PDF opened as %q", ct)
	}
	viewer := false
	for range 20 {
		for _, u := range b.Targets() {
			viewer = viewer || strings.HasPrefix(u, "chrome-extension://")
		}
		if viewer {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !viewer {
		t.Errorf("Chromium's PDF viewer did not open: %q", b.Targets())
	}

	b.Visit(portaltest.PatientPath(jong, "medication"))
	if status := b.Follow("a.lang-switch"); status != http.StatusOK {
		t.Fatalf("English: %d", status)
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("html lang %q after the switch", lang)
	}
	main := b.Text("main")
	for _, want := range []string{"Current medication", "Medication history", "Why you may see this patient", "Lab results", "Reason for stopping"} {
		if !strings.Contains(main, want) {
			t.Errorf("English medication page lacks %q", want)
		}
	}
	b.Screenshot("dossier-medication-en")
	b.Axe(t)
}

// TestBrowserPharmacistSeesLabAndMedicationButNoLetters: the pharmacist's dossier of Mrs de Jong has the
// tabs of the pharmacist's role only; the letters address answers with the refusal page.
func TestBrowserPharmacistSeesLabAndMedicationButNoLetters(t *testing.T) {
	env := demoEnv(t)
	jong := env.Patient(t, bsnDeJong)
	b := browser.Open(t, env, devpki.CardPharmacist)
	b.Visit("/")
	if n := b.Count(`a[href="/?toon=opgenomen"], a[href="/?toon=ontslagen"]`); n != 0 {
		t.Errorf("the pharmacist gets %d admission filters", n)
	}
	if b.Count(`a[href="/?toon=nieuw"]`) != 1 {
		t.Error("the pharmacist gets no filter on what is new")
	}
	b.Screenshot("pharmacist-start")
	b.Axe(t)
	if status := b.Follow(`table.patients a[href="` + portaltest.PatientPath(jong) + `"]`); status != http.StatusOK {
		t.Fatalf("dossier: %d", status)
	}
	tabs := browser.Eval[[]string](b, `[...document.querySelectorAll(".tabs a")].map(a => a.textContent.trim())`)
	if strings.Join(tabs, ",") != "Samenvatting,Allergieën,Medicatie,Labuitslagen" {
		t.Errorf("pharmacist's tabs %q", tabs)
	}
	if n := b.Count(`a[href*="/letters"]`); n != 0 {
		t.Errorf("the pharmacist's dossier links to letters %d times", n)
	}
	b.Screenshot("pharmacist-summary")
	b.Axe(t)
	if status := b.Follow(`.tabs a[href="` + portaltest.PatientPath(jong, "medication") + `"]`); status != http.StatusOK {
		t.Fatalf("medication: %d", status)
	}
	if !strings.Contains(b.Text("main"), "Acenocoumarol 1 mg tablet") || !strings.Contains(b.Text("main"), "Dosis verhoogd") {
		t.Errorf("medication page:\n%s", b.Text("main"))
	}
	b.Screenshot("pharmacist-medication")
	b.Axe(t)
	if status := b.Follow(`.tabs a[href="` + portaltest.PatientPath(jong, "lab") + `"]`); status != http.StatusOK {
		t.Fatalf("lab: %d", status)
	}
	if !strings.Contains(b.Text("main"), "INR") {
		t.Error("the pharmacist does not see the INR")
	}
	b.Screenshot("pharmacist-lab")

	if status := b.Visit(portaltest.PatientPath(jong, "letters")); status != http.StatusForbidden {
		t.Fatalf("letters by URL: %d, want 403", status)
	}
	if got := b.Text("main h1"); got != "Geen toegang tot dit onderdeel van het dossier" {
		t.Errorf("refusal heading %q", got)
	}
	if main := b.Text("main"); !strings.Contains(main, "Uw rol mag deze soort gegevens niet inzien.") || strings.Contains(main, "Ontslagbrief") || strings.Contains(main, "Jong") {
		t.Errorf("refusal page:\n%s", main)
	}
	b.Screenshot("pharmacist-letters-refused")
	b.Axe(t)
}

// TestBrowserWithdrawnConsentShowsTheRefusal: the GP reads Mrs de Jong's medication; at the hospital an
// administrator withdraws her consent for GPs on the administration screen; the GP's next page, in the
// same session, is the refusal with the reason.
func TestBrowserWithdrawnConsentShowsTheRefusal(t *testing.T) {
	env := demoEnv(t)
	jong := env.Patient(t, bsnDeJong)
	gp := browser.Open(t, env, devpki.CardGP)
	if status := gp.Visit(portaltest.PatientPath(jong, "medication")); status != http.StatusOK {
		t.Fatalf("before: %d", status)
	}

	admin := browser.Open(t, env, devpki.CardAdmin)
	if status := admin.Visit(portaltest.AdminPatientPath(jong)); status != http.StatusOK {
		t.Fatalf("admin patient page: %d", status)
	}
	admin.Click("#withdraw-category-huisartsen")
	admin.Click("#withdraw-registered_by-patient")
	admin.Click("#withdraw-channel-desk")
	admin.Fill("#withdraw-note", "Patiënte wil niet langer delen met de huisarts")
	if status := admin.Follow(`form[action$="/consents/withdraw"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("withdraw: %d", status)
	}
	admin.Screenshot("admin-withdrawn")

	if status := gp.Visit(portaltest.PatientPath(jong, "medication")); status != http.StatusForbidden {
		t.Fatalf("after the withdrawal: %d, want 403", status)
	}
	main := gp.Text("main")
	if !strings.Contains(main, "De patiënt heeft de toestemming voor uw categorie zorgverleners ingetrokken.") || strings.Contains(main, "Acenocoumarol") {
		t.Errorf("refusal after withdrawal:\n%s", main)
	}
	if gp.Count(".who__name") != 1 {
		t.Error("the GP's session ended; the withdrawal must count inside it")
	}
	gp.Screenshot("consent-withdrawn")
	gp.Axe(t)
}

// TestBrowserSearchAnswersAndEmergencyAccess: the GP of Het Anker searches: a mistyped BSN (elfproef),
// a BSN nobody has, a patient who withdrew consent, and a patient who consented to GPs but is not hers;
// she states a reason and opens the last one through the emergency procedure.
func TestBrowserSearchAnswersAndEmergencyAccess(t *testing.T) {
	env := demoEnv(t)
	jong, kramer := env.Patient(t, bsnDeJong), env.Patient(t, bsnKramer)
	b := browser.Open(t, env, devpki.CardGPOther)
	searchFor := func(bsn, birth string) int {
		t.Helper()
		b.Visit("/")
		b.Fill("#search-bsn", bsn)
		setDate(b, "#search-birth_date", birth)
		return b.Follow(`form[action="/patients/search"] button[type="submit"]`)
	}

	// The address of a patient she has no relationship with: the closed page, with the way to the search.
	if status := b.Visit(portaltest.PatientPath(kramer)); status != http.StatusNotFound {
		t.Fatalf("a stranger's dossier address: %d", status)
	}
	if main := b.Text("main"); !strings.Contains(main, "U heeft geen lopende behandelrelatie met een patiënt op dit adres.") || strings.Contains(main, "toestemming") {
		t.Errorf("closed page:\n%s", main)
	}
	b.Screenshot("closed-page")
	b.Axe(t)

	if status := searchFor("999993654", "1942-10-20"); status != http.StatusUnprocessableEntity {
		t.Fatalf("elfproef: %d", status)
	}
	if !strings.Contains(b.Text(".error-summary"), "elfproef") {
		t.Errorf("error summary %q", b.Text(".error-summary"))
	}
	if invalid, _ := b.Attribute("#search-bsn", "aria-invalid"); invalid != "true" {
		t.Error("the BSN field is not marked invalid")
	}
	b.Screenshot("search-invalid")
	b.Axe(t)

	if status := searchFor(bsnUnknown, "1960-01-01"); status != http.StatusNotFound {
		t.Fatalf("not found: %d", status)
	}
	if !strings.Contains(b.Text("main"), "Er is geen patiënt met dit BSN en deze geboortedatum.") {
		t.Errorf("not found:\n%s", b.Text("main"))
	}
	b.Screenshot("search-not-found")
	b.Axe(t)

	if status := searchFor(bsnKramer, birthOf(kramer)); status != http.StatusForbidden {
		t.Fatalf("no consent: %d", status)
	}
	if main := b.Text("main"); !strings.Contains(main, "Geen toestemming voor uw soort zorgverlener.") || b.Count("#emergency-reason") != 0 {
		t.Errorf("no consent:\n%s", main)
	}
	b.Screenshot("search-no-consent")
	b.Axe(t)

	if status := searchFor(bsnDeJong, birthOf(jong)); status != http.StatusForbidden {
		t.Fatalf("no relationship: %d", status)
	}
	if !strings.Contains(b.Text("main"), "U heeft geen behandelrelatie met deze patiënt.") || b.Count("#emergency-reason") != 1 {
		t.Errorf("no relationship:\n%s", b.Text("main"))
	}
	b.Screenshot("search-no-relationship")
	b.Axe(t)

	b.Click("#emergency-category-out-of-hours")
	b.Fill("#emergency-reason", "Waarneming in de avond, patiënte benauwd, medicatie na ontslag onbekend")
	if status := b.Follow(`form[action$="/emergency"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("emergency: %d", status)
	}
	if !strings.HasSuffix(b.Location(), portaltest.PatientPath(jong)+"?emergency=created") {
		t.Errorf("after the emergency procedure at %s", b.Location())
	}
	main := b.Text("main")
	for _, want := range []string{"U heeft nu toegang via de noodprocedure", "Noodtoegang.", "Maria Johanna"} {
		if !strings.Contains(main, want) {
			t.Errorf("emergency dossier lacks %q", want)
		}
	}
	b.Screenshot("emergency-dossier")
	b.Axe(t)
}

// TestBrowserDossierKeyboard: from the top of a dossier page the keyboard reaches the skip link, the
// navigation, the basis link and the tabs in reading order, each with a visible focus ring, and Enter on
// a tab opens it.
func TestBrowserDossierKeyboard(t *testing.T) {
	env := demoEnv(t)
	berg := env.Patient(t, bsnVanDenBerg)
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit(portaltest.PatientPath(berg))
	var reached []string
	var tab browser.Element
	for range 25 {
		b.Press(kb.Tab)
		f := b.Focused()
		if f.OutlineStyle == "none" || f.OutlineWidth < 2 {
			t.Errorf("focus on %s %q has no visible ring (%s %.1fpx)", f.Tag, f.Text, f.OutlineStyle, f.OutlineWidth)
		}
		reached = append(reached, f.Href)
		if f.Href == portaltest.PatientPath(berg, "medication") {
			tab = f
			break
		}
	}
	if tab.Href == "" {
		t.Fatalf("the medication tab was not reached by Tab; reached %q", reached)
	}
	if reached[0] != "#main" {
		t.Errorf("first Tab stop %q, want the skip link", reached[0])
	}
	b.Screenshot("keyboard-focus-on-tab")
	b.Press(kb.Enter)
	b.Do(chromedp.WaitVisible(chromedp.CSS(`.tabs a[aria-current="page"][href="` + portaltest.PatientPath(berg, "medication") + `"]`)))
	if got := b.Text("main h2.dossier__title"); got != "Medicatie" {
		t.Errorf("after Enter on the tab the page is %q", got)
	}
}
