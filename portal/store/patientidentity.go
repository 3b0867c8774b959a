package store

import (
	"context"
	"fmt"

	"zorgverlenersportaal/portal/access"
)

// One person, one dossier: the import finds a patient by BSN whatever the resource id the sending system
// gave it, and gives a synthetic test patient another number when a real patient brings the one it holds.

// PatientByBSNInTx returns the patient holding a BSN inside the import transaction, so that a patient
// written earlier in the same bundle is found too; ErrNotFound when nobody holds it.
func (t *ImportTx) PatientByBSNInTx(bsn string) (access.Patient, error) {
	var p access.Patient
	if err := t.get(&p, `SELECT `+patientColumns+` FROM patients WHERE bsn = ?`, bsn); err != nil {
		return access.Patient{}, fmt.Errorf("store: patient by BSN: %w", err)
	}
	return p, nil
}

// RenumberSyntheticBSN gives a patient whose BSN is synthetic another synthetic BSN. It changes only a
// patient still marked synthetic and still holding from, so that a real patient's BSN can never be
// renumbered by mistake; ErrNotFound when no such patient exists.
func (t *ImportTx) RenumberSyntheticBSN(patientID int64, from, to string) error {
	res, err := t.exec(`
		UPDATE patients SET bsn = ?, updated_at = ?
		WHERE id = ? AND bsn = ? AND bsn_synthetic = 1`, to, t.now, patientID, from)
	if err != nil {
		return fmt.Errorf("store: renumber synthetic BSN of patient %d: %w", patientID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: renumber synthetic BSN of patient %d: %w", patientID, ErrNotFound)
	}
	return nil
}

// PatientBySourceID returns the patient a FHIR Patient id was imported into: the id the patient was
// first imported under, or any other id a sending system used for the same BSN later.
func (s *Store) PatientBySourceID(ctx context.Context, fhirID string) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `
		SELECT p.id, p.bsn, p.bsn_synthetic, p.patient_number, p.family_name, p.family_prefix, p.given_names,
		       p.initials, p.birth_date, p.sex, p.deceased, p.deceased_at, p.fhir_id, p.created_at, p.updated_at
		FROM fhir_resources r JOIN patients p ON p.id = r.row_id
		WHERE r.resource_type = 'Patient' AND r.fhir_id = ? AND r.target = ?`, fhirID, TargetPatients)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient with source id %s: %w", fhirID, translate(err))
	}
	return p, nil
}
