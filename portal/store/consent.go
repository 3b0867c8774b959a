package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

const consentColumns = `id, patient_id, category, status, registered_by, channel, given_at, recorded_by, recorded_at,
	note, source_ref`

// ConsentHistory returns every consent decision of a patient, newest first (by the moment it was given),
// as the hospital's screens and the consent command list them.
func (s *Store) ConsentHistory(ctx context.Context, patientID int64) ([]access.Consent, error) {
	f, err := s.PatientFacts(ctx, patientID)
	if err != nil {
		return nil, err
	}
	return f.ConsentHistory(), nil
}

// RegisterConsent records a consent decision (granted, refused or withdrawn) together with its
// access-log record. Inside the transaction it checks the decision against the patient as they are now
// (access.CheckConsentChange: the minors' rules, something to withdraw); a decision that breaks a rule is
// an *access.RuleError and nothing is written. The decision counts from the very next request on.
func (s *Store) RegisterConsent(ctx context.Context, c access.Consent, entry LogEntry) (access.Consent, error) {
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		f, err := patientFacts(ctx, tx, c.PatientID)
		if err != nil {
			return err
		}
		if err := access.CheckConsentChange(f, c, c.RecordedAt); err != nil {
			return err
		}
		c.GivenAt, c.RecordedAt = c.GivenAt.UTC(), c.RecordedAt.UTC()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO consents (
			    patient_id, category, status, registered_by, channel, given_at, recorded_by, recorded_at, note, source_ref
			) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.PatientID, c.Category, c.Status, c.RegisteredBy, c.Channel, c.GivenAt, c.RecordedBy, c.RecordedAt, c.Note, c.SourceRef)
		if err != nil {
			return fmt.Errorf("store: register consent: %w", translate(err))
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: register consent: %w", err)
		}
		return appendEntry(ctx, tx, entry, f.Patient, c.ID)
	})
	if err != nil {
		return access.Consent{}, err
	}
	return c, nil
}
