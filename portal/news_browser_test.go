//go:build browser

package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserNewDischargeLetter: in a real Chromium the gp card sees on Mijn patiënten that Maria de
// Jong has something new, finds the demo's newest discharge letter marked new on the Nieuw page, opens it
// by its link, and on coming back the letter's mark is gone while the rest of her news stays. Both pages
// are screenshotted and axe finds nothing serious.
func TestBrowserNewDischargeLetter(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	jong := env.Patient(t, bsnDeJong)
	letters, err := env.Store.Letters(t.Context(), jong.ID)
	if err != nil || len(letters) == 0 || letters[0].Title != "Ontslagbrief cardiologie" {
		t.Fatalf("the demo's newest discharge letter: %v %v", err, letters)
	}
	href := portaltest.PatientPath(jong, "letters", letters[0].PublicID)

	b := browser.Open(t, env, devpki.CardGP)
	if status := b.Visit("/"); status != http.StatusOK {
		t.Fatalf("start page: %d", status)
	}
	row := `a.tag--new[href="/nieuw#patient-` + jong.PublicID + `"]`
	if b.Count(row) != 1 {
		t.Fatal("Mijn patiënten does not mark de Jong as having something new")
	}
	b.Axe(t)
	b.Screenshot("news-start-page")

	if status := b.Follow(row); status != http.StatusOK {
		t.Fatalf("Nieuw page: %d", status)
	}
	letterLink := fmt.Sprintf(`#patient-%s a[href="%s"]`, jong.PublicID, href)
	if b.Count(letterLink) != 1 || !strings.Contains(b.Text(letterLink), "Ontslagbrief cardiologie") {
		t.Fatal("the Nieuw page does not list the discharge letter as new")
	}
	b.Axe(t)
	b.Screenshot("news-page-before")

	if status := b.Follow(letterLink); status != http.StatusOK {
		t.Fatalf("letter: %d", status)
	}
	if loc := b.Location(); !strings.HasSuffix(loc, href) || !strings.Contains(b.Text("main"), "Ontslagbrief cardiologie") {
		t.Errorf("the link opened %s, not the letter", loc)
	}
	if status := b.Visit("/nieuw"); status != http.StatusOK {
		t.Fatalf("Nieuw page again: %d", status)
	}
	if b.Count(letterLink) != 0 {
		t.Error("the letter is still marked new after the gp opened it")
	}
	if b.Count(fmt.Sprintf("#patient-%s .tag--new", jong.PublicID)) == 0 {
		t.Error("opening the letter took away the rest of de Jong's news")
	}
	b.Axe(t)
	b.Screenshot("news-page-after")
}
