package portal

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zorgverlenersportaal/portal/store"
)

// TestEndedSessionsSurviveARestart: a portal that starts again on the same database still refuses the
// sessions ended before, until their cookies would have expired anyway.
func TestEndedSessionsSurviveARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ledger, err := newSessionLedger(ctx, st, clock)
	if err != nil {
		t.Fatal(err)
	}
	const ended, expiring = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	if err := ledger.End(ctx, ended, now.Add(12*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ledger.End(ctx, expiring, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !ledger.Ended(ended) || ledger.Ended("another") {
		t.Fatal("the ledger does not know what it was told")
	}
	st.Close()

	now = now.Add(2 * time.Hour) // the second session's cookie has expired by itself meanwhile
	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	restarted, err := newSessionLedger(ctx, st, clock)
	if err != nil {
		t.Fatal(err)
	}
	if !restarted.Ended(ended) {
		t.Error("after a restart an ended session is valid again")
	}
	if restarted.Ended(expiring) {
		t.Error("a session whose cookie expired is still held in memory")
	}
}
