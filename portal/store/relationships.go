package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

const relationshipColumns = `id, patient_id, holder_kind, holder_agb, holder_ura, holder_name, kind, mandate_ura, source,
	source_ref, valid_from, valid_until, reason, created_by, created_at, ended_at, ended_by, end_reason`

// Relationships returns every relationship of a patient (active, ended, expired, future), oldest first.
func (s *Store) Relationships(ctx context.Context, patientID int64) ([]access.Relationship, error) {
	f, err := s.PatientFacts(ctx, patientID)
	if err != nil {
		return nil, err
	}
	return f.Relationships, nil
}

// Relationship returns one relationship by id.
func (s *Store) Relationship(ctx context.Context, id int64) (access.Relationship, error) {
	var r access.Relationship
	err := s.read.GetContext(ctx, &r, `SELECT `+relationshipColumns+` FROM relationships WHERE id = ?`, id)
	if err != nil {
		return access.Relationship{}, fmt.Errorf("store: relationship %d: %w", id, translate(err))
	}
	return r, nil
}

// RelationshipsForProvider is "my patients": every relationship active at now that the provider holds in
// person (agb) or through the organisation their card acts for (ura), with its patient, newest first.
// It answers who the provider's patients are; whether a patient's data may be shown is still the
// decision's (consent, role scope, a covering practice's mandate). It reads every relationship the
// holders have, so its cost grows with the practice: a screen lists them with
// RelationshipsForProviderPage, whose pages cost the same for ten patients or a million.
func (s *Store) RelationshipsForProvider(ctx context.Context, agb, ura string, now time.Time) ([]access.PatientRelationship, error) {
	if agb == "" && ura == "" {
		return nil, nil
	}
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: relationships for provider: %w", err)
	}
	defer tx.Rollback()
	var rels []access.Relationship
	err = tx.SelectContext(ctx, &rels, `
		SELECT `+relationshipColumns+`
		FROM relationships
		WHERE (holder_kind = 'provider' AND holder_agb = ?) OR (holder_kind = 'organisation' AND holder_ura = ?)
		ORDER BY valid_from DESC, id DESC`, agb, ura)
	if err != nil {
		return nil, fmt.Errorf("store: relationships for provider: %w", err)
	}
	who := access.Provider{AGB: agb, URA: ura}
	patients := map[int64]access.Patient{}
	var out []access.PatientRelationship
	for _, r := range rels {
		// The SQL narrows; the rules decide, so that "active" means the same here as in the decision.
		if !r.HeldBy(who) || r.StateAt(now) != access.RelationshipActive {
			continue
		}
		p, ok := patients[r.PatientID]
		if !ok {
			if err := tx.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, r.PatientID); err != nil {
				return nil, fmt.Errorf("store: patient %d: %w", r.PatientID, translate(err))
			}
			patients[r.PatientID] = p
		}
		out = append(out, access.PatientRelationship{Patient: p, Relationship: r})
	}
	return out, nil
}

// RelationshipCursor marks where a page of "my patients" ended: the next page starts after it.
type RelationshipCursor struct {
	ValidFrom time.Time
	ID        int64
}

// RelationshipPage is one page of "my patients" and the cursor of the next page (nil after the last).
type RelationshipPage struct {
	Items []access.PatientRelationship
	Next  *RelationshipCursor
}

// MaxRelationshipPage is the largest page RelationshipsForProviderPage returns.
const MaxRelationshipPage = 500

// RelationshipsForProviderPage is one page of "my patients", newest relationship first, as
// RelationshipsForProvider lists them: at most limit relationships active at now that the provider
// holds in person (agb) or through the organisation of their card (ura), with their patients, after the
// cursor (nil: from the newest). Each holder's relationships are read in index order (migration 0060)
// from the cursor on and no further than the page needs, so a page costs the same for a practice of ten
// patients and for one of a million.
func (s *Store) RelationshipsForProviderPage(ctx context.Context, agb, ura string, now time.Time, after *RelationshipCursor, limit int) (RelationshipPage, error) {
	if agb == "" && ura == "" {
		return RelationshipPage{}, nil
	}
	limit = min(max(limit, 1), MaxRelationshipPage)
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return RelationshipPage{}, fmt.Errorf("store: relationships for provider: %w", err)
	}
	defer tx.Rollback()
	who := access.Provider{AGB: agb, URA: ura}
	var active []access.Relationship
	// One index walk per holder, merged. A batch may hold relationships that are no longer active
	// (expired, or starting later); they are skipped and the walk goes on from the last row read.
	type walk struct {
		column, kind, code string
		from               *RelationshipCursor
		done               bool
		pending            []access.Relationship
	}
	walks := []*walk{{column: "holder_agb", kind: "provider", code: agb, from: after}, {column: "holder_ura", kind: "organisation", code: ura, from: after}}
	for _, w := range walks {
		w.done = w.code == ""
	}
	for len(active) < limit {
		// Refill the walks that ran dry, then take the newest head among them.
		for _, w := range walks {
			for !w.done && len(w.pending) == 0 {
				batch, err := holderBatch(ctx, tx, w.column, w.kind, w.code, now, w.from, limit+1)
				if err != nil {
					return RelationshipPage{}, err
				}
				if len(batch) <= limit {
					w.done = true
				}
				if len(batch) > limit {
					batch = batch[:limit]
				}
				if len(batch) > 0 {
					last := batch[len(batch)-1]
					w.from = &RelationshipCursor{ValidFrom: last.ValidFrom, ID: last.ID}
				}
				for _, r := range batch {
					// The SQL narrows; the rules decide, so that "active" means the same as in the decision.
					if r.HeldBy(who) && r.StateAt(now) == access.RelationshipActive {
						w.pending = append(w.pending, r)
					}
				}
			}
		}
		var best *walk
		for _, w := range walks {
			if len(w.pending) > 0 && (best == nil || newer(w.pending[0], best.pending[0])) {
				best = w
			}
		}
		if best == nil {
			break
		}
		active = append(active, best.pending[0])
		best.pending = best.pending[1:]
	}
	page := RelationshipPage{}
	more := false
	for _, w := range walks {
		more = more || len(w.pending) > 0 || !w.done
	}
	if more && len(active) == limit {
		last := active[len(active)-1]
		page.Next = &RelationshipCursor{ValidFrom: last.ValidFrom, ID: last.ID}
	}
	patients := map[int64]access.Patient{}
	for _, r := range active {
		p, ok := patients[r.PatientID]
		if !ok {
			if err := tx.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, r.PatientID); err != nil {
				return RelationshipPage{}, fmt.Errorf("store: patient %d: %w", r.PatientID, translate(err))
			}
			patients[r.PatientID] = p
		}
		page.Items = append(page.Items, access.PatientRelationship{Patient: p, Relationship: r})
	}
	return page, nil
}

// newer orders "my patients": latest valid_from first, then the higher id.
func newer(a, b access.Relationship) bool {
	if !a.ValidFrom.Equal(b.ValidFrom) {
		return a.ValidFrom.After(b.ValidFrom)
	}
	return a.ID > b.ID
}

// holderBatch reads up to n relationships of one holder that are active at now by their dates, newest
// first, after the cursor. column is holder_agb or holder_ura (never user input). Moments are stored in
// UTC in one fixed layout, so comparing them as text compares them in time.
func holderBatch(ctx context.Context, tx *sqlx.Tx, column, kind, code string, now time.Time, after *RelationshipCursor, n int) ([]access.Relationship, error) {
	var rels []access.Relationship
	query := `
		SELECT ` + relationshipColumns + `
		FROM relationships
		WHERE ` + column + ` = ? AND holder_kind = ? AND valid_from <= ?
		  AND (valid_until IS NULL OR valid_until > ?) AND (ended_at IS NULL OR ended_at > ?)`
	args := []any{code, kind, now.UTC(), now.UTC(), now.UTC()}
	if after != nil {
		query += ` AND (valid_from, id) < (?, ?)`
		args = append(args, after.ValidFrom.UTC(), after.ID)
	}
	query += `
		ORDER BY valid_from DESC, id DESC
		LIMIT ?`
	if err := tx.SelectContext(ctx, &rels, query, append(args, n)...); err != nil {
		return nil, fmt.Errorf("store: relationships of %s %s: %w", kind, code, err)
	}
	return rels, nil
}

// AddRelationship registers a relationship that staff or a script establish, with its access-log record.
// It must pass access.CheckNewRelationship (emergency relationships come only from the emergency
// procedure). A new registered GP practice or pharmacy of record replaces the patient's current one of
// that kind: the old one is ended when the new one starts ("open-ended until changed").
func (s *Store) AddRelationship(ctx context.Context, r access.Relationship, entry LogEntry) (access.Relationship, error) {
	if err := access.CheckNewRelationship(r); err != nil {
		return access.Relationship{}, err
	}
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		f, err := patientFacts(ctx, tx, r.PatientID)
		if err != nil {
			return err
		}
		if r.ID, err = insertRelationship(ctx, tx, &r); err != nil {
			return err
		}
		if r.Kind.OpenEnded() {
			end := r.ValidFrom
			if r.CreatedAt.After(end) {
				end = r.CreatedAt
			}
			for _, old := range f.Relationships {
				if old.Kind != r.Kind || old.StateAt(end) == access.RelationshipEnded || old.StateAt(end) == access.RelationshipExpired {
					continue
				}
				if _, err := tx.ExecContext(ctx, `
					UPDATE relationships SET ended_at = ?, ended_by = ?, end_reason = ?
					WHERE id = ?`, end.UTC(), r.CreatedBy, fmt.Sprintf("replaced by relationship %d", r.ID), old.ID); err != nil {
					return fmt.Errorf("store: end replaced relationship %d: %w", old.ID, translate(err))
				}
			}
		}
		return appendEntry(ctx, tx, entry, f.Patient, r.ID)
	})
	if err != nil {
		return access.Relationship{}, err
	}
	return s.Relationship(ctx, r.ID)
}

func insertRelationship(ctx context.Context, tx *sqlx.Tx, r *access.Relationship) (int64, error) {
	r.ValidFrom, r.CreatedAt = r.ValidFrom.UTC(), r.CreatedAt.UTC()
	r.ValidUntil = utcPtr(r.ValidUntil)
	res, err := tx.ExecContext(ctx, `
		INSERT INTO relationships (
		    patient_id, holder_kind, holder_agb, holder_ura, holder_name, kind, mandate_ura, source, source_ref,
		    valid_from, valid_until, reason, created_by, created_at
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PatientID, r.HolderKind, r.HolderAGB, r.HolderURA, r.HolderName, r.Kind, r.MandateURA, r.Source, r.SourceRef,
		r.ValidFrom, r.ValidUntil, r.Reason, r.CreatedBy, r.CreatedAt)
	if err != nil {
		return 0, fmt.Errorf("store: add relationship: %w", translate(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: add relationship: %w", err)
	}
	return id, nil
}

// RelationshipEnd says which relationship to end, by whom, why and from when.
type RelationshipEnd struct {
	ID int64
	// PatientID, when not zero, must be the relationship's patient (a form about one patient must not end
	// another patient's relationship).
	PatientID int64
	By        string
	Reason    string
	At        time.Time
}

// EndRelationship ends a relationship from e.At, with its access-log record; from that moment it opens
// nothing. A relationship that has already ended or expired, or a missing reason or operator, is an
// *access.RuleError.
func (s *Store) EndRelationship(ctx context.Context, e RelationshipEnd, entry LogEntry) (access.Relationship, error) {
	switch {
	case strings.TrimSpace(e.Reason) == "":
		return access.Relationship{}, &access.RuleError{Reason: access.ReasonEndReasonMissing}
	case strings.TrimSpace(e.By) == "":
		return access.Relationship{}, &access.RuleError{Reason: access.ReasonOperatorMissing}
	}
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		var r access.Relationship
		if err := tx.GetContext(ctx, &r, `SELECT `+relationshipColumns+` FROM relationships WHERE id = ?`, e.ID); err != nil {
			return fmt.Errorf("store: relationship %d: %w", e.ID, translate(err))
		}
		if e.PatientID != 0 && r.PatientID != e.PatientID {
			return fmt.Errorf("store: relationship %d of patient %d: %w", e.ID, e.PatientID, ErrNotFound)
		}
		if st := r.StateAt(e.At); st == access.RelationshipEnded || st == access.RelationshipExpired {
			return &access.RuleError{Reason: access.ReasonRelationshipAlreadyEnded, Detail: string(st)}
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE relationships SET ended_at = ?, ended_by = ?, end_reason = ?
			WHERE id = ?`, e.At.UTC(), e.By, strings.TrimSpace(e.Reason), e.ID); err != nil {
			return fmt.Errorf("store: end relationship %d: %w", e.ID, translate(err))
		}
		var p access.Patient
		if err := tx.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, r.PatientID); err != nil {
			return fmt.Errorf("store: patient %d: %w", r.PatientID, translate(err))
		}
		return appendEntry(ctx, tx, entry, p, e.ID)
	})
	if err != nil {
		return access.Relationship{}, err
	}
	return s.Relationship(ctx, e.ID)
}

// CreateEmergencyRelationship runs the emergency procedure: inside one write transaction it reads the
// patient's facts and the provider's emergencies of the last 24 hours, lets the policy decide
// (access.Policy.EmergencyRelationship: procedure switched on, consent in force, no relationship, a
// category and a reason that says something, an acknowledged prior relationship, the daily cap), and
// inserts the relationship, its details for the review and the access-log record together. A consent
// withdrawn a moment earlier, or an emergency opened a moment earlier in another tab, is seen. A refusal
// is an *access.RuleError and nothing is written — a missing or refused consent is never overridden.
func (s *Store) CreateEmergencyRelationship(ctx context.Context, pol access.Policy, who access.Provider, patientID int64, req access.EmergencyRequest, now time.Time, entry LogEntry) (access.Relationship, error) {
	var r access.Relationship
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		f, err := patientFacts(ctx, tx, patientID)
		if err != nil {
			return err
		}
		recent, err := recentEmergencies(ctx, tx, who.AGB, now)
		if err != nil {
			return err
		}
		var details access.EmergencyDetails
		if r, details, err = pol.EmergencyRelationship(who, f, req, len(recent), now); err != nil {
			return err
		}
		if r.ID, err = insertRelationship(ctx, tx, &r); err != nil {
			return err
		}
		details.RelationshipID = r.ID
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO emergency_details (relationship_id, category, prior_relationship_id, prior_kind, prior_state, prior_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			details.RelationshipID, details.Category, details.PriorRelationshipID, details.PriorKind, details.PriorState,
			utcPtr(details.PriorAt)); err != nil {
			return fmt.Errorf("store: emergency details: %w", translate(err))
		}
		return appendEntry(ctx, tx, entry, f.Patient, r.ID)
	})
	if err != nil {
		return access.Relationship{}, err
	}
	return s.Relationship(ctx, r.ID)
}

// RecentEmergencies returns when the provider (AGB code) opened each emergency relationship of the 24
// hours before now, oldest first: what the daily cap counts, and when a place is free again.
func (s *Store) RecentEmergencies(ctx context.Context, agb string, now time.Time) ([]time.Time, error) {
	return recentEmergencies(ctx, s.read, agb, now)
}

// recentEmergencies filters in Go over the provider's newest emergencies (the cap is at most 50, so the
// last 100 always hold every one of the last 24 hours): the stored times do not compare as text.
func recentEmergencies(ctx context.Context, q sqlx.QueryerContext, agb string, now time.Time) ([]time.Time, error) {
	if agb == "" {
		return nil, nil
	}
	var created []time.Time
	if err := sqlx.SelectContext(ctx, q, &created, `
		SELECT created_at
		FROM relationships
		WHERE kind = 'emergency' AND holder_agb = ?
		ORDER BY id DESC
		LIMIT 100`, agb); err != nil {
		return nil, fmt.Errorf("store: recent emergencies: %w", err)
	}
	var recent []time.Time
	for _, at := range created {
		if at.After(now.Add(-24 * time.Hour)) {
			recent = append(recent, at)
		}
	}
	slices.SortFunc(recent, time.Time.Compare)
	return recent, nil
}

// EmergencyAccesses lists uses of the emergency procedure for the hospital's review, newest first: only
// the ones not yet reviewed, or all of them.
func (s *Store) EmergencyAccesses(ctx context.Context, includeReviewed bool) ([]access.EmergencyAccess, error) {
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: emergency accesses: %w", err)
	}
	defer tx.Rollback()
	var rels []access.Relationship
	err = tx.SelectContext(ctx, &rels, `
		SELECT `+prefixed("r.", relationshipColumns)+`
		FROM relationships r
		LEFT JOIN emergency_reviews v ON v.relationship_id = r.id
		WHERE r.kind = 'emergency' AND (? OR v.relationship_id IS NULL)
		ORDER BY r.created_at DESC, r.id DESC`, includeReviewed)
	if err != nil {
		return nil, fmt.Errorf("store: emergency accesses: %w", err)
	}
	out := make([]access.EmergencyAccess, 0, len(rels))
	for _, r := range rels {
		ea := access.EmergencyAccess{Relationship: r}
		if err := tx.GetContext(ctx, &ea.Patient, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, r.PatientID); err != nil {
			return nil, fmt.Errorf("store: patient %d: %w", r.PatientID, translate(err))
		}
		var reviews []access.EmergencyReview
		if err := tx.SelectContext(ctx, &reviews, `
			SELECT relationship_id, reviewed_at, reviewed_by, note
			FROM emergency_reviews
			WHERE relationship_id = ?`, r.ID); err != nil {
			return nil, fmt.Errorf("store: review of relationship %d: %w", r.ID, err)
		}
		if len(reviews) > 0 {
			ea.Review = &reviews[0]
		}
		var details []access.EmergencyDetails
		if err := tx.SelectContext(ctx, &details, `
			SELECT relationship_id, category, prior_relationship_id, prior_kind, prior_state, prior_at
			FROM emergency_details
			WHERE relationship_id = ?`, r.ID); err != nil {
			return nil, fmt.Errorf("store: details of emergency %d: %w", r.ID, err)
		}
		if len(details) > 0 {
			ea.Details = &details[0]
		}
		out = append(out, ea)
	}
	return out, nil
}

// ReviewEmergency records the hospital's review of one emergency access, with its access-log record. Only
// an emergency relationship can be reviewed, once, and only with a note.
func (s *Store) ReviewEmergency(ctx context.Context, rv access.EmergencyReview, entry LogEntry) error {
	switch {
	case strings.TrimSpace(rv.Note) == "":
		return &access.RuleError{Reason: access.ReasonReviewNoteMissing}
	case strings.TrimSpace(rv.ReviewedBy) == "":
		return &access.RuleError{Reason: access.ReasonOperatorMissing}
	}
	return s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		var r access.Relationship
		if err := tx.GetContext(ctx, &r, `SELECT `+relationshipColumns+` FROM relationships WHERE id = ?`, rv.RelationshipID); err != nil {
			return fmt.Errorf("store: relationship %d: %w", rv.RelationshipID, translate(err))
		}
		if r.Kind != access.Emergency {
			return &access.RuleError{Reason: access.ReasonNotEmergency}
		}
		var done int
		if err := tx.GetContext(ctx, &done, `SELECT count(*) FROM emergency_reviews WHERE relationship_id = ?`, r.ID); err != nil {
			return fmt.Errorf("store: review of relationship %d: %w", r.ID, err)
		}
		if done > 0 {
			return &access.RuleError{Reason: access.ReasonAlreadyReviewed}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO emergency_reviews (relationship_id, reviewed_at, reviewed_by, note)
			VALUES (?, ?, ?, ?)`, r.ID, rv.ReviewedAt.UTC(), rv.ReviewedBy, strings.TrimSpace(rv.Note)); err != nil {
			return fmt.Errorf("store: review relationship %d: %w", r.ID, translate(err))
		}
		var p access.Patient
		if err := tx.GetContext(ctx, &p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, r.PatientID); err != nil {
			return fmt.Errorf("store: patient %d: %w", r.PatientID, translate(err))
		}
		return appendEntry(ctx, tx, entry, p, r.ID)
	})
}

// prefixed qualifies a column list with a table alias, for queries that join.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
