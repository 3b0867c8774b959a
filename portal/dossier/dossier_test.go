package dossier

import (
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

func TestAllergyStatusOf(t *testing.T) {
	nka := Allergy{CodeSystem: SNOMED, Code: NoKnownAllergyCode, ClinicalStatus: "active"}
	peanut := Allergy{CodeSystem: SNOMED, Code: "91935009", ClinicalStatus: "active"}
	tests := []struct {
		name string
		in   []Allergy
		want AllergyStatus
	}{
		{"nothing recorded", nil, AllergiesUnknown},
		{"no known allergy", []Allergy{nka}, AllergiesNoneKnown},
		{"an allergy", []Allergy{peanut}, AllergiesPresent},
		{"an allergy beats the statement", []Allergy{nka, peanut}, AllergiesPresent},
		{"a refuted allergy does not count", []Allergy{{Code: "1", VerificationStatus: "refuted"}}, AllergiesUnknown},
		{"a resolved allergy does not count", []Allergy{nka, {Code: "1", ClinicalStatus: "resolved"}}, AllergiesNoneKnown},
		{"the statement in another system is an allergy", []Allergy{{CodeSystem: "http://example.org", Code: NoKnownAllergyCode}}, AllergiesPresent},
	}
	for _, tt := range tests {
		if got := AllergyStatusOf(tt.in); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestLabFlag(t *testing.T) {
	tests := []struct {
		name string
		r    LabResult
		want Flag
	}{
		{"interpretation H", LabResult{Interpretation: "H", ValueNum: f(1), RefHigh: f(5)}, FlagHigh},
		{"interpretation LL", LabResult{Interpretation: "LL"}, FlagLow},
		{"interpretation A", LabResult{Interpretation: "A"}, FlagAbnormal},
		{"interpretation N beats the range", LabResult{Interpretation: "N", ValueNum: f(9), RefHigh: f(5)}, FlagNone},
		{"above the range", LabResult{ValueNum: f(6.1), RefLow: f(3.5), RefHigh: f(5)}, FlagHigh},
		{"below the range", LabResult{ValueNum: f(3.1), RefLow: f(3.5), RefHigh: f(5)}, FlagLow},
		{"inside", LabResult{ValueNum: f(4), RefLow: f(3.5), RefHigh: f(5)}, FlagNone},
		{"text value", LabResult{ValueText: "positief"}, FlagNone},
	}
	for _, tt := range tests {
		if got := tt.r.Flag(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMedicationIsCurrent(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	past, future := now.AddDate(0, 0, -10), now.AddDate(0, 0, 10)
	tests := []struct {
		name string
		m    Medication
		want bool
	}{
		{"active, started", Medication{Status: "active", StartAt: &past}, true},
		{"active, no dates", Medication{Status: "active"}, true},
		{"stopped", Medication{Status: "stopped", StartAt: &past}, false},
		{"completed course", Medication{Status: "completed"}, false},
		{"stop date passed", Medication{Status: "active", StartAt: &past, StopAt: &past}, false},
		{"stop date ahead", Medication{Status: "active", StartAt: &past, StopAt: &future}, true},
		{"starts later", Medication{Status: "active", StartAt: &future}, false},
	}
	for _, tt := range tests {
		if got := tt.m.IsCurrent(now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIsOpenAdmission(t *testing.T) {
	end := time.Now()
	tests := []struct {
		e    Encounter
		want bool
	}{
		{Encounter{Class: ClassInpatient, Status: "in-progress"}, true},
		{Encounter{Class: ClassInpatient, Status: "finished", EndAt: &end}, false},
		{Encounter{Class: ClassInpatient, Status: "planned"}, false},
		{Encounter{Class: ClassOutpatient, Status: "in-progress"}, false},
	}
	for _, tt := range tests {
		if got := tt.e.IsOpenAdmission(); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.e, got, tt.want)
		}
	}
}
