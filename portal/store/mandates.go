package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

const mandateColumns = `id, ura, grantor_uzi, grantor_name, grantor_agb, grantor_role, delegate_uzi, delegate_name,
	categories, valid_from, valid_until, created_at, ended_at, ended_by`

// CreateMandate records a mandate and its access-log record (entry) in one transaction: without the
// record, no mandate.
func (s *Store) CreateMandate(ctx context.Context, m access.Mandate, entry LogEntry) (access.Mandate, error) {
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO mandates (ura, grantor_uzi, grantor_name, grantor_agb, grantor_role, delegate_uzi, delegate_name,
			                      categories, valid_from, valid_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.URA, m.GrantorUZI, m.GrantorName, m.GrantorAGB, m.GrantorRole, m.DelegateUZI, m.DelegateName,
			m.Categories.String(), m.ValidFrom.UTC(), m.ValidUntil.UTC(), m.CreatedAt.UTC())
		if err != nil {
			return fmt.Errorf("store: create mandate: %w", translate(err))
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: create mandate: %w", err)
		}
		return appendEntry(ctx, tx, entry, access.Patient{}, m.ID)
	})
	if err != nil {
		return access.Mandate{}, err
	}
	return m, nil
}

// EndMandate ends a mandate of the grantor now, with its access-log record; a mandate of somebody else,
// or one that has ended already, is ErrNotFound.
func (s *Store) EndMandate(ctx context.Context, id int64, grantorUZI, by string, at time.Time, entry LogEntry) error {
	return s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE mandates SET ended_at = ?, ended_by = ?
			WHERE id = ? AND grantor_uzi = ? AND ended_at IS NULL`, at.UTC(), by, id, grantorUZI)
		if err != nil {
			return fmt.Errorf("store: end mandate %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: end mandate %d: %w", id, ErrNotFound)
		}
		return appendEntry(ctx, tx, entry, access.Patient{}, id)
	})
}

// Mandate returns one mandate.
func (s *Store) Mandate(ctx context.Context, id int64) (access.Mandate, error) {
	var m access.Mandate
	if err := s.read.GetContext(ctx, &m, `SELECT `+mandateColumns+` FROM mandates WHERE id = ?`, id); err != nil {
		return access.Mandate{}, fmt.Errorf("store: mandate %d: %w", id, translate(err))
	}
	return m, nil
}

// MandatesOfDelegate lists the mandates given to an employee card (UZI number) within its organisation
// (URA), newest first; the caller decides which are in force.
func (s *Store) MandatesOfDelegate(ctx context.Context, delegateUZI, ura string) ([]access.Mandate, error) {
	var out []access.Mandate
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+mandateColumns+`
		FROM mandates
		WHERE delegate_uzi = ? AND ura = ?
		ORDER BY id DESC`, delegateUZI, ura)
	if err != nil {
		return nil, fmt.Errorf("store: mandates of %s: %w", delegateUZI, err)
	}
	return out, nil
}

// MandatesOfGrantor lists the mandates a provider gave, newest first.
func (s *Store) MandatesOfGrantor(ctx context.Context, grantorUZI string) ([]access.Mandate, error) {
	var out []access.Mandate
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+mandateColumns+`
		FROM mandates
		WHERE grantor_uzi = ?
		ORDER BY id DESC`, grantorUZI)
	if err != nil {
		return nil, fmt.Errorf("store: mandates of %s: %w", grantorUZI, err)
	}
	return out, nil
}

// AllMandates lists every mandate, newest first, for the hospital's administrators.
func (s *Store) AllMandates(ctx context.Context) ([]access.Mandate, error) {
	var out []access.Mandate
	err := s.read.SelectContext(ctx, &out, `SELECT `+mandateColumns+` FROM mandates ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: mandates: %w", err)
	}
	return out, nil
}
