package abuse

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// TestAccessLogTampering: an insider with the database file hides what was done by cutting the newest
// records off the log and moving its head back, or by rewriting a range and computing the chain again,
// after dropping the triggers that guard the log; or makes up a checkpoint to match. The chain alone
// cannot see the first two; the checkpoints signed outside the database find and name them, verification
// names the dropped guards, and a forged checkpoint is reported instead of trusted.
func TestAccessLogTampering(t *testing.T) {
	t.Parallel()
	// portal starts a portal, makes traffic (logins and searches of several cards, each written to the
	// log) around two checkpoints, and returns it with its checkpoint file and public key.
	portal := func(t *testing.T) (*portaltest.Env, string, ed25519.PublicKey) {
		t.Helper()
		env := portaltest.Start(t, portaltest.Options{})
		cfg := env.Config
		key, err := audit.LoadOrCreateCheckpointKey(cfg.Path(cfg.Audit.CheckpointKeyFile), cfg.Path(cfg.Audit.CheckpointPublicKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		cps := &audit.Checkpointer{Store: env.Store, Key: key, File: cfg.Path(cfg.Audit.CheckpointFile)}
		for _, card := range []string{devpki.CardGP, devpki.CardPharmacist, devpki.CardNurse} {
			c := env.Client(t, card)
			get(t, c, "/patients/search")
			for range 3 {
				search(t, c, bsnUnknown, "1960-01-01") // each search is logged, a miss too
			}
			if _, err := cps.Write(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := audit.Verify(t.Context(), env.Store, audit.VerifyOptions{}); err != nil {
			t.Fatalf("before the attack: %v", err)
		}
		if _, err := checkAgainst(t, env, cps.File, key.Public().(ed25519.PublicKey)); err != nil {
			t.Fatalf("before the attack: %v", err)
		}
		return env, cps.File, key.Public().(ed25519.PublicKey)
	}
	runAttacks(t, []attack{
		{
			name:    "the log's tail cut and its head moved back, with database access",
			defence: "audit.VerifyCheckpoints: the checkpointed head is gone (cut, count lower); audit.CheckGuards names the dropped triggers",
			try: func(t *testing.T) {
				env, file, pub := portal(t)
				head := lastRecordID(t, env)
				keep := head - 4
				db := openDB(t, env)
				exec(t, db, `DROP TRIGGER access_log_delete_only_purged; DROP TRIGGER access_log_head_forward_only`)
				var hash string
				if err := db.QueryRow(`SELECT hash FROM access_log WHERE id = ?`, keep).Scan(&hash); err != nil {
					t.Fatal(err)
				}
				exec(t, db, `DELETE FROM access_log WHERE id > ?`, keep)
				exec(t, db, `UPDATE access_log_head SET last_id = ?, last_hash = ?`, keep, hash)
				guardsNamed(t, env, "access_log_delete_only_purged", "access_log_head_forward_only")
				rep, err := checkAgainst(t, env, file, pub)
				if !errors.Is(err, audit.ErrCheckpointMismatch) || !strings.Contains(rep, "(cut)") || !strings.Contains(rep, "were cut off") {
					t.Fatalf("the cut tail is not found:\n%s", rep)
				}
			},
		},
		{
			name:    "a range of the log rewritten and chained again, with database access",
			defence: "audit.VerifyCheckpoints: the checkpointed record has another hash (rewritten, after the last checkpoint that still holds)",
			try: func(t *testing.T) {
				env, file, pub := portal(t)
				head := lastRecordID(t, env)
				db := openDB(t, env)
				exec(t, db, `DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_head_forward_only`)
				from := head - 5
				prev := ""
				if err := db.QueryRow(`SELECT hash FROM access_log WHERE id = ?`, from-1).Scan(&prev); err != nil {
					t.Fatal(err)
				}
				for id := from; id <= head; id++ {
					r := record(t, env, id)
					if id == from {
						r.UserName = "Iemand Anders"
					}
					r.PrevHash = prev
					r.Hash = audit.Hash(r)
					exec(t, db, `UPDATE access_log SET user_name = ?, prev_hash = ?, hash = ? WHERE id = ?`, r.UserName, r.PrevHash, r.Hash, id)
					prev = r.Hash
				}
				exec(t, db, `UPDATE access_log_head SET last_hash = ?`, prev)
				guardsNamed(t, env, "access_log_no_update", "access_log_head_forward_only")
				rep, err := checkAgainst(t, env, file, pub)
				if !errors.Is(err, audit.ErrCheckpointMismatch) || !strings.Contains(rep, "(rewritten)") {
					t.Fatalf("the rewritten range is not found:\n%s", rep)
				}
			},
		},
		{
			name:    "the log's guard triggers dropped",
			defence: "audit.Verify checks the guard triggers against the migrations' definitions and names each missing one",
			try: func(t *testing.T) {
				env, _, _ := portal(t)
				exec(t, openDB(t, env), `DROP TRIGGER access_log_insert_in_sequence; DROP TRIGGER access_log_anchor_no_delete`)
				guardsNamed(t, env, "access_log_insert_in_sequence", "access_log_anchor_no_delete")
			},
		},
		{
			name:    "a checkpoint line forged to match a cut log",
			defence: "checkpoints are signed with an Ed25519 key outside the database; a line whose signature does not verify is reported",
			try: func(t *testing.T) {
				env, file, pub := portal(t)
				lines := bytes.Split(bytes.TrimSpace(readFile(t, file)), []byte("\n"))
				var cp audit.Checkpoint
				if err := json.Unmarshal(lines[len(lines)-1], &cp); err != nil {
					t.Fatal(err)
				}
				cp.LastID, cp.Count = cp.LastID+50, cp.Count+50
				forged, _ := json.Marshal(cp)
				if err := os.WriteFile(file, append(append(bytes.Join(lines, []byte("\n")), '\n'), append(forged, '\n')...), 0o600); err != nil {
					t.Fatal(err)
				}
				rep, err := checkAgainst(t, env, file, pub)
				if !errors.Is(err, audit.ErrCheckpointMismatch) || !strings.Contains(rep, "(forged)") || strings.Contains(rep, "(cut)") {
					t.Fatalf("the forged line is not reported as forged:\n%s", rep)
				}
			},
		},
	})

	// The running portal witnesses its log at shutdown, without anyone running a command.
	t.Run("checkpoint at shutdown", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
		var head int64
		var env *portaltest.Env
		t.Run("portal", func(t *testing.T) {
			env = portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) { c.Audit.CheckpointFile = file }})
			get(t, env.Client(t, devpki.CardGP), "/")
			head = lastRecordID(t, env)
		})
		// The server log carries the same checkpoint, a second copy outside the database.
		if logs := env.Logs.String(); !strings.Contains(logs, "access log checkpoint") || !strings.Contains(logs, "sig=") {
			t.Error("the checkpoint at shutdown is not in the server log")
		}
		var cp audit.Checkpoint
		lines := bytes.Split(bytes.TrimSpace(readFile(t, file)), []byte("\n"))
		if err := json.Unmarshal(lines[len(lines)-1], &cp); err != nil || cp.LastID < head || cp.Signature == "" {
			t.Fatalf("no checkpoint of the head (record %d) at shutdown: %+v %v", head, cp, err)
		}
	})
}

// openDB opens the portal's database file behind its back, as an insider with file access would.
func openDB(t *testing.T, env *portaltest.Env) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, db *sql.DB, stmt string, args ...any) {
	t.Helper()
	if _, err := db.Exec(stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// record reads one access-log record through the store.
func record(t *testing.T, env *portaltest.Env, id int64) store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(t.Context(), id-1, 1)
	if err != nil || len(recs) == 0 || recs[0].ID != id {
		t.Fatalf("record %d: %v", id, err)
	}
	return recs[0]
}

// guardsNamed fails unless verification refuses the log naming each of the dropped triggers.
func guardsNamed(t *testing.T, env *portaltest.Env, names ...string) {
	t.Helper()
	_, err := audit.Verify(t.Context(), env.Store, audit.VerifyOptions{})
	var ge *audit.GuardError
	if !errors.As(err, &ge) {
		t.Fatalf("verification does not notice the dropped guards: %v", err)
	}
	for _, n := range names {
		if !strings.Contains(ge.Error(), n+" ") {
			t.Errorf("verification does not name %s: %v", n, ge)
		}
	}
}

// checkAgainst verifies the log against a checkpoint file and returns the findings as text.
func checkAgainst(t *testing.T, env *portaltest.Env, file string, pub ed25519.PublicKey) (string, error) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := audit.VerifyCheckpoints(t.Context(), env.Store, f, pub)
	var b strings.Builder
	for _, fd := range rep.Findings {
		b.WriteString(fd.String() + "\n")
	}
	return b.String(), err
}
