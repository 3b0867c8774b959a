package portal_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the failure test makes the log unwritable behind the portal's back

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// withAdministrators admits the admin card (an N card: delegated staff must be switched on for it).
var withAdministrators = portaltest.Options{Configure: func(c *config.Config) { c.UZI.AdmitEmployeeCards = true }}

// actorOf is the access log's view of a test card, as the portal writes it.
func actorOf(t *testing.T, env *portaltest.Env, card string) audit.Actor {
	t.Helper()
	spec := env.Card(t, card).Spec
	agb := spec.AGB
	if agb == "00000000" {
		agb = ""
	}
	return audit.Actor{
		User: audit.User{UZI: spec.UZINumber, Name: spec.GivenName + " " + spec.Surname, Role: spec.Role, AGB: agb,
			URA: spec.URA, Organisation: spec.Organisation},
		Source: audit.Source{ClientIP: "192.0.2.7", RequestID: "test"},
	}
}

// writeLog appends records through a Log of the test's own on the portal's database: the server's log
// and this one take turns at the write lock and keep one chain.
func writeLog(t *testing.T, env *portaltest.Env, now time.Time, recs ...audit.Record) []store.AccessRecord {
	t.Helper()
	l := audit.NewWithOptions(env.Store, audit.Options{Now: func() time.Time { return now }})
	defer l.Close()
	p, err := l.Submit(t.Context(), recs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p.Records()
}

func recordsOf(t *testing.T, env *portaltest.Env, event audit.Event) []store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(t.Context(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(recs, func(r store.AccessRecord) bool { return r.Event != string(event) })
}

var rowNumber = regexp.MustCompile(`<td class="num">(\d+)</td>`)

func rowIDs(body string) []int64 {
	var ids []int64
	for _, m := range rowNumber.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, n)
	}
	return ids
}

const bsn = "999990019"

var lab = audit.Basis{Relationship: access.RegisteredGP, RelationshipID: 3, Consent: access.Huisartsen, ConsentID: 4}

func TestOwnAccessesShowOnlyMyRecordsPageByPage(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	gp := env.Client(t, devpki.CardGP)
	if resp := gp.Get(t, "/"); resp.Status != http.StatusOK || !strings.Contains(resp.Body, `href="/mijn-inzages"`) || strings.Contains(resp.Body, `href="/admin/log"`) {
		t.Fatalf("start page: %d, link to own accesses only expected", resp.Status)
	}
	me, other := actorOf(t, env, devpki.CardGP), actorOf(t, env, devpki.CardPharmacist)
	var recs []audit.Record
	for i := range 60 {
		recs = append(recs, me.View(audit.Patient{BSN: bsn}, access.Lab, fmt.Sprint(i), lab))
	}
	recs = append(recs, other.View(audit.Patient{BSN: "123456782"}, access.Medication, "", audit.Basis{}))
	writeLog(t, env, time.Now(), recs...)

	first := gp.Get(t, "/mijn-inzages")
	if first.Status != http.StatusOK {
		t.Fatalf("own accesses: %d\n%s", first.Status, first.Body)
	}
	ids := rowIDs(first.Body)
	if len(ids) != 50 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("first page rows %v, want 50 newest first", ids)
	}
	for _, want := range []string{"Mijn inzages", "Toegangslog geraadpleegd", "Laboratoriumuitslagen", bsn[:4] + "." + bsn[4:6] + "." + bsn[6:], "ingeschreven huisartsenpraktijk", "toestemming voor huisartsen"} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("first page lacks %q", want)
		}
	}
	if strings.Contains(first.Body, "123456782") || strings.Contains(first.Body, "Dirk Visser") {
		t.Fatal("the page shows another provider's record")
	}
	older := regexp.MustCompile(`href="/mijn-inzages\?voor=(\d+)"`).FindStringSubmatch(first.Body)
	if older == nil {
		t.Fatal("no link to older records")
	}
	second := gp.Get(t, "/mijn-inzages?voor="+older[1])
	ids2 := rowIDs(second.Body)
	// 1 login + 60 views + 1 read of the first page = 62 records before this read; 50 shown, 12 left.
	if len(ids2) != 12 || ids2[0] >= ids[len(ids)-1] || !strings.Contains(second.Body, "Ingelogd") {
		t.Fatalf("second page rows %v (first page ended at %d)", ids2, ids[len(ids)-1])
	}
	if regexp.MustCompile(`voor=\d+"`).MatchString(second.Body) {
		t.Fatal("the last page links to older records")
	}
	if reads := recordsOf(t, env, audit.EventReport); len(reads) != 2 || reads[0].Reason != audit.ReportOwn || reads[0].UserUZI != "900100001" {
		t.Fatalf("reading own accesses logged as %+v", reads)
	}
	if resp := gp.Get(t, "/mijn-inzages?voor=abc"); resp.Status != http.StatusBadRequest {
		t.Fatalf("bad paging parameter: %d", resp.Status)
	}
}

func TestAdministratorPagesRefuseOtherProviders(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	gp := env.Client(t, devpki.CardGP)
	admin := env.Client(t, devpki.CardAdmin)
	gp.Get(t, "/")
	if resp := admin.Get(t, "/admin"); resp.Status != http.StatusOK || !strings.Contains(resp.Body, `href="/admin/log"`) || !strings.Contains(resp.Body, `href="/admin/log/emergency"`) {
		t.Fatalf("administration page: %d, links to the access log expected", resp.Status)
	}
	routes := []struct{ method, path string }{
		{http.MethodGet, "/admin/log"},
		{http.MethodPost, "/admin/log/patient"},
		{http.MethodGet, "/admin/log/emergency"},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			var resp *portaltest.Response
			if r.method == http.MethodGet {
				resp = gp.Get(t, r.path)
			} else {
				gp.Get(t, "/") // a fresh CSRF token
				resp = gp.Post(t, r.path, url.Values{"bsn": {bsn}, "from": {"2026-01-01"}, "to": {"2026-12-31"}})
			}
			if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Alleen voor beheerders") {
				t.Fatalf("a GP got %d\n%s", resp.Status, resp.Body)
			}
		})
	}
	if resp := admin.Get(t, "/admin/log"); resp.Status != http.StatusOK || !strings.Contains(resp.Body, `name="bsn"`) {
		t.Fatalf("administrator: %d", resp.Status)
	}
	if reports := recordsOf(t, env, audit.EventReport); len(reports) != 0 {
		t.Fatalf("refused requests read the log: %+v", reports)
	}
}

func TestPatientReportListsExactlyTheAccessesToThePatient(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	admin := env.Client(t, devpki.CardAdmin)
	admin.Get(t, "/admin/log")
	gp, pharmacist, nurse, specialist := actorOf(t, env, devpki.CardGP), actorOf(t, env, devpki.CardPharmacist), actorOf(t, env, devpki.CardNurse), actorOf(t, env, devpki.CardSpecialist)
	p := audit.Patient{BSN: bsn, Number: "Z100001"}
	now := time.Now()
	// Two years ago: outside the period asked for.
	writeLog(t, env, now.AddDate(-2, 0, 0), gp.View(p, access.Letters, "1", lab))
	made := writeLog(t, env, now,
		gp.Search(p, "1950-01-01", audit.SearchFound),
		gp.View(p, access.Lab, "11,12", lab),
		pharmacist.View(p, access.Medication, "21", audit.Basis{Relationship: access.PharmacyOfRecord, Consent: access.Apotheken}),
		nurse.ViewRefused(p, access.Letters, "role_scope"),
		specialist.EmergencyAccess(p, "bewusteloos op de SEH", 9, now.Add(24*time.Hour)),
		specialist.View(p, access.Summary, "", audit.Basis{Relationship: access.Emergency, RelationshipID: 9, Consent: access.MedischSpecialisten}),
		gp.View(audit.Patient{BSN: "123456782"}, access.Lab, "99", lab), // another patient
	)
	wantIDs := []int64{}
	for _, r := range made[:6] {
		wantIDs = append(wantIDs, r.ID)
	}
	form := url.Values{"bsn": {bsn}, "from": {now.AddDate(0, 0, -7).Format(time.DateOnly)}, "to": {now.Format(time.DateOnly)}}

	resp := admin.Post(t, "/admin/log/patient", form)
	if resp.Status != http.StatusOK {
		t.Fatalf("report: %d\n%s", resp.Status, resp.Body)
	}
	if got := rowIDs(resp.Body); !slices.Equal(got, wantIDs) {
		t.Fatalf("report rows %v, want exactly %v", got, wantIDs)
	}
	for _, want := range []string{"6 vastleggingen", "Anna de Vries", "Huisarts", "Huisartsenpraktijk De Linde", "URA 90000101",
		"Dirk Visser", "vaste apotheek", "Noodtoegang gestart", "bewusteloos op de SEH", "<strong>ja</strong>", "<strong>geweigerd</strong>", "Lars van Dijk"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	admin.Get(t, "/admin/log")
	form.Set("format", "csv")
	csvResp := admin.Post(t, "/admin/log/patient", form)
	if csvResp.Status != http.StatusOK || !strings.HasPrefix(csvResp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csvResp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", csvResp.Status, csvResp.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(csvResp.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The six accesses and the screen report made just before: reading the log is an access too.
	if len(rows) != 8 || rows[0][0] != "nummer" || rows[1][0] != fmt.Sprint(wantIDs[0]) || rows[2][7] != "Huisarts" || rows[5][17] != "ja" {
		t.Fatalf("csv rows:\n%v", rows)
	}

	admin.Get(t, "/admin/log")
	form.Set("format", "html")
	doc := admin.Post(t, "/admin/log/patient", form)
	if doc.Status != http.StatusOK || !strings.HasPrefix(doc.Body, "<!DOCTYPE html>") || strings.Contains(doc.Body, "/static/") ||
		!strings.Contains(doc.Body, `<html lang="nl">`) || !strings.Contains(doc.Body, "Overzicht van inzage in uw gegevens") ||
		strings.Count(doc.Body, "<tr>") != 1+6+2 {
		t.Fatalf("printable document: %d\n%s", doc.Status, doc.Body)
	}
	style := regexp.MustCompile(`(?s)<style>(.*)</style>`).FindStringSubmatch(doc.Body)
	sum := sha256.Sum256([]byte(style[1]))
	if csp := doc.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") || strings.Contains(csp, "script") {
		t.Fatalf("the document's CSP %q does not allow exactly its own stylesheet", csp)
	}

	reports := recordsOf(t, env, audit.EventReport)
	if len(reports) != 3 {
		t.Fatalf("%d report records, want one per report made", len(reports))
	}
	for i, format := range []string{"screen", "csv", "html"} {
		r := reports[i]
		if r.PatientBSN != bsn || r.UserName != "Karin Dekker" || r.Reason != audit.ReportPatient || !strings.Contains(r.Detail, "format="+format) {
			t.Errorf("report record %d: %+v", i, r)
		}
	}
	// The next report lists the earlier reports too: reading the log is an access like any other.
	admin.Get(t, "/admin/log")
	form.Set("format", "screen")
	if again := admin.Post(t, "/admin/log/patient", form); len(rowIDs(again.Body)) != 9 || !strings.Contains(again.Body, "Toegangslog geraadpleegd") {
		t.Fatalf("second report rows %v", rowIDs(again.Body))
	}
}

func TestPatientReportFormRefusesBadInputAndReadsNothing(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	admin := env.Client(t, devpki.CardAdmin)
	tests := []struct {
		name    string
		form    url.Values
		message string
	}{
		{"BSN fails the elfproef", url.Values{"bsn": {"123456789"}, "from": {"2026-01-01"}, "to": {"2026-02-01"}}, "elfproef"},
		{"from is no date", url.Values{"bsn": {bsn}, "from": {"gisteren"}, "to": {"2026-02-01"}}, "begindatum"},
		{"period backwards", url.Values{"bsn": {bsn}, "from": {"2026-03-01"}, "to": {"2026-02-01"}}, "niet vóór de begindatum"},
		{"by is no UZI number", url.Values{"bsn": {bsn}, "from": {"2026-01-01"}, "to": {"2026-02-01"}, "by": {"Anna"}}, "negen cijfers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			admin.Get(t, "/admin/log")
			resp := admin.Post(t, "/admin/log/patient", tt.form)
			if resp.Status != http.StatusBadRequest || !strings.Contains(resp.Body, tt.message) || !strings.Contains(resp.Body, `aria-invalid="true"`) {
				t.Fatalf("%d\n%s", resp.Status, resp.Body)
			}
		})
	}
	if reports := recordsOf(t, env, audit.EventReport); len(reports) != 0 {
		t.Fatalf("refused forms read the log: %+v", reports)
	}
}

// TestNoLogNoData makes the access log unwritable while providers are logged in and checks that every
// page that would show logged data fails with the 503 page and shows none of it.
func TestNoLogNoData(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	gp, admin := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardAdmin)
	gp.Get(t, "/")
	admin.Get(t, "/admin/log")
	pharmacist := actorOf(t, env, devpki.CardPharmacist)
	writeLog(t, env, time.Now(),
		actorOf(t, env, devpki.CardGP).View(audit.Patient{BSN: bsn}, access.Lab, "", lab),
		pharmacist.View(audit.Patient{BSN: bsn}, access.Medication, "", lab),
		actorOf(t, env, devpki.CardSpecialist).EmergencyAccess(audit.Patient{BSN: bsn}, "reanimatie", 1, time.Now()))

	db, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER log_unwritable BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'disk failure'); END`); err != nil {
		t.Fatal(err)
	}
	before := len(recordsOf(t, env, audit.EventReport))

	check := func(t *testing.T, resp *portaltest.Response) {
		t.Helper()
		if resp.Status != http.StatusServiceUnavailable || !strings.Contains(resp.Body, "Gegevens tijdelijk niet beschikbaar") {
			t.Fatalf("status %d, want the 503 page\n%s", resp.Status, resp.Body)
		}
		for _, leak := range []string{bsn, "Dirk Visser", "reanimatie", "Laboratoriumuitslagen"} {
			if strings.Contains(resp.Body, leak) {
				t.Fatalf("the failed page shows %q", leak)
			}
		}
	}
	t.Run("own accesses", func(t *testing.T) { check(t, gp.Get(t, "/mijn-inzages")) })
	t.Run("patient report", func(t *testing.T) {
		check(t, admin.Post(t, "/admin/log/patient", url.Values{"bsn": {bsn}, "from": {time.Now().AddDate(0, 0, -1).Format(time.DateOnly)}, "to": {time.Now().Format(time.DateOnly)}}))
	})
	t.Run("printable report", func(t *testing.T) {
		admin.Get(t, "/admin/log")
		check(t, admin.Post(t, "/admin/log/patient", url.Values{"bsn": {bsn}, "format": {"html"}, "from": {time.Now().AddDate(0, 0, -1).Format(time.DateOnly)}, "to": {time.Now().Format(time.DateOnly)}}))
	})
	t.Run("emergency accesses", func(t *testing.T) { check(t, admin.Get(t, "/admin/log/emergency")) })
	if after := len(recordsOf(t, env, audit.EventReport)); after != before {
		t.Fatalf("report records went from %d to %d while the log was unwritable", before, after)
	}
}

func TestEmergencyRecordsAreListedForTheReview(t *testing.T) {
	env := portaltest.Start(t, withAdministrators)
	admin := env.Client(t, devpki.CardAdmin)
	specialist := actorOf(t, env, devpki.CardSpecialist)
	made := writeLog(t, env, time.Now(),
		specialist.EmergencyAccess(audit.Patient{BSN: bsn}, "bewusteloos op de SEH", 9, time.Now().Add(24*time.Hour)),
		specialist.View(audit.Patient{BSN: bsn}, access.Summary, "", audit.Basis{Relationship: access.Emergency, RelationshipID: 9}),
		actorOf(t, env, devpki.CardGP).View(audit.Patient{BSN: bsn}, access.Lab, "", lab))
	list := admin.Get(t, "/admin/log/emergency")
	if list.Status != http.StatusOK {
		t.Fatalf("emergency list: %d\n%s", list.Status, list.Body)
	}
	if got := rowIDs(list.Body); !slices.Equal(got, []int64{made[1].ID, made[0].ID}) {
		t.Fatalf("emergency list rows %v, want the emergency access and the view under it", got)
	}
	for _, want := range []string{"bewusteloos op de SEH", "Lars van Dijk", "behandelrelatie: noodprocedure", `href="/admin/emergencies"`} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("emergency list lacks %q", want)
		}
	}
	reads := recordsOf(t, env, audit.EventReport)
	if len(reads) != 1 || reads[0].Reason != audit.ReportEmergencies || reads[0].UserName != "Karin Dekker" {
		t.Fatalf("reading the list logged as %+v", reads)
	}
	if res, err := audit.Verify(t.Context(), env.Store, audit.VerifyOptions{}); err != nil {
		t.Fatalf("the chain after portal and test wrote to it: %v (%+v)", err, res)
	}
}
