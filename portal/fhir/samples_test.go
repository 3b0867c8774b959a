package fhir_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
)

// expected is what one Synthea patient bundle should leave in the store, counted from its JSON
// independently of the importer.
type expected struct {
	patientID, mrn                                                                 string
	labs, vitals, conditions, allergies, meds, encounters, imaging, procs, reports int
	withParticipant                                                                int
}

func expectFromBundle(t *testing.T, path string) (expected, []string, []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Entry []struct {
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	var ex expected
	var practitionerIDs, organisationIDs []string
	// A report is listed only with something to show: a conclusion, a presented form, or a laboratory
	// result (a death certificate whose only result is an exam observation is not).
	laboratory := map[string]bool{}
	for _, e := range b.Entry {
		r := e.Resource
		if r["resourceType"] == "Observation" && strings.Contains(string(must(json.Marshal(r["category"]))), `"laboratory"`) {
			laboratory[r["id"].(string)] = true
		}
	}
	for _, e := range b.Entry {
		r := e.Resource
		switch r["resourceType"] {
		case "Patient":
			ex.patientID = r["id"].(string)
			for _, id := range r["identifier"].([]any) {
				m := id.(map[string]any)
				if typ, ok := m["type"].(map[string]any); ok && strings.Contains(string(must(json.Marshal(typ))), `"MR"`) {
					ex.mrn = m["value"].(string)
				}
			}
		case "Practitioner":
			for _, id := range r["identifier"].([]any) {
				m := id.(map[string]any)
				practitionerIDs = append(practitionerIDs, m["system"].(string)+"|"+m["value"].(string))
			}
		case "Organization":
			organisationIDs = append(organisationIDs, r["id"].(string))
		case "Observation":
			cat := r["category"].([]any)[0].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"]
			rows := 1
			if _, hasValue := r["valueQuantity"]; !hasValue {
				if comps, ok := r["component"].([]any); ok {
					rows = len(comps)
				}
			}
			switch cat {
			case "laboratory":
				ex.labs += rows
			case "vital-signs":
				ex.vitals += rows
			}
		case "Condition":
			ex.conditions++
		case "AllergyIntolerance":
			ex.allergies++
		case "MedicationRequest":
			ex.meds++
		case "Encounter":
			ex.encounters++
			if _, ok := r["participant"]; ok {
				ex.withParticipant++
			}
		case "ImagingStudy":
			ex.imaging++
		case "Procedure":
			ex.procs++
		case "DiagnosticReport":
			shows := r["conclusion"] != nil || r["presentedForm"] != nil
			results, _ := r["result"].([]any)
			for _, res := range results {
				reference, _ := res.(map[string]any)["reference"].(string)
				shows = shows || laboratory[strings.TrimPrefix(reference, "urn:uuid:")]
			}
			if shows {
				ex.reports++
			}
		}
	}
	return ex, practitionerIDs, organisationIDs
}

// TestSyntheaSamples imports every shared sample bundle (the organisation and practitioner bundles first)
// with --synthetic-bsn and checks each patient's dossier against counts taken from the JSON itself; a
// second import changes no count.
func TestSyntheaSamples(t *testing.T) {
	dir := sampleDir(t)
	env := newTestEnv(t)
	ctx := context.Background()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var patientFiles []string
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.HasPrefix(base, "hospitalInformation") && !strings.HasPrefix(base, "practitionerInformation") {
			patientFiles = append(patientFiles, f)
		}
	}
	if len(patientFiles) == 0 {
		t.Fatalf("no patient bundles in %s", dir)
	}

	// Without --synthetic-bsn, a US patient (no BSN) is rejected with the reason, and so is its data.
	ex, _, _ := expectFromBundle(t, patientFiles[0])
	r := env.im.ImportFile(ctx, patientFiles[0])
	if r.Err != nil {
		t.Fatalf("%s: %v", patientFiles[0], r.Err)
	}
	reason, ok := rejectedFor(r, "Patient/"+ex.patientID)
	if !ok || !strings.Contains(reason, "no BSN") || !strings.Contains(reason, "--synthetic-bsn") {
		t.Fatalf("the patient without BSN was not rejected with a clear reason: %q (rejections %d)", reason, len(r.Rejected))
	}
	if c := env.counts(t); c["patients"] != 0 || c["lab_results"] != 0 || c["encounters"] != 0 {
		t.Fatalf("data of a rejected patient was imported: %v", c)
	}

	env.im.SyntheticBSN = true
	results, err := env.im.ImportPaths(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(files) {
		t.Fatalf("%d results for %d files", len(results), len(files))
	}
	for i, r := range results[:2] {
		if base := filepath.Base(r.Source); !strings.HasPrefix(base, "hospitalInformation") && !strings.HasPrefix(base, "practitionerInformation") {
			t.Errorf("file %d is %s: the directory bundles must come first", i, base)
		}
	}
	for _, r := range results {
		if r.Err != nil || len(r.Rejected) > 0 {
			t.Fatalf("%s: %v %v", filepath.Base(r.Source), r.Err, r.Rejected)
		}
	}

	var totals expected
	practitioners, organisations := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		ex, pracs, orgs := expectFromBundle(t, f)
		for _, p := range pracs {
			practitioners[p] = true
		}
		for _, o := range orgs {
			organisations[o] = true
		}
		if ex.patientID == "" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			p := env.patient(t, ex.patientID)
			if !p.BSNSynthetic || !access.ValidBSN(p.BSN) || !strings.HasPrefix(p.BSN, "9999") {
				t.Errorf("patient BSN %s synthetic=%v: want a synthetic, elfproef-valid 9999 test BSN", p.BSN, p.BSNSynthetic)
			}
			if ex.mrn == "" || p.PatientNumber != ex.mrn {
				t.Errorf("patient number %q, want the medical record number (identifier typed MR) %q", p.PatientNumber, ex.mrn)
			}
			got := expected{patientID: ex.patientID, mrn: ex.mrn}
			labs, _ := env.st.LabResults(ctx, p.ID)
			vitals, _ := env.st.VitalSigns(ctx, p.ID)
			conds, _ := env.st.Conditions(ctx, p.ID)
			allergies, _ := env.st.Allergies(ctx, p.ID)
			meds, _ := env.st.Medications(ctx, p.ID)
			encs, _ := env.st.Encounters(ctx, p.ID)
			imaging, _ := env.st.ImagingStudies(ctx, p.ID)
			procs, _ := env.st.Procedures(ctx, p.ID)
			reports, _ := env.st.Reports(ctx, p.ID)
			got.labs, got.vitals, got.conditions, got.allergies = len(labs), len(vitals), len(conds), len(allergies)
			got.meds, got.encounters, got.imaging, got.procs, got.reports = len(meds), len(encs), len(imaging), len(procs), len(reports)
			for _, m := range meds {
				if m.Drug == "" || m.Prescriber == "" {
					t.Errorf("medication %+v lacks drug or prescriber", m)
				}
			}
			named := 0
			for _, e := range encs {
				if e.Department == "" {
					t.Errorf("encounter %d has no department (the service provider's name): %+v", e.ID, e)
				}
				if e.Practitioner != "" {
					named++
				}
			}
			got.withParticipant = named
			if got != ex {
				t.Errorf("store has %+v\nbundle has %+v", got, ex)
			}
		})
		totals.labs += ex.labs
		totals.meds += ex.meds
		totals.allergies += ex.allergies
		totals.conditions += ex.conditions
		totals.encounters += ex.encounters
		totals.imaging += ex.imaging
	}

	if totals.labs == 0 || totals.meds == 0 || totals.allergies == 0 || totals.conditions == 0 || totals.encounters == 0 || totals.imaging == 0 {
		t.Errorf("the samples should hold labs, medication, allergies, conditions, encounters and imaging: %+v", totals)
	}
	counts := env.counts(t)
	if counts["patients"] != len(patientFiles) {
		t.Errorf("%d patients for %d patient bundles", counts["patients"], len(patientFiles))
	}
	// The same practitioner appears in the practitioner bundle and in patient bundles under another id,
	// with the same NPI: one row.
	if counts["practitioners"] != len(practitioners) || counts["organisations"] != len(organisations) {
		t.Errorf("practitioners %d (want %d distinct identifiers), organisations %d (want %d)",
			counts["practitioners"], len(practitioners), counts["organisations"], len(organisations))
	}

	again, err := env.im.ImportPaths(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Err != nil || r.Total().Imported != 0 || r.Total().Rejected != 0 {
			t.Errorf("re-import of %s: %v %+v", filepath.Base(r.Source), r.Err, r.Total())
		}
	}
	if after := env.counts(t); !sameCounts(after, counts) {
		t.Errorf("a second import changed the counts:\nbefore %v\nafter  %v", counts, after)
	}
	recs, err := env.st.AccessRecordsAfter(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	imports := 0
	for _, rec := range recs {
		if rec.Event == "import" {
			imports++
		}
	}
	if want := 1 + 2*len(files); imports != want {
		t.Errorf("%d import records in the access log, want %d (one per imported file)", imports, want)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
