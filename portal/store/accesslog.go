package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// AccessRecord is one row of the NEN 7513 access log. The audit package fills it and computes the hash;
// the store keeps the rows in order and lets the database enforce the sequence (migration 0030).
type AccessRecord struct {
	ID              int64  `db:"id"`
	At              string `db:"at"` // UTC, millisecond precision, RFC 3339: part of the hashed content
	Event           string `db:"event"`
	Outcome         string `db:"outcome"`
	Reason          string `db:"reason"`
	UserUZI         string `db:"user_uzi"`
	UserName        string `db:"user_name"`
	UserRole        string `db:"user_role"`
	UserAGB         string `db:"user_agb"`
	UserURA         string `db:"user_ura"`
	UserOrg         string `db:"user_org"`
	OnBehalfOf      string `db:"on_behalf_of"`
	PatientBSN      string `db:"patient_bsn"`
	PatientNumber   string `db:"patient_number"`
	ObjectCategory  string `db:"object_category"`
	ObjectIDs       string `db:"object_ids"`
	Basis           string `db:"basis"`
	Emergency       bool   `db:"emergency"`
	ClientIP        string `db:"client_ip"`
	CertFingerprint string `db:"cert_fingerprint"`
	RequestID       string `db:"request_id"`
	Detail          string `db:"detail"`
	PrevHash        string `db:"prev_hash"`
	Hash            string `db:"hash"`
	// HashFormat says which fields the hash covers; the audit package sets it and verifies by it.
	HashFormat int `db:"hash_format"`
}

const accessColumns = `id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura, user_org,
	on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis, emergency,
	client_ip, cert_fingerprint, request_id, detail, prev_hash, hash, hash_format`

// GenesisHash is the previous hash of the very first record of the log.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AppendAccessRecords appends records in one durable transaction (see inDurableWriteTx): when it returns
// nil, the records are on disk. Inside the write lock it reads the head of the log (the newest record's id
// and hash), gives each record the next id and calls chain for it in order, so that appends from several
// processes (the server and a command-line tool) still form one unbroken chain. chain must set PrevHash,
// Hash and HashFormat and must not change the ID.
func (s *Store) AppendAccessRecords(ctx context.Context, recs []AccessRecord, chain func(prev string, rec *AccessRecord)) error {
	return s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		return appendAccessRecordsWith(ctx, tx, s.accessInserts, recs, chain)
	})
}

// appendAccessRecords appends records inside a write transaction, so that a change and the record of it
// are committed together or not at all (see logentry.go); it prepares its statements in the transaction.
func appendAccessRecords(ctx context.Context, tx *sqlx.Tx, recs []AccessRecord, chain func(prev string, rec *AccessRecord)) error {
	return appendAccessRecordsWith(ctx, tx, nil, recs, chain)
}

// appendAccessRecordsWith appends with the statements prepared once per connection (nil: prepare them in
// the transaction, for the odd single record of a change).
func appendAccessRecordsWith(ctx context.Context, tx *sqlx.Tx, stmts map[int]*sqlx.Stmt, recs []AccessRecord, chain func(prev string, rec *AccessRecord)) error {
	head, err := accessLogHead(ctx, tx)
	if err != nil {
		return err
	}
	id, prev := head.ID, head.Hash
	for i := range recs {
		id++
		r := &recs[i]
		r.ID = id
		chain(prev, r)
		if r.ID != id {
			return fmt.Errorf("store: append access record: chain changed the id %d to %d", id, r.ID)
		}
		prev = r.Hash
	}
	// Many rows per INSERT statement: the sequence triggers make SQLite keep a statement journal (a copy
	// of every page the statement changes), and per statement rather than per row that cost is shared by
	// the rows. A batch is cut into chunks of the sizes in insertChunks, largest first, each with a
	// statement prepared once per connection (parsing a statement of thousands of placeholders anew for
	// every batch would cost as much as inserting).
	rest := recs
	for _, size := range insertChunks {
		for len(rest) >= size {
			chunk := rest[:size]
			rest = rest[size:]
			args := make([]any, 0, size*accessInsertColumns)
			for _, r := range chunk {
				args = append(args, r.ID, r.At, r.Event, r.Outcome, r.Reason, r.UserUZI, r.UserName,
					r.UserRole, r.UserAGB, r.UserURA, r.UserOrg, r.OnBehalfOf, r.PatientBSN, r.PatientNumber,
					r.ObjectCategory, r.ObjectIDs, r.Basis, r.Emergency, r.ClientIP, r.CertFingerprint, r.RequestID,
					r.Detail, r.PrevHash, r.Hash, r.HashFormat)
			}
			var err error
			if stmt, ok := stmts[size]; ok {
				_, err = tx.StmtxContext(ctx, stmt).ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, insertAccessRecords(size), args...)
			}
			if err != nil {
				return fmt.Errorf("store: append access records %d to %d: %w", chunk[0].ID, chunk[len(chunk)-1].ID, translate(err))
			}
		}
	}
	return nil
}

// insertChunks are the row counts of the prepared INSERT statements; 256 rows of accessInsertColumns
// values stay well below SQLite's limit of 32766 variables, and any batch is a sum of these sizes.
var insertChunks = []int{256, 64, 16, 4, 1}

const accessInsertColumns = 25

// prepareAccessInserts prepares the INSERT statements of insertChunks on the writer.
func (s *Store) prepareAccessInserts(ctx context.Context) error {
	s.accessInserts = map[int]*sqlx.Stmt{}
	for _, n := range insertChunks {
		stmt, err := s.write.PreparexContext(ctx, insertAccessRecords(n))
		if err != nil {
			return fmt.Errorf("store: prepare access log insert: %w", err)
		}
		s.accessInserts[n] = stmt
	}
	return nil
}

// insertAccessRecords is the INSERT statement for n rows.
func insertAccessRecords(n int) string {
	var b strings.Builder
	b.WriteString(`
		INSERT INTO access_log (
		    id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura, user_org,
		    on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis, emergency,
		    client_ip, cert_fingerprint, request_id, detail, prev_hash, hash, hash_format
		) VALUES `)
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", accessInsertColumns), ", ") + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// ChainPoint is one position in the hash chain: a record id and that record's hash.
type ChainPoint struct {
	ID   int64  `db:"id"`
	Hash string `db:"hash"`
}

func accessLogHead(ctx context.Context, tx *sqlx.Tx) (ChainPoint, error) {
	var head ChainPoint
	err := tx.GetContext(ctx, &head, `SELECT last_id AS id, last_hash AS hash FROM access_log_head`)
	if err != nil {
		return ChainPoint{}, fmt.Errorf("store: read head of the access log: %w", err)
	}
	return head, nil
}

// AccessLogState is what verification starts from and ends at: the retention anchor (the last purged
// record; id 0 and the genesis hash while nothing was purged) and the head (the newest record written).
type AccessLogState struct {
	HeadID          int64  `db:"head_id"`
	HeadHash        string `db:"head_hash"`
	AnchorID        int64  `db:"anchor_id"`
	AnchorHash      string `db:"anchor_hash"`
	AnchorAt        string `db:"anchor_at"`
	PurgedCount     int64  `db:"purged_count"`
	AnchorUpdatedAt string `db:"anchor_updated_at"`
}

// AccessLogState reads the anchor and the head together.
func (s *Store) AccessLogState(ctx context.Context) (AccessLogState, error) {
	var st AccessLogState
	err := s.read.GetContext(ctx, &st, `
		SELECT h.last_id AS head_id, h.last_hash AS head_hash,
		       a.purged_id AS anchor_id, a.purged_hash AS anchor_hash, a.purged_at AS anchor_at,
		       a.purged_count AS purged_count, a.updated_at AS anchor_updated_at
		FROM access_log_head h, access_log_anchor a`)
	if err != nil {
		return AccessLogState{}, fmt.Errorf("store: read access log state: %w", err)
	}
	return st, nil
}

// AccessRecordsAfter returns up to limit records with an id above afterID, in order; verification walks
// the whole log with it page by page.
func (s *Store) AccessRecordsAfter(ctx context.Context, afterID int64, limit int) ([]AccessRecord, error) {
	var recs []AccessRecord
	err := s.read.SelectContext(ctx, &recs, `
		SELECT `+accessColumns+`
		FROM access_log
		WHERE id > ?
		ORDER BY id
		LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read access records: %w", err)
	}
	return recs, nil
}

// AccessFilter selects records for the reports: one patient's accesses in a period, a provider's own
// recent accesses, the emergency accesses to review. Empty fields do not filter.
type AccessFilter struct {
	PatientBSN string
	UserUZI    string
	// From and To bound the record time: From <= at < To, both in the log's time layout.
	From, To string
	// EmergencyOnly keeps records flagged as emergency access.
	EmergencyOnly bool
	// BeforeID pages backwards: only records with a smaller id (0: from the newest).
	BeforeID int64
	// Newest first when true, oldest first otherwise.
	NewestFirst bool
	// Limit caps the number of records (0: no cap).
	Limit int
}

// AccessRecords returns the records that match the filter.
func (s *Store) AccessRecords(ctx context.Context, f AccessFilter) ([]AccessRecord, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.PatientBSN != "" {
		// The literal <> '' lets SQLite use the partial index, which leaves out records without a patient.
		where, args = append(where, "patient_bsn = ?", "patient_bsn <> ''"), append(args, f.PatientBSN)
	}
	if f.UserUZI != "" {
		where, args = append(where, "user_uzi = ?", "user_uzi <> ''"), append(args, f.UserUZI)
	}
	if f.From != "" {
		where, args = append(where, "at >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "at < ?"), append(args, f.To)
	}
	if f.EmergencyOnly {
		where = append(where, "emergency = 1")
	}
	if f.BeforeID > 0 {
		where, args = append(where, "id < ?"), append(args, f.BeforeID)
	}
	order := "at, id"
	if f.NewestFirst {
		order = "id DESC"
	}
	limit := ""
	if f.Limit > 0 {
		limit, args = "LIMIT ?", append(args, f.Limit)
	}
	var recs []AccessRecord
	err := s.read.SelectContext(ctx, &recs, `
		SELECT `+accessColumns+`
		FROM access_log
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+order+`
		`+limit, args...)
	if err != nil {
		return nil, fmt.Errorf("store: select access records: %w", err)
	}
	return recs, nil
}

// PurgeResult says what a purge did: the new retention anchor and how many records went.
type PurgeResult struct {
	Anchor   ChainPoint
	AnchorAt string
	Purged   int64
	// Record is the purge's own record, appended to the log in the same transaction.
	Record AccessRecord
}

// ErrNothingToPurge means no record is old enough to go.
var ErrNothingToPurge = errors.New("no access records old enough to purge")

// PurgeAccessRecords removes the log's oldest records written before `before` (the log's time layout) in
// one durable transaction: it moves the retention anchor to the last record to go (the database checks
// that the anchor copies that record's hash and time and that none of them is younger than a year), deletes
// the records up to the anchor (the only deletion the database allows), and appends the record that
// describe builds from the result, so that every purge is itself in the chain. Records from `before` on,
// and every record after the first one from `before` on, stay: the log only ever loses a prefix.
func (s *Store) PurgeAccessRecords(ctx context.Context, before string, describe func(PurgeResult) AccessRecord, chain func(prev string, rec *AccessRecord)) (PurgeResult, error) {
	var res PurgeResult
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		var anchor ChainPoint
		if err := tx.GetContext(ctx, &anchor, `SELECT purged_id AS id, purged_hash AS hash FROM access_log_anchor`); err != nil {
			return fmt.Errorf("store: read retention anchor: %w", err)
		}
		head, err := accessLogHead(ctx, tx)
		if err != nil {
			return err
		}
		var through int64
		err = tx.GetContext(ctx, &through, `SELECT id - 1 FROM access_log WHERE id > ? AND at >= ? ORDER BY id LIMIT 1`, anchor.ID, before)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			through = head.ID
		case err != nil:
			return fmt.Errorf("store: find records to purge: %w", err)
		}
		if through <= anchor.ID {
			return ErrNothingToPurge
		}
		var last struct {
			Hash string `db:"hash"`
			At   string `db:"at"`
		}
		if err := tx.GetContext(ctx, &last, `SELECT hash, at FROM access_log WHERE id = ?`, through); err != nil {
			return fmt.Errorf("store: record %d, the new retention anchor: %w", through, translate(err))
		}
		var count int64
		if err := tx.GetContext(ctx, &count, `SELECT count(*) FROM access_log WHERE id > ? AND id <= ?`, anchor.ID, through); err != nil {
			return fmt.Errorf("store: count records to purge: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE access_log_anchor
			SET purged_id = ?, purged_hash = ?, purged_at = ?, purged_count = purged_count + ?,
			    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`, through, last.Hash, last.At, count); err != nil {
			return fmt.Errorf("store: move retention anchor to %d: %w", through, err)
		}
		deleted, err := tx.ExecContext(ctx, `DELETE FROM access_log WHERE id <= ?`, through)
		if err != nil {
			return fmt.Errorf("store: purge access records through %d: %w", through, err)
		}
		if n, err := deleted.RowsAffected(); err != nil || n != count {
			return fmt.Errorf("store: purge deleted %d records, expected %d (%v)", n, count, err)
		}
		res = PurgeResult{Anchor: ChainPoint{ID: through, Hash: last.Hash}, AnchorAt: last.At, Purged: count}
		recs := []AccessRecord{describe(res)}
		if err := appendAccessRecordsWith(ctx, tx, s.accessInserts, recs, chain); err != nil {
			return err
		}
		res.Record = recs[0]
		return nil
	})
	if err != nil {
		return PurgeResult{}, err
	}
	return res, nil
}
