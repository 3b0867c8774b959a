package store

import (
	"context"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// TestLabResultsNewestFirst: the lab tab's order, now sorted in Go rather than by SQLite, is newest first,
// at the same moment by test name, and for the same test and moment the newest id first, whatever order
// the rows were stored in.
func TestLabResultsNewestFirst(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var patientID int64
	stored := []struct {
		display string
		at      time.Time
	}{
		{"Natrium", at}, {"Kalium", at.Add(-48 * time.Hour)}, {"Kalium", at}, {"eGFR", at.Add(time.Hour)},
		{"Kalium", at}, {"Creatinine", at},
	}
	err := s.BulkLoad(ctx, func(b *Bulk) error {
		var err error
		patientID, err = b.Patient(access.Patient{BSN: "999990020", PatientNumber: "P1", FamilyName: "Jansen",
			BirthDate: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), Sex: access.SexFemale})
		if err != nil {
			return err
		}
		for _, r := range stored {
			if err := b.LabResult(dossier.LabResult{PatientID: patientID, CodeSystem: "http://loinc.org", Code: r.display,
				Display: r.display, ValueText: "x", Status: "final", EffectiveAt: r.at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LabResults(ctx, patientID)
	if err != nil {
		t.Fatal(err)
	}
	// ids follow the stored order: 1 Natrium, 2 Kalium (older), 3 and 5 Kalium, 4 eGFR, 6 Creatinine.
	want := []struct {
		display string
		id      int64
	}{{"eGFR", 4}, {"Creatinine", 6}, {"Kalium", 5}, {"Kalium", 3}, {"Natrium", 1}, {"Kalium", 2}}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Display != w.display || got[i].ID != w.id {
			t.Errorf("result %d: %s #%d, want %s #%d", i, got[i].Display, got[i].ID, w.display, w.id)
		}
	}
}
