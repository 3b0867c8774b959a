package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// AccessRecord is one row of the NEN 7513 access log. The audit package fills it and computes the hash;
// the store only keeps the rows in order.
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
}

// GenesisHash is the previous hash of the very first record of the log.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AppendAccessRecords appends records in one transaction. Inside the write lock it reads the hash of the
// last record and calls chain for each new record in order, so that appends from several processes (the
// server and a command-line tool) still form one unbroken chain. chain must set ID-independent PrevHash
// and Hash on the record it is given.
func (s *Store) AppendAccessRecords(ctx context.Context, recs []AccessRecord, chain func(prev string, rec *AccessRecord)) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		return appendAccessRecordsTx(ctx, tx, recs, chain)
	})
}

// appendAccessRecordsTx appends records inside a write transaction that may also hold the change they
// log (an import), so that the change and its log entry are committed together or not at all.
func appendAccessRecordsTx(ctx context.Context, tx *sqlx.Tx, recs []AccessRecord, chain func(prev string, rec *AccessRecord)) error {
	prev, err := lastAccessHash(ctx, tx)
	if err != nil {
		return err
	}
	for i := range recs {
		chain(prev, &recs[i])
		res, err := tx.NamedExecContext(ctx, `
			INSERT INTO access_log (
			    at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura,
			    on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis, emergency,
			    client_ip, cert_fingerprint, request_id, detail, prev_hash, hash
			) VALUES (
			    :at, :event, :outcome, :reason, :user_uzi, :user_name, :user_role, :user_agb, :user_ura,
			    :on_behalf_of, :patient_bsn, :patient_number, :object_category, :object_ids, :basis, :emergency,
			    :client_ip, :cert_fingerprint, :request_id, :detail, :prev_hash, :hash
			)`, &recs[i])
		if err != nil {
			return fmt.Errorf("store: append access record: %w", translate(err))
		}
		if recs[i].ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: append access record: %w", err)
		}
		prev = recs[i].Hash
	}
	return nil
}

func lastAccessHash(ctx context.Context, tx *sqlx.Tx) (string, error) {
	var hash string
	err := tx.GetContext(ctx, &hash, `SELECT hash FROM access_log ORDER BY id DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return GenesisHash, nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read last access record: %w", err)
	}
	return hash, nil
}

// AccessRecordsAfter returns up to limit records with an id above afterID, in order; verification walks
// the whole log with it page by page.
func (s *Store) AccessRecordsAfter(ctx context.Context, afterID int64, limit int) ([]AccessRecord, error) {
	var recs []AccessRecord
	err := s.read.SelectContext(ctx, &recs, `
		SELECT id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura,
		       on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis, emergency,
		       client_ip, cert_fingerprint, request_id, detail, prev_hash, hash
		FROM access_log
		WHERE id > ?
		ORDER BY id
		LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read access records: %w", err)
	}
	return recs, nil
}
