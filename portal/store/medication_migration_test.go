package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// TestMedicationRecordsMigrationKeepsRows makes a database as the release before migration 0110 left it
// (medication rows of a request and a statement), applies 0110, and requires every row with its id and
// values, the new columns at their defaults (no MP9 category, no links), the index per patient still
// used, and the widened table accepting a dispense with its MP9 fields.
func TestMedicationRecordsMigrationKeepsRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	before, err := openWith(ctx, path, "sqlite3", "migrations/0100_access_log_without_hash_index.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := before.write.ExecContext(ctx, `
		INSERT INTO patients (id, bsn, patient_number, family_name, birth_date, sex, created_at, updated_at)
		VALUES (1, '999993653', '4000101', 'Jong', '1942-03-04', 'female', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if _, err := before.write.ExecContext(ctx, `
		INSERT INTO medications (id, patient_id, source_kind, drug, dose, status, start_at, stop_at, stop_reason, fhir_id)
		VALUES (7, 1, 'statement', 'Metformine', '2x daags 1 tablet', 'stopped', '2020-01-01T00:00:00Z', '2026-07-01T00:00:00Z', 'nierfunctie', 'ms1'),
		       (9, 1, 'request', 'Insuline', '14 E', 'active', '2026-07-02T00:00:00Z', NULL, '', 'mr1')`); err != nil {
		t.Fatal(err)
	}
	before.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	meds, err := s.Medications(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(meds) != 2 || meds[0].ID != 9 || meds[1].ID != 7 {
		t.Fatalf("rows after 0110: %+v", meds)
	}
	met := meds[1]
	if met.Drug != "Metformine" || met.Dose != "2x daags 1 tablet" || met.Status != "stopped" || met.StopReason != "nierfunctie" ||
		met.StopAt == nil || met.FHIRID == nil || *met.FHIRID != "ms1" || met.Category != dossier.NoBlock || met.StopType != dossier.NotStopped ||
		len(met.Links) != 0 {
		t.Errorf("metformine after 0110: %+v", met)
	}

	handed := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	fhirID := "mve1"
	m := dossier.Medication{PatientID: 1, SourceKind: dossier.FromDispense, Drug: "PARACETAMOL", Status: "completed", FHIRID: &fhirID,
		StartAt: &handed, MP9: dossier.MP9{Category: dossier.MedicationDispense, IdentifierSystem: "urn:oid:1.2", IdentifierValue: "MVE_1",
			TreatmentSystem: "urn:oid:1.3", TreatmentValue: "MBH_1", HandedOverAt: &handed, Quantity: "60 stuks", Performer: "Apotheek",
			Links: dossier.MedicationLinks{{Relation: dossier.LinkAuthorizing, System: "urn:oid:1.4", Value: "VV_1"}}}}
	if err := s.Import(ctx, handed, func(tx *ImportTx) error {
		if err := tx.PutMedication(&m); err != nil {
			return err
		}
		id, patient, err := tx.MedicationByIdentifier(dossier.FromDispense, "urn:oid:1.2", "MVE_1")
		if err != nil || id != m.ID || patient != 1 {
			t.Errorf("by identifier: %d %d %v", id, patient, err)
		}
		if _, _, err := tx.MedicationByIdentifier(dossier.FromRequest, "urn:oid:1.2", "MVE_1"); err == nil {
			t.Error("a dispense was found as a request")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	meds, _ = s.Medications(ctx, 1)
	var got *dossier.Medication
	for i := range meds {
		if meds[i].ID == m.ID {
			got = &meds[i]
		}
	}
	if got == nil || got.Category != dossier.MedicationDispense || got.Quantity != "60 stuks" || got.HandedOverAt == nil ||
		!got.HandedOverAt.Equal(handed) || len(got.Links) != 1 || got.Links[0].Value != "VV_1" || got.TreatmentValue != "MBH_1" {
		t.Errorf("dispense read back: %+v", got)
	}
	if _, err := s.write.ExecContext(ctx, `UPDATE medications SET category = 'XX' WHERE id = 9`); err == nil {
		t.Error("a category outside the MP9 building blocks was accepted")
	}
}

// TestMedicationByIdentifierUsesItsIndex asks SQLite for the plan of the lookup the importer makes for
// every MP9 record, with real arguments: it must use the index on the business identifier, not scan a
// table that grows with the hospital.
func TestMedicationByIdentifierUsesItsIndex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+medicationByIdentifier, "MA_1", "urn:oid:1.2", "request")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "; "), "USING INDEX medications_identifier") {
		t.Errorf("the lookup by business identifier does not use its index: %q", plan)
	}
}
