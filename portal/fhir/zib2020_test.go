package fhir_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// zib2020Dir finds the shared nl-core (zib 2020) example bundles through ZVP_SHARED_DIR and skips the
// test, saying so, when they are not there.
func zib2020Dir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(filepath.Dir(sampleDir(tb)), "nictiz", "zib2020")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("the shared nl-core samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

// TestZib2020Samples imports the nl-core example bundles (names, vital signs, alerts, treatment
// directives, allergies, medical devices) and checks what the screens will read; a second import
// changes nothing.
func TestZib2020Samples(t *testing.T) {
	dir := zib2020Dir(t)
	env := newTestEnv(t)
	env.im.SyntheticBSN = true // the NameInformation examples carry no BSN
	ctx := context.Background()
	results, err := env.im.ImportPaths(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", filepath.Base(r.Source), r.Err)
		}
		for _, rj := range r.Rejected {
			typ, _, _ := strings.Cut(rj.Resource, "/")
			switch typ {
			case "Observation", "Flag", "Consent", "AllergyIntolerance", "Condition", "Procedure",
				"Encounter", "Device", "DeviceUseStatement":
				t.Errorf("%s: %s rejected: %s", filepath.Base(r.Source), rj.Resource, rj.Reason)
			}
		}
	}

	// What the portal leaves out is skipped with the zib and the reason, never rejected.
	skipped := map[string]int{}
	for _, r := range results {
		for reason, n := range r.Skipped {
			skipped[reason] += n
		}
	}
	for _, want := range []string{"zib BarthelADLIndex (Observation) is not shown", "zib Wound (Observation) is not shown",
		"Immunization (zib Vaccination) is not imported", "a panel Observation without a value of its own is shown through its members"} {
		found := false
		for reason := range skipped {
			found = found || strings.HasPrefix(reason, want)
		}
		if !found {
			t.Errorf("no skip reason starting %q among %v", want, skipped)
		}
	}

	// The NameInformation examples carry no birth date, which a dossier needs (search is by BSN and birth
	// date): those patients are rejected, and their names are tested in names_test.go.
	for _, id := range []string{"nl-core-Patient-01", "nl-core-TreatmentDirective2-02-Patient-01"} {
		n := env.patient(t, id).Name()
		if n.OwnName == "" || n.Initials != "J.P.M." {
			t.Errorf("%s: name %+v", id, n)
		}
	}

	p := env.patient(t, "nl-core-Patient-01")
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

	t.Run("vital signs by kind", func(t *testing.T) {
		vitals, err := env.st.VitalSigns(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[dossier.VitalKind]float64{}
		for _, v := range vitals {
			if v.ValueNum != nil && v.Kind() != dossier.VitalNone {
				got[v.Kind()] = *v.ValueNum
			}
		}
		want := map[dossier.VitalKind]float64{
			dossier.VitalSystolic: 125, dossier.VitalDiastolic: 75, dossier.VitalWeight: 2400, dossier.VitalHeight: 153,
			dossier.VitalTemperature: 38.6, dossier.VitalHeartRate: 126, dossier.VitalPulse: 50,
			dossier.VitalOxygenSaturation: 92, dossier.VitalHeadCircumference: 41,
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
			}
		}
	})

	t.Run("alerts", func(t *testing.T) {
		alerts, _ := env.st.Alerts(ctx, p.ID)
		inForce := 0
		for _, a := range alerts {
			if a.InForce(now) {
				inForce++
				if !strings.Contains(a.Display, "Staphylococcus aureus") {
					t.Errorf("alert in force: %+v", a)
				}
			}
		}
		if len(alerts) != 3 || inForce != 1 {
			t.Errorf("%d alerts, %d in force; want 3 and 1 (MRSA): %+v", len(alerts), inForce, alerts)
		}
		var named bool
		for _, a := range alerts {
			// Alert-01 says what it is about only through its flag-detail Condition.
			if a.FHIRID != nil && *a.FHIRID == "nl-core-Alert-01" {
				named = a.Display != "" && a.Code != "not-applicable"
			}
		}
		if !named {
			t.Error("the alert coded not-applicable is not named after its flag-detail Condition")
		}
	})

	t.Run("treatment directives", func(t *testing.T) {
		limits, _ := env.st.TreatmentLimits(ctx, p.ID)
		byID := map[string]dossier.TreatmentLimit{}
		for _, l := range limits {
			byID[*l.FHIRID] = l
		}
		icu := byID["nl-core-TreatmentDirective2-01"]
		if icu.Kind != dossier.LimitDirective || icu.Decision != dossier.DecisionPermit || icu.EndsAt == nil || icu.InForce(now) ||
			!strings.Contains(icu.AgreedWith, "van Putten") {
			t.Errorf("ended ICU directive: %+v", icu)
		}
		nr := byID["nl-core-AdvanceDirective-01"]
		if nr.Kind != dossier.LimitAdvanceDirective || !nr.InForce(now) || nr.Comment != "Niet-reanimerenpenning" {
			t.Errorf("advance directive: %+v", nr)
		}
		other := env.patient(t, "nl-core-TreatmentDirective2-02-Patient-01")
		limits, _ = env.st.TreatmentLimits(ctx, other.ID)
		if len(limits) != 1 || limits[0].Decision != dossier.DecisionOther || limits[0].Specification != "eerst overleg met echtgenote" ||
			limits[0].Description != "Cardiopulmonale resuscitatie" || !limits[0].InForce(now) {
			t.Errorf("directive with specificationOther: %+v", limits)
		}
	})

	t.Run("allergies: criticality and reaction severity", func(t *testing.T) {
		allergies, _ := env.st.Allergies(ctx, p.ID)
		found := false
		for _, a := range allergies {
			if a.Display == "Penicilline" {
				found = true
				if a.Criticality != "high" || a.ReactionSeverity != "moderate" || a.Reaction != "Exantheem" {
					t.Errorf("penicillin: %+v", a)
				}
			}
		}
		if !found || len(allergies) != 2 {
			t.Errorf("allergies: %+v", allergies)
		}
	})

	t.Run("medical devices", func(t *testing.T) {
		devices, _ := env.st.MedicalDevices(ctx, p.ID)
		if len(devices) != 13 {
			t.Errorf("%d medical devices, want 13 (one per DeviceUseStatement)", len(devices))
		}
		var pacemaker, hearingAid bool
		for _, d := range devices {
			switch {
			case d.Display == "pacemaker":
				pacemaker = d.InUse(now) && d.Indication != ""
			case strings.Contains(d.Description, "TuneAmp"):
				hearingAid = !d.InUse(now) && d.EndAt != nil
			}
		}
		if !pacemaker || !hearingAid {
			t.Errorf("pacemaker in use with its indication %v, hearing aid ended %v: %+v", pacemaker, hearingAid, devices)
		}
	})

	t.Run("problems and procedures", func(t *testing.T) {
		conds, _ := env.st.Conditions(ctx, p.ID)
		procs, _ := env.st.Procedures(ctx, p.ID)
		if len(conds) != 26 || len(procs) != 3 {
			t.Errorf("%d conditions, %d procedures; want 26 and 3", len(conds), len(procs))
		}
	})

	before := env.counts(t)
	again, err := env.im.ImportPaths(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Err != nil || r.Total().Imported != 0 {
			t.Errorf("re-import of %s: %v %+v", filepath.Base(r.Source), r.Err, r.Total())
		}
	}
	if after := env.counts(t); !sameCounts(before, after) {
		t.Errorf("a second import changed the counts:\nbefore %v\nafter  %v", before, after)
	}
}
