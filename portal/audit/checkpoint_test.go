package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// checkpointed makes a log of 20 records with checkpoints after records 10 and 20, and returns the store,
// the database path, the checkpoint file and the public key.
func checkpointed(t *testing.T) (*store.Store, string, string, ed25519.PublicKey) {
	t.Helper()
	st, path := openStore(t)
	dir := t.TempDir()
	key, err := audit.LoadOrCreateCheckpointKey(filepath.Join(dir, "keys", "cp.key"), filepath.Join(dir, "keys", "cp.pub"))
	if err != nil {
		t.Fatal(err)
	}
	cps := &audit.Checkpointer{Store: st, Key: key, File: filepath.Join(dir, "checkpoints.jsonl")}
	log := newLog(t, st, nil)
	for range 2 {
		recs := make([]audit.Record, 10)
		for i := range recs {
			recs[i] = gp.View(patient, access.Lab, fmt.Sprint(i+1), audit.Basis{Relationship: access.RegisteredGP})
		}
		if err := log.AppendAll(t.Context(), recs); err != nil {
			t.Fatal(err)
		}
		if _, err := cps.Write(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	return st, path, cps.File, key.Public().(ed25519.PublicKey)
}

func verifyWith(t *testing.T, st *store.Store, file string, pub ed25519.PublicKey) (audit.CheckpointReport, error) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return audit.VerifyCheckpoints(t.Context(), st, f, pub)
}

// rehashFrom rewrites records from id on the way an intruder with the database would hide a change:
// guards dropped, one field changed, every later record re-chained and the head moved along.
func rehashFrom(t *testing.T, db *sql.DB, from, to int64) {
	t.Helper()
	mustExec(t, db, dropGuards+`; DROP TRIGGER access_log_insert_in_sequence; DROP TRIGGER access_log_move_head`)
	prev := record(t, db, from-1).Hash
	for id := from; id <= to; id++ {
		r := record(t, db, id)
		if id == from {
			r.PatientBSN = "123456782"
		}
		r.PrevHash = prev
		r.Hash = audit.Hash(r)
		mustExec(t, db, `UPDATE access_log SET patient_bsn = ?, prev_hash = ?, hash = ? WHERE id = ?`, r.PatientBSN, r.PrevHash, r.Hash, id)
		prev = r.Hash
	}
	mustExec(t, db, `UPDATE access_log_head SET last_id = ?, last_hash = ?`, to, prev)
}

// TestCheckpointsFindWhatTheChainCannot: the attacks of an intruder with database access that leave the
// chain itself intact — the tail cut and the head moved back, a range rewritten and re-chained — pass
// Verify's chain walk, and are found and named by the checkpoints; a forged checkpoint line is reported
// rather than trusted.
func TestCheckpointsFindWhatTheChainCannot(t *testing.T) {
	t.Run("intact", func(t *testing.T) {
		st, _, file, pub := checkpointed(t)
		rep, err := verifyWith(t, st, file, pub)
		if err != nil || rep.Checked != 2 || rep.Newest.LastID != 20 || rep.Newest.Count != 20 {
			t.Fatalf("intact log: %+v %v", rep, err)
		}
	})
	t.Run("the tail cut and the head moved back", func(t *testing.T) {
		st, path, file, pub := checkpointed(t)
		db := rawDB(t, path)
		mustExec(t, db, dropGuards)
		mustExec(t, db, `DELETE FROM access_log WHERE id > 14`)
		mustExec(t, db, `UPDATE access_log_head SET last_id = 14, last_hash = ?`, record(t, db, 14).Hash)
		if _, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); !errors.Is(err, audit.ErrGuardMissing) {
			t.Fatalf("the chain walk should pass and the guards fail: %v", err)
		}
		rep, err := verifyWith(t, st, file, pub)
		if !errors.Is(err, audit.ErrCheckpointMismatch) {
			t.Fatalf("a cut tail passes the checkpoints: %+v", rep)
		}
		got := findings(rep)
		if !strings.Contains(got, "line 2 (count_lower)") || !strings.Contains(got, "line 2 (cut): record 20") || !strings.Contains(got, "records 15 to 20 were cut off") || strings.Contains(got, "line 1") {
			t.Fatalf("findings:\n%s", got)
		}
	})
	t.Run("a range rewritten and re-chained", func(t *testing.T) {
		st, path, file, pub := checkpointed(t)
		rehashFrom(t, rawDB(t, path), 13, 20)
		if _, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); !errors.Is(err, audit.ErrGuardMissing) {
			t.Fatalf("the chain walk should pass and the guards fail: %v", err)
		}
		rep, err := verifyWith(t, st, file, pub)
		got := findings(rep)
		if !errors.Is(err, audit.ErrCheckpointMismatch) || !strings.Contains(got, "line 2 (rewritten): record 20") ||
			!strings.Contains(got, "records after record 10, which still matches the checkpoint") || strings.Contains(got, "line 1") {
			t.Fatalf("findings (%v):\n%s", err, got)
		}
	})
	t.Run("a rewrite reaching back before the first checkpoint", func(t *testing.T) {
		st, path, file, pub := checkpointed(t)
		rehashFrom(t, rawDB(t, path), 3, 20)
		rep, _ := verifyWith(t, st, file, pub)
		got := findings(rep)
		if !strings.Contains(got, "line 1 (rewritten): record 10") || !strings.Contains(got, "after the start of the log") || !strings.Contains(got, "line 2 (rewritten)") {
			t.Fatalf("findings:\n%s", got)
		}
	})
	t.Run("a forged checkpoint line", func(t *testing.T) {
		st, _, file, pub := checkpointed(t)
		lines := bytes.Split(bytes.TrimSpace(must(os.ReadFile(file))), []byte("\n"))
		var cp audit.Checkpoint
		if err := json.Unmarshal(lines[1], &cp); err != nil {
			t.Fatal(err)
		}
		cp.LastID, cp.Count = 15, 15 // an intruder's "witness" for a log cut back to 15
		forged, _ := json.Marshal(cp)
		other, _, _ := ed25519.GenerateKey(nil)
		foreign := cp
		foreign.KeyID = audit.KeyID(other)
		foreignLine, _ := json.Marshal(foreign)
		file2 := filepath.Join(t.TempDir(), "checkpoints.jsonl")
		os.WriteFile(file2, bytes.Join([][]byte{lines[0], forged, foreignLine, []byte("{not json")}, []byte("\n")), 0o600)
		rep, err := verifyWith(t, st, file2, pub)
		got := findings(rep)
		if !errors.Is(err, audit.ErrCheckpointMismatch) || !strings.Contains(got, "line 2 (forged)") || !strings.Contains(got, "line 3 (unknown_key)") ||
			!strings.Contains(got, "line 4 (malformed)") || rep.Checked != 1 {
			t.Fatalf("findings (%v, %d checked):\n%s", err, rep.Checked, got)
		}
	})
	t.Run("checked with another public key", func(t *testing.T) {
		st, _, file, _ := checkpointed(t)
		other, _, _ := ed25519.GenerateKey(nil)
		if rep, err := verifyWith(t, st, file, other); !errors.Is(err, audit.ErrCheckpointMismatch) || rep.Checked != 0 {
			t.Fatalf("checkpoints accepted under another key: %+v", rep)
		}
	})
}

// TestVerifyNamesAMissingGuard: verification of an intact chain fails when a guard trigger was dropped,
// or replaced by one of the same name that lets everything through, and names it.
func TestVerifyNamesAMissingGuard(t *testing.T) {
	st, path := logWith20Records(t)
	if _, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil {
		t.Fatalf("fresh log: %v", err)
	}
	guards, err := st.AccessLogGuards(t.Context())
	if err != nil || len(guards) < 8 {
		t.Fatalf("guards of a fresh log: %+v %v", guards, err)
	}
	db := rawDB(t, path)
	mustExec(t, db, `DROP TRIGGER access_log_head_no_delete`)
	mustExec(t, db, `DROP TRIGGER access_log_no_update; CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log WHEN 0 BEGIN SELECT 1; END`)
	_, err = audit.Verify(t.Context(), st, audit.VerifyOptions{})
	var ge *audit.GuardError
	if !errors.As(err, &ge) || !errors.Is(err, audit.ErrGuardMissing) {
		t.Fatalf("verify without guards: %v", err)
	}
	if msg := ge.Error(); !strings.Contains(msg, "access_log_head_no_delete on access_log_head (missing)") || !strings.Contains(msg, "access_log_no_update on access_log (changed)") || len(ge.Guards) != 2 {
		t.Fatalf("guard error: %s", msg)
	}
}

// TestCheckpointKeyStaysOutsideTheDatabase: the key is generated once, kept, and its public half is
// written beside it; a public key that does not belong to the signing key is refused.
func TestCheckpointKeyStaysOutsideTheDatabase(t *testing.T) {
	dir := t.TempDir()
	keyPath, pubPath := filepath.Join(dir, "keys", "cp.key"), filepath.Join(dir, "keys", "cp.pub")
	first, err := audit.LoadOrCreateCheckpointKey(keyPath, pubPath)
	if err != nil {
		t.Fatal(err)
	}
	again, err := audit.LoadOrCreateCheckpointKey(keyPath, pubPath)
	if err != nil || !first.Equal(again) {
		t.Fatalf("the key changed between runs: %v", err)
	}
	if info, err := os.Stat(keyPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", info.Mode(), err)
	}
	pub, err := audit.LoadCheckpointPublicKey(pubPath)
	if err != nil || !pub.Equal(first.Public()) {
		t.Fatalf("public key: %v", err)
	}
	os.Remove(keyPath)
	if _, err := audit.LoadOrCreateCheckpointKey(keyPath, pubPath); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("a new key under an old public key: %v", err)
	}
}

func findings(rep audit.CheckpointReport) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCheckpointOnlyWhenTheHeadMoved: the running portal's interval writes a checkpoint only when the log
// grew since the last one, so an idle portal does not fill the file, and every checkpoint is signed.
func TestCheckpointOnlyWhenTheHeadMoved(t *testing.T) {
	st, _ := openStore(t)
	dir := t.TempDir()
	key, err := audit.LoadOrCreateCheckpointKey(filepath.Join(dir, "cp.key"), filepath.Join(dir, "cp.pub"))
	if err != nil {
		t.Fatal(err)
	}
	cps := &audit.Checkpointer{Store: st, Key: key, File: filepath.Join(dir, "checkpoints.jsonl")}
	log := newLog(t, st, nil)
	steps := []struct {
		append bool
		wrote  bool
	}{{false, true}, {false, false}, {true, true}, {false, false}, {true, true}}
	for i, step := range steps {
		if step.append {
			if err := log.Append(t.Context(), gp.Login()); err != nil {
				t.Fatal(err)
			}
		}
		if wrote, err := cps.WriteIfMoved(t.Context()); err != nil || wrote != step.wrote {
			t.Fatalf("step %d: wrote %v (%v), want %v", i, wrote, err, step.wrote)
		}
	}
	rep, err := verifyWith(t, st, cps.File, key.Public().(ed25519.PublicKey))
	if err != nil || rep.Lines != 3 || rep.Checked != 3 || rep.Newest.LastID != 2 {
		t.Fatalf("checkpoints: %+v %v", rep, err)
	}
}
