package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/publicid"
)

// publicIDTables are the tables whose rows have an address of their own.
var publicIDTables = []string{"patients", "lab_results", "reports", "letters", "attachments"}

// TestMigrationGivesEveryRowAPublicID makes a database as the release before migration 0160 left it (a
// dossier whose rows carry only their sequential ids), applies the migrations, and requires a valid,
// distinct public id on every row of every table with addresses, one for rows inserted afterwards without
// one, and a refusal to change or clear one.
func TestMigrationGivesEveryRowAPublicID(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	before, err := openWith(ctx, path, "sqlite3", "migrations/0100_access_log_without_hash_index.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO patients (id, bsn, patient_number, family_name, birth_date, sex, created_at, updated_at)
		 VALUES (1, '999993653', '1001', 'Jansen', '1956-01-01', 'male', '2026-01-01', '2026-01-01'),
		        (2, '999990408', '1002', 'Bakker', '2018-01-01', 'female', '2026-01-01', '2026-01-01')`,
		`INSERT INTO lab_results (patient_id, code, display, effective_at) VALUES (1, '2823-3', 'Kalium', '2026-01-01'),
		        (1, '2823-3', 'Kalium', '2026-01-02'), (2, '2823-3', 'Kalium', '2026-01-01')`,
		`INSERT INTO reports (id, patient_id, kind, title, status) VALUES (1, 1, 'ecg', 'ECG', 'final'), (2, 2, 'ecg', 'ECG', 'final')`,
		`INSERT INTO letters (id, patient_id, kind, title, status, written_at) VALUES (1, 1, 'discharge', 'Ontslagbrief', 'final', '2026-01-01')`,
		`INSERT INTO attachments (report_id, letter_id, position, content_type, data, sha256)
		 VALUES (1, NULL, 0, 'text/plain', 'sinusritme', 'x'), (NULL, 1, 0, 'text/plain', 'thuis', 'y'), (NULL, 1, 1, 'application/pdf', '%PDF-', 'z')`,
	} {
		if _, err := before.write.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	before.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]bool{}
	check := func(t *testing.T, table string, want int) {
		t.Helper()
		var ids []*string
		if err := s.read.SelectContext(ctx, &ids, `SELECT public_id FROM `+table); err != nil {
			t.Fatal(err)
		}
		if len(ids) != want {
			t.Fatalf("%s: %d rows, want %d", table, len(ids), want)
		}
		for _, id := range ids {
			if id == nil || !publicid.Valid(*id) {
				t.Fatalf("%s: public id %v", table, id)
			}
			if seen[*id] {
				t.Fatalf("%s: public id %s given twice", table, *id)
			}
			seen[*id] = true
		}
	}
	for table, n := range map[string]int{"patients": 2, "lab_results": 3, "reports": 2, "letters": 1, "attachments": 3} {
		check(t, table, n)
	}

	// A row inserted without one gets one; a public id is never changed or cleared.
	if _, err := s.write.ExecContext(ctx, `INSERT INTO lab_results (patient_id, code, display, effective_at) VALUES (2, '1', 'Natrium', '2026-01-03')`); err != nil {
		t.Fatal(err)
	}
	seen = map[string]bool{}
	check(t, "lab_results", 4)
	for _, table := range publicIDTables {
		for _, set := range []string{`'` + publicid.New() + `'`, `NULL`} {
			if _, err := s.write.ExecContext(ctx, `UPDATE `+table+` SET public_id = `+set); err == nil || !strings.Contains(err.Error(), "never changes") {
				t.Errorf("%s: public id set to %s: err = %v, want the trigger's refusal", table, set, err)
			}
		}
	}
	// Nor can one be made up that does not have the form (a sequential number, say).
	if _, err := s.write.ExecContext(ctx, `INSERT INTO patients (bsn, patient_number, family_name, birth_date, sex, created_at, updated_at, public_id)
		VALUES ('999991905', '1003', 'Wit', '1990-01-01', 'female', '2026-01-01', '2026-01-01', '3')`); err == nil {
		t.Error("a patient with public id '3' was accepted")
	}
}

// TestReadsByPublicIDTakeThePatient: every read by a public id finds the row only under its own patient,
// and an unknown or another patient's id is ErrNotFound, as an unknown sequential id was.
func TestReadsByPublicIDTakeThePatient(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	p1, p2 := seedDossier(t, s)
	first, err := s.Patient(ctx, p1.ID)
	if err != nil || !publicid.Valid(first.PublicID) {
		t.Fatalf("patient %+v %v", first, err)
	}
	facts, err := s.PatientFactsByPublicID(ctx, first.PublicID)
	if err != nil || facts.Patient.ID != p1.ID {
		t.Fatalf("facts by public id: %+v %v", facts.Patient, err)
	}
	if byPub, err := s.PatientByPublicID(ctx, first.PublicID); err != nil || byPub.ID != p1.ID {
		t.Fatalf("patient by public id: %+v %v", byPub, err)
	}
	for _, unknown := range []string{publicid.New(), "1", ""} {
		if _, err := s.PatientFactsByPublicID(ctx, unknown); !errors.Is(err, ErrNotFound) {
			t.Errorf("facts of %q: %v, want ErrNotFound", unknown, err)
		}
		if _, err := s.PatientByPublicID(ctx, unknown); !errors.Is(err, ErrNotFound) {
			t.Errorf("patient %q: %v, want ErrNotFound", unknown, err)
		}
	}
	labs, _ := s.LabResults(ctx, p1.ID)
	if r, err := s.LabResult(ctx, p1.ID, labs[0].PublicID); err != nil || r.ID != labs[0].ID {
		t.Errorf("lab result by public id: %+v %v", r, err)
	}
	if _, err := s.LabResult(ctx, p2.ID, labs[0].PublicID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another patient's lab result: %v", err)
	}
	letters, _ := s.Letters(ctx, p1.ID)
	att := letters[0].Attachments[0]
	if a, err := s.AttachmentByPublicID(ctx, p1.ID, att.PublicID); err != nil || a.ID != att.ID || len(a.Data) == 0 {
		t.Errorf("attachment by public id: %+v %v", a.AttachmentInfo, err)
	}
	if _, err := s.AttachmentByPublicID(ctx, p2.ID, att.PublicID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another patient's attachment: %v", err)
	}
	if _, err := s.AttachmentByPublicID(ctx, p1.ID, publicid.New()); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown attachment: %v", err)
	}
}

// TestBulkLoadBringsItsOwnPublicIDs: the generator's rows get valid, distinct public ids from the bulk
// loader itself, not from the insert trigger's second write (the triggers are dropped here to prove it).
func TestBulkLoadBringsItsOwnPublicIDs(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	for _, table := range publicIDTables {
		if _, err := s.write.ExecContext(ctx, `DROP TRIGGER `+table+`_public_id_new`); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var ids []int64
	err := s.BulkLoad(ctx, func(b *Bulk) error {
		for i, bsn := range []string{"999993653", "999990408"} {
			id, err := b.Patient(access.Patient{BSN: bsn, PatientNumber: bsn, FamilyName: "Bulk", BirthDate: now.AddDate(-40-i, 0, 0), Sex: "male", CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
			ids = append(ids, id)
			if err := b.LabResult(dossier.LabResult{PatientID: id, Code: "2823-3", Display: "Kalium", EffectiveAt: now}); err != nil {
				return err
			}
			if _, err := b.Letter(dossier.Letter{PatientID: id, Kind: dossier.LetterDischarge, Title: "Ontslagbrief", Status: "final", WrittenAt: now},
				[]dossier.Attachment{{AttachmentInfo: dossier.AttachmentInfo{ContentType: "text/plain"}, Data: []byte("thuis")}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, table := range publicIDTables {
		var got []string
		if err := s.read.SelectContext(ctx, &got, `SELECT coalesce(public_id, 'none') FROM `+table); err != nil {
			t.Fatal(err)
		}
		want := 2
		if table == "reports" {
			want = 0
		}
		if len(got) != want {
			t.Fatalf("%s: %d public ids, want %d", table, len(got), want)
		}
		for _, id := range got {
			if !publicid.Valid(id) || seen[id] {
				t.Fatalf("%s: public id %q invalid or repeated", table, id)
			}
			seen[id] = true
		}
	}
	if p, err := s.Patient(ctx, ids[1]); err != nil || !publicid.Valid(p.PublicID) {
		t.Fatalf("bulk patient %+v %v", p, err)
	}
}
