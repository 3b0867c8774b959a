package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// appendAt appends n records with the given time and returns them.
func appendAt(t *testing.T, s *Store, at string, n int) []AccessRecord {
	t.Helper()
	recs := make([]AccessRecord, n)
	for i := range recs {
		recs[i] = AccessRecord{At: at, Event: "view", Outcome: "success", Detail: fmt.Sprint(i)}
	}
	if err := s.AppendAccessRecords(context.Background(), recs, testChain); err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestAccessLogDatabaseEnforcesTheChain(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	recs := appendAt(t, s, "2026-01-01T10:00:00.000Z", 3)
	if recs[0].ID != 1 || recs[2].ID != 3 {
		t.Fatalf("ids %d..%d, want 1..3", recs[0].ID, recs[2].ID)
	}
	state, err := s.AccessLogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if state.HeadID != 3 || state.HeadHash != recs[2].Hash || state.AnchorID != 0 || state.AnchorHash != GenesisHash {
		t.Fatalf("state after three appends: %+v", state)
	}
	insert := `INSERT INTO access_log (id, at, event, outcome, prev_hash, hash, hash_format) VALUES (?, '2026-01-01T10:00:00.000Z', 'view', 'success', ?, ?, 2)`
	tests := []struct {
		name string
		stmt string
		args []any
		want string
	}{
		{"change a record", `UPDATE access_log SET user_name = 'X' WHERE id = 2`, nil, "append-only"},
		{"delete a record", `DELETE FROM access_log WHERE id = 3`, nil, "append-only"},
		{"insert leaving a gap", insert, []any{5, recs[2].Hash, "h5"}, "next id"},
		{"insert with an old id", insert, []any{2, recs[2].Hash, "h2"}, "next id"},
		{"insert without id", `INSERT INTO access_log (at, event, outcome, prev_hash, hash, hash_format) VALUES ('x', 'view', 'success', ?, 'hx', 2)`, []any{recs[2].Hash}, "next id"},
		{"insert forking the chain", insert, []any{4, recs[1].Hash, "h4"}, "hash of the last record"},
		{"move the head back", `UPDATE access_log_head SET last_id = 2, last_hash = ?`, []any{recs[1].Hash}, "access_log_head"},
		{"delete the head", `DELETE FROM access_log_head`, nil, "access_log_head"},
		{"anchor a young record", `UPDATE access_log_anchor SET purged_id = 2, purged_hash = ?, purged_at = '2026-01-01T10:00:00.000Z'`, []any{recs[1].Hash}, "access_log_anchor"},
		{"anchor with a made-up hash", `UPDATE access_log_anchor SET purged_id = 2, purged_hash = 'x', purged_at = '2026-01-01T10:00:00.000Z'`, nil, "access_log_anchor"},
		{"delete the anchor", `DELETE FROM access_log_anchor`, nil, "access_log_anchor"},
		{"second head row", `INSERT INTO access_log_head (only, last_id, last_hash) VALUES (2, 0, '')`, nil, "CHECK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.write.ExecContext(ctx, tt.stmt, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a refusal mentioning %q", err, tt.want)
			}
		})
	}
	after, _ := s.AccessLogState(ctx)
	if after != state {
		t.Fatalf("a refused statement changed the state: %+v, was %+v", after, state)
	}
	// The proper next record is accepted and moves the head.
	if _, err := s.write.ExecContext(ctx, insert, 4, recs[2].Hash, "h4"); err != nil {
		t.Fatalf("the next record in sequence was refused: %v", err)
	}
	if after, _ := s.AccessLogState(ctx); after.HeadID != 4 || after.HeadHash != "h4" {
		t.Fatalf("head after insert: %+v", after)
	}
}

func TestDurableWriteRunsWithSynchronousFull(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	var inside int
	err := s.inDurableWriteTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &inside, `PRAGMA synchronous`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside != 2 {
		t.Fatalf("synchronous inside the access-log transaction = %d, want 2 (FULL: the WAL is synced at commit)", inside)
	}
	var outside int
	if err := s.write.GetContext(ctx, &outside, `PRAGMA synchronous`); err != nil {
		t.Fatal(err)
	}
	if outside != 1 {
		t.Fatalf("synchronous of the writer afterwards = %d, want 1 (NORMAL) for the other writes", outside)
	}
}

func TestPurgeRemovesOnlyOldRecordsAndAnchorsTheChain(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	old := appendAt(t, s, "2015-03-01T10:00:00.000Z", 4)
	young := appendAt(t, s, time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), 2)
	describe := func(res PurgeResult) AccessRecord {
		return AccessRecord{At: "2026-01-01T00:00:00.000Z", Event: "admin_action", Outcome: "success", Detail: fmt.Sprint("anchor=", res.Anchor.ID)}
	}
	// A cutoff that would include young records stops at the first young one's predecessor... but the
	// database refuses to anchor records younger than a year.
	if _, err := s.PurgeAccessRecords(ctx, "2999-01-01T00:00:00.000Z", describe, testChain); err == nil || !strings.Contains(err.Error(), "access_log_anchor") {
		t.Fatalf("purging young records: err = %v, want the anchor trigger's refusal", err)
	}
	res, err := s.PurgeAccessRecords(ctx, "2016-01-01T00:00:00.000Z", describe, testChain)
	if err != nil {
		t.Fatal(err)
	}
	if res.Anchor.ID != 4 || res.Anchor.Hash != old[3].Hash || res.Purged != 4 || res.Record.ID != 7 || res.Record.PrevHash != young[1].Hash {
		t.Fatalf("purge result %+v", res)
	}
	left, _ := s.AccessRecordsAfter(ctx, 0, 100)
	if len(left) != 3 || left[0].ID != 5 || left[0].PrevHash != res.Anchor.Hash {
		t.Fatalf("records left: %+v", left)
	}
	state, _ := s.AccessLogState(ctx)
	if state.AnchorID != 4 || state.AnchorHash != old[3].Hash || state.PurgedCount != 4 || state.HeadID != 7 {
		t.Fatalf("state after purge: %+v", state)
	}
	if _, err := s.PurgeAccessRecords(ctx, "2016-01-01T00:00:00.000Z", describe, testChain); !errors.Is(err, ErrNothingToPurge) {
		t.Fatalf("second purge: err = %v, want ErrNothingToPurge", err)
	}
	if _, err := s.write.ExecContext(ctx, `DELETE FROM access_log WHERE id = 5`); err == nil {
		t.Fatal("a record above the anchor was deleted")
	}
	if _, err := s.write.ExecContext(ctx, `UPDATE access_log_anchor SET purged_id = 3, purged_hash = ?, purged_at = '2015-03-01T10:00:00.000Z'`, old[2].Hash); err == nil {
		t.Fatal("the anchor moved backwards")
	}
}

// TestLogRebuiltWithoutHashIndexKeepsRecordsAndGuards makes a database as the release before migration
// 0100 left it (records appended, some purged behind the anchor), applies 0100, and requires every record
// unchanged, the head and the anchor unchanged, every index and trigger that guards the log exactly as
// before, the unique index on the hashes gone, and the guards still refusing what they refused.
func TestLogRebuiltWithoutHashIndexKeepsRecordsAndGuards(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	before, err := openWith(ctx, path, "sqlite3", "migrations/0090_per_patient_order.sql")
	if err != nil {
		t.Fatal(err)
	}
	old := appendAt(t, before, "2015-03-01T10:00:00.000Z", 4)
	appendAt(t, before, "2026-01-01T10:00:00.000Z", 20)
	describe := func(res PurgeResult) AccessRecord {
		return AccessRecord{At: "2026-01-02T00:00:00.000Z", Event: "admin_action", Outcome: "success", Detail: fmt.Sprint("anchor=", res.Anchor.ID)}
	}
	if _, err := before.PurgeAccessRecords(ctx, "2016-01-01T00:00:00.000Z", describe, testChain); err != nil {
		t.Fatal(err)
	}
	if !hasUniqueHashIndex(t, before) {
		t.Fatal("the database before 0100 has no unique index on the hashes: the test does not start where a real one does")
	}
	rowsBefore, guardsBefore := logRows(t, before), logGuards(t, before)
	stateBefore, err := before.AccessLogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if hasUniqueHashIndex(t, s) {
		t.Fatal("the unique index on the hashes is still there after 0100")
	}
	if rows := logRows(t, s); !slices.Equal(rows, rowsBefore) {
		t.Fatalf("the records changed:\n got %q\nwant %q", rows, rowsBefore)
	}
	if guards := logGuards(t, s); !slices.Equal(guards, guardsBefore) {
		t.Fatalf("the guards changed:\n got %q\nwant %q", guards, guardsBefore)
	}
	state, err := s.AccessLogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if state != stateBefore {
		t.Fatalf("state after 0100 %+v, before %+v", state, stateBefore)
	}
	refused := []struct{ name, stmt string }{
		{"change a record", `UPDATE access_log SET user_name = 'X' WHERE id = 10`},
		{"delete a record above the anchor", `DELETE FROM access_log WHERE id = 10`},
		{"insert out of sequence", `INSERT INTO access_log (id, at, event, outcome, prev_hash, hash, hash_format) VALUES (99, 'x', 'view', 'success', 'p', 'h', 2)`},
		{"move the head back", `UPDATE access_log_head SET last_id = 5`},
		{"move the anchor back", fmt.Sprintf(`UPDATE access_log_anchor SET purged_id = 3, purged_hash = '%s'`, old[2].Hash)},
	}
	for _, tt := range refused {
		if _, err := s.write.ExecContext(ctx, tt.stmt); err == nil {
			t.Errorf("%s: accepted after 0100", tt.name)
		}
	}
	more := appendAt(t, s, "2026-01-03T10:00:00.000Z", 3)
	if more[0].ID != stateBefore.HeadID+1 || more[0].PrevHash != stateBefore.HeadHash {
		t.Fatalf("the chain did not continue from the head: first new record %+v, head was %+v", more[0], stateBefore)
	}
}

// hasUniqueHashIndex reports whether the access log has a unique index (the one 0001 declared on hash).
func hasUniqueHashIndex(t *testing.T, s *Store) bool {
	t.Helper()
	var n int
	if err := s.write.Get(&n, `SELECT count(*) FROM pragma_index_list('access_log') WHERE "unique" = 1`); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// logRows returns every access-log record, all columns, in id order, one string per record.
func logRows(t *testing.T, s *Store) []string {
	t.Helper()
	var rows []string
	if err := s.write.Select(&rows, `
		SELECT json_array(id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura,
		                  on_behalf_of, patient_bsn, patient_number, object_category, object_ids, basis,
		                  emergency, client_ip, cert_fingerprint, request_id, detail, prev_hash, hash,
		                  user_org, hash_format)
		FROM access_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

// logGuards returns the definitions of the indexes and triggers of the access log and its head and
// anchor, by name.
func logGuards(t *testing.T, s *Store) []string {
	t.Helper()
	var defs []string
	if err := s.write.Select(&defs, `
		SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || sql
		FROM sqlite_master
		WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
		  AND tbl_name IN ('access_log', 'access_log_head', 'access_log_anchor')
		ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 11 {
		t.Fatalf("%d guards of the access log, want 3 indexes and 8 triggers: %q", len(defs), defs)
	}
	return defs
}
