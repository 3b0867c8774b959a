package fhir_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/fhir"
)

// sourcePatient returns the patient a FHIR Patient id was imported into, under whichever id.
func (e testEnv) sourcePatient(tb testing.TB, fhirID string) access.Patient {
	tb.Helper()
	p, err := e.st.PatientBySourceID(context.Background(), fhirID)
	if err != nil {
		tb.Fatalf("patient %s: %v", fhirID, err)
	}
	return p
}

func (e testEnv) labCount(tb testing.TB, patientID int64) int {
	tb.Helper()
	labs, err := e.st.LabResults(context.Background(), patientID)
	if err != nil {
		tb.Fatal(err)
	}
	return len(labs)
}

// TestSameBSNUnderTwoIDsIsOnePatient: two sending systems name one person differently. Their data joins
// one dossier, a later bundle that names the patient by either id finds it, and the second id counts as
// an update of the dossier, not as a new patient.
func TestSameBSNUnderTwoIDsIsOnePatient(t *testing.T) {
	env := newTestEnv(t)
	env.load(t, "his.json", bundleJSON(t, "transaction",
		patientRes("his-1", "999993653", "Jansen"),
		labRes("o1", "urn:uuid:his-1", "2823-3", 4.1, "mmol/L")))
	labMR := map[string]any{"type": coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
		"system": "urn:oid:2.16.840.1.113883.2.4.3.999.9.1", "value": "LAB-99"}
	hisNumber := env.patient(t, "his-1").PatientNumber
	r := env.load(t, "lab.json", bundleJSON(t, "transaction",
		with(patientRes("lab-7", "999993653", "Jansen-de Vries"), "fullUrl", "https://lab.example/fhir/Patient/lab-7",
			"identifier", []any{identifier(bsnSystem, "999993653"), labMR}),
		labRes("o2", "Patient/lab-7", "2951-2", 140, "mmol/L")))
	if c := r.Counts["Patient"]; c == nil || c.Updated != 1 || c.Imported != 0 {
		t.Errorf("the second id of a known patient should count as an update of the dossier: %+v", c)
	}
	if c := env.counts(t); c["patients"] != 1 || c["lab_results"] != 2 {
		t.Fatalf("counts %v: want one patient with both lab results", c)
	}
	first, second := env.sourcePatient(t, "his-1"), env.sourcePatient(t, "lab-7")
	if first.ID != second.ID || env.labCount(t, first.ID) != 2 {
		t.Fatalf("his-1 -> patient %d, lab-7 -> patient %d with %d lab results", first.ID, second.ID, env.labCount(t, first.ID))
	}
	// Demographics follow the latest source; the BSN, the number and the first id stay.
	if first.FamilyName != "Jansen-de Vries" || first.BSN != "999993653" || first.BSNSynthetic || deref(first.FHIRID) != "his-1" ||
		first.PatientNumber != hisNumber {
		t.Errorf("merged patient = %+v", first)
	}

	// Later references by either id, relative or by the fullUrl the second system used, resolve to it.
	env.load(t, "later.json", bundleJSON(t, "collection",
		labRes("o3", "Patient/lab-7", "718-7", 8.1, "mmol/L"),
		labRes("o4", "https://lab.example/fhir/Patient/lab-7", "789-8", 4.5, "10*12/L"),
		labRes("o5", "Patient/his-1", "777-3", 250, "10*9/L")))
	if n := env.labCount(t, first.ID); n != 5 {
		t.Errorf("%d lab results after references by both ids, want 5", n)
	}
	if c := env.counts(t); c["patients"] != 1 {
		t.Errorf("%d patients, want 1", c["patients"])
	}
	// Importing the second system's bundle again changes nothing.
	again := env.load(t, "lab.json", bundleJSON(t, "transaction",
		with(patientRes("lab-7", "999993653", "Jansen-de Vries"), "fullUrl", "https://lab.example/fhir/Patient/lab-7"),
		labRes("o2", "Patient/lab-7", "2951-2", 140, "mmol/L")))
	if tot := again.Total(); tot.Imported != 0 || tot.Rejected != 0 {
		t.Errorf("re-import of the second system's bundle: %+v", tot)
	}
	if c := env.counts(t); c["patients"] != 1 || c["lab_results"] != 5 {
		t.Errorf("re-import changed the counts: %v", c)
	}
}

// TestSameBSNTwiceInOneBundle: one bundle carrying the patient under two ids is still one patient.
func TestSameBSNTwiceInOneBundle(t *testing.T) {
	env := newTestEnv(t)
	env.load(t, "both.json", bundleJSON(t, "transaction",
		patientRes("a", "999990408", "Bakker"),
		patientRes("b", "999990408", "Bakker"),
		labRes("o1", "urn:uuid:a", "2823-3", 4.1, "mmol/L"),
		labRes("o2", "urn:uuid:b", "2951-2", 140, "mmol/L")))
	if c := env.counts(t); c["patients"] != 1 || c["lab_results"] != 2 {
		t.Fatalf("counts %v: want one patient with two lab results", c)
	}
	if a, b := env.sourcePatient(t, "a"), env.sourcePatient(t, "b"); a.ID != b.ID {
		t.Errorf("a -> %d, b -> %d", a.ID, b.ID)
	}
}

// TestSameBSNOtherBirthDateIsAConflict: the same BSN with another birth date is rejected with both
// resources and both dates named, and so is the data that refers to it; the dossier stays as it was.
func TestSameBSNOtherBirthDateIsAConflict(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "first.json", bundleJSON(t, "transaction",
		patientRes("his-1", "999993653", "Jansen"),
		labRes("o1", "urn:uuid:his-1", "2823-3", 4.1, "mmol/L")))
	before := env.counts(t)
	r := env.im.ImportBytes(ctx, "other.json", bundleJSON(t, "transaction",
		with(patientRes("x-9", "999993653", "Jansen"), "birthDate", "1961-02-03"),
		labRes("o2", "urn:uuid:x-9", "2951-2", 140, "mmol/L")))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	reason, ok := rejectedFor(r, "Patient/x-9")
	for _, want := range []string{"999993653", "Patient/x-9", "1961-02-03", "Patient/his-1", "1950-05-17"} {
		if !ok || !strings.Contains(reason, want) {
			t.Errorf("conflict %q does not name %s", reason, want)
		}
	}
	if reason, ok := rejectedFor(r, "Observation/o2"); !ok || !strings.Contains(reason, "conflict") {
		t.Errorf("the data of the conflicting patient: %q, want it rejected naming the conflict", reason)
	}
	if after := env.counts(t); !sameCounts(before, after) {
		t.Errorf("a conflict changed the data:\nbefore %v\nafter  %v", before, after)
	}
	if p := env.sourcePatient(t, "his-1"); p.BirthDate.Format("2006-01-02") != "1950-05-17" {
		t.Errorf("the dossier's birth date changed: %v", p.BirthDate)
	}

	// Within one bundle the second of two is the conflict.
	r = env.im.ImportBytes(ctx, "pair.json", bundleJSON(t, "collection",
		patientRes("d", "999990019", "Dekker"),
		with(patientRes("e", "999990019", "Dekker"), "birthDate", "1970-01-01")))
	if reason, ok := rejectedFor(r, "Patient/e"); !ok || !strings.Contains(reason, "Patient/d") || !strings.Contains(reason, "1970-01-01") {
		t.Errorf("conflict in one bundle: %q", reason)
	}
}

// TestSyntheticBSNGivesWayToRealOne: a test patient holding a synthetic number that a real patient brings
// is renumbered (logged in the access log and the server log), the real patient gets theirs, and the
// numbers do not flip back on re-import.
func TestSyntheticBSNGivesWayToRealOne(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	var serverLog bytes.Buffer
	env.im.Logger = slog.New(slog.NewTextHandler(&serverLog, nil))
	env.im.SyntheticBSN = true
	test := bundleJSON(t, "transaction", patientRes("s1", "", "Test"), labRes("o1", "urn:uuid:s1", "2823-3", 4.1, "mmol/L"))
	env.load(t, "test.json", test)
	synthetic := env.patient(t, "s1")
	if !synthetic.BSNSynthetic {
		t.Fatalf("s1 should have a synthetic BSN: %+v", synthetic)
	}

	realBundle := bundleJSON(t, "transaction",
		with(patientRes("r1", synthetic.BSN, "Echt"), "birthDate", "1944-04-04"),
		labRes("o2", "urn:uuid:r1", "2951-2", 140, "mmol/L"))
	r := env.load(t, "real.json", realBundle)
	if len(r.Renumbered) != 1 || r.Renumbered[0].OldBSN != synthetic.BSN {
		t.Fatalf("renumbered %+v", r.Renumbered)
	}
	realPatient, renumbered := env.patient(t, "r1"), env.patient(t, "s1")
	if realPatient.BSN != synthetic.BSN || realPatient.BSNSynthetic || realPatient.ID == renumbered.ID {
		t.Errorf("real patient %+v", realPatient)
	}
	if renumbered.BSN == synthetic.BSN || !renumbered.BSNSynthetic || !access.ValidBSN(renumbered.BSN) ||
		!strings.HasPrefix(renumbered.BSN, "9999") || renumbered.PatientNumber != synthetic.PatientNumber {
		t.Errorf("renumbered test patient %+v (was %s)", renumbered, synthetic.BSN)
	}
	if env.labCount(t, renumbered.ID) != 1 || env.labCount(t, realPatient.ID) != 1 {
		t.Errorf("each keeps their own data: test %d, real %d", env.labCount(t, renumbered.ID), env.labCount(t, realPatient.ID))
	}

	recs, err := env.st.AccessRecordsAfter(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	logged := false
	for _, rec := range recs {
		if rec.Event == "import" && strings.Contains(rec.Reason, synthetic.BSN) && strings.Contains(rec.Reason, renumbered.BSN) &&
			strings.Contains(rec.Reason, "Patient/r1") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no access-log record of the renumbering %s -> %s", synthetic.BSN, renumbered.BSN)
	}
	if s := serverLog.String(); !strings.Contains(s, "synthetic BSN renumbered") || !strings.Contains(s, renumbered.BSN) {
		t.Errorf("server log: %q", s)
	}

	// Both imported again: nobody changes number.
	for name, data := range map[string][]byte{"test.json": test, "real.json": realBundle} {
		if r := env.load(t, name, data); len(r.Renumbered) != 0 {
			t.Errorf("%s again renumbered %+v", name, r.Renumbered)
		}
	}
	if p := env.patient(t, "s1"); p.BSN != renumbered.BSN {
		t.Errorf("the test patient's number moved again: %s -> %s", renumbered.BSN, p.BSN)
	}
	if p := env.patient(t, "r1"); p.BSN != synthetic.BSN {
		t.Errorf("the real patient's number moved: %s", p.BSN)
	}
}

// TestSyntheticBSNAvoidsNumbersOfTheImport: a synthetic number is never drawn from the BSNs the same
// bundle, or another file of the same run, brings, so no renumbering is needed at all.
func TestSyntheticBSNAvoidsNumbersOfTheImport(t *testing.T) {
	ctx := context.Background()
	t.Run("one bundle", func(t *testing.T) {
		env := newTestEnv(t)
		env.im.SyntheticBSN = true
		first := fhir.SyntheticBSN("Patient/s2", 0)
		r := env.load(t, "mixed.json", bundleJSON(t, "collection",
			patientRes("s2", "", "Test"),
			with(patientRes("r2", first, "Echt"), "birthDate", "1944-04-04")))
		if len(r.Renumbered) != 0 {
			t.Errorf("renumbered %+v: the draw should have left %s alone", r.Renumbered, first)
		}
		if s := env.patient(t, "s2"); s.BSN == first || !s.BSNSynthetic {
			t.Errorf("test patient %+v took the number of r2", s)
		}
	})
	t.Run("one run", func(t *testing.T) {
		env := newTestEnv(t)
		env.im.SyntheticBSN = true
		dir := t.TempDir()
		first := fhir.SyntheticBSN("Patient/s3", 0)
		files := map[string][]byte{
			"a-test.json": bundleJSON(t, "collection", patientRes("s3", "", "Test")),
			"b-real.json": bundleJSON(t, "collection", with(patientRes("r3", first, "Echt"), "birthDate", "1944-04-04")),
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		results, err := env.im.ImportPaths(ctx, []string{dir})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Err != nil || len(r.Rejected) > 0 || len(r.Renumbered) > 0 {
				t.Errorf("%s: %v %v renumbered %v", filepath.Base(r.Source), r.Err, r.Rejected, r.Renumbered)
			}
		}
		if s := env.patient(t, "s3"); s.BSN == first {
			t.Errorf("the test patient of the first file took the BSN of the second")
		}
	})
}
