package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mustOpen opens a fresh database in the test's temporary folder with every migration applied.
func mustOpen(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	for range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		names, err := s.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) == 0 || names[0] != "migrations/0001_core.sql" {
			t.Fatalf("applied migrations = %v", names)
		}
		s.Close()
	}
}

func TestEveryConnectionHasThePragmas(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	var mode string
	if err := s.write.GetContext(ctx, &mode, `PRAGMA journal_mode`); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.read.GetContext(ctx, &fk, `PRAGMA foreign_keys`); err != nil || fk != 1 {
		t.Fatalf("foreign_keys on reader = %d, %v", fk, err)
	}
	if _, err := s.read.ExecContext(ctx, `INSERT INTO organisations (name) VALUES ('x')`); err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

func TestAccessLogIsAppendOnlyAndChained(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	recs := []AccessRecord{{At: now, Event: "login", Outcome: "allowed"}, {At: now, Event: "view", Outcome: "allowed"}}
	if err := s.AppendAccessRecords(ctx, recs, testChain); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAccessRecords(ctx, []AccessRecord{{At: now, Event: "search", Outcome: "refused"}}, testChain); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccessRecordsAfter(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].PrevHash != GenesisHash || got[1].PrevHash != got[0].Hash || got[2].PrevHash != got[1].Hash {
		t.Fatalf("chain broken: %+v", got)
	}
	for _, stmt := range []string{`UPDATE access_log SET outcome = 'refused' WHERE id = 1`, `DELETE FROM access_log WHERE id = 1`} {
		_, err := s.write.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want refusal", stmt, err)
		}
	}
}

// testChain is a stand-in for audit.Chain (which the store cannot import): any hash over the content
// and the previous hash will do for the store's own checks.
func testChain(prev string, r *AccessRecord) {
	r.PrevHash = prev
	r.HashFormat = 2
	sum := sha256.Sum256([]byte(fmt.Sprint(r.ID, prev, r.At, r.Event, r.Detail)))
	r.Hash = hex.EncodeToString(sum[:])
}

func TestPatientNotFound(t *testing.T) {
	s := mustOpen(t)
	_, err := s.Patient(context.Background(), 42)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestEndedSessionsAreKeptUntilTheirCookiesExpire(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if err := st.EndSession(ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", now, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.EndSession(ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", now, now.Add(2*time.Hour)); err != nil {
		t.Fatalf("ending a session twice: %v", err)
	}
	later := now.Add(3 * time.Hour)
	if err := st.EndSession(ctx, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", later, later.Add(12*time.Hour)); err != nil {
		t.Fatal(err)
	}
	ended, err := st.EndedSessions(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ended) != 1 || !ended["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"].Equal(later.Add(12*time.Hour)) {
		t.Fatalf("ended sessions %v: the expired one should be gone, the new one kept", ended)
	}
	if err := st.EndSession(ctx, "short", now, now); err == nil {
		t.Error("a session id that is no session id was stored")
	}
}
