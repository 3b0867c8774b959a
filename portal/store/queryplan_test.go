package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

// bigTables grow with the hospital: a query that scans one of them costs more at a million patients than
// at ten thousand. Small fixed tables (the access log's head and anchor, the migrations) may be scanned.
var bigTables = []string{"patients", "relationships", "consents", "encounters", "appointments", "procedures",
	"conditions", "allergies", "medications", "lab_results", "vital_signs", "reports", "letters", "attachments",
	"imaging_studies", "treatment_limits", "access_log", "fhir_resources", "fhir_identifiers", "agb_links",
	"seen_items"}

// TestHotQueriesStayPerPatient runs every query a page view makes (the patient, the facts for the
// decision, "my patients" of an organisation that holds most relationships, each dossier tab, the lab
// series of a trend chart, a letter and its attachment, the access log's head, a provider's own accesses,
// a patient's access report) through a driver that records the SQL, and asks SQLite for the plan of each
// statement with its real arguments: none may scan a table that grows with the hospital, and the pages of
// "my patients" must come off the index in order (no sort of the holder's whole list). A plan that passes
// here costs the same at ten thousand patients and at a million, which the benchmarks then measure.
func TestHotQueriesStayPerPatient(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	st, rec, err := store.OpenRecorded(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	moment := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if _, err := dataset.Generate(ctx, st, dataset.Options{Patients: 1500, LogRecords: 3000, Seed: 1, Now: moment}); err != nil {
		t.Fatal(err)
	}
	plans, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer plans.Close()

	gp, _ := devpki.CardByName(devpki.CardGP)
	const id = int64(700)
	patient, err := st.Patient(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	labResults, err := st.LabResults(ctx, id)
	if err != nil || len(labResults) == 0 {
		t.Fatalf("patient %d has no lab results: %v", id, err)
	}
	letters, err := st.Letters(ctx, 702)
	if err != nil || len(letters) == 0 || len(letters[0].Attachments) == 0 {
		t.Fatalf("patient 702 has no letter with an attachment: %v", err)
	}
	labs, err := st.LabTests(ctx, id)
	if err != nil || len(labs) == 0 {
		t.Fatalf("patient %d has no lab tests: %v", id, err)
	}
	first, err := st.RelationshipsForProviderPage(ctx, gp.AGB, gp.URA, moment, nil, 50)
	if err != nil || first.Next == nil {
		t.Fatalf("first page of my patients: %d items, next %v, %v", len(first.Items), first.Next, err)
	}
	log := audit.New(st)
	defer log.Close()

	calls := []struct {
		name    string
		call    func() error
		ordered bool // must walk an index in order: no temporary B-tree for ORDER BY
	}{
		{"patient by id", func() error { _, err := st.Patient(ctx, id); return err }, false},
		{"patient facts", func() error { _, err := st.PatientFacts(ctx, id); return err }, true},
		{"patient facts by public id", func() error { _, err := st.PatientFactsByPublicID(ctx, patient.PublicID); return err }, true},
		{"patient by public id", func() error { _, err := st.PatientByPublicID(ctx, patient.PublicID); return err }, false},
		{"lab result by public id", func() error { _, err := st.LabResult(ctx, id, labResults[0].PublicID); return err }, false},
		{"attachment by public id", func() error {
			_, err := st.AttachmentByPublicID(ctx, 702, letters[0].Attachments[0].PublicID)
			return err
		}, false},
		{"search by BSN and birth date", func() error {
			_, err := st.PatientByBSNAndBirthDate(ctx, patient.BSN, patient.BirthDate)
			return err
		}, false},
		{"my patients, first page", func() error {
			_, err := st.RelationshipsForProviderPage(ctx, gp.AGB, gp.URA, moment, nil, 50)
			return err
		}, true},
		{"my patients, next page", func() error {
			_, err := st.RelationshipsForProviderPage(ctx, gp.AGB, gp.URA, moment, first.Next, 50)
			return err
		}, true},
		{"my patients in hospital (start page filters)", func() error {
			_, err := st.PatientsInHospitalOf(ctx, gp.AGB, gp.URA, moment.AddDate(0, 0, -14), moment)
			return err
		}, false},
		{"what is new for a provider (Nieuw page, digest)", func() error {
			_, err := st.NewsFor(ctx, gp.UZINumber, gp.AGB, gp.URA, moment.AddDate(0, 0, -30), moment, 500)
			return err
		}, false},
		{"what is new for the patients of a start page", func() error {
			_, err := st.NewsOfPatients(ctx, gp.UZINumber, []int64{id, 701, 702}, moment.AddDate(0, 0, -30), moment)
			return err
		}, false},
		{"lab series", func() error { _, err := st.LabSeries(ctx, id, labs[0].CodeSystem, labs[0].Code); return err }, false},
		{"lab series, any code system", func() error { _, err := st.LabSeries(ctx, id, "", labs[0].Code); return err }, false},
		{"lab results", func() error { _, err := st.LabResults(ctx, id); return err }, true},
		{"lab tests", func() error { _, err := st.LabTests(ctx, id); return err }, false},
		{"letters", func() error { _, err := st.Letters(ctx, 702); return err }, false},
		{"letter", func() error { _, err := st.Letter(ctx, 702, letters[0].PublicID); return err }, false},
		{"attachment", func() error { _, err := st.Attachment(ctx, 702, letters[0].Attachments[0].ID); return err }, false},
		{"medications", func() error { _, err := st.Medications(ctx, id); return err }, false},
		{"encounters", func() error { _, err := st.Encounters(ctx, id); return err }, false},
		{"appointments", func() error { _, err := st.Appointments(ctx, id); return err }, false},
		{"procedures", func() error { _, err := st.Procedures(ctx, id); return err }, false},
		{"conditions", func() error { _, err := st.Conditions(ctx, id); return err }, false},
		{"allergies", func() error { _, err := st.Allergies(ctx, id); return err }, false},
		{"vital signs", func() error { _, err := st.VitalSigns(ctx, id); return err }, false},
		{"reports", func() error { _, err := st.Reports(ctx, id); return err }, false},
		{"imaging", func() error { _, err := st.ImagingStudies(ctx, id); return err }, false},
		{"treatment limits", func() error { _, err := st.TreatmentLimits(ctx, id); return err }, false},
		{"alerts", func() error { _, err := st.Alerts(ctx, id); return err }, false},
		{"medical devices", func() error { _, err := st.MedicalDevices(ctx, id); return err }, false},
		{"dossier counts", func() error { _, err := st.DossierCounts(ctx, id); return err }, false},
		{"access-log append (head of the chain)", func() error {
			return log.Append(ctx, audit.Actor{User: audit.User{UZI: gp.UZINumber}}.View(audit.PatientOf(patient), access.Lab, "1", audit.Basis{}))
		}, false},
		{"own accesses", func() error {
			_, err := st.AccessRecords(ctx, store.AccessFilter{UserUZI: gp.UZINumber, NewestFirst: true, Limit: 50})
			return err
		}, true},
		{"own accesses, older page", func() error {
			_, err := st.AccessRecords(ctx, store.AccessFilter{UserUZI: gp.UZINumber, NewestFirst: true, Limit: 50, BeforeID: 2000})
			return err
		}, true},
		{"patient's access report", func() error {
			_, err := st.AccessRecords(ctx, store.AccessFilter{PatientBSN: patient.BSN, From: "2025-01-01T00:00:00.000Z", To: "2027-01-01T00:00:00.000Z"})
			return err
		}, false},
		{"access log state", func() error { _, err := st.AccessLogState(ctx); return err }, false},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			rec.Start()
			err := c.call()
			statements := rec.Stop()
			if err != nil {
				t.Fatal(err)
			}
			queries := 0
			for _, s := range statements {
				upper := strings.ToUpper(s.Query)
				if !strings.HasPrefix(upper, "SELECT") && !strings.HasPrefix(upper, "WITH") {
					continue
				}
				queries++
				plan := queryPlan(t, plans, s)
				for _, line := range plan {
					if table, ok := scannedBigTable(line); ok {
						t.Errorf("scans %s (%s) in\n%s\nplan:\n%s", table, line, s.Query, strings.Join(plan, "\n"))
					}
					if c.ordered && strings.Contains(line, "TEMP B-TREE FOR ORDER BY") {
						t.Errorf("sorts instead of walking an index in order:\n%s\nplan:\n%s", s.Query, strings.Join(plan, "\n"))
					}
				}
			}
			if queries == 0 {
				t.Fatalf("no query recorded (%d statements)", len(statements))
			}
		})
	}
}

// queryPlan asks SQLite how it would run a recorded statement with its arguments.
func queryPlan(t *testing.T, db *sql.DB, s store.Statement) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+s.Query, s.Args...)
	if err != nil {
		t.Fatalf("explain %s: %v", s.Query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return lines
}

// boundedIndexes are partial indexes whose rows are a set that does not grow with the hospital's
// patients: reading one whole is allowed.
var boundedIndexes = map[string]string{
	"encounters_open_admissions": "the admissions open now: the patients in hospital, bounded by its beds",
}

// scannedBigTable reports a plan line that reads a whole big table (SCAN t, or SCAN t USING a covering
// index, which still reads every row); SEARCH lines use an index with a constraint, and a scan of one of
// the boundedIndexes reads only what that index holds.
func scannedBigTable(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "SCAN ")
	if !ok {
		return "", false
	}
	table, how, _ := strings.Cut(rest, " ")
	for index := range boundedIndexes {
		if how == "USING INDEX "+index || how == "USING COVERING INDEX "+index {
			return "", false
		}
	}
	for _, big := range bigTables {
		if table == big {
			return table, true
		}
	}
	return "", false
}

func TestScannedBigTable(t *testing.T) {
	for line, want := range map[string]bool{
		"SCAN lab_results": true,
		"SCAN access_log USING COVERING INDEX access_log_user_id":                      true,
		"SEARCH lab_results USING INDEX lab_results_patient (patient_id=? AND code=?)": false,
		"SCAN access_log_head": false,
		"SCAN encounters USING INDEX encounters_open_admissions": false,
		"SCAN encounters USING INDEX encounters_patient":         true,
		"USE TEMP B-TREE FOR ORDER BY":                           false,
	} {
		if _, got := scannedBigTable(line); got != want {
			t.Errorf("%q: scan of a big table = %v, want %v", line, got, want)
		}
	}
}
