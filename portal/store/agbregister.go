package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/portal/access"
)

// AGBImportSummary says what an import of the AGB register file did.
type AGBImportSummary struct {
	// Added counts registrations that were not in the register before.
	Added int
	// Updated counts registrations that were replaced by the file's version.
	Updated int
	// Qualifications and Relations count the rows written with them.
	Qualifications int
	Relations      int
}

// ImportAGBRegister writes registrations into the AGB register in one transaction: a registration that is
// new is added, one that exists is updated in place, and its qualifications and relations are replaced by
// the ones given (the file is the truth about each registration it contains). Registrations not given are
// left alone. The access record that logs the import is appended in the same transaction, so the register
// never changes without its log entry: entry builds it from the summary.
func (s *Store) ImportAGBRegister(ctx context.Context, regs []agb.Registration, at time.Time,
	entry func(AGBImportSummary) LogEntry) (AGBImportSummary, error) {
	var sum AGBImportSummary
	at = at.UTC()
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		for _, r := range regs {
			if err := r.Validate(); err != nil {
				return fmt.Errorf("store: import AGB register: %w", err)
			}
			added, err := upsertAGBRegistration(ctx, tx, r, at)
			if err != nil {
				return err
			}
			if added {
				sum.Added++
			} else {
				sum.Updated++
			}
			sum.Qualifications += len(r.Qualifications)
			sum.Relations += len(r.Relations)
		}
		if entry == nil {
			return nil
		}
		e := entry(sum)
		return appendEntry(ctx, tx, e, access.Patient{}, 0)
	})
	if err != nil {
		return AGBImportSummary{}, err
	}
	return sum, nil
}

// upsertAGBRegistration writes one registration with its qualifications and relations and reports
// whether it was new.
func upsertAGBRegistration(ctx context.Context, tx *sqlx.Tx, r agb.Registration, at time.Time) (bool, error) {
	var exists int
	if err := tx.GetContext(ctx, &exists, `SELECT count(*) FROM agb_registrations WHERE code = ?`, string(r.Code)); err != nil {
		return false, fmt.Errorf("store: AGB registration %s: %w", r.Code, err)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO agb_registrations (
		    code, kind, surname, prefix, initials, given_name, name, start_date, end_date, status,
		    imported_at, updated_at
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET
		    kind = excluded.kind, surname = excluded.surname, prefix = excluded.prefix,
		    initials = excluded.initials, given_name = excluded.given_name, name = excluded.name,
		    start_date = excluded.start_date, end_date = excluded.end_date, status = excluded.status,
		    updated_at = excluded.updated_at`,
		string(r.Code), string(r.Kind), r.Surname, r.Prefix, r.Initials, r.GivenName, r.Name,
		r.Start.String(), nullDate(r.End), string(r.Status), at, at)
	if err != nil {
		return false, fmt.Errorf("store: write AGB registration %s: %w", r.Code, translate(err))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agb_qualifications WHERE code = ?`, string(r.Code)); err != nil {
		return false, fmt.Errorf("store: replace qualifications of %s: %w", r.Code, err)
	}
	for _, q := range r.Qualifications {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO agb_qualifications (code, kwalificatie, start_date, end_date)
			VALUES (?, ?, ?, ?)`,
			string(r.Code), string(q.Code), q.Start.String(), nullDate(q.End))
		if err != nil {
			return false, fmt.Errorf("store: write qualification %s of %s: %w", q.Code, r.Code, translate(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agb_relations WHERE code = ?`, string(r.Code)); err != nil {
		return false, fmt.Errorf("store: replace relations of %s: %w", r.Code, err)
	}
	for _, rel := range r.Relations {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO agb_relations (code, other_code, kind, role, start_date, end_date)
			VALUES (?, ?, ?, ?, ?, ?)`,
			string(r.Code), string(rel.OtherCode), string(rel.Kind), rel.Role, rel.Start.String(), nullDate(rel.End))
		if err != nil {
			return false, fmt.Errorf("store: write relation %s -> %s: %w", r.Code, rel.OtherCode, translate(err))
		}
	}
	return exists == 0, nil
}

// nullDate stores an open end as NULL.
func nullDate(d agb.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// agbRegistrationRow is a row of agb_registrations. DATE columns come back from the driver as times.
type agbRegistrationRow struct {
	Code      string       `db:"code"`
	Kind      string       `db:"kind"`
	Surname   string       `db:"surname"`
	Prefix    string       `db:"prefix"`
	Initials  string       `db:"initials"`
	GivenName string       `db:"given_name"`
	Name      string       `db:"name"`
	StartDate time.Time    `db:"start_date"`
	EndDate   sql.NullTime `db:"end_date"`
	Status    string       `db:"status"`
}

type agbQualificationRow struct {
	Kwalificatie string       `db:"kwalificatie"`
	StartDate    time.Time    `db:"start_date"`
	EndDate      sql.NullTime `db:"end_date"`
}

type agbRelationRow struct {
	OtherCode string       `db:"other_code"`
	Kind      string       `db:"kind"`
	Role      string       `db:"role"`
	StartDate time.Time    `db:"start_date"`
	EndDate   sql.NullTime `db:"end_date"`
}

// AGBRegistration returns one registration of the register with its qualifications and relations, or
// ErrNotFound.
func (s *Store) AGBRegistration(ctx context.Context, code agb.Code) (agb.Registration, error) {
	tx, err := s.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return agb.Registration{}, fmt.Errorf("store: AGB registration %s: %w", code, err)
	}
	defer tx.Rollback()
	var row agbRegistrationRow
	err = tx.GetContext(ctx, &row, `
		SELECT code, kind, surname, prefix, initials, given_name, name, start_date, end_date, status
		FROM agb_registrations
		WHERE code = ?`, string(code))
	if err != nil {
		return agb.Registration{}, fmt.Errorf("store: AGB registration %s: %w", code, translate(err))
	}
	reg := agb.Registration{
		Code: agb.Code(row.Code), Kind: agb.Kind(row.Kind), Surname: row.Surname, Prefix: row.Prefix,
		Initials: row.Initials, GivenName: row.GivenName, Name: row.Name,
		Start: dayOf(row.StartDate), End: nullDay(row.EndDate), Status: agb.Status(row.Status),
	}
	var quals []agbQualificationRow
	err = tx.SelectContext(ctx, &quals, `
		SELECT kwalificatie, start_date, end_date
		FROM agb_qualifications
		WHERE code = ?
		ORDER BY start_date, kwalificatie`, string(code))
	if err != nil {
		return agb.Registration{}, fmt.Errorf("store: qualifications of %s: %w", code, err)
	}
	for _, q := range quals {
		reg.Qualifications = append(reg.Qualifications, agb.Qualification{
			Code: agb.Kwalificatie(q.Kwalificatie), Start: dayOf(q.StartDate), End: nullDay(q.EndDate)})
	}
	var rels []agbRelationRow
	err = tx.SelectContext(ctx, &rels, `
		SELECT other_code, kind, role, start_date, end_date
		FROM agb_relations
		WHERE code = ?
		ORDER BY start_date, other_code, kind`, string(code))
	if err != nil {
		return agb.Registration{}, fmt.Errorf("store: relations of %s: %w", code, err)
	}
	for _, r := range rels {
		reg.Relations = append(reg.Relations, agb.Relation{OtherCode: agb.Code(r.OtherCode), Kind: agb.RelationKind(r.Kind),
			Role: r.Role, Start: dayOf(r.StartDate), End: nullDay(r.EndDate)})
	}
	return reg, nil
}

// CountAGBRegistrations returns the number of registrations in the register; the demo seeds the register
// only when it is empty.
func (s *Store) CountAGBRegistrations(ctx context.Context) (int, error) {
	var n int
	if err := s.read.GetContext(ctx, &n, `SELECT count(*) FROM agb_registrations`); err != nil {
		return 0, fmt.Errorf("store: count AGB registrations: %w", err)
	}
	return n, nil
}

// dayOf is the calendar day of a DATE column, which the driver returns as midnight UTC.
func dayOf(t time.Time) agb.Date { return agb.DateOf(t.UTC()) }

func nullDay(t sql.NullTime) agb.Date {
	if !t.Valid {
		return agb.Date{}
	}
	return dayOf(t.Time)
}

// AGBRegister is the portal's own AGB register as an agb.Lookup: the admission code asks it without
// knowing that the answer comes from SQLite, and a remote feed (agb.RemoteLookup) can take its place.
type AGBRegister struct {
	Store *Store
}

// Lookup implements agb.Lookup: a code not in the register wraps agb.ErrNotFound, every other failure
// (the database did not answer, a stored record no longer validates) wraps agb.ErrUnavailable, so that
// admission fails closed.
func (r AGBRegister) Lookup(ctx context.Context, code agb.Code) (agb.Registration, error) {
	if _, err := agb.ParseCode(string(code)); err != nil {
		return agb.Registration{}, err
	}
	reg, err := r.Store.AGBRegistration(ctx, code)
	switch {
	case errors.Is(err, ErrNotFound):
		return agb.Registration{}, fmt.Errorf("%w: %s", agb.ErrNotFound, code)
	case err != nil:
		return agb.Registration{}, fmt.Errorf("%w: %w", agb.ErrUnavailable, err)
	}
	if err := reg.Validate(); err != nil {
		return agb.Registration{}, fmt.Errorf("%w: %w", agb.ErrUnavailable, err)
	}
	return reg, nil
}
