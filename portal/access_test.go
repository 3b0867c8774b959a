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
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/publicid"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/views"
)

// withAdmin admits the hospital's administrator card (an N card) until admission admits administrators'
// N cards by itself.
func withAdmin(c *config.Config) { c.UZI.AdmitEmployeeCards = true }

// world is the test data: patients of the GP practice De Linde (URA 90000101) and of pharmacy De Brug
// (URA 90000201), with consent as each test needs.
type world struct {
	env *portaltest.Env
	log *audit.Log
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := portaltest.Start(t, portaltest.Options{Configure: withAdmin})
	return &world{env: env, log: audit.New(env.Store)}
}

func (w *world) patient(t *testing.T, bsn, number, family string, birth time.Time) access.Patient {
	t.Helper()
	p, err := w.env.Store.CreatePatient(t.Context(), access.Patient{BSN: bsn, PatientNumber: number, FamilyName: family,
		GivenNames: "Test", BirthDate: birth, Sex: access.SexFemale}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) entry(event audit.Event) store.LogEntry {
	return w.log.Entry(audit.Record{Event: event, Outcome: audit.Success, User: audit.User{Name: "test seed"}})
}

func (w *world) relationship(t *testing.T, p access.Patient, kind access.RelationshipKind, holderKind access.HolderKind, code string, from time.Time, until *time.Time) {
	t.Helper()
	r := access.Relationship{PatientID: p.ID, HolderKind: holderKind, Kind: kind, Source: "test", ValidFrom: from, ValidUntil: until, CreatedBy: "test", CreatedAt: time.Now()}
	if holderKind == access.HolderProvider {
		r.HolderAGB = &code
	} else {
		r.HolderURA = &code
	}
	if _, err := w.env.Store.AddRelationship(t.Context(), r, w.entry(audit.EventRelationshipChange)); err != nil {
		t.Fatal(err)
	}
}

func (w *world) consent(t *testing.T, p access.Patient, cat access.RecipientCategory, status access.ConsentStatus) {
	t.Helper()
	now := time.Now()
	c := access.Consent{PatientID: p.ID, Category: cat, Status: status, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk,
		GivenAt: now.Add(-time.Minute), RecordedBy: "test", RecordedAt: now}
	if _, err := w.env.Store.RegisterConsent(t.Context(), c, w.entry(audit.EventConsentChange)); err != nil {
		t.Fatal(err)
	}
}

var adult = time.Date(1958, 4, 12, 0, 0, 0, 0, time.UTC)

// decisionRow finds the row of the access page that names a category (a row lists every category that
// shares one outcome and reason) and says whether it is allowed, and why not.
func decisionRow(t *testing.T, body, categoryText string) string {
	t.Helper()
	rows := regexp.MustCompile(`(?s)<th scope="row"><ul class="plain">(.*?)</ul></th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>`).FindAllStringSubmatch(body, -1)
	for _, m := range rows {
		if !strings.Contains(m[1], "<li>"+categoryText+"</li>") {
			continue
		}
		if strings.Contains(m[2], "badge--granted") {
			return "allowed"
		}
		return "denied: " + strings.TrimSpace(m[3])
	}
	t.Fatalf("no row %q in:\n%s", categoryText, body)
	return ""
}

func lastRecord(t *testing.T, env *portaltest.Env) store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	if err != nil || len(recs) == 0 {
		t.Fatalf("access log: %v, %d records", err, len(recs))
	}
	return recs[len(recs)-1]
}

func noMissingMessages(t *testing.T, body string) {
	t.Helper()
	if m := regexp.MustCompile(`\[(access|admin|form|nav)\.[a-z_.0-9-]+\]`).FindString(body); m != "" {
		t.Errorf("page shows a missing message %s", m)
	}
}

// TestGPSeesAPatientOfThePracticeButNotAnother: the practice holds a registered-GP relationship with one
// patient, who consented for huisartsen; another patient consented too but is not the practice's.
func TestGPSeesAPatientOfThePracticeButNotAnother(t *testing.T) {
	w := newWorld(t)
	ours := w.patient(t, "999993847", "P001", "Jansen", adult)
	other := w.patient(t, "999911120", "P002", "Pietersen", adult)
	w.relationship(t, ours, access.RegisteredGP, access.HolderOrganisation, "90000101", time.Now().Add(-400*24*time.Hour), nil)
	w.relationship(t, other, access.RegisteredGP, access.HolderOrganisation, "90000102", time.Now().Add(-400*24*time.Hour), nil)
	w.consent(t, ours, access.Huisartsen, access.ConsentGranted)
	w.consent(t, other, access.Huisartsen, access.ConsentGranted)

	gp := w.env.Client(t, devpki.CardGP)
	resp := gp.Get(t, portaltest.PatientPath(ours, "access"))
	if resp.Status != http.StatusOK {
		t.Fatalf("own patient: %d\n%s", resp.Status, resp.Body)
	}
	noMissingMessages(t, resp.Body)
	for _, want := range []string{"<strong>Jansen</strong>", "999993847", "Ingeschreven huisartsenpraktijk", "URA 90000101",
		"zonder einddatum (tot wijziging)", "Voor huisartsen: toestemming gegeven op", "door de patiënt, aan de balie"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("own patient's page lacks %q", want)
		}
	}
	for _, cat := range []string{"Brieven (ook ontslagbrieven)", "Laboratoriumuitslagen", "Beeldvorming"} {
		if got := decisionRow(t, resp.Body, cat); got != "allowed" {
			t.Errorf("%s: %s", cat, got)
		}
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	rec := lastRecord(t, w.env)
	if rec.Event != "view" || rec.Outcome != "success" || rec.PatientBSN != "999993847" || rec.UserUZI != "900100001" ||
		!strings.Contains(rec.Basis, "registered_gp organisation 90000101") || !strings.Contains(rec.Basis, "consent") {
		t.Errorf("log record %+v", rec)
	}

	// A patient without a relationship: the same closed page as an address that names nobody.
	resp = gp.Get(t, portaltest.PatientPath(other, "access"))
	if resp.Status != http.StatusNotFound {
		t.Fatalf("other patient: %d", resp.Status)
	}
	noMissingMessages(t, resp.Body)
	if strings.Contains(resp.Body, "Pietersen") || strings.Contains(resp.Body, "999911120") {
		t.Error("the refusal page names the patient the GP may not see")
	}
	if !strings.Contains(resp.Body, "U heeft geen lopende behandelrelatie met een patiënt op dit adres.") || !strings.Contains(resp.Body, `href="/patients/search"`) {
		t.Errorf("refusal lacks the reason or the way to the search:\n%s", resp.Body)
	}
	rec = lastRecord(t, w.env)
	if rec.Event != "view" || rec.Outcome != "refused" || rec.Reason != "no-relationship" || rec.PatientBSN != "999911120" {
		t.Errorf("refusal log record %+v", rec)
	}
	// The GP of the other practice sees the other patient, and not ours.
	otherGP := w.env.Client(t, devpki.CardGPOther)
	if resp := otherGP.Get(t, portaltest.PatientPath(other, "access")); resp.Status != http.StatusOK {
		t.Errorf("the other practice's GP: %d", resp.Status)
	}
	if resp := otherGP.Get(t, portaltest.PatientPath(ours, "access")); resp.Status != http.StatusNotFound {
		t.Errorf("the other practice's GP on our patient: %d", resp.Status)
	}
	for _, unknown := range []string{"/patients/999999/access", "/patients/" + publicid.New() + "/access"} {
		if resp := gp.Get(t, unknown); resp.Status != http.StatusNotFound {
			t.Errorf("unknown patient %s: %d", unknown, resp.Status)
		}
	}
}

// TestPharmacistSeesLabAndMedicationButNotLetters: the role scope of a pharmacist, through a real session.
func TestPharmacistSeesLabAndMedicationButNotLetters(t *testing.T) {
	w := newWorld(t)
	p := w.patient(t, "999993847", "P001", "Jansen", adult)
	w.relationship(t, p, access.PharmacyOfRecord, access.HolderOrganisation, "90000201", time.Now().Add(-24*time.Hour), nil)
	w.consent(t, p, access.Apotheken, access.ConsentGranted)
	resp := w.env.Client(t, devpki.CardPharmacist).Get(t, portaltest.PatientPath(p, "access")+"?lang=en")
	if resp.Status != http.StatusOK {
		t.Fatalf("%d\n%s", resp.Status, resp.Body)
	}
	noMissingMessages(t, resp.Body)
	want := map[string]string{
		"Laboratory results":                    "allowed",
		"Medication":                            "allowed",
		"Allergies":                             "allowed",
		"Letters (including discharge letters)": "denied: Your role may not see this kind of data.",
		"Imaging studies":                       "denied: Your role may not see this kind of data.",
		"Problems and diagnoses":                "denied: Your role may not see this kind of data.",
	}
	for cat, w := range want {
		if got := decisionRow(t, resp.Body, cat); got != w {
			t.Errorf("%s: %s, want %s", cat, got, w)
		}
	}
	if !strings.Contains(resp.Body, "Pharmacy of record") || !strings.Contains(resp.Body, "For pharmacies: consent given") {
		t.Errorf("basis missing in:\n%s", resp.Body)
	}
}

// admin opens the administration for a patient and returns the client, on the patient's page.
func adminOn(t *testing.T, w *world, p access.Patient) *portaltest.Client {
	t.Helper()
	admin := w.env.Client(t, devpki.CardAdmin)
	if resp := admin.Get(t, "/admin"); resp.Status != http.StatusOK {
		t.Fatalf("admin start: %d\n%s", resp.Status, resp.Body)
	}
	resp := admin.Post(t, "/admin/patients/find", url.Values{"bsn": {p.BSN}, "birth_date": {p.BirthDate.Format(time.DateOnly)}})
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != portaltest.AdminPatientPath(p) {
		t.Fatalf("find: %d %s\n%s", resp.Status, resp.Header.Get("Location"), resp.Body)
	}
	if resp := admin.Get(t, resp.Header.Get("Location")); resp.Status != http.StatusOK {
		t.Fatalf("patient page: %d\n%s", resp.Status, resp.Body)
	} else {
		noMissingMessages(t, resp.Body)
	}
	return admin
}

// TestWithdrawalByStaffCountsOnTheProvidersNextRequest: the GP's session stays open while the hospital
// withdraws consent on the admin screen; the GP's very next request is refused.
func TestWithdrawalByStaffCountsOnTheProvidersNextRequest(t *testing.T) {
	w := newWorld(t)
	p := w.patient(t, "999993847", "P001", "Jansen", adult)
	w.relationship(t, p, access.RegisteredGP, access.HolderOrganisation, "90000101", time.Now().Add(-24*time.Hour), nil)
	w.consent(t, p, access.Huisartsen, access.ConsentGranted)
	gp := w.env.Client(t, devpki.CardGP)
	path := portaltest.PatientPath(p, "access")
	if resp := gp.Get(t, path); resp.Status != http.StatusOK {
		t.Fatalf("before: %d", resp.Status)
	}

	admin := adminOn(t, w, p)
	resp := admin.Post(t, portaltest.AdminPatientPath(p, "consents", "withdraw"), url.Values{
		"category": {"huisartsen"}, "registered_by": {"patient"}, "channel": {"patient_portal"},
		"given_on": {time.Now().In(access.Amsterdam).Format(time.DateOnly)}, "note": {"wil niet meer delen"},
	})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", resp.Status, resp.Body)
	}
	rec := lastRecord(t, w.env)
	if rec.Event != "consent_change" || rec.Outcome != "success" || rec.UserUZI != "900100011" || rec.PatientBSN != "999993847" {
		t.Errorf("withdrawal log record %+v", rec)
	}
	page := admin.Get(t, resp.Header.Get("Location"))
	if !strings.Contains(page.Body, "De toestemming is ingetrokken") || !strings.Contains(page.Body, "Ingetrokken") {
		t.Errorf("the admin page does not show the withdrawal:\n%s", page.Body)
	}

	resp = gp.Get(t, path)
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "heeft de toestemming voor uw categorie zorgverleners ingetrokken") {
		t.Fatalf("after withdrawal: %d\n%s", resp.Status, resp.Body)
	}
	recs, _ := w.env.Store.AccessRecordsAfter(t.Context(), 0, 1000)
	logins := 0
	for _, r := range recs {
		if r.Event == "login" && r.UserUZI == "900100001" {
			logins++
		}
	}
	if logins != 1 {
		t.Fatalf("the GP logged in %d times: the withdrawal must count inside the open session", logins)
	}
	// Withdrawing again: nothing to withdraw, said on the form, logged as refused.
	admin.Get(t, portaltest.AdminPatientPath(p))
	resp = admin.Post(t, portaltest.AdminPatientPath(p, "consents", "withdraw"), url.Values{
		"category": {"huisartsen"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {time.Now().In(access.Amsterdam).Format(time.DateOnly)},
	})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "geen toestemming die kan worden ingetrokken") {
		t.Fatalf("withdrawing twice: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, w.env); rec.Outcome != "refused" || rec.Reason != "nothing-to-withdraw" {
		t.Errorf("refused withdrawal log record %+v", rec)
	}
}

// TestRefusedConsentBlocksEmergencyAccess: a specialist without a relationship cannot use the emergency
// procedure for a patient who refused consent; with consent it works, is flagged and listed for review.
func TestRefusedConsentBlocksEmergencyAccess(t *testing.T) {
	w := newWorld(t)
	refusing := w.patient(t, "999993847", "P001", "Jansen", adult)
	consenting := w.patient(t, "999911120", "P002", "Pietersen", adult)
	w.consent(t, refusing, access.MedischSpecialisten, access.ConsentRefused)
	w.consent(t, consenting, access.MedischSpecialisten, access.ConsentGranted)
	specialist := w.env.Client(t, devpki.CardSpecialist)
	reason := "Patiënt bewusteloos op onze SEH binnengebracht, medicatie onbekend"

	// By address alone the specialist learns nothing of the consent: the search (BSN and birth date) says it.
	resp := specialist.Get(t, portaltest.PatientPath(refusing, "access"))
	if resp.Status != http.StatusNotFound || strings.Contains(resp.Body, "/emergency") || strings.Contains(resp.Body, "noodprocedure is niet mogelijk") {
		t.Fatalf("the access page of a stranger: %d\n%s", resp.Status, resp.Body)
	}
	specialist.Get(t, "/patients/search")
	resp = specialist.Post(t, "/patients/search", url.Values{"bsn": {refusing.BSN}, "birth_date": {"1958-04-12"}})
	if strings.Contains(resp.Body, "/emergency") || !strings.Contains(resp.Body, "Dat geldt ook in een noodsituatie") {
		t.Fatalf("the search answer about a refusal: %d\n%s", resp.Status, resp.Body)
	}
	resp = specialist.Post(t, portaltest.PatientPath(refusing, "emergency"), url.Values{
		"bsn": {refusing.BSN}, "birth_date": {"1958-04-12"}, "category": {"unable-to-communicate"}, "reason": {reason}})
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Dat geldt ook in een noodsituatie") {
		t.Fatalf("emergency despite refusal: %d\n%s", resp.Status, resp.Body)
	}
	if rels, _ := w.env.Store.Relationships(t.Context(), refusing.ID); len(rels) != 0 {
		t.Fatalf("a refused emergency created %+v", rels)
	}
	rec := lastRecord(t, w.env)
	if rec.Event != "view" {
		t.Fatalf("last record %+v", rec)
	}
	recs, _ := w.env.Store.AccessRecordsAfter(t.Context(), 0, 1000)
	refused := recs[len(recs)-2]
	if refused.Event != "emergency_access" || refused.Outcome != "refused" || refused.Reason != "consent-refused" || !refused.Emergency {
		t.Errorf("refused emergency log record %+v", refused)
	}

	// With consent: the search offers the form; a wrong birth date is refused before anything else (the
	// answer says nothing of consent), then a one-word reason.
	path := portaltest.PatientPath(consenting, "access")
	specialist.Get(t, "/patients/search")
	resp = specialist.Post(t, "/patients/search", url.Values{"bsn": {consenting.BSN}, "birth_date": {"1958-04-12"}})
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, `action="`+portaltest.PatientPath(consenting, "emergency")+`"`) {
		t.Fatalf("no emergency form: %d\n%s", resp.Status, resp.Body)
	}
	resp = specialist.Post(t, portaltest.PatientPath(consenting, "emergency"), url.Values{
		"bsn": {consenting.BSN}, "birth_date": {"1958-04-13"}, "reason": {"spoed"}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Controleer BSN en geboortedatum") || strings.Contains(resp.Body, `action="`) && strings.Contains(resp.Body, "/emergency") {
		t.Fatalf("emergency form with a wrong birth date: %d\n%s", resp.Status, resp.Body)
	}
	resp = specialist.Post(t, portaltest.PatientPath(consenting, "emergency"), url.Values{
		"bsn": {consenting.BSN}, "birth_date": {"1958-04-12"}, "category": {"unable-to-communicate"}, "reason": {reason}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("emergency: %d\n%s", resp.Status, resp.Body)
	}
	created := lastRecord(t, w.env)
	if created.Event != "emergency_access" || created.Outcome != "success" || !created.Emergency || created.Detail != "category=unable-to-communicate; reason="+reason || created.PatientBSN != consenting.BSN {
		t.Errorf("emergency log record %+v", created)
	}
	if want := portaltest.PatientPath(consenting) + "?emergency=created"; resp.Header.Get("Location") != want {
		t.Fatalf("the emergency procedure leads to %q, want the dossier %q", resp.Header.Get("Location"), want)
	}
	resp = specialist.Get(t, resp.Header.Get("Location"))
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "via de noodprocedure") || !strings.Contains(resp.Body, "U heeft nu toegang via de noodprocedure") {
		t.Fatalf("after the emergency procedure: %d\n%s", resp.Status, resp.Body)
	}
	resp = specialist.Get(t, path)
	if resp.Status != http.StatusOK || decisionRow(t, resp.Body, "Brieven (ook ontslagbrieven)") != "allowed" {
		t.Fatalf("access page after the emergency procedure: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, w.env); rec.Event != "view" || !rec.Emergency {
		t.Errorf("a view on an emergency basis is not flagged: %+v", rec)
	}

	// The hospital reviews it.
	admin := w.env.Client(t, devpki.CardAdmin)
	list := admin.Get(t, "/admin/emergencies")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, reason) || !strings.Contains(list.Body, "Lars van Dijk") {
		t.Fatalf("review list: %d\n%s", list.Status, list.Body)
	}
	noMissingMessages(t, list.Body)
	rels, _ := w.env.Store.Relationships(t.Context(), consenting.ID)
	if len(rels) != 1 || rels[0].Kind != access.Emergency {
		t.Fatalf("relationships %+v", rels)
	}
	resp = admin.Post(t, fmt.Sprintf("/admin/emergencies/%d/review", rels[0].ID), url.Values{"note": {""}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Schrijf uw beoordeling op.") {
		t.Fatalf("review without note: %d\n%s", resp.Status, resp.Body)
	}
	resp = admin.Post(t, fmt.Sprintf("/admin/emergencies/%d/review", rels[0].ID), url.Values{"note": {"Terecht: opname via SEH bevestigd"}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("review: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, w.env); rec.Event != "admin_action" || rec.UserUZI != "900100011" || !strings.Contains(rec.Detail, "reviewed") {
		t.Errorf("review log record %+v", rec)
	}
	if list := admin.Get(t, "/admin/emergencies"); strings.Contains(list.Body, reason) {
		t.Error("a reviewed emergency access is still listed as to review")
	}
	if list := admin.Get(t, "/admin/emergencies?all=1"); !strings.Contains(list.Body, "Terecht: opname via SEH bevestigd") {
		t.Error("the review is not shown among all emergency accesses")
	}
}

// TestAnExpiredInvitationNoLongerOpensThePatient: staff register an invitation that ran last month (on the
// admin screen); the specialist is refused with the reason, and the active one that staff add next opens
// the patient until the day they chose.
func TestAnExpiredInvitationNoLongerOpensThePatient(t *testing.T) {
	w := newWorld(t)
	p := w.patient(t, "999993847", "P001", "Jansen", adult)
	w.consent(t, p, access.MedischSpecialisten, access.ConsentGranted)
	admin := adminOn(t, w, p)
	day := func(d int) string { return time.Now().In(access.Amsterdam).AddDate(0, 0, d).Format(time.DateOnly) }
	add := func(from, until string) *portaltest.Response {
		admin.Get(t, portaltest.AdminPatientPath(p))
		return admin.Post(t, portaltest.AdminPatientPath(p, "relationships"), url.Values{
			"kind": {"invited"}, "holder_kind": {"provider"}, "holder_code": {"03012345"}, "holder_name": {"L. van Dijk, internist"},
			"valid_from": {from}, "valid_until": {until}, "reason": {"consult na ontslag"}})
	}
	if resp := add(day(-40), day(-10)); resp.Status != http.StatusSeeOther {
		t.Fatalf("add expired invitation: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, w.env); rec.Event != "relationship_change" || rec.UserUZI != "900100011" || rec.ObjectIDs == "" {
		t.Errorf("relationship log record %+v", rec)
	}
	specialist := w.env.Client(t, devpki.CardSpecialist)
	path := portaltest.PatientPath(p, "access")
	// Without a relationship in force the specialist is a stranger to the patient: the closed page, which
	// points to the search (where the emergency procedure starts), and no consent details.
	resp := specialist.Get(t, path)
	if resp.Status != http.StatusNotFound || !strings.Contains(resp.Body, "U heeft geen lopende behandelrelatie") ||
		strings.Contains(resp.Body, "toestemming") || strings.Contains(resp.Body, "/emergency") {
		t.Fatalf("expired invitation: %d\n%s", resp.Status, resp.Body)
	}

	// A bad end date comes back on the form.
	if resp := add(day(0), day(-1)); resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "De einddatum ligt vóór de ingangsdatum.") {
		t.Fatalf("end before start: %d\n%s", resp.Status, resp.Body)
	}
	if resp := add(day(0), day(5)); resp.Status != http.StatusSeeOther {
		t.Fatalf("add invitation: %d\n%s", resp.Status, resp.Body)
	}
	resp = specialist.Get(t, path)
	if resp.Status != http.StatusOK {
		t.Fatalf("active invitation: %d\n%s", resp.Status, resp.Body)
	}
	until := time.Now().In(access.Amsterdam).AddDate(0, 0, 6)
	wantUntil := fmt.Sprintf("%d %s %d", until.Day(), []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}[until.Month()-1], until.Year())
	if !strings.Contains(resp.Body, "Uitgenodigd door een behandelaar van het ziekenhuis") || !strings.Contains(resp.Body, wantUntil) ||
		strings.Contains(resp.Body, wantUntil+" 00:00") {
		t.Errorf("basis does not say until %s:\n%s", wantUntil, resp.Body)
	}

	// Staff end it: the next request is refused.
	rels, _ := w.env.Store.Relationships(t.Context(), p.ID)
	active := rels[len(rels)-1]
	admin.Get(t, portaltest.AdminPatientPath(p))
	resp = admin.Post(t, portaltest.AdminPatientPath(p, "relationships", fmt.Sprint(active.ID), "end"), url.Values{"end_reason": {""}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Vermeld waarom de relatie eindigt.") {
		t.Fatalf("end without reason: %d\n%s", resp.Status, resp.Body)
	}
	resp = admin.Post(t, portaltest.AdminPatientPath(p, "relationships", fmt.Sprint(active.ID), "end"), url.Values{"end_reason": {"consult afgerond"}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("end: %d\n%s", resp.Status, resp.Body)
	}
	if resp := specialist.Get(t, path); resp.Status != http.StatusNotFound || !strings.Contains(resp.Body, "U heeft geen lopende behandelrelatie") {
		t.Fatalf("after ending: %d\n%s", resp.Status, resp.Body)
	}
	// The emergency procedure, reached through the search with BSN and birth date (the dossier's address
	// no longer tells a provider without a relationship anything), names the ended relationship with the
	// day it ended.
	specialist.Get(t, "/patients/search")
	resp = specialist.Post(t, "/patients/search", url.Values{"bsn": {p.BSN}, "birth_date": {p.BirthDate.Format(time.DateOnly)}})
	today := time.Now().In(access.Amsterdam)
	months := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	if want := fmt.Sprintf("is beëindigd op %d %s %d", today.Day(), months[today.Month()-1], today.Year()); !strings.Contains(resp.Body, want) ||
		!strings.Contains(resp.Body, `name="ack_prior"`) {
		t.Errorf("the emergency form after the search does not say %q or ask for an acknowledgement:\n%s", want, resp.Body)
	}
}

// TestConsentForA13YearOldWithoutTheChildIsRefused: registering a parent's consent alone for a child of
// 13 is refused with the reason, in Dutch and English, and nothing is written; child and parent together
// succeed.
func TestConsentForA13YearOldWithoutTheChildIsRefused(t *testing.T) {
	w := newWorld(t)
	birth := time.Now().In(access.Amsterdam).AddDate(-13, 0, -30)
	child := w.patient(t, "999990408", "P013", "de Groot", time.Date(birth.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC))
	admin := adminOn(t, w, child)
	page := admin.Get(t, portaltest.AdminPatientPath(child))
	if !strings.Contains(page.Body, "De patiënt is 13 jaar: van 12 tot en met 15 geven de patiënt en een ouder of voogd samen toestemming.") {
		t.Errorf("the page does not say the rule for a 13-year-old:\n%s", page.Body)
	}
	form := url.Values{"category": {"huisartsen"}, "status": {"granted"}, "registered_by": {"representative"}, "channel": {"desk"},
		"given_on": {time.Now().In(access.Amsterdam).Format(time.DateOnly)}}
	resp := admin.Post(t, portaltest.AdminPatientPath(child, "consents"), form)
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("parent alone for a 13-year-old: %d\n%s", resp.Status, resp.Body)
	}
	noMissingMessages(t, resp.Body)
	if !strings.Contains(resp.Body, "De patiënt is 12 tot en met 15 jaar: toestemming geven de patiënt én een ouder of voogd samen.") ||
		!strings.Contains(resp.Body, `value="representative" checked`) || !strings.Contains(resp.Body, `aria-invalid`) && !strings.Contains(resp.Body, "field--error") {
		t.Errorf("the refusal does not explain itself next to the field:\n%s", resp.Body)
	}
	if h, _ := w.env.Store.ConsentHistory(t.Context(), child.ID); len(h) != 0 {
		t.Fatalf("a refused registration was written: %+v", h)
	}
	if rec := lastRecord(t, w.env); rec.Event != "consent_change" || rec.Outcome != "refused" || rec.Reason != "minor-12-to-15" || rec.PatientBSN != "999990408" {
		t.Errorf("refusal log record %+v", rec)
	}
	admin.Get(t, portaltest.AdminPatientPath(child)+"?lang=en")
	resp = admin.Post(t, portaltest.AdminPatientPath(child, "consents"), form)
	if !strings.Contains(resp.Body, "The patient is 12 to 15: consent is given by the patient and a parent or guardian together.") {
		t.Errorf("no English reason:\n%s", resp.Body)
	}
	form.Set("registered_by", "both")
	if resp := admin.Post(t, portaltest.AdminPatientPath(child, "consents"), form); resp.Status != http.StatusSeeOther {
		t.Fatalf("child and parent together: %d\n%s", resp.Status, resp.Body)
	}
	if h, _ := w.env.Store.ConsentHistory(t.Context(), child.ID); len(h) != 1 || h[0].RegisteredBy != access.ByBoth || !strings.Contains(h[0].RecordedBy, "900100011") {
		t.Fatalf("history %+v", h)
	}
	// Missing choices are named per field.
	resp = admin.Post(t, portaltest.AdminPatientPath(child, "consents"), url.Values{"given_on": {"gisteren"}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Choose a category of providers.") || !strings.Contains(resp.Body, "Fill in a date.") {
		t.Fatalf("empty form: %d\n%s", resp.Status, resp.Body)
	}
}

// TestAdministrationIsForAdministratorsOnly: every /admin route answers 403 to a provider, and the attempt
// is logged.
func TestAdministrationIsForAdministratorsOnly(t *testing.T) {
	w := newWorld(t)
	gp := w.env.Client(t, devpki.CardGP)
	for _, path := range []string{"/admin", "/admin/emergencies", "/admin/patients/1", "/admin/nothing"} {
		resp := gp.Get(t, path)
		if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Alleen voor beheerders") {
			t.Errorf("%s: %d", path, resp.Status)
		}
	}
	gp.Get(t, "/")
	if resp := gp.Post(t, "/admin/patients/1/consents", url.Values{"category": {"huisartsen"}}); resp.Status != http.StatusForbidden {
		t.Errorf("POST as GP: %d", resp.Status)
	}
	if rec := lastRecord(t, w.env); rec.Event != "admin_action" || rec.Outcome != "refused" || rec.UserUZI != "900100001" {
		t.Errorf("log record %+v", rec)
	}
	if strings.Contains(gp.Get(t, "/").Body, `href="/admin"`) {
		t.Error("a provider's menu links to the administration")
	}
	admin := w.env.Client(t, devpki.CardAdmin)
	if resp := admin.Get(t, "/"); resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("the administrator's start page is not the administration: %d %s", resp.Status, resp.Header.Get("Location"))
	}
	if resp := admin.Get(t, "/admin"); !strings.Contains(resp.Body, `href="/admin"`) {
		t.Error("the administrator's menu lacks the administration")
	} else if !strings.Contains(resp.Body, "Beheerder van het portaal") || strings.Contains(resp.Body, "Geen zorgverlenersrol") {
		t.Error("the frame does not name the administrator as such")
	}
	// The administrator's forms need the CSRF token too.
	resp, err := admin.Do(http.MethodPost, "/admin/patients/find", url.Values{"bsn": {"999993847"}, "birth_date": {"1958-04-12"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusForbidden && resp.Status != http.StatusBadRequest {
		t.Errorf("a form without CSRF token answered %d", resp.Status)
	}
}

// TestAdminFindsPatientsByBSNAndBirthDate: the search needs both, says what is wrong, and logs misses.
func TestAdminFindsPatientsByBSNAndBirthDate(t *testing.T) {
	w := newWorld(t)
	w.patient(t, "999993847", "P001", "Jansen", adult)
	admin := w.env.Client(t, devpki.CardAdmin)
	admin.Get(t, "/admin")
	resp := admin.Post(t, "/admin/patients/find", url.Values{"bsn": {"999993848"}, "birth_date": {""}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "voldoen aan de elfproef") || !strings.Contains(resp.Body, `href="#find-birth_date"`) {
		t.Fatalf("invalid search: %d\n%s", resp.Status, resp.Body)
	}
	resp = admin.Post(t, "/admin/patients/find", url.Values{"bsn": {"999993847"}, "birth_date": {"1958-04-13"}})
	if resp.Status != http.StatusNotFound || !strings.Contains(resp.Body, "Er is geen patiënt met dit BSN en deze geboortedatum.") {
		t.Fatalf("wrong birth date: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, w.env); rec.Event != "search" || rec.Outcome != "refused" || rec.PatientBSN != "999993847" {
		t.Errorf("miss log record %+v", rec)
	}
}

// TestEveryReasonIsExplainedInBothLanguages: every refusal reason has its Dutch and English sentence.
func TestEveryReasonIsExplainedInBothLanguages(t *testing.T) {
	cat, err := views.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range access.Reasons {
		if !cat.Has("access.reason." + string(r)) {
			t.Errorf("reason %s has no message", r)
		}
	}
	for _, k := range access.RelationshipKinds {
		if !cat.Has("access.kind." + string(k)) {
			t.Errorf("kind %s has no message", k)
		}
	}
}

// patientRoutes lists the GET addresses of one patient that open their data: every registered route under
// /patients/:id, with the patient's id and "1" for any item id (the patient's decision comes first).
func patientRoutes(t *testing.T, w *world, p access.Patient) []string {
	t.Helper()
	var out []string
	for _, r := range w.env.Server.Routes() {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/patients/:id") {
			continue
		}
		path := strings.Replace(r.Path, ":id", p.PublicID, 1)
		path = regexp.MustCompile(`:[a-z]+`).ReplaceAllString(path, "1")
		out = append(out, path)
	}
	if len(out) < 10 {
		t.Fatalf("only %d patient routes", len(out))
	}
	return out
}

// TestWithdrawalAndEndHonouredOnTheNextRequestWithTheCacheWarm: the store keeps the decision's facts of a
// patient in memory (checked against the patient's version); after the gp opened every address of the
// patient (the cache warm), a consent withdrawn and a relationship ended at the administration are
// honoured on the very next request, on every address.
func TestWithdrawalAndEndHonouredOnTheNextRequestWithTheCacheWarm(t *testing.T) {
	w := newWorld(t)
	adult := time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, change := range []string{"consent withdrawn", "relationship ended"} {
		t.Run(change, func(t *testing.T) {
			bsn := map[string]string{"consent withdrawn": "999993847", "relationship ended": "999990019"}[change]
			p := w.patient(t, bsn, "P-"+bsn, "Jansen", adult)
			w.relationship(t, p, access.RegisteredGP, access.HolderOrganisation, "90000101", time.Now().Add(-24*time.Hour), nil)
			w.consent(t, p, access.Huisartsen, access.ConsentGranted)
			gp := w.env.Client(t, devpki.CardGP)
			routes := patientRoutes(t, w, p)
			for _, path := range routes {
				if resp := gp.Get(t, path); resp.Status == http.StatusForbidden {
					t.Fatalf("%s before the change: %d", path, resp.Status)
				}
			}
			admin := adminOn(t, w, p)
			var resp *portaltest.Response
			if change == "consent withdrawn" {
				resp = admin.Post(t, portaltest.AdminPatientPath(p, "consents", "withdraw"), url.Values{
					"category": {"huisartsen"}, "registered_by": {"patient"}, "channel": {"desk"},
					"given_on": {time.Now().In(access.Amsterdam).Format(time.DateOnly)}})
			} else {
				rels, _ := w.env.Store.Relationships(t.Context(), p.ID)
				resp = admin.Post(t, portaltest.AdminPatientPath(p, "relationships", fmt.Sprint(rels[0].ID), "end"), url.Values{"end_reason": {"verhuisd"}})
			}
			if resp.Status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", change, resp.Status, resp.Body)
			}
			// Refused: 403 with the reason while a relationship holds, the closed page (404) without one.
			for _, path := range routes {
				if resp := gp.Get(t, path); resp.Status != http.StatusForbidden && resp.Status != http.StatusNotFound {
					t.Errorf("%s after the %s: %d", path, change, resp.Status)
				} else if strings.Contains(resp.Body, "Jansen") {
					t.Errorf("%s after the %s names the patient", path, change)
				}
			}
		})
	}
}

// TestAccessPageSaysEachReasonOnceAndWhatToDo: a page that refuses says each reason once with the
// categories it applies to, and what the provider can do about it.
func TestAccessPageSaysEachReasonOnceAndWhatToDo(t *testing.T) {
	w := newWorld(t)
	p := w.patient(t, "999993847", "P001", "Jansen", adult)
	w.relationship(t, p, access.RegisteredGP, access.HolderOrganisation, "90000101", time.Now().Add(-24*time.Hour), nil)
	w.relationship(t, p, access.PharmacyOfRecord, access.HolderOrganisation, "90000201", time.Now().Add(-24*time.Hour), nil)
	w.consent(t, p, access.Huisartsen, access.ConsentGranted)
	w.consent(t, p, access.Huisartsen, access.ConsentWithdrawn)
	w.consent(t, p, access.Apotheken, access.ConsentGranted)

	// The pharmacist may see four categories; the five others are refused for one reason, said once.
	body := w.env.Client(t, devpki.CardPharmacist).Get(t, portaltest.PatientPath(p, "access")).Body
	if n := strings.Count(body, "Uw rol mag deze soort gegevens niet inzien."); n != 1 {
		t.Errorf("the role's refusal is said %d times", n)
	}
	// The gp's practice lost the consent: the reason once, and what to do.
	resp := w.env.Client(t, devpki.CardGP).Get(t, portaltest.PatientPath(p, "access"))
	if resp.Status != http.StatusForbidden {
		t.Fatalf("withdrawn consent: %d", resp.Status)
	}
	if n := strings.Count(resp.Body, "De patiënt heeft de toestemming voor uw categorie zorgverleners ingetrokken."); n > 2 {
		t.Errorf("the withdrawal is said %d times", n)
	}
	if !strings.Contains(resp.Body, "Wat kunt u doen?") || !strings.Contains(resp.Body, "Alleen een nieuwe toestemming van de patiënt") {
		t.Error("the refusal does not say what the provider can do")
	}
}
