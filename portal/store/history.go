package store

import (
	"context"
	"fmt"

	"zorgverlenersportaal/portal/access"
)

// Reads that show the whole record rather than what is in force: every relationship of a patient (ended
// and expired ones too) and every consent decision in the order it was registered. The screens use them
// for the consent record and the basis of access; the import tests check what the import wrote.

// RelationshipHistory lists all treatment relationships of a patient, also ended and expired ones, oldest
// first.
func (s *Store) RelationshipHistory(ctx context.Context, patientID int64) ([]access.Relationship, error) {
	var out []access.Relationship
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, holder_kind, holder_agb, holder_ura, holder_name, kind, mandate_ura, source, source_ref,
		       valid_from, valid_until, reason, created_by, created_at, ended_at, ended_by, end_reason
		FROM relationships
		WHERE patient_id = ?
		ORDER BY valid_from, id`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: relationships of patient %d: %w", patientID, err)
	}
	return out, nil
}

// PatientByFHIRID returns the patient imported with this FHIR id.
func (s *Store) PatientByFHIRID(ctx context.Context, fhirID string) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE fhir_id = ?`, fhirID)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient with FHIR id %s: %w", fhirID, translate(err))
	}
	return p, nil
}

// AllPatients lists all patients by patient number; the import summary and the demo checks read it.
func (s *Store) AllPatients(ctx context.Context) ([]access.Patient, error) {
	var out []access.Patient
	if err := s.read.SelectContext(ctx, &out, `SELECT `+patientColumns+` FROM patients ORDER BY patient_number`); err != nil {
		return nil, fmt.Errorf("store: patients: %w", err)
	}
	return out, nil
}

// DataCounts counts the rows of the tables the FHIR import fills, by table name: a re-import of the same
// data must leave them unchanged, a rejected bundle must not change them at all.
func (s *Store) DataCounts(ctx context.Context) (map[string]int, error) {
	tables := []string{
		"patients", "treatment_limits", "relationships", "consents", "organisations", "practitioners", "encounters",
		"appointments", "procedures", "conditions", "allergies", "medications", "lab_results", "vital_signs",
		"reports", "letters", "attachments", "imaging_studies", "fhir_resources", "fhir_identifiers",
		"alerts", "medical_devices",
	}
	out := map[string]int{}
	for _, t := range tables {
		var n int
		// The table names come from the fixed list above, never from input.
		if err := s.read.GetContext(ctx, &n, `SELECT count(*) FROM `+t); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}
