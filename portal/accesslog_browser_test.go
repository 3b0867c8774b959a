//go:build browser

package portal_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserAccessLogPages walks the access-log screens in Chromium over mutual TLS: the administrator
// reaches the patient report from /admin, asks for it with the form and sees the table; the emergency
// records; and a GP's own accesses. Every page is screenshotted and checked with axe-core.
func TestBrowserAccessLogPages(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	specialist := actorOf(t, env, devpki.CardSpecialist)
	p := audit.Patient{BSN: bsn, Number: "Z100001"}
	writeLog(t, env, time.Now(),
		actorOf(t, env, devpki.CardGP).View(p, access.Lab, "11,12", lab),
		specialist.EmergencyAccess(p, "bewusteloos op de SEH", 9, time.Now().Add(24*time.Hour)),
		specialist.View(p, access.Summary, "", audit.Basis{Relationship: access.Emergency, RelationshipID: 9}))

	admin := browser.Open(t, env, devpki.CardAdmin)
	if status := admin.Visit("/admin"); status != http.StatusOK {
		t.Fatalf("/admin: status %d", status)
	}
	if status := admin.Follow(`a[href="/admin/log"]`); status != http.StatusOK {
		t.Fatalf("/admin/log: status %d", status)
	}
	admin.Screenshot("report-form")
	admin.Axe(t)
	admin.Fill("#bsn", bsn)
	if status := admin.Follow(`button[value="screen"]`); status != http.StatusOK {
		t.Fatalf("report: status %d", status)
	}
	if n := admin.Count("main table tbody tr"); n != 3 {
		t.Errorf("report rows: %d, want 3", n)
	}
	if text := admin.Text("main table"); !strings.Contains(text, "Anna de Vries") || !strings.Contains(text, "bewusteloos op de SEH") {
		t.Errorf("report table:\n%s", text)
	}
	admin.Screenshot("report")
	admin.Axe(t)
	if status := admin.Visit("/admin/log/emergency"); status != http.StatusOK {
		t.Fatalf("emergency records: status %d", status)
	}
	if n := admin.Count("main table tbody tr"); n != 2 {
		t.Errorf("emergency rows: %d, want 2", n)
	}
	admin.Screenshot("emergency")
	admin.Axe(t)

	gp := browser.Open(t, env, devpki.CardGP)
	gp.Visit("/")
	if status := gp.Follow(`a[href="/mijn-inzages"]`); status != http.StatusOK {
		t.Fatalf("own accesses: status %d", status)
	}
	if text := gp.Text("main table"); !strings.Contains(text, "Laboratoriumuitslagen") || !strings.Contains(text, bsn[:4]+"."+bsn[4:6]+"."+bsn[6:]) {
		t.Errorf("own accesses:\n%s", text)
	}
	gp.Screenshot("own-accesses")
	gp.Axe(t)
}
