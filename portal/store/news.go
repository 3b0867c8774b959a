package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// NewsKind says what happened to an item that makes it news for a provider.
type NewsKind string

// The kinds of news. An encounter gives two: its admission and its discharge.
const (
	NewsAdmitted   NewsKind = "admitted"
	NewsDischarged NewsKind = "discharged"
	NewsLetter     NewsKind = "letter"
	NewsReport     NewsKind = "report"
	NewsLab        NewsKind = "lab"
)

// NewsItem is one thing that happened to a provider's patient that the provider has not seen since. It
// carries what the "Nieuw" page shows of it; whether the provider may see it now is the access rules'
// question, which the portal asks per patient before it shows anything.
type NewsItem struct {
	PatientID int64 `db:"patient_id"`
	// PatientPublicID and ItemPublicID are the ids addresses carry (portal/publicid); a lab result's
	// address is its patient's lab tab, an encounter's the encounters tab.
	PatientPublicID string   `db:"patient_public_id"`
	ItemPublicID    string   `db:"item_public_id"`
	Kind            NewsKind `db:"kind"`
	// ItemKind and ItemID name the item as the access log and seen_items do ("letter", 12).
	ItemKind string    `db:"item_kind"`
	ItemID   int64     `db:"item_id"`
	At       time.Time `db:"at"`
	// Title is the letter's or report's title, the lab test's name or the admitting department.
	Title string `db:"title"`
	// Interpretation, ValueNum, RefLow and RefHigh are a lab result's interpretation code (H, L, A, ...),
	// value and reference range: what tells whether the result is abnormal.
	Interpretation string   `db:"interpretation"`
	ValueNum       *float64 `db:"value_num"`
	RefLow         *float64 `db:"ref_low"`
	RefHigh        *float64 `db:"ref_high"`
}

// SeenItem names one item a provider's screen showed.
type SeenItem struct {
	Kind string
	ID   int64
}

// SeenKinds are the item kinds that can be news; other items a page shows are not remembered.
var SeenKinds = []string{"encounter", "letter", "report", "lab"}

// NewsFor lists the news of the patients with whom the provider (by AGB code) or their organisation (by
// URA) holds a relationship: admissions and discharges, letters, reports and lab results of the period
// (since, now] that the provider (by UZI number) has not seen since they happened, newest first, at most
// limit. Relationships are not judged here: the caller lets the access rules decide per patient.
func (s *Store) NewsFor(ctx context.Context, uzi, agb, ura string, since, now time.Time, limit int) ([]NewsItem, error) {
	if agb == "" && ura == "" {
		return nil, nil
	}
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: news: %w", err)
	}
	defer tx.Rollback()
	mine := `
			SELECT patient_id FROM relationships WHERE holder_kind = 'provider' AND holder_agb = :agb
			UNION
			SELECT patient_id FROM relationships WHERE holder_kind = 'organisation' AND holder_ura = :ura`
	return newsFor(ctx, tx, mine, map[string]any{"agb": agb, "ura": ura, "uzi": uzi, "since": since.UTC(), "now": now.UTC(), "limit": limit})
}

// NewsOfPatients is NewsFor for the given patients only, without a limit: the marks on a page of "my
// patients", whose rows the access rules have already let through.
func (s *Store) NewsOfPatients(ctx context.Context, uzi string, patientIDs []int64, since, now time.Time) ([]NewsItem, error) {
	if len(patientIDs) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(patientIDs)
	if err != nil {
		return nil, fmt.Errorf("store: news of patients: %w", err)
	}
	tx, err := s.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: news of patients: %w", err)
	}
	defer tx.Rollback()
	mine := `SELECT DISTINCT value FROM json_each(:ids)`
	return newsFor(ctx, tx, mine, map[string]any{"ids": string(ids), "uzi": uzi, "since": since.UTC(), "now": now.UTC(), "limit": -1})
}

// newsFor reads the news of the patients that the query mine selects (one column, the patient id).
func newsFor(ctx context.Context, tx *sqlx.Tx, mine string, params map[string]any) ([]NewsItem, error) {
	var items []NewsItem
	query, args, err := sqlx.Named(`
		WITH mine(patient_id) AS (`+mine+`),
		happened(patient_id, kind, item_kind, item_id, item_public_id, at, title, interpretation, value_num, ref_low, ref_high) AS (
			SELECT e.patient_id, 'admitted', 'encounter', e.id, '', e.start_at, e.department, '', NULL, NULL, NULL
			FROM mine m JOIN encounters e ON e.patient_id = m.patient_id
			WHERE e.class = 'inpatient' AND e.status NOT IN ('cancelled', 'planned', 'entered-in-error')
			  AND e.start_at > :since AND e.start_at <= :now
			UNION ALL
			SELECT e.patient_id, 'discharged', 'encounter', e.id, '', e.end_at, e.department, '', NULL, NULL, NULL
			FROM mine m JOIN encounters e ON e.patient_id = m.patient_id
			WHERE e.class = 'inpatient' AND e.status NOT IN ('cancelled', 'planned', 'entered-in-error')
			  AND e.end_at > :since AND e.end_at <= :now
			UNION ALL
			SELECT l.patient_id, 'letter', 'letter', l.id, l.public_id, l.written_at, l.title, '', NULL, NULL, NULL
			FROM mine m JOIN letters l ON l.patient_id = m.patient_id
			WHERE l.status <> 'entered-in-error' AND l.written_at > :since AND l.written_at <= :now
			UNION ALL
			SELECT r.patient_id, 'report', 'report', r.id, r.public_id, coalesce(r.issued_at, r.effective_at), r.title, '', NULL, NULL, NULL
			FROM mine m JOIN reports r ON r.patient_id = m.patient_id
			WHERE r.status NOT IN ('entered-in-error', 'cancelled', 'registered')
			  AND coalesce(r.issued_at, r.effective_at) > :since AND coalesce(r.issued_at, r.effective_at) <= :now
			UNION ALL
			SELECT x.patient_id, 'lab', 'lab', x.id, x.public_id, x.effective_at, x.display, x.interpretation, x.value_num, x.ref_low, x.ref_high
			FROM mine m JOIN lab_results x ON x.patient_id = m.patient_id
			WHERE x.status NOT IN ('entered-in-error', 'cancelled', 'registered')
			  AND x.effective_at > :since AND x.effective_at <= :now
		)
		SELECT h.patient_id, p.public_id AS patient_public_id, h.kind, h.item_kind, h.item_id, h.item_public_id, h.at, h.title,
		       h.interpretation, h.value_num, h.ref_low, h.ref_high
		FROM happened h JOIN patients p ON p.id = h.patient_id
		WHERE NOT EXISTS (
			SELECT 1 FROM seen_items s
			WHERE s.uzi_number = :uzi AND s.kind = h.item_kind AND s.item_id = h.item_id AND s.seen_at >= h.at)
		ORDER BY h.at DESC, h.item_kind, h.item_id DESC
		LIMIT :limit`, params)
	if err != nil {
		return nil, fmt.Errorf("store: news: %w", err)
	}
	if err := tx.SelectContext(ctx, &items, tx.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("store: news: %w", err)
	}
	return items, nil
}

// MarkSeen remembers that the provider's screen showed these items of the patient at the moment at, so
// that they are no longer news for that provider. A later look moves the moment forward, never back.
// Items of other kinds than SeenKinds are ignored.
func (s *Store) MarkSeen(ctx context.Context, uzi string, patientID int64, items []SeenItem, at time.Time) error {
	if len(items) == 0 {
		return nil
	}
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		stmt, err := tx.PreparexContext(ctx, `
			INSERT INTO seen_items (uzi_number, kind, item_id, patient_id, seen_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (uzi_number, kind, item_id) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)`)
		if err != nil {
			return fmt.Errorf("store: mark seen: %w", err)
		}
		defer stmt.Close()
		for _, it := range items {
			if !isSeenKind(it.Kind) {
				continue
			}
			if _, err := stmt.ExecContext(ctx, uzi, it.Kind, it.ID, patientID, at.UTC()); err != nil {
				return fmt.Errorf("store: mark %s %d seen: %w", it.Kind, it.ID, err)
			}
		}
		return nil
	})
}

func isSeenKind(k string) bool {
	for _, s := range SeenKinds {
		if s == k {
			return true
		}
	}
	return false
}
