package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// AGBLink is the AGB code admission accepted for a UZI number: from the card ("card") or typed by the
// provider ("entered"), when it was linked, and the latest check against the register.
type AGBLink struct {
	UZINumber string    `db:"uzi_number"`
	AGBCode   string    `db:"agb_code"`
	Source    string    `db:"source"`
	LinkedAt  time.Time `db:"linked_at"`
	CheckedAt time.Time `db:"checked_at"`
	Outcome   string    `db:"outcome"`
	// HolderName, HolderURA and HolderOrg describe the card the link was last saved for (its common
	// name, URA and organisation), so that an administrator deciding a conflicting claim sees who holds
	// the code now.
	HolderName string `db:"holder_name"`
	HolderURA  string `db:"holder_ura"`
	HolderOrg  string `db:"holder_org"`
}

// agbLinkColumns are the columns of agb_links in the order of AGBLink.
const agbLinkColumns = `uzi_number, agb_code, source, linked_at, checked_at, outcome, holder_name, holder_ura, holder_org`

// The sources of a link, as stored; they are the values of auth.LinkSourceCard and auth.LinkSourceEntered.
const (
	// AGBLinkFromCard is a code from the AGB field of the UZI card.
	AGBLinkFromCard = "card"
	// AGBLinkEntered is a code the provider typed on the first-entry page.
	AGBLinkEntered = "entered"
	// agbOutcomeAdmitted is the outcome of a check that admitted (auth.OutcomeAdmitted).
	agbOutcomeAdmitted = "admitted"
)

// AGBLink returns the link of a UZI number, or ErrNotFound.
func (s *Store) AGBLink(ctx context.Context, uziNumber string) (AGBLink, error) {
	var l AGBLink
	err := s.read.GetContext(ctx, &l, `
		SELECT `+agbLinkColumns+`
		FROM agb_links
		WHERE uzi_number = ?`, uziNumber)
	if err != nil {
		return AGBLink{}, fmt.Errorf("store: AGB link of %s: %w", uziNumber, translate(err))
	}
	return l, nil
}

// AGBLinksOfCode returns the UZI numbers linked to an AGB code: for `agb show`, and for admission, which
// sends a typed code that somebody else holds to the administrator.
func (s *Store) AGBLinksOfCode(ctx context.Context, code string) ([]AGBLink, error) {
	var links []AGBLink
	err := s.read.SelectContext(ctx, &links, `
		SELECT `+agbLinkColumns+`
		FROM agb_links
		WHERE agb_code = ?
		ORDER BY uzi_number`, code)
	if err != nil {
		return nil, fmt.Errorf("store: AGB links of %s: %w", code, err)
	}
	return links, nil
}

// SaveAGBLink creates or replaces the link of l.UZINumber. linked_at keeps its first value while the code
// stays the same. One person's code must not open the portal for someone else, so:
//   - a code typed by the provider ("entered") that is already linked to another UZI number is refused
//     with ErrConflict;
//   - a code from a card that passed the check ("card", outcome "admitted") is authoritative (the
//     UZI-register put it there): links that other UZI numbers typed for the same code are removed, and
//     those providers are asked for their code again at their next login.
func (s *Store) SaveAGBLink(ctx context.Context, l AGBLink) error {
	if l.Source != AGBLinkFromCard && l.Source != AGBLinkEntered {
		return fmt.Errorf("store: AGB link source %q is not %q or %q", l.Source, AGBLinkFromCard, AGBLinkEntered)
	}
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		switch {
		case l.Source == AGBLinkEntered:
			var others int
			err := tx.GetContext(ctx, &others, `
				SELECT count(*) FROM agb_links WHERE agb_code = ? AND uzi_number <> ?`, l.AGBCode, l.UZINumber)
			if err != nil {
				return fmt.Errorf("store: AGB links of %s: %w", l.AGBCode, err)
			}
			if others > 0 {
				return fmt.Errorf("store: AGB code %s is linked to another UZI number: %w", l.AGBCode, ErrConflict)
			}
		case l.Outcome == agbOutcomeAdmitted:
			_, err := tx.ExecContext(ctx, `
				DELETE FROM agb_links WHERE agb_code = ? AND uzi_number <> ? AND source = 'entered'`, l.AGBCode, l.UZINumber)
			if err != nil {
				return fmt.Errorf("store: release AGB code %s: %w", l.AGBCode, err)
			}
		}
		return upsertAGBLink(ctx, tx, l)
	})
}

// upsertAGBLink writes the link of l.UZINumber inside tx; linked_at keeps its first value while the code
// and its source stay the same.
func upsertAGBLink(ctx context.Context, tx *sqlx.Tx, l AGBLink) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO agb_links (uzi_number, agb_code, source, linked_at, checked_at, outcome, holder_name, holder_ura, holder_org)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (uzi_number) DO UPDATE SET
		    linked_at = CASE WHEN agb_links.agb_code = excluded.agb_code AND agb_links.source = excluded.source
		                     THEN agb_links.linked_at ELSE excluded.linked_at END,
		    agb_code = excluded.agb_code, source = excluded.source,
		    checked_at = excluded.checked_at, outcome = excluded.outcome,
		    holder_name = excluded.holder_name, holder_ura = excluded.holder_ura, holder_org = excluded.holder_org`,
		l.UZINumber, l.AGBCode, l.Source, l.LinkedAt.UTC(), l.CheckedAt.UTC(), l.Outcome, l.HolderName, l.HolderURA, l.HolderOrg)
	if err != nil {
		return fmt.Errorf("store: save AGB link of %s: %w", l.UZINumber, translate(err))
	}
	return nil
}

// RecordAGBCheck records the time and outcome of the latest register check of a UZI number's link; it
// returns ErrNotFound when the UZI number has no link.
func (s *Store) RecordAGBCheck(ctx context.Context, uziNumber string, at time.Time, outcome string) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE agb_links SET checked_at = ?, outcome = ? WHERE uzi_number = ?`, at.UTC(), outcome, uziNumber)
		if err != nil {
			return fmt.Errorf("store: record AGB check of %s: %w", uziNumber, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("store: record AGB check of %s: %w", uziNumber, ErrNotFound)
		}
		return nil
	})
}
