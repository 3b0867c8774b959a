package abuse

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the test breaks the database behind the portal's back

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// TestErrorsLeakNothing: the portal is made to fail (the database loses a table, a write is refused with
// a message full of SQL, the access log cannot be written, a form cannot be decoded) and every answer is
// checked for stack traces, SQL and database messages. errors.go shows a generic page with the request id;
// the error itself goes to the server log only.
func TestErrorsLeakNothing(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	jong := env.Patient(t, bsnDeJong)
	gp, admin := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardAdmin)
	want(t, "gp", get(t, gp, "/"), http.StatusOK)
	want(t, "admin", get(t, admin, "/admin"), http.StatusOK)
	// sabotage changes the database behind the portal's back, through a connection of its own.
	sabotage := func(t *testing.T, statement string) {
		t.Helper()
		db, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(statement); err != nil {
			t.Fatal(err)
		}
	}
	// generic fails unless the answer is the generic error page with its request id, and the server log
	// holds the error under that id.
	generic := func(t *testing.T, what string, resp *portaltest.Response, status int, title string) {
		t.Helper()
		want(t, what, resp, status)
		inert(t, what, resp)
		if !strings.Contains(resp.Body, title) {
			t.Errorf("%s: not the generic page %q", what, title)
		}
		rid := resp.Header.Get("X-Request-Id")
		if rid == "" || !strings.Contains(resp.Body, rid) {
			t.Errorf("%s: the page does not show the request id %q for the service desk", what, rid)
		}
		if !strings.Contains(env.Logs.String(), "request_id="+rid) {
			t.Errorf("%s: the server log has nothing under request id %s", what, rid)
		}
	}

	runAttacks(t, []attack{
		{
			name:    "database error behind a dossier page",
			defence: "errors.go: a 5xx is a generic page with the request id; the error goes to the server log only",
			try: func(t *testing.T) {
				sabotage(t, `DROP TABLE imaging_studies`)
				resp := get(t, gp, dossierPath(jong, access.Imaging))
				generic(t, "imaging", resp, http.StatusInternalServerError, "Er ging iets mis")
				if !strings.Contains(env.Logs.String(), "no such table: imaging_studies") {
					t.Error("the server log lacks the database error: the attack proves nothing")
				}
			},
		},
		{
			name:    "database refusing a change with a message full of SQL",
			defence: "errors.go: the refusal's text never reaches the page",
			try: func(t *testing.T) {
				sabotage(t, `CREATE TRIGGER consents_refused BEFORE INSERT ON consents BEGIN
					SELECT RAISE(ABORT, 'SELECT bsn, birth_date FROM patients WHERE id = 1; sqlite internal'); END`)
				get(t, admin, portaltest.AdminPatientPath(jong))
				resp := admin.Post(t, portaltest.AdminPatientPath(jong, "consents"), url.Values{"category": {"apotheken"},
					"status": {"refused"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {"2026-01-01"}})
				generic(t, "consent", resp, http.StatusInternalServerError, "Er ging iets mis")
			},
		},
		{
			name:    "form body that cannot be decoded",
			defence: "readForm answers 400 with the generic page",
			try: func(t *testing.T) {
				get(t, gp, "/patients/search")
				req := gp.NewRequest(t, http.MethodPost, "/patients/search", strings.NewReader("bsn=%zz&birth_date=%%&_csrf="+gp.CSRF()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp := send(t, gp, req)
				if resp.Status != http.StatusBadRequest && resp.Status != http.StatusForbidden {
					t.Fatalf("status %d", resp.Status)
				}
				noLeak(t, "undecodable form", resp)
				inert(t, "undecodable form", resp)
			},
		},
		{
			name:    "invalid UTF-8 and control characters in form fields",
			defence: "input is checked (elfproef, date) before use; what is echoed is escaped",
			try: func(t *testing.T) {
				get(t, gp, "/patients/search")
				resp := gp.Post(t, "/patients/search", url.Values{"bsn": {"\xff\xfe\x00\x1b[31m"}, "birth_date": {"\xc3\x28\u202e"}})
				want(t, "garbage", resp, http.StatusUnprocessableEntity)
				inert(t, "garbage", resp)
			},
		},
		{
			name:    "access log that cannot be written",
			defence: "no log, no data: the 503 page, nothing of the patient, no SQL",
			try: func(t *testing.T) {
				sabotage(t, `CREATE TRIGGER log_unwritable BEFORE INSERT ON access_log BEGIN
					SELECT RAISE(ABORT, 'disk failure: INSERT INTO access_log (id, at) VALUES (?, ?)'); END`)
				resp := get(t, gp, dossierPath(jong, access.Medication))
				generic(t, "medication", resp, http.StatusServiceUnavailable, "Gegevens tijdelijk niet beschikbaar")
				if strings.Contains(resp.Body, jong.FamilyName) {
					t.Error("the failed page shows the patient")
				}
			},
		},
	})
}
