package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
)

// TestFactsCacheFollowsEveryChange: the access decision's facts of a patient come from memory while the
// patient's version stands (one query instead of three), and any change to what the decision reads —
// made through the store or by SQL behind its back — is seen on the very next read: a consent withdrawn,
// a relationship ended or deleted, the patient's own row changed.
func TestFactsCacheFollowsEveryChange(t *testing.T) {
	ctx := context.Background()
	st, rec, err := OpenRecorded(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	p, err := st.CreatePatient(ctx, access.Patient{BSN: "999993847", PatientNumber: "P001", FamilyName: "Jansen",
		GivenNames: "Piet", BirthDate: time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC), Sex: access.SexMale}, at)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := st.write.ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO relationships (patient_id, holder_kind, holder_agb, kind, source, valid_from, created_by, created_at)
		VALUES (?, 'provider', '01012345', 'registered_gp', 'test', ?, 'test', ?)`, p.ID, at, at)
	exec(`INSERT INTO consents (patient_id, category, status, registered_by, channel, given_at, recorded_by, recorded_at)
		VALUES (?, 'huisartsen', 'granted', 'patient', 'desk', ?, 'test', ?)`, p.ID, at, at)

	read := func() (access.PatientFacts, int) {
		t.Helper()
		rec.Start()
		f, err := st.PatientFacts(ctx, p.ID)
		statements := rec.Stop()
		if err != nil {
			t.Fatal(err)
		}
		selects := 0
		for _, s := range statements {
			if strings.HasPrefix(strings.ToUpper(s.Query), "SELECT") {
				selects++
			}
		}
		return f, selects
	}
	f, selects := read()
	if len(f.Relationships) != 1 || len(f.Consents) != 1 || selects != 4 {
		t.Fatalf("first read: %d relationships, %d consents, %d queries", len(f.Relationships), len(f.Consents), selects)
	}
	if f, selects = read(); len(f.Consents) != 1 || selects != 1 {
		t.Fatalf("second read: %d consents, %d queries, want the cached facts after one query", len(f.Consents), selects)
	}
	// A caller changing its copy does not change the cache.
	f.Consents[0].Status = access.ConsentWithdrawn
	if f, _ = read(); f.Consents[0].Status != access.ConsentGranted {
		t.Fatal("a caller's change reached the cache")
	}

	changes := []struct {
		name  string
		sql   string
		check func(access.PatientFacts) bool
	}{
		{"consent withdrawn", `INSERT INTO consents (patient_id, category, status, registered_by, channel, given_at, recorded_by, recorded_at)
			VALUES (?, 'huisartsen', 'withdrawn', 'patient', 'desk', '2026-06-16 10:00:00', 'test', '2026-06-16 10:00:00')`,
			func(f access.PatientFacts) bool { return len(f.Consents) == 2 }},
		{"consent row changed by hand", `UPDATE consents SET note = 'x' WHERE patient_id = ?`,
			func(f access.PatientFacts) bool { return f.Consents[0].Note == "x" }},
		{"relationship ended", `UPDATE relationships SET ended_at = '2026-06-16 11:00:00', ended_by = 'test', end_reason = 'moved' WHERE patient_id = ?`,
			func(f access.PatientFacts) bool { return f.Relationships[0].EndedAt != nil }},
		{"relationship deleted", `DELETE FROM relationships WHERE patient_id = ?`,
			func(f access.PatientFacts) bool { return len(f.Relationships) == 0 }},
		{"patient deceased", `UPDATE patients SET deceased = 1 WHERE id = ?`,
			func(f access.PatientFacts) bool { return f.Patient.Deceased }},
	}
	for _, c := range changes {
		if strings.Contains(c.sql, "?") {
			exec(c.sql, p.ID)
		} else {
			exec(c.sql)
		}
		f, selects := read()
		if !c.check(f) || selects != 4 {
			t.Errorf("%s: not seen on the next read (%d queries)", c.name, selects)
		}
	}
}
