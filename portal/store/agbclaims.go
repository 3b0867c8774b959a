package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

// AGBClaim is an AGB code typed on the first-entry page that waits for the hospital's administrator (or
// was decided by one): the card that typed it, why it was not linked at once, and the decision.
type AGBClaim struct {
	ID              int64  `db:"id"`
	UZINumber       string `db:"uzi_number"`
	AGBCode         string `db:"agb_code"`
	HolderName      string `db:"holder_name"`
	HolderGivenName string `db:"holder_given_name"`
	HolderURA       string `db:"holder_ura"`
	HolderOrg       string `db:"holder_org"`
	HolderRole      string `db:"holder_role"`
	// Reason is why the code waits: AGBClaimInitials, AGBClaimOrganisation or AGBClaimLinkedElsewhere.
	Reason string `db:"reason"`
	// Detail says in English what the register holds against the card, for the administrator.
	Detail string `db:"detail"`
	// OtherUZI is the UZI number the code was linked to when the claim was made (linked-elsewhere).
	OtherUZI  string       `db:"other_uzi"`
	ClaimedAt time.Time    `db:"claimed_at"`
	Status    string       `db:"status"`
	DecidedAt sql.NullTime `db:"decided_at"`
	DecidedBy string       `db:"decided_by"`
}

// Why a typed AGB code waits for the administrator, as stored.
const (
	// AGBClaimInitials: the register's initials do not fit the card's given names.
	AGBClaimInitials = "initials"
	// AGBClaimOrganisation: the register names the organisations the person works for, and the card's is
	// not among them.
	AGBClaimOrganisation = "organisation"
	// AGBClaimLinkedElsewhere: the code is linked to another UZI number, which typed it.
	AGBClaimLinkedElsewhere = "linked-elsewhere"
)

// The states of a claim.
const (
	AGBClaimPending   = "pending"
	AGBClaimConfirmed = "confirmed"
	AGBClaimRefused   = "refused"
)

// ErrClaimDecided means the claim was decided already (by another administrator, or in another tab).
var ErrClaimDecided = errors.New("the AGB code claim was decided already")

// ErrClaimCardLinked means the code is on another person's UZI card: the UZI-register's own statement,
// which no administrator's confirmation of a typed code can override.
var ErrClaimCardLinked = errors.New("the AGB code is on another person's UZI card")

const agbClaimColumns = `id, uzi_number, agb_code, holder_name, holder_given_name, holder_ura, holder_org, holder_role,
	reason, detail, other_uzi, claimed_at, status, decided_at, decided_by`

// SaveAGBClaim records a pending claim and returns its id. A UZI number with a claim pending already gets
// ErrConflict: one claim waits at a time.
func (s *Store) SaveAGBClaim(ctx context.Context, c AGBClaim) (int64, error) {
	var id int64
	err := s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO agb_claims (uzi_number, agb_code, holder_name, holder_given_name, holder_ura, holder_org, holder_role,
			                        reason, detail, other_uzi, claimed_at, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
			c.UZINumber, c.AGBCode, c.HolderName, c.HolderGivenName, c.HolderURA, c.HolderOrg, c.HolderRole,
			c.Reason, c.Detail, c.OtherUZI, c.ClaimedAt.UTC())
		if err != nil {
			return fmt.Errorf("store: AGB code claim of %s: %w", c.UZINumber, translate(err))
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// LatestAGBClaim returns the newest claim of a UZI number, pending or decided, or ErrNotFound.
func (s *Store) LatestAGBClaim(ctx context.Context, uziNumber string) (AGBClaim, error) {
	var c AGBClaim
	err := s.read.GetContext(ctx, &c, `
		SELECT `+agbClaimColumns+`
		FROM agb_claims
		WHERE uzi_number = ?
		ORDER BY id DESC
		LIMIT 1`, uziNumber)
	if err != nil {
		return AGBClaim{}, fmt.Errorf("store: AGB code claim of %s: %w", uziNumber, translate(err))
	}
	return c, nil
}

// AGBClaim returns one claim, or ErrNotFound.
func (s *Store) AGBClaim(ctx context.Context, id int64) (AGBClaim, error) {
	var c AGBClaim
	err := s.read.GetContext(ctx, &c, `SELECT `+agbClaimColumns+` FROM agb_claims WHERE id = ?`, id)
	if err != nil {
		return AGBClaim{}, fmt.Errorf("store: AGB code claim %d: %w", id, translate(err))
	}
	return c, nil
}

// AGBClaims returns the claims waiting for an administrator, oldest first; with all, the decided ones
// too (newest first after the pending ones), at most limit.
func (s *Store) AGBClaims(ctx context.Context, all bool, limit int) ([]AGBClaim, error) {
	var out []AGBClaim
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+agbClaimColumns+`
		FROM agb_claims
		WHERE status = 'pending' OR ?
		ORDER BY status <> 'pending', CASE WHEN status = 'pending' THEN id ELSE -id END
		LIMIT ?`, all, limit)
	if err != nil {
		return nil, fmt.Errorf("store: AGB code claims: %w", err)
	}
	return out, nil
}

// DecideAGBClaim confirms or refuses a pending claim, with its access-log record, in one transaction.
// Confirming links the code to the claimant's UZI number and takes it from whoever had typed it before
// (their open session ends at its next request); a code on another person's card is never taken
// (ErrClaimCardLinked). A claim decided already gives ErrClaimDecided. It returns the claim as decided.
func (s *Store) DecideAGBClaim(ctx context.Context, id int64, confirm bool, by string, at time.Time, entry LogEntry) (AGBClaim, error) {
	var c AGBClaim
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &c, `SELECT `+agbClaimColumns+` FROM agb_claims WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: AGB code claim %d: %w", id, translate(err))
		}
		if c.Status != AGBClaimPending {
			return fmt.Errorf("store: AGB code claim %d is %s: %w", id, c.Status, ErrClaimDecided)
		}
		c.Status = AGBClaimRefused
		if confirm {
			c.Status = AGBClaimConfirmed
			var onCard int
			if err := tx.GetContext(ctx, &onCard, `
				SELECT count(*) FROM agb_links WHERE agb_code = ? AND uzi_number <> ? AND source = 'card'`, c.AGBCode, c.UZINumber); err != nil {
				return fmt.Errorf("store: AGB links of %s: %w", c.AGBCode, err)
			}
			if onCard > 0 {
				return fmt.Errorf("store: confirm AGB code claim %d: %w", id, ErrClaimCardLinked)
			}
			if _, err := tx.ExecContext(ctx, `
				DELETE FROM agb_links WHERE agb_code = ? AND uzi_number <> ? AND source = 'entered'`, c.AGBCode, c.UZINumber); err != nil {
				return fmt.Errorf("store: release AGB code %s: %w", c.AGBCode, err)
			}
			if err := upsertAGBLink(ctx, tx, AGBLink{UZINumber: c.UZINumber, AGBCode: c.AGBCode, Source: AGBLinkEntered,
				LinkedAt: at, CheckedAt: at, Outcome: agbOutcomeAdmitted,
				HolderName: c.HolderName, HolderURA: c.HolderURA, HolderOrg: c.HolderOrg}); err != nil {
				return err
			}
		}
		c.DecidedAt, c.DecidedBy = sql.NullTime{Time: at.UTC(), Valid: true}, by
		if _, err := tx.ExecContext(ctx, `
			UPDATE agb_claims SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?`,
			c.Status, at.UTC(), by, id); err != nil {
			return fmt.Errorf("store: decide AGB code claim %d: %w", id, translate(err))
		}
		return appendEntry(ctx, tx, entry, access.Patient{}, id)
	})
	if err != nil {
		return AGBClaim{}, err
	}
	return c, nil
}

// OrganisationAGBCodes returns the AGB codes the hospital's data gives the organisation with a URA (the
// organisations of the imported FHIR data), so that admission can compare a registration's workplaces with
// the organisation a card is issued for.
func (s *Store) OrganisationAGBCodes(ctx context.Context, ura string) ([]string, error) {
	var codes []string
	err := s.read.SelectContext(ctx, &codes, `
		SELECT DISTINCT agb FROM organisations
		WHERE ura = ? AND agb IS NOT NULL AND agb <> ''
		ORDER BY agb`, ura)
	if err != nil {
		return nil, fmt.Errorf("store: AGB codes of organisation %s: %w", ura, err)
	}
	return codes, nil
}
