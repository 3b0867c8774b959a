package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// TestMandateLetsTheAssistantActForTheGP: the practice's employee card without a mandate gets the page
// that says how to get one; the GP grants a lab-and-letters mandate; the employee then reads the lab of
// the GP's patient, is refused the medication the mandate does not cover, and every record names the
// employee as user and the GP as "on behalf of"; the administrator sees the mandate; when the GP ends
// it, the employee's next request is refused.
func TestMandateLetsTheAssistantActForTheGP(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) { c.UZI.AdmitEmployeeCards = true }})
	berg := env.Patient(t, bsnVanDenBerg)
	employee := env.Client(t, devpki.CardEmployee)
	if resp := employee.Get(t, "/"); resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "U heeft (nog) geen machtiging") {
		t.Fatalf("employee card without a mandate: %d\n%s", resp.Status, resp.Body)
	}

	gp := env.Client(t, devpki.CardGP)
	if resp := gp.Get(t, "/machtigingen"); resp.Status != http.StatusOK || !strings.Contains(resp.Body, "Nieuwe machtiging") {
		t.Fatalf("mandates page: %d", resp.Status)
	}
	today := time.Now().In(access.Amsterdam)
	grant := func(cats ...string) *portaltest.Response {
		gp.Get(t, "/machtigingen")
		return gp.Post(t, "/machtigingen", url.Values{"delegate_uzi": {"900100008"}, "delegate_name": {"Hanna Meijer"},
			"categories": cats, "from": {today.Format(time.DateOnly)}, "until": {today.AddDate(0, 1, 0).Format(time.DateOnly)}})
	}
	if resp := grant(); resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Kies ten minste één soort gegevens.") {
		t.Errorf("a mandate without categories: %d", resp.Status)
	}
	if resp := grant("lab", "letters"); resp.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d\n%s", resp.Status, resp.Body)
	}

	employee = env.Client(t, devpki.CardEmployee) // a fresh browser: the refused one keeps no session
	home := employee.Get(t, "/")
	if home.Status != http.StatusOK || !strings.Contains(home.Body, "namens Anna de Vries") {
		t.Fatalf("employee with a mandate: %d\n%s", home.Status, home.Body)
	}
	before := lastID(t, env)
	if resp := employee.Get(t, portaltest.PatientPath(berg, "lab")); resp.Status != http.StatusOK {
		t.Fatalf("the GP's patient's lab on the mandate: %d", resp.Status)
	}
	recs := recordsSince(t, env, before)
	if len(recs) == 0 || recs[len(recs)-1].UserUZI != "900100008" || !strings.Contains(recs[len(recs)-1].OnBehalfOf, "Anna de Vries") {
		t.Errorf("the view is not logged with the employee as user and the GP as on behalf of: %+v", recs)
	}
	if resp := employee.Get(t, portaltest.PatientPath(berg, "medication")); resp.Status != http.StatusForbidden {
		t.Errorf("medication, which the mandate does not cover: %d", resp.Status)
	}
	if strings.Contains(employee.Get(t, portaltest.PatientPath(berg, "lab")).Body, `href="`+portaltest.PatientPath(berg, "medication")+`"`) {
		t.Error("the employee's tabs offer medication")
	}

	admin := env.Client(t, devpki.CardAdmin)
	if body := admin.Get(t, "/admin/machtigingen").Body; !strings.Contains(body, "Hanna Meijer") || !strings.Contains(body, "Anna de Vries") {
		t.Error("the administrator does not see the mandate")
	}

	page := gp.Get(t, "/machtigingen").Body
	m := regexp.MustCompile(`action="/machtigingen/(\d+)/einde"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no mandate to end on the GP's page")
	}
	if resp := gp.Post(t, fmt.Sprintf("/machtigingen/%s/einde", m[1]), nil); resp.Status != http.StatusSeeOther {
		t.Fatalf("end: %d", resp.Status)
	}
	if resp := employee.Get(t, portaltest.PatientPath(berg, "lab")); resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Uw machtiging is beëindigd") {
		t.Errorf("after the GP ended the mandate: %d\n%s", resp.Status, resp.Body)
	}
}

// TestMandateStaysWithinTheGrantorsScope: a pharmacist cannot delegate letters, which they may not see
// themselves; an employee card of another organisation has no mandate to act on.
func TestMandateStaysWithinTheGrantorsScope(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) { c.UZI.AdmitEmployeeCards = true }})
	ph := env.Client(t, devpki.CardPharmacist)
	ph.Get(t, "/machtigingen")
	today := time.Now().In(access.Amsterdam)
	resp := ph.Post(t, "/machtigingen", url.Values{"delegate_uzi": {"900100008"}, "categories": {"letters"},
		"from": {today.Format(time.DateOnly)}, "until": {today.AddDate(0, 1, 0).Format(time.DateOnly)}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "U kunt alleen machtigen voor gegevens die u zelf mag inzien.") {
		t.Errorf("pharmacist delegating letters: %d", resp.Status)
	}
	// A year and a day is too long.
	resp = ph.Post(t, "/machtigingen", url.Values{"delegate_uzi": {"900100008"}, "categories": {"lab"},
		"from": {today.Format(time.DateOnly)}, "until": {today.AddDate(1, 0, 2).Format(time.DateOnly)}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "hoogstens een jaar") {
		t.Errorf("a mandate of more than a year: %d", resp.Status)
	}
	// The pharmacy's mandate names the employee, but her card is issued for the GP practice's URA.
	resp = ph.Post(t, "/machtigingen", url.Values{"delegate_uzi": {"900100008"}, "categories": {"lab"},
		"from": {today.Format(time.DateOnly)}, "until": {today.AddDate(0, 1, 0).Format(time.DateOnly)}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("pharmacist's mandate: %d", resp.Status)
	}
	if resp := env.Client(t, devpki.CardEmployee).Get(t, "/"); resp.Status != http.StatusForbidden {
		t.Errorf("an employee of another organisation acts on the pharmacy's mandate: %d", resp.Status)
	}
}
