package command

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the tampering step opens the file directly

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// auditDataDir makes a data folder with a database holding 12 records about one patient: 8 written
// seven years ago (older than the default retention of five years) and 4 written now.
func auditDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default(dir)
	st, err := store.Open(context.Background(), cfg.Path(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gp := audit.Actor{User: audit.User{UZI: "900100001", Name: "Anna de Vries", Role: "01.015", URA: "90000101", Organisation: "Huisartsenpraktijk De Linde"}}
	p := audit.Patient{BSN: "999990019", Number: "Z1"}
	basis := audit.Basis{Relationship: access.RegisteredGP, Consent: access.Huisartsen}
	for _, when := range []time.Time{time.Now().AddDate(-7, 0, 0), time.Now()} {
		n := 8
		if when.After(time.Now().AddDate(-1, 0, 0)) {
			n = 4
		}
		log := audit.NewWithOptions(st, audit.Options{Now: func() time.Time { return when }})
		for i := range n {
			if err := log.Append(t.Context(), gp.View(p, access.Lab, fmt.Sprint(i), basis)); err != nil {
				t.Fatal(err)
			}
		}
		log.Close()
	}
	return dir
}

func TestAuditVerifyReportAndPurge(t *testing.T) {
	dir := auditDataDir(t)
	today := time.Now().Format(time.DateOnly)

	code, out, errOut := runMain(t, nil, "audit", "verify", "--data", dir)
	if code != 0 || !strings.HasPrefix(out, "OK: 12 records verified") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runMain(t, nil, "audit", "report", "--bsn", "999990019", "--from", time.Now().AddDate(0, 0, -1).Format(time.DateOnly), "--to", today, "--data", dir)
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 5 || rows[1][5] != "Anna de Vries" || rows[1][7] != "Huisarts" || rows[1][16] != "behandelrelatie: ingeschreven huisartsenpraktijk; toestemming voor huisartsen" {
		t.Fatalf("report rows (%v):\n%s", err, out)
	}
	htmlFile := filepath.Join(t.TempDir(), "overzicht.html")
	code, _, errOut = runMain(t, nil, "audit", "report", "--bsn", "999990019", "--from", "2000-01-01", "--to", today, "--format", "html", "--out", htmlFile, "--data", dir)
	doc, _ := os.ReadFile(htmlFile)
	if code != 0 || !strings.Contains(string(doc), "Overzicht van inzage in uw gegevens") || strings.Count(string(doc), "<tr>") != 1+12+1 {
		t.Fatalf("html report: exit %d, %s\n%s", code, errOut, doc)
	}

	for _, tt := range []struct{ args, want string }{
		{"report --bsn 123456789 --from 2026-01-01 --to 2026-02-01", "--bsn"},
		{"report --bsn 999990019 --from 2026-02-01 --to 2026-01-01", "--to"},
		{"report --bsn 999990019 --from 2026-01-01 --to 2026-02-01 --format pdf", "--format"},
		{"purge --before gisteren", "--before"},
		{"inspect", "unknown subcommand"},
	} {
		if code, _, errOut := runMain(t, nil, append(append([]string{"audit"}, strings.Fields(tt.args)...), "--data", dir)...); code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("audit %s: exit %d, %q", tt.args, code, errOut)
		}
	}
	if code, _, errOut := runMain(t, nil, "audit", "verify", "--data", filepath.Join(dir, "typo")); code != 1 || !strings.Contains(errOut, "database") {
		t.Errorf("verify of a missing database: exit %d, %q", code, errOut)
	}

	// Purging inside the retention is refused; by the retention, the eight old records go.
	if code, _, errOut := runMain(t, nil, "audit", "purge", "--before", time.Now().AddDate(-2, 0, 0).Format(time.DateOnly), "--data", dir); code != 1 || !strings.Contains(errOut, "retention") {
		t.Fatalf("purge inside the retention: exit %d, %q", code, errOut)
	}
	code, out, errOut = runMain(t, nil, "audit", "purge", "--data", dir)
	if code != 0 || !strings.Contains(out, "Purged 8 records; the retention anchor is record 8") {
		t.Fatalf("purge: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runMain(t, nil, "audit", "purge", "--data", dir); code != 0 || !strings.Contains(out, "Nothing to purge") {
		t.Fatalf("second purge: exit %d\n%s", code, out)
	}
	code, out, _ = runMain(t, nil, "audit", "verify", "--data", dir)
	// 4 recent views + 2 reports + the purge record.
	if code != 0 || !strings.HasPrefix(out, "OK: 7 records verified, chained from the retention anchor at record 8 (8 older records purged)") {
		t.Fatalf("verify after purge: exit %d\n%s", code, out)
	}
	// A longer retention than the purge respected: verification points at the anchor.
	if code, out, _ := runMain(t, map[string]string{"ZVP_AUDIT_RETENTION_YEARS": "10"}, "audit", "verify", "--data", dir); code != 1 || !strings.Contains(out, "BROKEN at record 8 (anchor)") {
		t.Fatalf("verify against a ten-year retention: exit %d\n%s", code, out)
	}

	// Tampering: a changed record is named.
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DROP TRIGGER access_log_no_update; UPDATE access_log SET outcome = 'refused' WHERE id = 10`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, nil, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "BROKEN at record 10 (hash)") || !strings.Contains(errOut, "record 10") ||
		!strings.Contains(out, "GUARD MISSING: trigger access_log_no_update on access_log") {
		t.Fatalf("verify after tampering: exit %d\n%s%s", code, out, errOut)
	}
}

// TestAuditCheckpointAndVerifyWithCheckpoints: `audit checkpoint` writes a signed head with a key it
// generates outside the database; `audit verify --checkpoints` passes on the intact log and, after the
// tail is cut and the head moved back by someone with the database file, names the cut records and the
// dropped guard triggers, exit status 1.
func TestAuditCheckpointAndVerifyWithCheckpoints(t *testing.T) {
	dir := auditDataDir(t)
	cfg := config.Default(dir)
	code, out, errOut := runMain(t, nil, "audit", "checkpoint", "--data", dir)
	if code != 0 || !strings.Contains(out, "Checkpoint written to") || !strings.Contains(out, "12 records, head record 12") {
		t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
	}
	for _, key := range []string{cfg.Audit.CheckpointKeyFile, cfg.Audit.CheckpointPublicKeyFile, cfg.Audit.CheckpointFile} {
		if _, err := os.Stat(cfg.Path(key)); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	file := cfg.Path(cfg.Audit.CheckpointFile)
	code, out, errOut = runMain(t, nil, "audit", "verify", "--checkpoints", file, "--data", dir)
	if code != 0 || !strings.Contains(out, "guard triggers in place") || !strings.Contains(out, "OK: the log contains all 1 checkpointed heads") {
		t.Fatalf("verify with checkpoints: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runMain(t, nil, "audit", "verify", "--checkpoints", filepath.Join(dir, "nothing.jsonl"), "--data", dir); code != 1 || !strings.Contains(errOut, "--checkpoints") {
		t.Errorf("verify against a missing checkpoint file: exit %d, %q", code, errOut)
	}

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var hash string
	if err := db.QueryRow(`SELECT hash FROM access_log WHERE id = 9`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TRIGGER access_log_delete_only_purged; DROP TRIGGER access_log_head_forward_only;
		DELETE FROM access_log WHERE id > 9; UPDATE access_log_head SET last_id = 9, last_hash = ?`, hash); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, nil, "audit", "verify", "--checkpoints", file, "--data", dir)
	for _, want := range []string{"GUARD MISSING: trigger access_log_delete_only_purged on access_log", "GUARD MISSING: trigger access_log_head_forward_only",
		"(cut): record 12", "records 10 to 12 were cut off", "(count_lower)"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify after cutting the tail does not say %q", want)
		}
	}
	if code != 1 || !strings.Contains(errOut, "not intact") {
		t.Fatalf("verify after cutting the tail: exit %d\n%s%s", code, out, errOut)
	}
}
