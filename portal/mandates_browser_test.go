//go:build browser

package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserAssistantActsOnTheGPsMandate: in a real Chromium, the employee card without a mandate gets
// the page that says how to get one; the GP grants a lab-and-letters mandate on her mandates page; the
// employee then reads a letter of the GP's patient, every screen saying for whom she acts; when the GP
// ends the mandate, the employee's next page is refused.
func TestBrowserAssistantActsOnTheGPsMandate(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) { c.UZI.AdmitEmployeeCards = true }})
	berg := env.Patient(t, bsnVanDenBerg)

	employee := browser.Open(t, env, devpki.CardEmployee)
	if status := employee.Visit("/"); status != http.StatusForbidden || employee.Text("h1") != "U heeft (nog) geen machtiging" {
		t.Fatalf("employee without a mandate: %d %q", status, employee.Text("h1"))
	}
	employee.Axe(t)
	employee.Screenshot("employee-without-mandate")

	gp := browser.Open(t, env, devpki.CardGP)
	gp.Visit("/")
	if status := gp.Follow(`a[href="/machtigingen"]`); status != http.StatusOK {
		t.Fatalf("mandates page: %d", status)
	}
	gp.Fill("#mandate-uzi", "900100008")
	gp.Fill("#mandate-name", "Hanna Meijer")
	gp.Click("#mandate-cat-lab")
	gp.Click("#mandate-cat-letters")
	if status := gp.Follow(`form[action="/machtigingen"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("grant: %d", status)
	}
	if !strings.Contains(gp.Text("main"), "Hanna Meijer") {
		t.Fatal("the granted mandate is not listed")
	}
	gp.Axe(t)
	gp.Screenshot("gp-mandates")

	if status := employee.Visit(portaltest.PatientPath(berg, "letters")); status != http.StatusOK {
		t.Fatalf("the employee on the mandate: %d", status)
	}
	if who := employee.Text(".who"); !strings.Contains(who, "namens Anna de Vries") {
		t.Errorf("the frame does not say for whom she acts: %q", who)
	}
	if n := employee.Count(`.tabs a`); n != 2 {
		t.Errorf("%d tabs, want lab and letters", n)
	}
	employee.Axe(t)
	employee.Screenshot("employee-letters")

	gp.Visit("/machtigingen")
	if status := gp.Follow(`form[action$="/einde"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("end: %d", status)
	}
	if status := employee.Visit(portaltest.PatientPath(berg, "letters")); status != http.StatusForbidden || employee.Text("h1") != "Uw machtiging is beëindigd" {
		t.Errorf("after the GP ended the mandate: %d %q", status, employee.Text("h1"))
	}
}
