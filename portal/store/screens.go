package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/dossier"
)

// Reads of the provider's screens that the per-tab reads of dossier.go do not cover: one lab result by its
// id (the address of a test's trend page) and the admissions of a list of patients (the start page's
// filters "admitted" and "recently discharged"). Like every dossier read they take the patient id.

// LabResult returns one lab result of a patient by the public id its address carries; ErrNotFound when
// it does not exist or belongs to another patient, so that an id copied from another patient's page
// opens nothing.
func (s *Store) LabResult(ctx context.Context, patientID int64, publicID string) (dossier.LabResult, error) {
	var r dossier.LabResult
	err := s.read.GetContext(ctx, &r, `SELECT `+labColumns+` FROM lab_results WHERE patient_id = ? AND public_id = ?`, patientID, publicID)
	if err != nil {
		return dossier.LabResult{}, fmt.Errorf("store: lab result %q of patient %d: %w", publicID, patientID, translate(err))
	}
	return r, nil
}

// Admissions returns the inpatient encounters (admissions, day admissions) of each of the given patients,
// newest first, in one query: the start page shows who is in hospital now and who went home recently
// without a query per patient.
func (s *Store) Admissions(ctx context.Context, patientIDs []int64) (map[int64][]dossier.Encounter, error) {
	out := map[int64][]dossier.Encounter{}
	if len(patientIDs) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`
		SELECT id, patient_id, class, status, type, reason, department, practitioner, location, start_at, end_at,
		       discharge_disposition, fhir_id
		FROM encounters
		WHERE class = 'inpatient' AND patient_id IN (?)
		ORDER BY patient_id, (end_at IS NULL) DESC, start_at DESC, id DESC`, patientIDs)
	if err != nil {
		return nil, fmt.Errorf("store: admissions: %w", err)
	}
	var rows []dossier.Encounter
	if err := s.read.SelectContext(ctx, &rows, s.read.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("store: admissions: %w", err)
	}
	for _, e := range rows {
		out[e.PatientID] = append(out[e.PatientID], e)
	}
	return out, nil
}

// PatientsInHospitalOf returns the ids of the patients who are in hospital at now (an admission that
// started and has not ended) or went home after since, and with whom the provider (agb) or their
// organisation (ura) holds a relationship of any state: the candidates of the start page's filters
// "admitted" and "recently discharged", which the caller then decides on. It starts from the admissions
// (open ones through encounters_open_admissions, ended ones through encounters_inpatient_end) and probes
// each patient's relationships by index, so its cost follows the hospital's current and recent
// admissions, not its patients or the size of the provider's list.
func (s *Store) PatientsInHospitalOf(ctx context.Context, agb, ura string, since, now time.Time) ([]int64, error) {
	if agb == "" && ura == "" {
		return nil, nil
	}
	var ids []int64
	err := s.read.SelectContext(ctx, &ids, `
		WITH candidates(patient_id) AS (
			SELECT patient_id FROM encounters
			WHERE class = 'inpatient' AND end_at IS NULL AND start_at <= ?
			UNION
			SELECT patient_id FROM encounters
			WHERE class = 'inpatient' AND end_at IS NOT NULL AND end_at > ? AND start_at <= ?
		)
		SELECT c.patient_id FROM candidates c
		WHERE EXISTS (
			SELECT 1 FROM relationships r
			WHERE r.patient_id = c.patient_id
			  AND ((r.holder_kind = 'provider' AND r.holder_agb = ?) OR (r.holder_kind = 'organisation' AND r.holder_ura = ?)))
		ORDER BY c.patient_id`, now.UTC(), since.UTC(), now.UTC(), agb, ura)
	if err != nil {
		return nil, fmt.Errorf("store: patients in hospital: %w", err)
	}
	return ids, nil
}
