package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

const patientColumns = `id, bsn, bsn_synthetic, patient_number, family_name, family_prefix, given_names, initials,
	birth_date, sex, deceased, deceased_at, fhir_id, created_at, updated_at,
	partner_name, partner_prefix, name_order, calling_name, public_id`

// Patient returns one patient by internal id (internal only: addresses carry the public id).
func (s *Store) Patient(ctx context.Context, id int64) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, id)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient %d: %w", id, translate(err))
	}
	return p, nil
}

// PatientByPublicID returns the patient whose public id an address carries (portal/publicid).
func (s *Store) PatientByPublicID(ctx context.Context, publicID string) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE public_id = ?`, publicID)
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient by public id: %w", translate(err))
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

// PatientByBSNAndBirthDate finds a patient by BSN and birth date together, the way staff and providers
// search: both must match exactly, so that a mistyped BSN that happens to exist does not open someone
// else. A miss is ErrNotFound.
func (s *Store) PatientByBSNAndBirthDate(ctx context.Context, bsn string, birthDate time.Time) (access.Patient, error) {
	var p access.Patient
	err := s.read.GetContext(ctx, &p, `
		SELECT `+patientColumns+`
		FROM patients
		WHERE bsn = ? AND date(birth_date) = ?`, bsn, birthDate.Format(time.DateOnly))
	if err != nil {
		return access.Patient{}, fmt.Errorf("store: patient by BSN and birth date: %w", translate(err))
	}
	return p, nil
}

// CreatePatient registers a patient by hand (tests, seeding, administration; the hospital's systems
// deliver patients through the FHIR import). The patient must pass access.CheckNewPatient, which
// includes the BSN elfproef; a BSN or patient number already present is ErrConflict.
func (s *Store) CreatePatient(ctx context.Context, p access.Patient, now time.Time) (access.Patient, error) {
	if err := access.CheckNewPatient(p, now); err != nil {
		return access.Patient{}, err
	}
	now = now.UTC()
	p.CreatedAt, p.UpdatedAt = now, now
	err := s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO patients (
			    bsn, bsn_synthetic, patient_number, family_name, family_prefix, given_names, initials,
			    birth_date, sex, deceased, deceased_at, fhir_id, created_at, updated_at
			) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.BSN, p.BSNSynthetic, p.PatientNumber, p.FamilyName, p.FamilyPrefix, p.GivenNames, p.Initials,
			p.BirthDate.Format(time.DateOnly), p.Sex, p.Deceased, utcPtr(p.DeceasedAt), p.FHIRID, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return fmt.Errorf("store: create patient: %w", translate(err))
		}
		p.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return access.Patient{}, err
	}
	return s.Patient(ctx, p.ID)
}

// PatientFacts reads everything the access decision needs about one patient in one read transaction: the
// patient, every relationship and the whole consent history, so that the decision never sees a consent
// from before a change beside a relationship from after it.
func (s *Store) PatientFacts(ctx context.Context, patientID int64) (access.PatientFacts, error) {
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: patient facts: %w", err)
	}
	defer tx.Rollback()
	return s.cachedPatientFacts(ctx, tx, patientID)
}

// PatientFactsByPublicID is PatientFacts for the public id that an address carries (portal/publicid); an
// id that belongs to no patient is ErrNotFound, like an unknown internal id.
func (s *Store) PatientFactsByPublicID(ctx context.Context, publicID string) (access.PatientFacts, error) {
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: patient facts: %w", err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.GetContext(ctx, &id, `SELECT id FROM patients WHERE public_id = ?`, publicID); err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: patient by public id: %w", translate(err))
	}
	return patientFacts(ctx, tx, id)
}

// patientFacts reads the facts inside a transaction; the write methods use it to check a change against
// the state it changes.
func patientFacts(ctx context.Context, q sqlx.QueryerContext, patientID int64) (access.PatientFacts, error) {
	var f access.PatientFacts
	if err := sqlx.GetContext(ctx, q, &f.Patient, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, patientID); err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: patient %d: %w", patientID, translate(err))
	}
	if err := sqlx.SelectContext(ctx, q, &f.Relationships, `
		SELECT `+relationshipColumns+`
		FROM relationships
		WHERE patient_id = ?
		ORDER BY valid_from, id`, patientID); err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: relationships of patient %d: %w", patientID, err)
	}
	if err := sqlx.SelectContext(ctx, q, &f.Consents, `
		SELECT `+consentColumns+`
		FROM consents
		WHERE patient_id = ?
		ORDER BY id`, patientID); err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: consents of patient %d: %w", patientID, err)
	}
	return f, nil
}

// utcPtr stores optional moments in UTC, like every other moment in the database.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
