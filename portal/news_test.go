package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// rowOf is the start page's row of one patient, from its name cell to the end of the row.
func rowOf(t *testing.T, body string, p access.Patient) string {
	t.Helper()
	start := strings.Index(body, `<th scope="row"><a href="`+portaltest.PatientPath(p)+`">`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

// newsBlock is the "Nieuw" page's block of one patient.
func newsBlock(body string, p access.Patient) string {
	start := strings.Index(body, `id="patient-`+p.PublicID+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</li>\n  \n")
	if end < 0 {
		end = len(body) - start
	}
	return body[start : start+end]
}

// TestWhatIsNew: the GP of Maria de Jong (discharged four days ago, a discharge letter, a report and lab
// results since) finds her marked on Mijn patiënten and under ?toon=nieuw, and her news on the Nieuw page
// with links to the items, the newest first; the page view is logged for her. Opening the letter marks
// only the letter seen; opening the other tabs marks the rest, after which she drops out of the filter and
// the Nieuw page. Another provider's news is their own: the pharmacist still sees the lab results as new,
// and never the letter, which his role may not see.
func TestWhatIsNew(t *testing.T) {
	env := demoEnv(t)
	jong := env.Patient(t, bsnDeJong)
	letters, err := env.Store.Letters(t.Context(), jong.ID)
	if err != nil || len(letters) == 0 {
		t.Fatalf("letters of de Jong: %v, %d", err, len(letters))
	}
	letter := letters[0] // newest first: the discharge letter of four days ago
	if letter.Title != "Ontslagbrief cardiologie" {
		t.Fatalf("newest letter %q, want the discharge letter", letter.Title)
	}
	letterHref := portaltest.PatientPath(jong, "letters", letter.PublicID)
	gp := env.Client(t, devpki.CardGP)

	home := gp.Get(t, "/")
	checkPage(t, "start page", home, http.StatusOK)
	row := rowOf(t, home.Body, jong)
	if row == "" || !strings.Contains(row, "tag--new") || !strings.Contains(row, "Brief: Ontslagbrief cardiologie") || !strings.Contains(row, "Ontslagen") {
		t.Fatalf("de Jong's row is not marked new with the discharge and the letter:\n%s", row)
	}
	// The row shows the newest lines and counts the rest, which the Nieuw page lists.
	brief, _, _ := strings.Cut(row[strings.Index(row, "news__brief"):], "</ul>")
	if strings.Count(brief, "<li>") != portal.NewsLinesOnStartPage+1 ||
		!regexp.MustCompile(`en \d+ meer op de pagina Nieuw`).MatchString(brief) {
		t.Errorf("de Jong's row does not keep to %d lines and a count of the rest:\n%s", portal.NewsLinesOnStartPage, brief)
	}
	if !strings.Contains(home.Body, `href="/?toon=nieuw"`) {
		t.Error("the start page offers no filter on what is new")
	}
	filtered := gp.Get(t, "/?toon=nieuw")
	checkPage(t, "filter new", filtered, http.StatusOK)
	if rowOf(t, filtered.Body, jong) == "" || !strings.Contains(filtered.Body, "Patiënten met iets nieuws") {
		t.Fatalf("?toon=nieuw does not list de Jong:\n%s", filtered.Body)
	}

	before, _ := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	news := gp.Get(t, "/nieuw")
	checkPage(t, "news page", news, http.StatusOK)
	if news.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the news page names patients but may be cached: %q", news.Header.Get("Cache-Control"))
	}
	block := newsBlock(news.Body, jong)
	for _, want := range []string{`href="` + letterHref + `"`, "Ontslagen", "Brief: Ontslagbrief cardiologie", "Verslag: X-thorax", "nieuwe labuitslag(en), waarvan"} {
		if !strings.Contains(block, want) {
			t.Errorf("de Jong's news lacks %q:\n%s", want, block)
		}
	}
	// Newest first: the discharge and the letter (four days ago) come before the X-ray report (ten days).
	if i, j := strings.Index(block, "Ontslagbrief cardiologie"), strings.Index(block, "X-thorax"); i < 0 || j < 0 || i > j {
		t.Error("the news is not in newest-first order")
	}
	after, _ := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	logged := false
	for _, r := range after[len(before):] {
		if r.Event == "view" && r.PatientBSN == bsnDeJong && strings.Contains(r.Detail, "news page") {
			logged = true
			if !strings.Contains(r.ObjectIDs, fmt.Sprintf("letter/%d", letter.ID)) || !strings.Contains(r.ObjectCategory, "letters") {
				t.Errorf("the news page's record does not name the letter it showed: %+v", r)
			}
		}
	}
	if !logged {
		t.Error("the news page's view of de Jong is not in the access log")
	}

	// Opening the letter marks the letter seen, nothing else.
	checkPage(t, "letter", gp.Get(t, letterHref), http.StatusOK)
	block = newsBlock(gp.Get(t, "/nieuw").Body, jong)
	if strings.Contains(block, letterHref) {
		t.Error("the letter is still new after the GP opened it")
	}
	if !strings.Contains(block, "Ontslagen") || !strings.Contains(block, "X-thorax") {
		t.Errorf("opening the letter marked other news seen:\n%s", block)
	}
	if row := rowOf(t, gp.Get(t, "/").Body, jong); strings.Contains(row, "Ontslagbrief cardiologie") || !strings.Contains(row, "tag--new") {
		t.Errorf("after the letter the row should stay new without the letter:\n%s", row)
	}

	// The tabs that show the rest mark the rest seen.
	for _, tab := range []string{"encounters", "reports", "lab", "letters"} {
		checkPage(t, tab, gp.Get(t, portaltest.PatientPath(jong, tab)), http.StatusOK)
	}
	if block := newsBlock(gp.Get(t, "/nieuw").Body, jong); block != "" {
		t.Errorf("de Jong still has news after every tab was opened:\n%s", block)
	}
	if row := rowOf(t, gp.Get(t, "/?toon=nieuw").Body, jong); row != "" {
		t.Errorf("?toon=nieuw still lists de Jong:\n%s", row)
	}
	if row := rowOf(t, gp.Get(t, "/").Body, jong); row == "" || strings.Contains(row, "tag--new") {
		t.Errorf("de Jong should be listed without a mark:\n%s", row)
	}

	// The pharmacist's news is his own, and only what his role may see.
	pharmacist := env.Client(t, devpki.CardPharmacist)
	block = newsBlock(pharmacist.Get(t, "/nieuw").Body, jong)
	if !strings.Contains(block, "labuitslag") {
		t.Errorf("the pharmacist's lab news was marked seen by the GP:\n%s", block)
	}
	for _, never := range []string{"Ontslagbrief", "X-thorax", "Ontslagen", "/letters/"} {
		if strings.Contains(block, never) {
			t.Errorf("the pharmacist's news shows %q, outside his role", never)
		}
	}
}

// TestNoNewsAfterConsentWithdrawal: when de Jong withdraws her consent for GPs, her GP's start page, filter
// and news page stop naming her at the very next request, and her news is not logged as shown.
func TestNoNewsAfterConsentWithdrawal(t *testing.T) {
	env := demoEnv(t)
	jong := env.Patient(t, bsnDeJong)
	gp := env.Client(t, devpki.CardGP)
	if block := newsBlock(gp.Get(t, "/nieuw").Body, jong); block == "" {
		t.Fatal("de Jong has no news before the withdrawal")
	}
	admin := env.Client(t, devpki.CardAdmin)
	admin.Get(t, portaltest.AdminPatientPath(jong))
	resp := admin.Post(t, portaltest.AdminPatientPath(jong, "consents", "withdraw"), url.Values{
		"category": {string(access.Huisartsen)}, "registered_by": {"patient"}, "channel": {"desk"},
		"given_on": {time.Now().In(access.Amsterdam).Format(time.DateOnly)},
	})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", resp.Status, resp.Body)
	}
	before, _ := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	for _, path := range []string{"/nieuw", "/?toon=nieuw", "/"} {
		body := gp.Get(t, path).Body
		if strings.Contains(body, `"`+portaltest.PatientPath(jong)+`"`) || strings.Contains(body, `"`+portaltest.PatientPath(jong)+`/`) ||
			strings.Contains(body, "Ontslagbrief cardiologie") || strings.Contains(body, "Jong</span>") {
			t.Errorf("%s still names de Jong or her news after the withdrawal", path)
		}
	}
	after, _ := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	for _, r := range after[len(before):] {
		if r.PatientBSN == bsnDeJong && r.Outcome == "success" {
			t.Errorf("a view of de Jong was logged after the withdrawal: %+v", r)
		}
	}
}

// TestNewsFilterWithoutEncounters: a role that may not see encounters (the pharmacist) gets the filter on
// what is new but not the admission filters, and an admission filter in the address is ignored.
func TestNewsFilterWithoutEncounters(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	pharmacist := env.Client(t, devpki.CardPharmacist)
	home := pharmacist.Get(t, "/")
	checkPage(t, "pharmacist start", home, http.StatusOK)
	if !strings.Contains(home.Body, `href="/?toon=nieuw"`) || strings.Contains(home.Body, `href="/?toon=opgenomen"`) {
		t.Errorf("the pharmacist's filters are wrong")
	}
	news := pharmacist.Get(t, "/?toon=nieuw")
	checkPage(t, "pharmacist new", news, http.StatusOK)
	if !regexp.MustCompile(`Patiënten met iets nieuws \(\d+\)`).MatchString(news.Body) {
		t.Errorf("the pharmacist's filter on news does not say what it lists:\n%s", news.Body)
	}
	if got := pharmacist.Get(t, "/?toon=opgenomen"); !strings.Contains(got.Body, "Uw patiënten (") {
		t.Error("an admission filter the role may not use is not ignored")
	}
}
