package fhir_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/medication"
)

// mp9Dir finds the MP9 3.0 qualification bundles through ZVP_SHARED_DIR (default ../shared next to the
// repository root) and skips the test, saying so, when they are not there.
func mp9Dir(tb testing.TB) string {
	tb.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			tb.Fatal(err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "nictiz", "mp9-3.0-cert")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("the shared MP9 3.0 samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

// placeholder is the test tool's date placeholder of the qualification data: ${DATE, T, D, +N}.
var placeholder = regexp.MustCompile(`\$\{DATE, T, D, ([+-]?\d+)\}`)

// fillDates replaces the date placeholders with the test date plus N days.
func fillDates(tb testing.TB, data []byte, testDate time.Time) []byte {
	tb.Helper()
	return placeholder.ReplaceAllFunc(data, func(m []byte) []byte {
		n, err := strconv.Atoi(strings.TrimPrefix(string(placeholder.FindSubmatch(m)[1]), "+"))
		if err != nil {
			tb.Fatalf("placeholder %s: %v", m, err)
		}
		return []byte(testDate.AddDate(0, 0, n).Format(time.DateOnly))
	})
}

// testDate is the date T of the env's clock.
func (e testEnv) testDate() time.Time {
	now := e.im.Now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// loadMP9 imports sample files (placeholders filled) that must import without any rejection.
func (e testEnv) loadMP9(tb testing.TB, dir string, names ...string) {
	tb.Helper()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		e.load(tb, name, fillDates(tb, data, e.testDate()))
	}
}

// onlyPatientMedication returns the medication records of the one patient in the store.
func (e testEnv) onlyPatientMedication(tb testing.TB) []dossier.Medication {
	tb.Helper()
	ctx := context.Background()
	ps, err := e.st.AllPatients(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if len(ps) != 1 {
		tb.Fatalf("%d patients, want 1", len(ps))
	}
	meds, err := e.st.Medications(ctx, ps[0].ID)
	if err != nil {
		tb.Fatal(err)
	}
	return meds
}

func lineNames(lines []medication.Line) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Record.IdentifierValue+":"+string(l.State))
	}
	sort.Strings(out)
	return out
}

// TestMP9Script9 imports the prescription bundles of script 9 (start, stop before an operation, a
// future agreement, its cancellation, a definitive stop) and the pharmacy's bundles of the same script,
// and reads the overview as worked example A of the reference: at T the stop is in force and the future
// agreement is marked future; at T+8 only the definitive stop is current; from T+14 nothing is.
func TestMP9Script9(t *testing.T) {
	dir := mp9Dir(t)
	env := newTestEnv(t)
	env.loadMP9(t, dir, "mv-mp-vo-kwal-script9-v30.json", "mv-mp-vo-kwal-script9-stop-v30.json", "mv-mp-vo-kwal-script9-toekomstig-v30.json")
	T := env.testDate()
	o := medication.Build(env.onlyPatientMedication(t), T.Add(12*time.Hour))
	var current []string
	for _, l := range o.Current {
		if l.Record.Category == dossier.MedicationAgreement {
			current = append(current, l.Record.IdentifierValue+":"+string(l.State))
		}
	}
	sort.Strings(current)
	if got := strings.Join(current, " "); got != "MBH_300_SCRIPT9_MA_STOP-tvo:in_force MBH_300_SCRIPT9_MA_TOEKOMSTIG-tvo:future" {
		t.Errorf("current at T: %s", got)
	}

	env.loadMP9(t, dir, "mv-mp-vo-kwal-script9-annulering-v30.json", "mv-mp-vo-kwal-script9-defstop-v30.json")
	meds := env.onlyPatientMedication(t)
	o = medication.Build(meds, T.AddDate(0, 0, 8).Add(12*time.Hour))
	if got := strings.Join(lineNames(o.Current), " "); got != "MBH_300_SCRIPT9_MA_DEFINITIEVESTOP-tvo:in_force" {
		t.Errorf("current at T+8: %s", got)
	}
	def := o.Current[0]
	if def.Record.Drug == "" || !strings.Contains(def.Reason, "medicatiebeleid veranderd") || def.StopAt == nil ||
		!def.StopAt.Equal(time.Date(T.Year(), T.Month(), T.Day()+13, 21, 59, 59, 0, time.UTC)) {
		t.Errorf("definitive stop: drug %q, reason %q, stop %v", def.Record.Drug, def.Reason, def.StopAt)
	}
	if !strings.Contains(def.Record.Dose, "3 maal per dag 1 stuk") {
		t.Errorf("dosage text: %q", def.Record.Dose)
	}
	// The history lists the cancelled future agreement; the cancel record and the agreements that a
	// stop record ended are folded into the lines that tell their story.
	if got := strings.Join(lineNames(o.History), " "); got != "MBH_300_SCRIPT9_MA_TOEKOMSTIG-tvo:cancelled" {
		t.Errorf("history at T+8: %s", got)
	}
	var all []medication.Line
	for _, tr := range o.Treatments {
		all = append(all, tr.Lines...)
	}
	lines := strings.Join(lineNames(all), " ")
	for _, want := range []string{"MBH_300_SCRIPT9_MA_ANNULERING-tvo:cancelled", "MBH_300_SCRIPT9_MA-tvo:replaced", "MBH_300_SCRIPT9_MA_STOP-tvo:replaced"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the treatment at T+8 lacks %s: %s", want, lines)
		}
	}
	for _, l := range o.Current {
		if l.Record.Category == dossier.DispenseRequest {
			t.Errorf("a dispense request is listed as medication: %+v", l.Record)
		}
	}
	o = medication.Build(meds, T.AddDate(0, 0, 14).Add(time.Hour))
	if len(o.Current) != 0 {
		t.Errorf("current from T+14: %v", lineNames(o.Current))
	}

	// The pharmacy's side of the same script: its administration agreements and dispenses join the
	// patient (one Patient id in mv and av bundles of one script).
	env.loadMP9(t, dir, "av-mp-va-kwal-script9-v30.json", "av-mp-va-kwal-script9-stop-v30.json", "av-mp-va-kwal-script9-toekomstig-v30.json",
		"av-mp-va-kwal-script9-annulering-v30.json", "av-mp-va-kwal-script9-defstop-v30.json")
	o = medication.Build(env.onlyPatientMedication(t), T.AddDate(0, 0, 8).Add(12*time.Hour))
	var dispensed bool
	for _, tr := range o.Treatments {
		if tr.LastDispense != nil && tr.LastDispense.HandedOverAt != nil && tr.LastDispense.Quantity != "" {
			dispensed = true
		}
	}
	if !dispensed {
		t.Errorf("no treatment carries a dispense with its hand-over date and quantity")
	}
}

// TestMP9ScriptsImportWhole imports, per script, every prescription and pharmacy bundle into one
// database (they share the patient) and checks that nothing is rejected, that a re-import changes no
// count, and that every treatment whose latest agreement stops or cancels it is absent from current
// medication once the stop date has passed.
func TestMP9ScriptsImportWhole(t *testing.T) {
	dir := mp9Dir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	scripts := map[string][]string{}
	script := regexp.MustCompile(`^(?:mv-mp-vo|av-mp-va)-kwal-script(\d+)`)
	for _, f := range files {
		if m := script.FindStringSubmatch(filepath.Base(f)); m != nil {
			scripts[m[1]] = append(scripts[m[1]], filepath.Base(f))
		}
	}
	if len(scripts) == 0 {
		t.Fatalf("no mv-/av- bundles in %s", dir)
	}
	for n, names := range scripts {
		t.Run("script"+n, func(t *testing.T) {
			env := newTestEnv(t)
			sort.Strings(names)
			env.loadMP9(t, dir, names...)
			before := env.counts(t)
			env.loadMP9(t, dir, names...)
			if after := env.counts(t); !sameCounts(before, after) {
				t.Errorf("a re-import changed the counts: %v -> %v", before, after)
			}
			meds := env.onlyPatientMedication(t)
			far := env.testDate().AddDate(2, 0, 0)
			o := medication.Build(meds, far)
			for _, l := range o.Current {
				if l.Record.StopType != dossier.NotStopped {
					t.Errorf("a stop record is current two years on: %+v", l.Record)
				}
			}
			for _, m := range meds {
				if m.Category == dossier.NoBlock || m.TreatmentValue == "" {
					t.Errorf("an MP9 record lost its category or treatment: %+v", m)
				}
			}
		})
	}
}

// TestMP9SetsEachOwnPatient imports each mgsets bundle into its own database (each brings a new Patient
// id) and checks the dispenses, administrations and medication uses they carry.
func TestMP9SetsEachOwnPatient(t *testing.T) {
	dir := mp9Dir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "mgsets-*.json"))
	if len(files) == 0 {
		t.Fatalf("no mgsets bundles in %s", dir)
	}
	blocks := map[dossier.MedicationBlock]int{}
	for _, f := range files {
		env := newTestEnv(t)
		env.loadMP9(t, dir, filepath.Base(f))
		for _, m := range env.onlyPatientMedication(t) {
			blocks[m.Category]++
			switch m.Category {
			case dossier.MedicationDispense:
				if m.HandedOverAt == nil || m.Quantity == "" || m.Performer == "" {
					t.Errorf("%s: dispense without hand-over, quantity or pharmacy: %+v", filepath.Base(f), m)
				}
			case dossier.MedicationAdministered:
				if m.StartAt == nil || m.Dose == "" {
					t.Errorf("%s: administration without time or dose: %+v", filepath.Base(f), m)
				}
			case dossier.MedicationAgreement, dossier.AdministrationAgreement, dossier.MedicationUse, dossier.VariableDosingRegimen:
				if m.Dose == "" || m.StartAt == nil {
					t.Errorf("%s: %s without dosage or start: %+v", filepath.Base(f), m.Category, m)
				}
			}
			if m.CodeSystem == "" || !strings.HasPrefix(m.CodeSystem, "urn:oid:2.16.840.1.113883.2.4.4.") {
				t.Errorf("%s: medicine without G-Standaard code: %q %q", filepath.Base(f), m.CodeSystem, m.Code)
			}
		}
	}
	for _, b := range []dossier.MedicationBlock{dossier.MedicationAgreement, dossier.DispenseRequest, dossier.VariableDosingRegimen,
		dossier.AdministrationAgreement, dossier.MedicationDispense, dossier.MedicationUse, dossier.MedicationAdministered} {
		if blocks[b] == 0 {
			t.Errorf("no %s imported from the mgsets bundles: %v", b, blocks)
		}
	}
}

// TestMP9RawPlaceholderRejected imports a bundle with its date placeholders left in: each record with
// such a date is rejected as not a FHIR date, and nothing of it is stored.
func TestMP9RawPlaceholderRejected(t *testing.T) {
	dir := mp9Dir(t)
	env := newTestEnv(t)
	data, err := os.ReadFile(filepath.Join(dir, "mv-mp-vo-kwal-script5-v30.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := env.im.ImportBytes(context.Background(), "raw.json", data)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Rejected) == 0 {
		t.Fatal("a bundle with raw date placeholders imported without rejection")
	}
	for _, rj := range r.Rejected {
		if !strings.Contains(rj.Reason, "is not a FHIR date") {
			t.Errorf("%s: reason %q", rj.Resource, rj.Reason)
		}
	}
	if c := env.counts(t); c["medications"] != 0 {
		t.Errorf("%d medication rows from records with placeholder dates", c["medications"])
	}
}

// TestMP9SameRecordNewResourceID: the same record arriving again under another resource id (as
// MBH_300_SCRIPT2_TA-tav does in the qualification data) stays one record and is counted as updated.
func TestMP9SameRecordNewResourceID(t *testing.T) {
	dir := mp9Dir(t)
	env := newTestEnv(t)
	env.loadMP9(t, dir, "mv-mp-vo-kwal-script5-v30.json")
	before := env.counts(t)
	data, err := os.ReadFile(filepath.Join(dir, "mv-mp-vo-kwal-script5-v30.json"))
	if err != nil {
		t.Fatal(err)
	}
	// New resource ids (and fullUrls) for the prescriptions; their business identifiers stay.
	var b map[string]any
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	renamedCount := 0
	for _, e := range b["entry"].([]any) {
		entry := e.(map[string]any)
		res := entry["resource"].(map[string]any)
		if res["resourceType"] == "MedicationRequest" {
			res["id"] = "renamed-" + res["id"].(string)
			entry["fullUrl"] = "urn:uuid:" + res["id"].(string)
			renamedCount++
		}
	}
	if renamedCount == 0 {
		t.Fatal("no MedicationRequest to rename")
	}
	renamed, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	r := env.load(t, "renamed.json", fillDates(t, renamed, env.testDate()))
	after := env.counts(t)
	if before["medications"] != after["medications"] {
		t.Errorf("medication rows %d -> %d: the same records under new resource ids were duplicated", before["medications"], after["medications"])
	}
	if c := r.Counts["MedicationRequest"]; c == nil || c.Imported != 0 || c.Updated == 0 {
		t.Errorf("MedicationRequest counts: %+v", c)
	}
}
