package command

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// newAccessData makes a data folder with a database holding an adult and a 13-year-old.
func newAccessData(t *testing.T) (dir string, adult, child access.Patient) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	adult, err = st.CreatePatient(t.Context(), access.Patient{BSN: "999993847", PatientNumber: "P001", FamilyName: "Jansen", BirthDate: time.Date(1958, 4, 12, 0, 0, 0, 0, time.UTC), Sex: access.SexMale}, now)
	if err != nil {
		t.Fatal(err)
	}
	b := now.In(access.Amsterdam).AddDate(-13, 0, -10)
	child, err = st.CreatePatient(t.Context(), access.Patient{BSN: "999990408", PatientNumber: "P013", FamilyName: "de Groot", BirthDate: time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC), Sex: access.SexFemale}, now)
	if err != nil {
		t.Fatal(err)
	}
	return dir, adult, child
}

func accessLog(t *testing.T, dir string) []store.AccessRecord {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.AccessRecordsAfter(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestConsentCommand(t *testing.T) {
	dir, adult, child := newAccessData(t)
	patient := []string{"--data", dir, "--bsn", adult.BSN, "--birth-date", "1958-04-12"}
	kid := []string{"--data", dir, "--bsn", child.BSN, "--birth-date", child.BirthDate.Format(time.DateOnly)}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"grant", with(patient, "--category", "huisartsen", "--registered-by", "patient", "--channel", "desk", "--by", "J. Balie", "--note", "formulier 12"),
			0, "grant: patient 999993847 (P001): consent granted for huisartsen, registered by patient via desk", ""},
		{"list shows it", with(patient), 0, "huisartsen                 granted", ""},
		{"parent alone for a 13-year-old", with(kid, "--category", "apotheken", "--registered-by", "representative", "--channel", "form", "--by", "J. Balie"),
			3, "", "The patient is 12 to 15: consent is given by the patient and a parent or guardian together"},
		{"child and parent together", with(kid, "--category", "apotheken", "--registered-by", "both", "--channel", "form", "--by", "J. Balie"), 0, "consent granted for apotheken", ""},
		{"withdraw", with(patient, "--category", "huisartsen", "--registered-by", "patient", "--channel", "patient_portal", "--by", "J. Balie"), 0, "withdraw: patient 999993847", ""},
		{"withdraw again", with(patient, "--category", "huisartsen", "--registered-by", "patient", "--channel", "desk", "--by", "J. Balie"), 3, "", "no consent for this category that could be withdrawn"},
		{"refuse", with(patient, "--category", "medisch_specialisten", "--registered-by", "patient", "--channel", "desk", "--by", "J. Balie", "--given-on", "2026-01-05"), 0, "given 2026-01-05", ""},
		{"no operator", with(patient, "--category", "huisartsen", "--registered-by", "patient", "--channel", "desk"), 2, "", "--by is required"},
		{"unknown category", with(patient, "--category", "tandartsen", "--registered-by", "patient", "--channel", "desk", "--by", "x"), 2, "", `--category "tandartsen": choose one of huisartsen, apotheken`},
		{"bad BSN", []string{"--data", dir, "--bsn", "123456789", "--birth-date", "1958-04-12"}, 2, "", "not a BSN"},
		{"wrong birth date", []string{"--data", dir, "--bsn", adult.BSN, "--birth-date", "1958-04-13"}, 1, "", "no patient with BSN 999993847 and birth date 1958-04-13"},
		{"future day", with(patient, "--category", "huisartsen", "--registered-by", "patient", "--channel", "desk", "--by", "x", "--given-on", "2999-01-01"), 3, "", "in the future"},
	}
	actions := map[string]string{"grant": "grant", "list shows it": "list", "parent alone for a 13-year-old": "grant", "child and parent together": "grant",
		"withdraw": "withdraw", "withdraw again": "withdraw", "refuse": "refuse", "no operator": "grant", "unknown category": "grant", "bad BSN": "list",
		"wrong birth date": "list", "future day": "grant"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, nil, append([]string{"consent", actions[tt.name]}, tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
		})
	}
	code, out, _ := runMain(t, nil, append([]string{"consent", "list"}, patient...)...)
	if code != 0 || !strings.Contains(out, "huisartsen                 withdrawn") || !strings.Contains(out, "medisch_specialisten       refused") || !strings.Contains(out, "formulier 12") {
		t.Fatalf("list after changes:\n%s", out)
	}
	var changes, refusals int
	for _, r := range accessLog(t, dir) {
		if r.Event != "consent_change" || r.UserName != "J. Balie" && r.UserName != "x" || !strings.HasPrefix(r.Detail, "command line: ") {
			t.Errorf("log record %+v", r)
		}
		if r.Outcome == "success" {
			changes++
		} else {
			refusals++
		}
	}
	if changes != 4 || refusals != 3 {
		t.Fatalf("%d changes and %d refusals logged, want 4 and 3", changes, refusals)
	}
	if code, _, errOut := runMain(t, nil, "consent", "maybe"); code != 2 || !strings.Contains(errOut, "grant, refuse, withdraw or list") {
		t.Fatalf("unknown action: %d %s", code, errOut)
	}
}

func TestRelationCommand(t *testing.T) {
	dir, adult, _ := newAccessData(t)
	patient := []string{"--data", dir, "--bsn", adult.BSN, "--birth-date", "1958-04-12"}
	run := func(args ...string) (int, string, string) {
		return runMain(t, nil, append([]string{"relation"}, args...)...)
	}

	code, out, errOut := run(append([]string{"add"}, append(patient, "--kind", "registered_gp", "--ura", "90000101", "--name", "De Linde", "--by", "J. Balie")...)...)
	if code != 0 || !strings.Contains(out, "added: relationship 1") || !strings.Contains(out, "until changed") {
		t.Fatalf("add GP: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(append([]string{"add"}, append(patient, "--kind", "invited", "--agb", "03012345", "--by", "J. Balie", "--reason", "consult")...)...)
	if code != 0 || strings.Contains(out, "until changed") {
		t.Fatalf("add invitation (default lifetime): %d\n%s", code, out)
	}
	code, _, errOut = run(append([]string{"add"}, append(patient, "--kind", "covering", "--ura", "90000102", "--by", "J. Balie")...)...)
	if code != 3 || !strings.Contains(errOut, "Covering needs the URA") {
		t.Fatalf("covering without mandate: %d %s", code, errOut)
	}
	code, _, errOut = run(append([]string{"add"}, append(patient, "--kind", "emergency", "--agb", "03012345", "--by", "J. Balie")...)...)
	if code != 2 || !strings.Contains(errOut, "choose one of registered_gp") {
		t.Fatalf("emergency by hand: %d %s", code, errOut)
	}
	code, _, errOut = run(append([]string{"add"}, append(patient, "--kind", "referrer", "--agb", "03012345", "--ura", "90000601", "--by", "J. Balie")...)...)
	if code != 2 || !strings.Contains(errOut, "exactly one of --agb") {
		t.Fatalf("both holders: %d %s", code, errOut)
	}
	code, out, _ = run(append([]string{"list"}, patient...)...)
	if code != 0 || !strings.Contains(out, "registered_gp") || !strings.Contains(out, "organisation 90000101") || !strings.Contains(out, "active") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	if code, out, errOut := run("end", "--data", dir, "--id", "2", "--reason", "consult afgerond", "--by", "J. Balie"); code != 0 || !strings.Contains(out, "ended: relationship 2 (invited") {
		t.Fatalf("end: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run("end", "--data", dir, "--id", "2", "--reason", "nog eens", "--by", "J. Balie"); code != 3 || !strings.Contains(errOut, "already ended") {
		t.Fatalf("end twice: %d %s", code, errOut)
	}
	if code, _, errOut := run("end", "--data", dir, "--id", "2", "--by", "J. Balie"); code != 2 || !strings.Contains(errOut, "--reason is required") {
		t.Fatalf("end without reason: %d %s", code, errOut)
	}
	if code, _, _ := run("end", "--data", dir, "--id", "99", "--reason", "x", "--by", "x"); code != 1 {
		t.Fatalf("end unknown: %d", code)
	}
	code, out, _ = run(append([]string{"list"}, patient...)...)
	if code != 0 || !strings.Contains(out, "ended") {
		t.Fatalf("list after end:\n%s", out)
	}
	recs := accessLog(t, dir)
	var ok int
	for _, r := range recs {
		if r.Event == "relationship_change" && r.UserName == "J. Balie" && r.PatientBSN == adult.BSN {
			ok++
		}
	}
	if ok != len(recs) || len(recs) != 5 { // 2 added, 1 refused covering, 1 ended, 1 refused end
		t.Fatalf("%d log records, %d as expected:\n%+v", len(recs), ok, recs)
	}
}
