package portal_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// Demo patients the provider's screens are tested on (portal/demodata; README "The demo data set").
const (
	bsnVanDenBerg = "999993847" // admitted now; lab trends; treatment limit; penicillin allergy
	bsnDeJong     = "999993653" // discharged 4 days ago; discharge letter PDF + text; no known allergies
	bsnBos        = "999992077" // deceased
	bsnVanDerMeer = "999995017" // 8 years old
	bsnKramer     = "999993926" // every consent withdrawn
	bsnVerbeek    = "999990111" // HTML letter, Holter PDF
	bsnBosman     = "999993367" // 5 years old, allergies never recorded
	bsnSchouten   = "999999151" // registered with Het Anker (gp-other)
	bsnDijkstra   = "999911120" // emergency relationship of the specialist
	bsnUnknown    = "123456782" // passes the elfproef, belongs to nobody in the demo
)

// demoEnv starts a portal with the demo data set and the administrator's N card admitted.
func demoEnv(t *testing.T, configure ...func(*config.Config)) *portaltest.Env {
	t.Helper()
	return portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) {
		c.UZI.AdmitEmployeeCards = true
		for _, f := range configure {
			f(c)
		}
	}})
}

// missingMessage finds a message key shown instead of its text ("[dossier.col.date]").
var missingMessage = regexp.MustCompile(`\[[a-z_]+\.[a-zA-Z_./0-9-]+\]`)

func checkPage(t *testing.T, what string, resp *portaltest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, resp.Status, status, resp.Body)
	}
	if m := missingMessage.FindAllString(resp.Body, -1); m != nil {
		t.Errorf("%s shows missing messages %v", what, m)
	}
}

// recordsSince returns the access-log records written after id.
func recordsSince(t *testing.T, env *portaltest.Env, after int64) []store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(t.Context(), after, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// lastID is the id of the newest access-log record (0 for none).
func lastID(t *testing.T, env *portaltest.Env) int64 {
	t.Helper()
	recs := recordsSince(t, env, 0)
	if len(recs) == 0 {
		return 0
	}
	return recs[len(recs)-1].ID
}

func categoryPath(p access.Patient, c access.Category) string {
	if c == access.Summary {
		return portaltest.PatientPath(p)
	}
	return portaltest.PatientPath(p, string(c))
}

var tabLink = regexp.MustCompile(`<a class="tabs__link" href="/patients/[ghjklmnpqrstvwxz]{32}(/[a-z]+)?"`)

// tabsOf lists the categories of a page's tabs, in order.
func tabsOf(body string) []access.Category {
	var out []access.Category
	for _, m := range tabLink.FindAllStringSubmatch(body, -1) {
		if m[1] == "" {
			out = append(out, access.Summary)
		} else {
			out = append(out, access.Category(strings.TrimPrefix(m[1], "/")))
		}
	}
	return out
}

// TestStartPageListsMyPatientsWithBasisAndFilters: the GP's start page lists the practice's patients
// whose data is open, with the basis and until when; the filters narrow it to who is in hospital and who
// went home recently; patients without consent are counted, not named; the list is logged.
func TestStartPageListsMyPatientsWithBasisAndFilters(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	before := lastID(t, env)
	resp := gp.Get(t, "/")
	checkPage(t, "start page", resp, http.StatusOK)
	for _, want := range []string{"Mijn patiënten", "Hendrik Jan", "van den Berg", "Maria Johanna", "Ingeschreven huisartsenpraktijk",
		"via uw organisatie", "Uitgenodigd door een behandelaar van het ziekenhuis", "op uw naam", "Opgenomen", "overleden", "minderjarig",
		`href="/?toon=opgenomen"`, `href="/?toon=ontslagen"`, `name="bsn"`, "900100001"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	// Ingrid Kramer withdrew every consent, Willem de Wit refused: not named, counted.
	for _, absent := range []string{"Kramer", "de Wit", "El Amrani"} {
		if strings.Contains(resp.Body, absent) {
			t.Errorf("the start page names %s, whose data the GP may not see", absent)
		}
	}
	if !regexp.MustCompile(`Met \d+ patiënt\(en\) heeft u een behandelrelatie maar nu geen inzage`).MatchString(resp.Body) {
		t.Error("the start page does not say that some patients are not listed")
	}
	berg := env.Patient(t, bsnVanDenBerg)
	recs := recordsSince(t, env, before)
	listed := 0
	for _, r := range recs {
		if r.Event == "view" && strings.HasPrefix(r.ObjectCategory, "summary") && strings.Contains(r.Detail, "my patients") {
			listed++
		}
		if r.PatientBSN == bsnKramer {
			t.Errorf("a patient not listed was logged as seen: %+v", r)
		}
	}
	if rows := strings.Count(resp.Body, `<th scope="row"><a href="/patients/`); listed != rows || rows < 15 {
		t.Errorf("%d patients listed, %d view records", rows, listed)
	}
	var admission *store.AccessRecord
	for i, r := range recs {
		// The row shows the admission, and what is new about the patient (news.go) after it.
		if r.PatientBSN == bsnVanDenBerg && strings.HasPrefix(r.ObjectCategory, "summary,encounters") {
			admission = &recs[i]
		}
	}
	if admission == nil || !strings.HasPrefix(admission.ObjectIDs, "encounter/") {
		t.Errorf("the admission status shown is not logged: %+v", admission)
	}

	admitted := gp.Get(t, "/?toon=opgenomen")
	checkPage(t, "admitted", admitted, http.StatusOK)
	if rows := strings.Count(admitted.Body, `<th scope="row"><a href="/patients/`); rows != 1 || !strings.Contains(admitted.Body, `href="`+portaltest.PatientPath(berg)+`"`) {
		t.Errorf("admitted filter lists %d patients:\n%s", rows, admitted.Body)
	}
	if !strings.Contains(admitted.Body, `href="/?toon=opgenomen" aria-current="page"`) {
		t.Error("the current filter is not marked")
	}
	discharged := gp.Get(t, "/?toon=ontslagen")
	checkPage(t, "discharged", discharged, http.StatusOK)
	jong := env.Patient(t, bsnDeJong)
	if !strings.Contains(discharged.Body, `href="`+portaltest.PatientPath(jong)+`"`) || strings.Contains(discharged.Body, `href="`+portaltest.PatientPath(berg)+`"`) {
		t.Errorf("the discharged filter does not list exactly the recently discharged:\n%s", discharged.Body)
	}
	if !strings.Contains(discharged.Body, "Ontslagen in de afgelopen 14 dagen") {
		t.Error("the discharged filter does not say its period")
	}

	// The period is a configuration key.
	env3 := demoEnv(t, func(c *config.Config) { c.Screens.RecentDischargeDays = 5 })
	short := env3.Client(t, devpki.CardGP).Get(t, "/?toon=ontslagen")
	if !strings.Contains(short.Body, "Ontslagen in de afgelopen 5 dagen (1)") {
		t.Errorf("with 5 days only Maria de Jong (4 days ago) is recently discharged:\n%s", short.Body)
	}
}

// TestStartPageForOtherRoles: a pharmacist may not see encounters, so the list says nothing about
// admissions and has no filters; hospital staff start at /admin; a card whose role sees nothing gets a
// clear empty state and no search.
func TestStartPageForOtherRoles(t *testing.T) {
	env := demoEnv(t)
	resp := env.Client(t, devpki.CardPharmacist).Get(t, "/?toon=opgenomen")
	checkPage(t, "pharmacist start", resp, http.StatusOK)
	if strings.Contains(resp.Body, "toon=opgenomen") || strings.Contains(resp.Body, "Opgenomen") || strings.Contains(resp.Body, "Ziekenhuis</th>") {
		t.Errorf("the pharmacist's start page shows admissions:\n%s", resp.Body)
	}
	if !strings.Contains(resp.Body, "Maria Johanna") || !strings.Contains(resp.Body, "Apotheek van de patiënt") {
		t.Errorf("the pharmacist's patients are missing:\n%s", resp.Body)
	}

	admin := env.Client(t, devpki.CardAdmin)
	if resp := admin.Get(t, "/"); resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("administrator's start: %d %s", resp.Status, resp.Header.Get("Location"))
	}

	// An employee card acts only on a mandate of a provider of its organisation: without one, the page
	// says how to get one, and nothing of the portal opens.
	employee := env.Client(t, devpki.CardEmployee)
	resp = employee.Get(t, "/")
	checkPage(t, "employee start", resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, "U heeft (nog) geen machtiging") || !strings.Contains(resp.Body, "Machtigingen") {
		t.Errorf("no clear page for an employee card without a mandate:\n%s", resp.Body)
	}
	resp = employee.Post(t, "/patients/search", url.Values{"bsn": {bsnDeJong}, "birth_date": {"1942-10-20"}})
	if resp.Status == http.StatusOK || resp.Status == http.StatusSeeOther {
		t.Errorf("employee search without a mandate: %d", resp.Status)
	}
}

// search posts a search with the client's last CSRF token, after fetching the start page for one.
func search(t *testing.T, c *portaltest.Client, bsn, birth string) *portaltest.Response {
	t.Helper()
	c.Get(t, "/patients/search")
	return c.Post(t, "/patients/search", url.Values{"bsn": {bsn}, "birth_date": {birth}})
}

func birthOf(p access.Patient) string { return p.BirthDate.Format(time.DateOnly) }

// TestSearchGivesTheThreeAnswers: not found, no consent for your kind of provider, no relationship (with
// the emergency form when consent allows it), and a match with access opens the dossier. Every search is
// logged with its outcome, misses too.
func TestSearchGivesTheThreeAnswers(t *testing.T) {
	env := demoEnv(t)
	other := env.Client(t, devpki.CardGPOther) // Het Anker: not the practice of Maria de Jong
	jong, kramer, schouten := env.Patient(t, bsnDeJong), env.Patient(t, bsnKramer), env.Patient(t, bsnSchouten)
	tests := []struct {
		name, bsn, birth string
		status           int
		wants            []string
		absent           []string
		outcome, reason  string
	}{
		{"not found", bsnUnknown, "1960-01-01", http.StatusNotFound,
			[]string{"Er is geen patiënt met dit BSN en deze geboortedatum."}, nil, "not_found", audit.SearchNotFound},
		{"right BSN, wrong birth date", bsnDeJong, "1942-10-21", http.StatusNotFound,
			[]string{"Er is geen patiënt met dit BSN en deze geboortedatum."}, []string{"Jong"}, "not_found", audit.SearchNotFound},
		{"no consent", bsnKramer, birthOf(kramer), http.StatusForbidden,
			[]string{"Geen toestemming voor uw soort zorgverlener.", "ingetrokken", "ook niet via de noodprocedure"},
			[]string{"Kramer", "Ingrid", `/emergency"`}, "refused", audit.SearchNoConsent},
		{"no relationship", bsnDeJong, birthOf(jong), http.StatusForbidden,
			[]string{"U heeft geen behandelrelatie met deze patiënt.", "Noodprocedure", `action="` + portaltest.PatientPath(jong, "emergency") + `"`,
				`value="` + bsnDeJong + `"`}, []string{"Maria", "Hartfalen"}, "refused", audit.SearchNoRelationship},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := search(t, other, tt.bsn, tt.birth)
			checkPage(t, tt.name, resp, tt.status)
			for _, w := range tt.wants {
				if !strings.Contains(resp.Body, w) {
					t.Errorf("answer lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(resp.Body, a) {
					t.Errorf("answer shows %q", a)
				}
			}
			rec := lastRecord(t, env)
			if rec.Event != "search" || rec.Outcome != tt.outcome || rec.Reason != tt.reason || rec.PatientBSN != tt.bsn ||
				rec.UserUZI != "900100003" || !strings.Contains(rec.Detail, "birth_date="+tt.birth) {
				t.Errorf("search record %+v", rec)
			}
		})
	}
	t.Run("found", func(t *testing.T) {
		resp := search(t, other, bsnSchouten, birthOf(schouten))
		if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != portaltest.PatientPath(schouten) {
			t.Fatalf("a match with access: %d %s\n%s", resp.Status, resp.Header.Get("Location"), resp.Body)
		}
		if rec := lastRecord(t, env); rec.Event != "search" || rec.Outcome != "success" || rec.Reason != audit.SearchFound || rec.PatientNumber != schouten.PatientNumber {
			t.Errorf("search record %+v", rec)
		}
		checkPage(t, "dossier after search", other.Get(t, resp.Header.Get("Location")), http.StatusOK)
	})
	t.Run("the BSN as the screens print it, or pasted with spaces", func(t *testing.T) {
		for _, typed := range []string{bsnSchouten[:4] + "." + bsnSchouten[4:6] + "." + bsnSchouten[6:], " " + bsnSchouten[:3] + " " + bsnSchouten[3:6] + "\u00a0" + bsnSchouten[6:] + " "} {
			resp := search(t, other, typed, birthOf(schouten))
			if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != portaltest.PatientPath(schouten) {
				t.Fatalf("search for %q: %d\n%s", typed, resp.Status, resp.Body)
			}
		}
		// The banner prints the BSN the way the search takes it.
		if body := other.Get(t, portaltest.PatientPath(schouten)).Body; !strings.Contains(body, bsnSchouten[:4]+"."+bsnSchouten[4:6]+"."+bsnSchouten[6:]) {
			t.Error("the banner does not print the BSN as 1234.56.782")
		}
	})
	t.Run("English", func(t *testing.T) {
		other.Get(t, "/patients/search?lang=en")
		resp := other.Post(t, "/patients/search", url.Values{"bsn": {bsnKramer}, "birth_date": {birthOf(kramer)}})
		checkPage(t, "English answer", resp, http.StatusForbidden)
		if !strings.Contains(resp.Body, "No consent for your kind of provider.") || !strings.Contains(resp.Body, `<html lang="en">`) {
			t.Errorf("English answer:\n%s", resp.Body)
		}
	})
}

// TestSearchChecksTheElfproefBeforeAnyLookup: a BSN that fails the elfproef, or a missing or impossible
// birth date, is answered on the form with what is wrong; nothing is looked up, and the attempt is
// logged without the typed number: the provider's first malformed search of the minute in the access log,
// the others in the server log only. Malformed searches count against the search limit.
func TestSearchChecksTheElfproefBeforeAnyLookup(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	future := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	tests := []struct {
		name, bsn, birth string
		messages         []string
	}{
		{"elfproef", "999993848", "1942-10-20", []string{"voldoen aan de elfproef"}},
		{"eight digits", "99999365", "1942-10-20", []string{"voldoen aan de elfproef"}},
		{"letters", "99999365a", "1942-10-20", []string{"voldoen aan de elfproef"}},
		{"all zeros", "000000000", "1942-10-20", []string{"voldoen aan de elfproef"}},
		{"nothing", "", "", []string{"Vul het BSN in.", "Vul de geboortedatum in."}},
		{"bad date", bsnDeJong, "20-10-1942", []string{"Vul een geldige datum in."}},
		{"future", bsnDeJong, future, []string{"De geboortedatum ligt in de toekomst."}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := lastRecord(t, env)
			resp := search(t, gp, tt.bsn, tt.birth)
			checkPage(t, tt.name, resp, http.StatusUnprocessableEntity)
			for _, m := range tt.messages {
				if !strings.Contains(resp.Body, m) {
					t.Errorf("form lacks %q", m)
				}
			}
			if !strings.Contains(resp.Body, `aria-invalid="true"`) || !strings.Contains(resp.Body, `class="error-summary"`) {
				t.Error("the wrong field is not marked")
			}
			rec := lastRecord(t, env)
			if i > 0 {
				if rec.ID != before.ID {
					t.Errorf("a further malformed search within the minute was written to the access log: %+v", rec)
				}
				return
			}
			if rec.Event != "search" || rec.Outcome != "refused" || rec.Reason != "invalid-input" || rec.PatientBSN != "" {
				t.Errorf("record of an invalid search %+v", rec)
			}
		})
	}
	if got := strings.Count(env.Logs.String(), "malformed patient search"); got != len(tests)-1 {
		t.Errorf("%d malformed searches in the server log, want %d", got, len(tests)-1)
	}
	// The malformed searches counted: what is left of the minute's searches, then the limit.
	for i := len(tests); i < env.Config.Screens.SearchesPerMinute; i++ {
		if resp := search(t, gp, bsnUnknown, "1960-01-01"); resp.Status != http.StatusNotFound {
			t.Fatalf("search %d: %d", i+1, resp.Status)
		}
	}
	if resp := search(t, gp, bsnUnknown, "1960-01-01"); resp.Status != http.StatusTooManyRequests {
		t.Fatalf("search beyond the limit after malformed ones: %d", resp.Status)
	}
}

// TestSearchIsRateLimitedPerProvider: beyond screens.searches_per_minute a provider's searches are refused
// with the 429 page, before any lookup, and logged; another provider searches on.
func TestSearchIsRateLimitedPerProvider(t *testing.T) {
	env := demoEnv(t, func(c *config.Config) { c.Screens.SearchesPerMinute = 3 })
	gp, other := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardGPOther)
	for i := range 3 {
		if resp := search(t, gp, bsnUnknown, "1960-01-01"); resp.Status != http.StatusNotFound {
			t.Fatalf("search %d: %d", i+1, resp.Status)
		}
	}
	resp := search(t, gp, bsnDeJong, birthOf(env.Patient(t, bsnDeJong)))
	checkPage(t, "fourth search", resp, http.StatusTooManyRequests)
	if !strings.Contains(resp.Body, "Te veel zoekvragen") || strings.Contains(resp.Body, "Maria") {
		t.Errorf("rate-limit page:\n%s", resp.Body)
	}
	if got := resp.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q on the 429", got)
	}
	if rec := lastRecord(t, env); rec.Event != "search" || rec.Outcome != "refused" || rec.Reason != "rate-limited" || rec.UserUZI != "900100001" {
		t.Errorf("rate-limit record %+v", rec)
	}
	if !strings.Contains(env.Logs.String(), "patient search refused: rate limit") {
		t.Error("the rate limit is not in the server log")
	}
	if resp := search(t, other, bsnUnknown, "1960-01-01"); resp.Status != http.StatusNotFound {
		t.Errorf("another provider is limited too: %d", resp.Status)
	}
}

// TestEmergencyAccessFromTheSearch: the GP of another practice finds a patient who consented to GPs but
// is not theirs; the emergency form on the answer needs a reason; with one, the dossier opens, says it is
// an emergency access, and every view is flagged.
func TestEmergencyAccessFromTheSearch(t *testing.T) {
	env := demoEnv(t)
	other := env.Client(t, devpki.CardGPOther)
	jong := env.Patient(t, bsnDeJong)
	search(t, other, bsnDeJong, birthOf(jong))
	path := portaltest.PatientPath(jong, "emergency")
	resp := other.Post(t, path, url.Values{"bsn": {bsnDeJong}, "birth_date": {birthOf(jong)}, "reason": {"spoed"}})
	checkPage(t, "emergency without a reason", resp, http.StatusUnprocessableEntity)
	if !strings.Contains(resp.Body, "minimaal 20 letters") {
		t.Errorf("no reason demanded:\n%s", resp.Body)
	}
	resp = other.Post(t, path, url.Values{"bsn": {bsnDeJong}, "birth_date": {birthOf(jong)},
		"category": {"out-of-hours"}, "reason": {"Waarneming in de avond, patiënte benauwd, medicatie na ontslag onbekend"}})
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != portaltest.PatientPath(jong)+"?emergency=created" {
		t.Fatalf("emergency: %d %s\n%s", resp.Status, resp.Header.Get("Location"), resp.Body)
	}
	if rec := lastRecord(t, env); rec.Event != "emergency_access" || !rec.Emergency || rec.Outcome != "success" {
		t.Errorf("emergency record %+v", rec)
	}
	before := lastID(t, env)
	page := other.Get(t, resp.Header.Get("Location"))
	checkPage(t, "dossier by emergency", page, http.StatusOK)
	for _, want := range []string{"U heeft nu toegang via de noodprocedure", "Noodtoegang.", "Noodprocedure", "Waarneming in de avond"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("emergency dossier lacks %q", want)
		}
	}
	recs := recordsSince(t, env, before)
	if len(recs) == 0 {
		t.Fatal("the emergency view was not logged")
	}
	for _, r := range recs {
		if r.Event != "view" || !r.Emergency || !strings.Contains(r.Basis, "relationship=emergency") {
			t.Errorf("view on an emergency basis not flagged: %+v", r)
		}
	}
}

// TestDossierShowsOnlyPermittedCategories: for the pharmacist and the nurse (both with a relationship and
// consent for Maria de Jong), every category outside their role is neither in any page (no tab, no
// link, none of its data) nor reachable by URL (403 with the reason, logged as a refusal).
func TestDossierShowsOnlyPermittedCategories(t *testing.T) {
	env := demoEnv(t)
	jong := env.Patient(t, bsnDeJong)
	// Text that only the pages of one category show, for this patient.
	markers := map[access.Category][]string{
		access.Encounters: {"Poliklinische controle na opname", "Naar huis met thuiszorg"},
		access.Problems:   {"Hypertensie"},
		access.Lab:        {"NT-proBNP", "lab-table"},
		access.Reports:    {"Cardiomegalie", ">X-thorax<"},
		access.Letters:    {"Ontslagbrief cardiologie"},
		access.Imaging:    {"X-thorax staand"},
	}
	roles := []struct {
		card    string
		uzi     string
		allowed []access.Category
	}{
		{devpki.CardPharmacist, "900100004", []access.Category{access.Summary, access.Allergies, access.Medication, access.Lab}},
		{devpki.CardNurse, "900100006", []access.Category{access.Summary, access.Encounters, access.Allergies, access.Medication}},
	}
	for _, role := range roles {
		t.Run(role.card, func(t *testing.T) {
			c := env.Client(t, role.card)
			var pages []string
			for _, cat := range access.Categories {
				t.Run(string(cat), func(t *testing.T) {
					before := lastID(t, env)
					resp := c.Get(t, categoryPath(jong, cat))
					if slices.Contains(role.allowed, cat) {
						checkPage(t, string(cat), resp, http.StatusOK)
						if got := tabsOf(resp.Body); !slices.Equal(got, role.allowed) {
							t.Errorf("tabs %v, want %v", got, role.allowed)
						}
						pages = append(pages, resp.Body)
						return
					}
					checkPage(t, string(cat), resp, http.StatusForbidden)
					if !strings.Contains(resp.Body, "Geen toegang tot dit onderdeel van het dossier") ||
						!strings.Contains(resp.Body, "Uw rol mag deze soort gegevens niet inzien.") {
						t.Errorf("refusal page lacks the reason:\n%s", resp.Body)
					}
					if strings.Contains(resp.Body, "Jong") || strings.Contains(resp.Body, bsnDeJong[:4]) {
						t.Error("the refusal page names the patient")
					}
					recs := recordsSince(t, env, before)
					if len(recs) != 1 || recs[0].Event != "view" || recs[0].Outcome != "refused" || recs[0].ObjectCategory != string(cat) ||
						recs[0].Reason != string(access.ReasonRoleNotPermitted) || recs[0].UserUZI != role.uzi || recs[0].PatientBSN != bsnDeJong {
						t.Errorf("refusal records %+v", recs)
					}
				})
			}
			for _, cat := range access.Categories {
				if slices.Contains(role.allowed, cat) {
					continue
				}
				href := `href="` + portaltest.PatientPath(jong, string(cat))
				for i, body := range pages {
					if strings.Contains(body, href) {
						t.Errorf("page %d links to %s", i, cat)
					}
					for _, m := range markers[cat] {
						if strings.Contains(body, m) {
							t.Errorf("page %d shows %s data %q", i, cat, m)
						}
					}
				}
			}
		})
	}
}

// TestGPSeesEveryCategory: the GP's dossier of an admitted patient has all nine tabs in order, the banner
// (family name emphasised, age, BSN, sex, allergy, treatment limit) and the basis on every page; deceased
// and minor patients and both allergy empty states are said plainly.
func TestGPSeesEveryCategory(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	berg := env.Patient(t, bsnVanDenBerg)
	for _, cat := range access.Categories {
		resp := gp.Get(t, categoryPath(berg, cat))
		checkPage(t, string(cat), resp, http.StatusOK)
		if got := tabsOf(resp.Body); !slices.Equal(got, access.Categories) {
			t.Errorf("%s: tabs %v", cat, got)
		}
		for _, want := range []string{`<span class="patient-banner__family">van den Berg</span>`, "(78 jaar)", "9999.93.847", "Niet reanimeren",
			"Allergie voor penicilline", "Waarom u deze patiënt mag inzien", "Voor huisartsen: toestemming gegeven op", "Huisartsenpraktijk De Linde",
			`href="` + portaltest.PatientPath(berg, "access") + `"`} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("%s page lacks %q", cat, want)
			}
		}
		if !strings.Contains(resp.Body, fmt.Sprintf(`href="%s" aria-current="page"`, categoryPath(berg, cat))) {
			t.Errorf("%s: the current tab is not marked", cat)
		}
	}
	summary := gp.Get(t, categoryPath(berg, access.Summary))
	for _, want := range []string{"Opgenomen", "Interne geneeskunde", "Chronische nierschade stadium 4", "Insuline glargine", "Urticaria"} {
		if !strings.Contains(summary.Body, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	medication := gp.Get(t, categoryPath(berg, access.Medication))
	for _, want := range []string{"Medicatiegeschiedenis", "Metformine 500 mg tablet", "Gestopt wegens verminderde nierfunctie (eGFR &lt; 30)", "500 mg", "2x daags 1 tablet"} {
		if !strings.Contains(medication.Body, want) {
			t.Errorf("medication lacks %q", want)
		}
	}
	lab := gp.Get(t, categoryPath(berg, access.Lab))
	if !strings.Contains(lab.Body, "6,4") || !strings.Contains(lab.Body, `lab-flag--high`) || !strings.Contains(lab.Body, `<span class="visually-hidden">hoog</span>`) {
		t.Error("lab values are not flagged with an arrow and a word")
	}

	cases := []struct {
		bsn   string
		wants []string
	}{
		{bsnBos, []string{"patient-banner__alert--deceased", "Overleden op"}},
		{bsnVanDerMeer, []string{"Minderjarig (8 jaar)", "door een ouder of voogd"}},
		{bsnDeJong, []string{"Geen allergieën bekend"}},
		{bsnBosman, []string{"Allergiestatus onbekend", "Minderjarig (5 jaar)"}},
	}
	for _, tc := range cases {
		p := env.Patient(t, tc.bsn)
		for _, cat := range []access.Category{access.Summary, access.Allergies} {
			resp := gp.Get(t, categoryPath(p, cat))
			checkPage(t, tc.bsn, resp, http.StatusOK)
			for _, w := range tc.wants {
				if !strings.Contains(resp.Body, w) {
					t.Errorf("%s %s lacks %q", tc.bsn, cat, w)
				}
			}
		}
	}
	allergies := gp.Get(t, categoryPath(env.Patient(t, bsnBosman), access.Allergies))
	if !strings.Contains(allergies.Body, "Dat betekent niet dat de patiënt geen allergieën heeft") {
		t.Error("'unknown' is not told apart from 'none known'")
	}
}

// TestEveryPatientPageIsNoStore: every page that shows patient data, its refusals and its files carry
// Cache-Control: no-store.
func TestEveryPatientPageIsNoStore(t *testing.T) {
	env := demoEnv(t)
	gp, pharmacist := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardPharmacist)
	jong, kramer := env.Patient(t, bsnDeJong), env.Patient(t, bsnKramer)
	letter, pdf, text := dischargeLetter(t, env, jong)
	_ = text
	berg := env.Patient(t, bsnVanDenBerg)
	labID := latestLab(t, env, berg).PublicID
	verbeek := env.Patient(t, bsnVerbeek)
	report := firstReport(t, env, verbeek)
	paths := []string{"/", "/?toon=opgenomen", "/patients/search",
		portaltest.PatientPath(berg, "lab", labID),
		portaltest.PatientPath(jong, "letters", letter.PublicID),
		portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", pdf.PublicID),
		portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", pdf.PublicID) + "?download=1",
		portaltest.PatientPath(verbeek, "reports", report.PublicID),
		portaltest.PatientPath(jong, "access"),
		portaltest.PatientPath(kramer),
		portaltest.PatientPath(jong, "letters", "999999"),
	}
	for _, cat := range access.Categories {
		paths = append(paths, categoryPath(jong, cat))
	}
	for _, p := range paths {
		resp := gp.Get(t, p)
		if resp.Status >= 500 {
			t.Errorf("%s: %d", p, resp.Status)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q", p, resp.Status, got)
		}
	}
	refused := pharmacist.Get(t, categoryPath(jong, access.Letters))
	if refused.Status != http.StatusForbidden || refused.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("refusal page: %d, Cache-Control %q", refused.Status, refused.Header.Get("Cache-Control"))
	}
	resp := search(t, gp, bsnUnknown, "1960-01-01")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("search answer: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

// dischargeLetter finds a patient's discharge letter and its PDF and text attachments.
func dischargeLetter(t *testing.T, env *portaltest.Env, p access.Patient) (letter dossier.Letter, pdf, text dossier.AttachmentInfo) {
	t.Helper()
	letters, err := env.Store.Letters(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		if l.Kind != "discharge" {
			continue
		}
		for _, a := range l.Attachments {
			switch a.ContentType {
			case "application/pdf":
				pdf = a
			case "text/plain", "text/plain; charset=utf-8":
				text = a
			}
		}
		return l, pdf, text
	}
	t.Fatalf("patient %s has no discharge letter", p.BSN)
	return letter, pdf, text
}

func latestLab(t *testing.T, env *portaltest.Env, p access.Patient) dossier.LabResult {
	t.Helper()
	results, err := env.Store.LabResults(t.Context(), p.ID)
	if err != nil || len(results) == 0 {
		t.Fatalf("lab results of %s: %v", p.BSN, err)
	}
	return results[0]
}

func firstReport(t *testing.T, env *portaltest.Env, p access.Patient) dossier.Report {
	t.Helper()
	reports, err := env.Store.Reports(t.Context(), p.ID, "ecg", "holter", "radiology", "pathology", "spirometry")
	if err != nil || len(reports) == 0 {
		t.Fatalf("reports of %s: %v", p.BSN, err)
	}
	return reports[0]
}

// TestDossierViewIsLoggedWithCategoryAndItems: a page is one access event: it writes one view record that
// lists every category it showed (its own first, then the banner's) with the item ids, the basis and the
// request id, before the page is sent.
func TestDossierViewIsLoggedWithCategoryAndItems(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	berg := env.Patient(t, bsnVanDenBerg)
	gp.Get(t, "/")
	before := lastID(t, env)
	resp := gp.Get(t, categoryPath(berg, access.Lab))
	checkPage(t, "lab", resp, http.StatusOK)
	recs := recordsSince(t, env, before)
	if len(recs) != 1 {
		t.Fatalf("%d records for one lab page, want one", len(recs))
	}
	r := recs[0]
	if r.Event != "view" || r.Outcome != "success" || r.PatientBSN != bsnVanDenBerg || r.UserUZI != "900100001" ||
		!strings.Contains(r.Basis, "consent=huisartsen") || r.Emergency || r.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("record %+v", r)
	}
	// The page's own category first, then what the banner showed (the treatment limit, the allergy).
	if r.ObjectCategory != "lab,summary,allergies" {
		t.Errorf("categories %q, want lab,summary,allergies", r.ObjectCategory)
	}
	results, _ := env.Store.LabResults(t.Context(), berg.ID)
	if got := strings.Count(r.ObjectIDs, "lab/"); got != len(results) {
		t.Errorf("the record names %d results, the page shows %d", got, len(results))
	}
	if !strings.Contains(r.ObjectIDs, "allergy/") || !strings.Contains(r.ObjectIDs, "limit/") {
		t.Errorf("banner items not logged: %s", r.ObjectIDs)
	}

	// The specialist's emergency relationship (demo) flags every view.
	specialist := env.Client(t, devpki.CardSpecialist)
	before = lastID(t, env)
	checkPage(t, "emergency summary", specialist.Get(t, categoryPath(env.Patient(t, bsnDijkstra), access.Summary)), http.StatusOK)
	for _, r := range recordsSince(t, env, before) {
		if r.Event == "view" && !r.Emergency {
			t.Errorf("emergency view not flagged: %+v", r)
		}
	}
}

// TestNoLogNoDossier makes the access log unwritable during open sessions: every page and file that
// would show patient data answers 503 and shows none of it.
func TestNoLogNoDossier(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	gp.Get(t, "/")
	jong := env.Patient(t, bsnDeJong)
	letter, pdf, _ := dischargeLetter(t, env, jong)
	labID := latestLab(t, env, jong).PublicID
	db, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER log_unwritable BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'disk failure'); END`); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", portaltest.PatientPath(jong, "lab", labID),
		portaltest.PatientPath(jong, "letters", letter.PublicID),
		portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", pdf.PublicID)}
	for _, cat := range access.Categories {
		paths = append(paths, categoryPath(jong, cat))
	}
	for _, p := range paths {
		resp := gp.Get(t, p)
		if resp.Status != http.StatusServiceUnavailable || !strings.Contains(resp.Body, "Gegevens tijdelijk niet beschikbaar") {
			t.Errorf("%s: status %d, want the 503 page\n%s", p, resp.Status, resp.Body)
			continue
		}
		for _, leak := range []string{"Jong", "Maria", "9999.93.653", "INR", "Acenocoumarol", "%PDF", "Ontslagbrief", "Hendrik"} {
			if strings.Contains(resp.Body, leak) {
				t.Errorf("%s: the failed page shows %q", p, leak)
			}
		}
	}
	resp := search(t, gp, bsnDeJong, birthOf(jong))
	if resp.Status != http.StatusServiceUnavailable {
		t.Errorf("search without a log: %d", resp.Status)
	}
}

// TestItemOfAnotherPatientIsNotFound: an item id taken from another patient's page, put under this
// patient's URL, finds nothing (404), whatever the kind of item; the attempt is logged.
func TestItemOfAnotherPatientIsNotFound(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	jong, berg, verbeek := env.Patient(t, bsnDeJong), env.Patient(t, bsnVanDenBerg), env.Patient(t, bsnVerbeek)
	letter, pdf, _ := dischargeLetter(t, env, jong)
	report := firstReport(t, env, verbeek)
	ls, _ := env.Store.Letters(t.Context(), verbeek.ID)
	holterLetter := ls[0].PublicID
	paths := []string{
		portaltest.PatientPath(berg, "letters", letter.PublicID),
		portaltest.PatientPath(berg, "letters", letter.PublicID, "attachments", pdf.PublicID),
		portaltest.PatientPath(verbeek, "letters", holterLetter, "attachments", pdf.PublicID), // own letter, another's attachment
		portaltest.PatientPath(berg, "lab", latestLab(t, env, jong).PublicID),
		portaltest.PatientPath(jong, "reports", report.PublicID),
		portaltest.PatientPath(jong, "letters", "abc"),
	}
	gp.Get(t, "/")
	for _, p := range paths {
		before := lastID(t, env)
		resp := gp.Get(t, p)
		checkPage(t, p, resp, http.StatusNotFound)
		if strings.Contains(resp.Body, "%PDF") || strings.Contains(resp.Body, "Ontslagbrief cardiologie") {
			t.Errorf("%s shows the other patient's item", p)
		}
		recs := recordsSince(t, env, before)
		if len(recs) != 1 || recs[0].Outcome != "refused" || recs[0].Reason != "item-not-found" {
			t.Errorf("%s: records %+v", p, recs)
		}
	}
}

// TestDocumentsShowTextHTMLAndServePDF: a letter's text attachment is shown as text, an HTML one only
// sanitised (a script planted in the database does not survive), a PDF is served as a file inline or as a
// download, and content labelled PDF that is not one is never sent.
func TestDocumentsShowTextHTMLAndServePDF(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	jong, verbeek := env.Patient(t, bsnDeJong), env.Patient(t, bsnVerbeek)
	letter, pdf, text := dischargeLetter(t, env, jong)
	if pdf.ID == 0 || text.ID == 0 {
		t.Fatalf("the demo discharge letter lacks a PDF or a text: %d %d", pdf.ID, text.ID)
	}
	page := gp.Get(t, portaltest.PatientPath(jong, "letters", letter.PublicID))
	checkPage(t, "letter", page, http.StatusOK)
	href := portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", pdf.PublicID)
	for _, want := range []string{`class="document document--text"`, "Beleid: dagelijks wegen, bij &gt; 2 kg toename", `href="` + href + `"`, `href="` + href + `?download=1"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("letter page lacks %q", want)
		}
	}
	file := gp.Get(t, href)
	if file.Status != http.StatusOK || file.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(file.Body, "%PDF-") ||
		!strings.HasPrefix(file.Header.Get("Content-Disposition"), "inline") || !strings.Contains(file.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("PDF: %d %v", file.Status, file.Header)
	}
	if rec := lastRecord(t, env); rec.ObjectCategory != "letters" || !strings.Contains(rec.ObjectIDs, fmt.Sprintf("attachment/%d", pdf.ID)) || !strings.Contains(rec.Detail, "inline") {
		t.Errorf("PDF view record %+v", rec)
	}
	if dl := gp.Get(t, href+"?download=1"); !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %v", dl.Header)
	}

	// An HTML letter with a script planted in the stored content, and a "PDF" that is HTML.
	letters, _ := env.Store.Letters(t.Context(), verbeek.ID)
	var htmlLetter string
	var htmlAttachment int64
	for _, l := range letters {
		for _, a := range l.Attachments {
			if strings.HasPrefix(a.ContentType, "text/html") {
				htmlLetter, htmlAttachment = l.PublicID, a.ID
			}
		}
	}
	db, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE attachments SET data = ? WHERE id = ?`,
		`<p onclick="steal()">Paroxismaal atriumfibrilleren.</p><script>alert(1)</script><img src="https://tracker.example/x.png"><p><em>Beleid:</em> controle.</p>`, htmlAttachment); err != nil {
		t.Fatal(err)
	}
	page = gp.Get(t, portaltest.PatientPath(verbeek, "letters", htmlLetter))
	checkPage(t, "HTML letter", page, http.StatusOK)
	if !strings.Contains(page.Body, "Paroxismaal atriumfibrilleren.") || !strings.Contains(page.Body, "<em>Beleid:</em>") {
		t.Errorf("the letter's text is lost:\n%s", page.Body)
	}
	for _, bad := range []string{"<script>alert", "onclick", "tracker.example"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("the sanitised letter still has %q", bad)
		}
	}
	if _, err := db.Exec(`UPDATE attachments SET data = ? WHERE id = ?`, `<html><script>alert(1)</script></html>`, pdf.ID); err != nil {
		t.Fatal(err)
	}
	fake := gp.Get(t, href)
	if fake.Status != http.StatusInternalServerError || strings.Contains(fake.Body, "<script>alert") || fake.Header.Get("Content-Type") == "application/pdf" {
		t.Errorf("a fake PDF: %d %s\n%s", fake.Status, fake.Header.Get("Content-Type"), fake.Body)
	}
}

// TestWithdrawnConsentClosesTheDossierOnTheNextRequest: while the GP's session is open the hospital
// registers the withdrawal; the GP's next dossier page is the refusal with the reason, logged.
func TestWithdrawnConsentClosesTheDossierOnTheNextRequest(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	jong := env.Patient(t, bsnDeJong)
	checkPage(t, "before", gp.Get(t, categoryPath(jong, access.Lab)), http.StatusOK)
	withdraw(t, env, jong, access.Huisartsen)
	resp := gp.Get(t, categoryPath(jong, access.Lab))
	checkPage(t, "after", resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, "De patiënt heeft de toestemming voor uw categorie zorgverleners ingetrokken.") || strings.Contains(resp.Body, "INR") {
		t.Errorf("after withdrawal:\n%s", resp.Body)
	}
	if rec := lastRecord(t, env); rec.Outcome != "refused" || rec.Reason != "consent-withdrawn" || rec.ObjectCategory != "lab" {
		t.Errorf("refusal record %+v", rec)
	}
	if home := gp.Get(t, "/"); strings.Contains(home.Body, `href="`+portaltest.PatientPath(jong)+`"`) {
		t.Error("the start page still lists the patient")
	}
}

// withdraw registers a withdrawal of consent by the patient, now, as the administration does.
func withdraw(t *testing.T, env *portaltest.Env, p access.Patient, cat access.RecipientCategory) {
	t.Helper()
	now := time.Now()
	c := access.Consent{PatientID: p.ID, Category: cat, Status: access.ConsentWithdrawn, RegisteredBy: access.ByPatient,
		Channel: access.ChannelDesk, GivenAt: now, RecordedBy: "test", RecordedAt: now}
	log := audit.New(env.Store)
	defer log.Close()
	if _, err := env.Store.RegisterConsent(t.Context(), c, log.Entry(audit.Record{Event: audit.EventConsentChange, Outcome: audit.Success,
		User: audit.User{Name: "test"}})); err != nil {
		t.Fatal(err)
	}
}

// TestSessionTimeoutsOnDossierPages: after the idle timeout, and after the absolute timeout however
// active the provider is, a dossier page is the signed-out page without patient data; logging in again
// opens the dossier.
func TestSessionTimeoutsOnDossierPages(t *testing.T) {
	clk := portaltest.NewClock(time.Now())
	env := portaltest.Start(t, portaltest.Options{DemoData: true, DemoNow: clk.Now().Add(-time.Minute),
		Server: []portal.Option{portal.WithClock(clk.Now)}})
	gp := env.Client(t, devpki.CardGP)
	jong := env.Patient(t, bsnDeJong)
	path := categoryPath(jong, access.Medication)
	checkPage(t, "start", gp.Get(t, path), http.StatusOK)

	clk.Advance(16 * time.Minute)
	resp := gp.Get(t, path)
	checkPage(t, "idle", resp, http.StatusUnauthorized)
	if !strings.Contains(resp.Body, "U was te lang niet actief") || strings.Contains(resp.Body, "Jong") || strings.Contains(resp.Body, "Acenocoumarol") {
		t.Errorf("idle timeout:\n%s", resp.Body)
	}
	if resp := gp.Post(t, "/login", nil); resp.Status != http.StatusSeeOther {
		t.Fatalf("log in again: %d", resp.Status)
	}
	checkPage(t, "after login", gp.Get(t, path), http.StatusOK)

	for range 12*6 + 1 { // active every 10 minutes, past 12 hours
		clk.Advance(10 * time.Minute)
		resp = gp.Get(t, path)
		if resp.Status != http.StatusOK {
			break
		}
	}
	checkPage(t, "absolute", resp, http.StatusUnauthorized)
	if !strings.Contains(resp.Body, "langer ingelogd dan de maximale sessieduur") || strings.Contains(resp.Body, "Acenocoumarol") {
		t.Errorf("absolute timeout:\n%s", resp.Body)
	}
}

// TestDossierPagesInBothLanguages: every page of the screens renders in Dutch and English with every
// message found, the html lang set, and the switch to the other language on it.
func TestDossierPagesInBothLanguages(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	var paths []string
	for _, bsn := range []string{bsnVanDenBerg, bsnDeJong, bsnVerbeek, bsnBosman, bsnBos} {
		p := env.Patient(t, bsn)
		for _, cat := range access.Categories {
			paths = append(paths, categoryPath(p, cat))
		}
	}
	jong := env.Patient(t, bsnDeJong)
	letter, _, _ := dischargeLetter(t, env, jong)
	verbeek := env.Patient(t, bsnVerbeek)
	report := firstReport(t, env, verbeek)
	paths = append(paths, "/", "/?toon=ontslagen", "/patients/search", portaltest.PatientPath(jong, "letters", letter.PublicID),
		portaltest.PatientPath(verbeek, "reports", report.PublicID), portaltest.PatientPath(jong, "lab", latestLab(t, env, jong).PublicID))
	for _, lang := range []string{"nl", "en"} {
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			resp := gp.Get(t, p+sep+"lang="+lang)
			checkPage(t, lang+" "+p, resp, http.StatusOK)
			other := map[string]string{"nl": "en", "en": "nl"}[lang]
			if !strings.Contains(resp.Body, `<html lang="`+lang+`">`) || !strings.Contains(resp.Body, `class="lang-switch"`) || !strings.Contains(resp.Body, `hreflang="`+other+`"`) {
				t.Errorf("%s %s: language attributes or switch missing", lang, p)
			}
		}
	}
	en := gp.Get(t, categoryPath(jong, access.Medication)+"?lang=en")
	for _, want := range []string{"Current medication", "Medication history", "Why you may see this patient", "Lab results"} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("English medication page lacks %q", want)
		}
	}
}

var (
	patientLink  = regexp.MustCompile(`<th scope="row"><a href="(/patients/[ghjklmnpqrstvwxz]{32})">`)
	documentLink = regexp.MustCompile(`href="(/patients/[ghjklmnpqrstvwxz]{32}/(?:letters|reports|lab)/[ghjklmnpqrstvwxz]{32}(?:/attachments/[ghjklmnpqrstvwxz]{32})?)"`)
)

// TestEveryDemoCardCanUseItsScreens walks the screens as each demo card that may see patients: the start
// page, every tab of every patient listed, every report, letter, trend and PDF those pages link to. All
// answer without error and without a missing message, so the demo data set shows every screen, and no
// page links to something its provider cannot open.
func TestEveryDemoCardCanUseItsScreens(t *testing.T) {
	env := demoEnv(t)
	seen := map[string]int{}
	for _, card := range []string{devpki.CardGP, devpki.CardGPOther, devpki.CardPharmacist, devpki.CardElderlyCarePhysician, devpki.CardNurse, devpki.CardSpecialist} {
		t.Run(card, func(t *testing.T) {
			c := env.Client(t, card)
			home := c.Get(t, "/")
			checkPage(t, "start page", home, http.StatusOK)
			patients := patientLink.FindAllStringSubmatch(home.Body, -1)
			if len(patients) == 0 {
				t.Fatalf("the demo data lists no patient for %s", card)
			}
			for _, p := range patients {
				summary := c.Get(t, p[1])
				checkPage(t, p[1], summary, http.StatusOK)
				for _, m := range tabLink.FindAllStringSubmatch(summary.Body, -1) {
					tab := c.Get(t, p[1]+m[1])
					checkPage(t, p[1]+m[1], tab, http.StatusOK)
					seen[strings.TrimPrefix(m[1], "/")]++
					for _, d := range documentLink.FindAllStringSubmatch(tab.Body, -1) {
						resp := c.Get(t, d[1])
						if resp.Status != http.StatusOK {
							t.Errorf("%s: %d", d[1], resp.Status)
						}
						if strings.Contains(d[1], "/attachments/") && resp.Header.Get("Content-Type") != "application/pdf" {
							t.Errorf("%s: %s", d[1], resp.Header.Get("Content-Type"))
						}
						for _, pdf := range documentLink.FindAllStringSubmatch(resp.Body, -1) {
							if f := c.Get(t, pdf[1]); f.Status != http.StatusOK || f.Header.Get("Content-Type") != "application/pdf" {
								t.Errorf("%s: %d %s", pdf[1], f.Status, f.Header.Get("Content-Type"))
							}
							seen["pdf"]++
						}
					}
				}
			}
		})
	}
	for _, what := range []string{"encounters", "problems", "allergies", "medication", "lab", "reports", "letters", "imaging", "pdf"} {
		if seen[what] == 0 {
			t.Errorf("no demo card reaches a %s page", what)
		}
	}
}

// TestAdministratorReadsSourcesInWords: the administration names where relationships and consent records
// came from as an administrator understands it ("import van het EPD, <date>"), never as the store keeps
// it (a program's account, a source code or a FHIR reference).
func TestAdministratorReadsSourcesInWords(t *testing.T) {
	env := demoEnv(t)
	berg := env.Patient(t, bsnVanDenBerg)
	body := env.Client(t, devpki.CardAdmin).Get(t, portaltest.AdminPatientPath(berg)).Body
	if !strings.Contains(body, "import van het EPD, ") {
		t.Error("the administration does not say that records came from the import")
	}
	for _, raw := range []string{"fhir-import", "fhir:", "FHIR Consent/", "Consent/"} {
		if strings.Contains(body, raw) {
			t.Errorf("the administration shows %q", raw)
		}
	}
}

// TestMyAccessesNameWhomISaw: Mijn inzages names the patient of a page the provider saw, with birth date,
// one row per page view with its categories in words; a refused search keeps the bare BSN (naming the
// patient would tell what the refusal withheld); the provider's own name is not repeated on every row.
func TestMyAccessesNameWhomISaw(t *testing.T) {
	env := demoEnv(t)
	gp := env.Client(t, devpki.CardGP)
	berg, kramer := env.Patient(t, bsnVanDenBerg), env.Patient(t, bsnKramer)
	checkPage(t, "summary", gp.Get(t, categoryPath(berg, access.Summary)), http.StatusOK)
	search(t, gp, bsnKramer, birthOf(kramer))
	body := gp.Get(t, "/mijn-inzages").Body
	for _, want := range []string{berg.DisplayName(), "27 juli 1948", "Samenvatting"} {
		if !strings.Contains(body, want) {
			t.Errorf("Mijn inzages lacks %q", want)
		}
	}
	if strings.Contains(body, kramer.FamilyName) {
		t.Error("Mijn inzages names the patient of a refused search")
	}
	if n := strings.Count(body, "Anna de Vries"); n > 1 {
		t.Errorf("the provider's own name appears %d times", n)
	}
}

// TestSearchPageSaysSearchOnce: the search page's heading says what it is; the form under it names what to
// fill in instead of repeating the heading.
func TestSearchPageSaysSearchOnce(t *testing.T) {
	env := demoEnv(t)
	body := env.Client(t, devpki.CardGP).Get(t, "/patients/search").Body
	if n := strings.Count(body, ">Patiënt zoeken</h"); n != 1 {
		t.Errorf("the heading \"Patiënt zoeken\" appears %d times", n)
	}
	if !strings.Contains(body, "Zoek met BSN en geboortedatum") {
		t.Error("the form does not say what to fill in")
	}
}
