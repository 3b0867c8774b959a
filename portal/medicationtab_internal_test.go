package portal

import (
	"testing"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/medication"
	"zorgverlenersportaal/views"
)

// TestMedicationRowsNameEveryState requires a badge with a word in both languages for every state the
// overview can give, and the G-Standaard level named for each code system.
func TestMedicationRowsNameEveryState(t *testing.T) {
	cat, err := views.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	states := []medication.State{medication.InForce, medication.Future, medication.Paused, medication.Stopped,
		medication.Cancelled, medication.Ended, medication.Replaced}
	for _, st := range states {
		rows := medicationRows([]medication.Line{{State: st}})
		b := rows[0].Badge
		if b.Key == "status.other" || !cat.Has(b.Key) {
			t.Errorf("state %s: badge %+v has no word", st, b)
		}
		if st.IsCurrent() != (st == medication.InForce || st == medication.Future) {
			t.Errorf("state %s: current %v", st, st.IsCurrent())
		}
	}
	for system, level := range map[string]string{
		"urn:oid:2.16.840.1.113883.2.4.4.10": "PRK", "urn:oid:2.16.840.1.113883.2.4.4.7": "HPK",
		"urn:oid:2.16.840.1.113883.2.4.4.1": "GPK", "urn:oid:2.16.840.1.113883.2.4.4.8": "ZI", "http://www.whocc.no/atc": "",
	} {
		rows := medicationRows([]medication.Line{{Record: dossier.Medication{CodeSystem: system}}})
		if rows[0].CodeLevel != level {
			t.Errorf("%s: level %q, want %q", system, rows[0].CodeLevel, level)
		}
	}
}

// TestMedicationRowStrength shows a strength only when the drug's name does not already say it.
func TestMedicationRowStrength(t *testing.T) {
	for _, tc := range []struct{ drug, strength, want string }{
		{"Metoprolol retard 50 mg tablet", "50 mg", ""},
		{"Insuline glargine", "100 E/ml", "100 E/ml"},
		{"PARACETAMOL TABLET 500MG", "", ""},
		{"Metformine", " 500 mg ", "500 mg"},
	} {
		r := medicationRow{Line: medication.Line{Record: dossier.Medication{Drug: tc.drug, Strength: tc.strength}}}
		if got := r.Strength(); got != tc.want {
			t.Errorf("%q %q: %q, want %q", tc.drug, tc.strength, got, tc.want)
		}
	}
}
