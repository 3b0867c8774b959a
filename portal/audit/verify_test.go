package audit_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// logWith20Records makes a database with 20 records and returns its store and path.
func logWith20Records(t *testing.T) (*store.Store, string) {
	t.Helper()
	st, path := openStore(t)
	log := newLog(t, st, nil)
	recs := make([]audit.Record, 20)
	for i := range recs {
		recs[i] = gp.View(patient, access.Lab, fmt.Sprint(i+1), audit.Basis{Relationship: access.RegisteredGP})
	}
	if err := log.AppendAll(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	return st, path
}

const dropGuards = `DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_delete_only_purged;
	DROP TRIGGER access_log_head_forward_only; DROP TRIGGER access_log_anchor_forward_only`

func record(t *testing.T, db *sql.DB, id int64) store.AccessRecord {
	t.Helper()
	var r store.AccessRecord
	row := db.QueryRow(`SELECT id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura, user_org,
		on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis, emergency,
		client_ip, cert_fingerprint, request_id, detail, prev_hash, hash, hash_format FROM access_log WHERE id = ?`, id)
	if err := row.Scan(&r.ID, &r.At, &r.Event, &r.Outcome, &r.Reason, &r.UserUZI, &r.UserName, &r.UserRole, &r.UserAGB,
		&r.UserURA, &r.UserOrg, &r.OnBehalfOf, &r.PatientBSN, &r.PatientNumber, &r.ObjectCategory, &r.ObjectIDs, &r.Basis,
		&r.Emergency, &r.ClientIP, &r.CertFingerprint, &r.RequestID, &r.Detail, &r.PrevHash, &r.Hash, &r.HashFormat); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestVerifyNamesTheFirstBrokenRecord tampers with the database file the way someone with access to it
// could (dropping the guarding triggers where needed) and checks that verification fails at the right
// record with the right problem.
func TestVerifyNamesTheFirstBrokenRecord(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, db *sql.DB)
		id      int64
		problem audit.Problem
	}{
		{"a field changed", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `UPDATE access_log SET user_name = 'Iemand Anders' WHERE id = 7`)
		}, 7, audit.ProblemHash},
		{"the emergency flag changed", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `UPDATE access_log SET emergency = 1 WHERE id = 12`)
		}, 12, audit.ProblemHash},
		{"a field changed and the record re-hashed", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			r := record(t, db, 7)
			r.PatientBSN = "123456782"
			mustExec(t, db, `UPDATE access_log SET patient_bsn = ?, hash = ? WHERE id = 7`, r.PatientBSN, audit.Hash(r))
		}, 8, audit.ProblemPrevHash},
		{"a record deleted", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `DELETE FROM access_log WHERE id = 7`)
		}, 7, audit.ProblemMissing},
		{"a forged record with a wrong hash appended (the triggers cannot check hashes)", func(t *testing.T, db *sql.DB) {
			last := record(t, db, 20)
			mustExec(t, db, `INSERT INTO access_log (id, at, event, outcome, user_name, patient_bsn, prev_hash, hash, hash_format)
				VALUES (21, ?, 'view', 'success', 'Dr. Vals', '999990019', ?, ?, 2)`, last.At, last.Hash, strings.Repeat("f", 64))
		}, 21, audit.ProblemHash},
		{"the end cut off", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `DELETE FROM access_log WHERE id >= 19`)
		}, 19, audit.ProblemTruncated},
		{"the end cut off and the head moved back", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `DELETE FROM access_log WHERE id >= 19`)
			mustExec(t, db, `UPDATE access_log_head SET last_id = 18, last_hash = 'x'`)
		}, 18, audit.ProblemHead},
		{"records renumbered to close a gap", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `DELETE FROM access_log WHERE id = 7`)
			mustExec(t, db, `UPDATE access_log SET id = id - 1 WHERE id > 7`)
		}, 7, audit.ProblemPrevHash},
		{"the oldest records removed with a made-up anchor", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			five := record(t, db, 5)
			mustExec(t, db, `UPDATE access_log_anchor SET purged_id = 5, purged_hash = ?, purged_at = ?`, five.Hash, five.At)
			mustExec(t, db, `DELETE FROM access_log WHERE id <= 5`)
		}, 5, audit.ProblemAnchor},
		{"the oldest records removed without an anchor", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, dropGuards)
			mustExec(t, db, `DELETE FROM access_log WHERE id <= 5`)
		}, 1, audit.ProblemMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, path := logWith20Records(t)
			if _, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			tt.tamper(t, rawDB(t, path))
			_, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
			var ce *audit.ChainError
			if !errors.As(err, &ce) || !errors.Is(err, audit.ErrChainBroken) {
				t.Fatalf("verify after tampering: err = %v, want a ChainError", err)
			}
			if ce.ID != tt.id || ce.Problem != tt.problem {
				t.Fatalf("verify names record %d (%s), want record %d (%s): %v", ce.ID, ce.Problem, tt.id, tt.problem, err)
			}
		})
	}
}

func TestPurgeKeepsTheLogVerifiable(t *testing.T) {
	st, path := openStore(t)
	now := time.Now()
	long := now.AddDate(-7, 0, 0)
	clock := long
	log := newLog(t, st, func() time.Time { return clock })
	for i := range 30 {
		if i == 20 {
			clock = now.AddDate(-2, 0, 0) // the last ten are two years old: inside a five-year retention
		}
		if err := log.Append(t.Context(), gp.View(patient, access.Lab, fmt.Sprint(i), audit.Basis{})); err != nil {
			t.Fatal(err)
		}
	}
	clock = now
	admin := audit.SystemActor("audit purge", "beheer")
	if _, err := log.Purge(t.Context(), admin, now.AddDate(-3, 0, 0), 5); !errors.Is(err, audit.ErrWithinRetention) {
		t.Fatalf("purge inside the retention: err = %v, want ErrWithinRetention", err)
	}
	res, err := log.Purge(t.Context(), admin, time.Time{}, 5) // retention-driven: before now - 5 years
	if err != nil {
		t.Fatal(err)
	}
	if res.Anchor.ID != 20 || res.Purged != 20 || res.Record.ID != 31 {
		t.Fatalf("purge: %+v", res)
	}
	if _, err := log.Purge(t.Context(), admin, time.Time{}, 5); !errors.Is(err, audit.ErrNothingToPurge) {
		t.Fatalf("second purge: err = %v, want ErrNothingToPurge", err)
	}
	v, err := audit.Verify(t.Context(), st, audit.VerifyOptions{RetentionCutoff: audit.RetentionCutoff(now, 5)})
	if err != nil {
		t.Fatalf("verify after purge: %v", err)
	}
	if v.Records != 11 || v.Anchor.ID != 20 || v.PurgedCount != 20 || v.Head.ID != 31 {
		t.Fatalf("verify after purge: %+v", v)
	}
	// A retention of eight years would not have allowed this purge: verification says so.
	_, err = audit.Verify(t.Context(), st, audit.VerifyOptions{RetentionCutoff: audit.RetentionCutoff(now, 8)})
	var ce *audit.ChainError
	if !errors.As(err, &ce) || ce.Problem != audit.ProblemAnchor || ce.ID != 20 {
		t.Fatalf("verify against a longer retention: err = %v, want an anchor problem at 20", err)
	}
	// The chain goes on after the purge, and a forged first record is still caught.
	if err := log.Append(t.Context(), gp.Login()); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	mustExec(t, db, dropGuards)
	mustExec(t, db, `UPDATE access_log SET prev_hash = 'x' WHERE id = 21`)
	if _, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); !errors.As(err, &ce) || ce.ID != 21 || ce.Problem != audit.ProblemPrevHash {
		t.Fatalf("verify with a forged first record after the anchor: %v", err)
	}
}
