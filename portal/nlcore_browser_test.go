//go:build browser

package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserNLCorePatient: the GP opens the nl-core example patient (zib2020 bundle Patient-01) in a real
// Chromium over mutual TLS. The banner names her as the zib records it (own name followed by the
// partner's, the family name emphasised), with the alert and the advance directives; the summary shows the
// vital signs and the medical devices; the blood-pressure trend draws both values; the allergies show
// criticality and reaction severity apart; the treatment-directive example shows a decision "anders"
// with what was agreed. Every screen is screenshotted and checked with axe-core.
func TestBrowserNLCorePatient(t *testing.T) {
	env := nlcoreEnv(t)
	p, other := env.Patient(t, bsnZibPatient), env.Patient(t, bsnZibDirective)
	b := browser.Open(t, env, devpki.CardGP)

	if status := b.Visit(portaltest.PatientPath(p)); status != http.StatusOK {
		t.Fatalf("summary: %d", status)
	}
	// The stylesheet writes the emphasised family name in capitals, as Dutch hospital banners do.
	if got := b.Text(".patient-banner h1"); !strings.EqualFold(got, "Johanna Petronella Maria (Jo) van Putten-van der Giessen") {
		t.Errorf("banner heading %q", got)
	}
	if got := b.Text(".patient-banner__family"); !strings.EqualFold(got, "van Putten-van der Giessen") {
		t.Errorf("emphasised family name %q", got)
	}
	banner := b.Text(".patient-banner")
	for _, want := range []string{"Waarschuwingen", "Staphylococcus aureus", "Wilsverklaringen", "Niet reanimeren verklaring", "Volmacht"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q", want)
		}
	}
	main := b.Text("main")
	for _, want := range []string{"Vitale functies", "Bloeddruk", "125/75 mmHg", "Lichaamsgewicht", "Lichaamstemperatuur", "38,6 °C",
		"Zuurstofsaturatie", "Medische hulpmiddelen", "pacemaker", "Penicilline", "reactie matig", "hoog risico"} {
		if !strings.Contains(main, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	b.Screenshot("nlcore-summary")
	b.Axe(t)

	if status := b.Follow(`a[href="` + portaltest.PatientPath(p, "vitals", "blood-pressure") + `"]`); status != http.StatusOK {
		t.Fatalf("blood pressure trend: %d", status)
	}
	if n := b.Count("figure.chart svg"); n != 2 {
		t.Errorf("%d charts on the blood-pressure trend, want 2", n)
	}
	b.Screenshot("nlcore-vital-trend")
	b.Axe(t)

	if status := b.Visit(portaltest.PatientPath(p, "allergies")); status != http.StatusOK {
		t.Fatalf("allergies: %d", status)
	}
	if text := b.Text("main table"); !strings.Contains(text, "hoog risico") || !strings.Contains(text, "matig") || !strings.Contains(text, "Exantheem") {
		t.Errorf("allergy table %q", text)
	}
	b.Screenshot("nlcore-allergies")
	b.Axe(t)

	if status := b.Visit(portaltest.PatientPath(other)); status != http.StatusOK {
		t.Fatalf("directive example: %d", status)
	}
	if text := b.Text(".patient-banner"); !strings.Contains(text, "Cardiopulmonale resuscitatie — anders: eerst overleg met echtgenote") {
		t.Errorf("directive banner %q", text)
	}
	b.Screenshot("nlcore-treatment-directive")
	b.Axe(t)
}
