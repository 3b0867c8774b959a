package dossier

import (
	"testing"
	"time"
)

func TestVitalKindOf(t *testing.T) {
	tests := []struct {
		system, code string
		want         VitalKind
	}{
		{LOINC, "85354-9", VitalBloodPressure},
		{LOINC, "8480-6", VitalSystolic},
		{LOINC, "8462-4", VitalDiastolic},
		{LOINC, "29463-7", VitalWeight},
		{LOINC, "8302-2", VitalHeight},
		{LOINC, "8310-5", VitalTemperature},
		{LOINC, "8867-4", VitalHeartRate},
		{LOINC, "8893-0", VitalPulse},
		{LOINC, "59408-5", VitalOxygenSaturation},
		{LOINC, "2708-6", VitalOxygenSaturation},
		{LOINC, "9279-1", VitalRespiratoryRate},
		{SNOMED, "27113001", VitalWeight},
		{SNOMED, "271649006", VitalSystolic},
		{SNOMED, "78564009", VitalPulse},
		{LOINC, "44969-4", VitalPulseRhythm},
		{SNOMED, "301112006", VitalHeartRhythm},
		{LOINC, "2947-0", VitalNone},  // sodium: a lab value
		{SNOMED, "8480-6", VitalNone}, // a LOINC code under the wrong system is no vital sign
		{"urn:oid:1.2.3", "29463-7", VitalNone},
	}
	for _, tt := range tests {
		if got := VitalKindOf(tt.system, tt.code); got != tt.want {
			t.Errorf("VitalKindOf(%s, %s) = %q, want %q", tt.system, tt.code, got, tt.want)
		}
	}
}

func TestInForce(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	past, future := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
	alerts := []struct {
		a    Alert
		want bool
	}{
		{Alert{Status: "active"}, true},
		{Alert{Status: "active", StartAt: &past, EndAt: &future}, true},
		{Alert{Status: "active", EndAt: &past}, false},
		{Alert{Status: "active", StartAt: &future}, false},
		{Alert{Status: "inactive"}, false},
	}
	for i, tt := range alerts {
		if got := tt.a.InForce(now); got != tt.want {
			t.Errorf("alert %d: InForce = %v", i, got)
		}
	}
	if (TreatmentLimit{Status: "active", EndsAt: &past}).InForce(now) || !(TreatmentLimit{Status: "active"}).InForce(now) ||
		(TreatmentLimit{Status: "inactive"}).InForce(now) {
		t.Error("treatment limit InForce")
	}
	if (MedicalDevice{Status: "completed"}).InUse(now) || (MedicalDevice{Status: "active", EndAt: &past}).InUse(now) ||
		!(MedicalDevice{Status: "active", EndAt: &future}).InUse(now) {
		t.Error("medical device InUse")
	}
}
