package store

import (
	"context"
	"fmt"

	"zorgverlenersportaal/portal/access"
)

const patientColumns = `id, bsn, bsn_synthetic, patient_number, family_name, family_prefix, given_names, initials,
	birth_date, sex, deceased, deceased_at, fhir_id, created_at, updated_at`

// Patient returns one patient by internal id (the opaque id the screens put in URLs).
func (s *Store) Patient(ctx context.Context, id int64) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, id)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient %d: %w", id, translate(err))
	}
	return p, nil
}

// PatientByBSN returns the patient with this BSN.
func (s *Store) PatientByBSN(ctx context.Context, bsn string) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE bsn = ?`, bsn)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient by BSN: %w", translate(err))
	}
	return p, nil
}
