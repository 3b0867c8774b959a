package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // tests open the file directly, as someone tampering with it would

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path, os.Getenv(crashRoundEnv))
		return
	}
	os.Exit(m.Run())
}

// openStore opens a fresh database in the test's folder.
func openStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portal.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// newLog returns a Log over st that is closed when the test ends.
func newLog(t testing.TB, st *store.Store, now func() time.Time) *audit.Log {
	t.Helper()
	l := audit.NewWithOptions(st, audit.Options{Now: now})
	t.Cleanup(func() { l.Close() })
	return l
}

// rawDB opens the database file behind the portal's back: the way an intruder (or a test that makes the
// log unwritable) reaches it.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t testing.TB, db *sql.DB, stmt string, args ...any) {
	t.Helper()
	if _, err := db.Exec(stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

var gp = audit.Actor{
	User: audit.User{UZI: "900100001", Name: "Anna de Vries", Role: "01.015", AGB: "01012345",
		URA: "90000101", Organisation: "Huisartsenpraktijk De Linde"},
	Source: audit.Source{ClientIP: "192.0.2.10", CertFingerprint: "ab12", RequestID: "req-1"},
}

var patient = audit.Patient{BSN: "999990019", Number: "Z100001"}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestEveryEventIsRecordedWithAllItsFields(t *testing.T) {
	st, _ := openStore(t)
	at := time.Date(2026, 3, 4, 9, 15, 30, 123_000_000, time.UTC)
	log := newLog(t, st, fixedClock(at))
	agb := "01012345"
	rel := access.Relationship{ID: 12, Kind: access.RegisteredGP, HolderAGB: &agb}
	consent := access.Consent{ID: 5, Category: access.Huisartsen, Status: access.ConsentGranted, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk}
	basis := audit.Basis{Relationship: access.RegisteredGP, RelationshipID: 12, Consent: access.Huisartsen, ConsentID: 5}
	admin := audit.Actor{User: audit.User{UZI: "900100011", Name: "Karin Dekker", Role: "00.000", URA: "90000001", Organisation: "Ziekenhuis Rivierenland"}, Source: gp.Source}
	delegated := gp
	delegated.User.OnBehalfOf = "900100002"

	base := store.AccessRecord{
		At: "2026-03-04T09:15:30.123Z", UserUZI: "900100001", UserName: "Anna de Vries", UserRole: "01.015",
		UserAGB: "01012345", UserURA: "90000101", UserOrg: "Huisartsenpraktijk De Linde",
		ClientIP: "192.0.2.10", CertFingerprint: "ab12", RequestID: "req-1", HashFormat: audit.HashFormat,
	}
	with := func(f func(r *store.AccessRecord)) store.AccessRecord {
		r := base
		f(&r)
		return r
	}
	tests := []struct {
		name string
		rec  audit.Record
		want store.AccessRecord
	}{
		{"login", gp.Login(), with(func(r *store.AccessRecord) { r.Event, r.Outcome = "login", "success" })},
		{"notification", gp.Notification(3, "a.arts@praktijk.example"), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome = "notification", "success"
			r.Detail = "e-mail digest: 3 new item(s) in the portal, sent to a.arts@praktijk.example"
		})},
		{"login refused", gp.LoginRefused("agb.ended", "AGB registration ended 2025-12-31"), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.Detail = "login_refused", "refused", "agb.ended", "AGB registration ended 2025-12-31"
		})},
		{"view", gp.View(patient, access.Lab, audit.JoinIDs([]int64{31, 32}), basis), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.PatientBSN, r.PatientNumber = "view", "success", "999990019", "Z100001"
			r.ObjectCategory, r.ObjectIDs, r.Basis = "lab", "31,32", "relationship=registered_gp#12 consent=huisartsen#5"
		})},
		{"export", gp.Export(patient, "letter/9/attachment/30,report/4/attachment/12", basis), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.PatientBSN, r.PatientNumber = "export", "success", "999990019", "Z100001"
			r.ObjectCategory, r.ObjectIDs, r.Basis = "documents", "letter/9/attachment/30,report/4/attachment/12", "relationship=registered_gp#12 consent=huisartsen#5"
		})},
		{"view refused", gp.ViewRefused(patient, access.Letters, "role_scope"), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.PatientBSN, r.PatientNumber, r.ObjectCategory, r.Reason = "view", "refused", "999990019", "Z100001", "letters", "role_scope"
		})},
		{"view by delegated staff", delegated.View(patient, access.Summary, "", basis), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.PatientBSN, r.PatientNumber, r.OnBehalfOf = "view", "success", "999990019", "Z100001", "900100002"
			r.ObjectCategory, r.Basis = "summary", "relationship=registered_gp#12 consent=huisartsen#5"
		})},
		{"search found", gp.Search(patient, "1950-01-01", audit.SearchFound), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.PatientBSN, r.PatientNumber, r.Detail = "search", "success", "found", "999990019", "Z100001", "birth_date=1950-01-01"
		})},
		{"search miss", gp.Search(audit.Patient{BSN: "123456782"}, "1960-02-02", audit.SearchNotFound), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.PatientBSN, r.Detail = "search", "not_found", "not_found", "123456782", "birth_date=1960-02-02"
		})},
		{"search without consent", gp.Search(patient, "1950-01-01", audit.SearchNoConsent), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.PatientBSN, r.PatientNumber, r.Detail = "search", "refused", "no_consent", "999990019", "Z100001", "birth_date=1950-01-01"
		})},
		{"emergency access", gp.EmergencyAccess(patient, "bewusteloos binnengebracht op de HAP", 77, at.Add(24*time.Hour)), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.PatientBSN, r.PatientNumber, r.Emergency = "emergency_access", "success", "bewusteloos binnengebracht op de HAP", "999990019", "Z100001", true
			r.ObjectCategory, r.ObjectIDs, r.Basis, r.Detail = "relationship", "77", "relationship=emergency#77", "until=2026-03-05T09:15:30.123Z"
		})},
		{"consent change", admin.ConsentChange(patient, consent), store.AccessRecord{
			At: base.At, Event: "consent_change", Outcome: "success", UserUZI: "900100011", UserName: "Karin Dekker", UserRole: "00.000",
			UserURA: "90000001", UserOrg: "Ziekenhuis Rivierenland", PatientBSN: "999990019", PatientNumber: "Z100001",
			ObjectCategory: "consent", ObjectIDs: "5", Basis: "consent=huisartsen#5",
			Detail:   "category=huisartsen status=granted registered_by=patient channel=desk",
			ClientIP: "192.0.2.10", CertFingerprint: "ab12", RequestID: "req-1", HashFormat: audit.HashFormat,
		}},
		{"relationship change", gp.RelationshipChange(patient, rel, "created"), with(func(r *store.AccessRecord) {
			r.Event, r.Outcome, r.Reason, r.PatientBSN, r.PatientNumber = "relationship_change", "success", "created", "999990019", "Z100001"
			r.ObjectCategory, r.ObjectIDs, r.Basis, r.Detail = "relationship", "12", "relationship=registered_gp#12", "kind=registered_gp agb=01012345"
		})},
		{"import run", audit.SystemActor("import", "beheer").Import("bundle.json", 40, 2, audit.Success), store.AccessRecord{
			At: base.At, Event: "import", Outcome: "success", UserName: "import (beheer)", ClientIP: "local",
			ObjectCategory: "import", Detail: "source=bundle.json accepted=40 rejected=2", HashFormat: audit.HashFormat,
		}},
		{"import of a patient", audit.SystemActor("import", "beheer").ImportedPatient(patient, "bundle.json", []access.Category{access.Lab, access.Letters}), store.AccessRecord{
			At: base.At, Event: "import", Outcome: "success", UserName: "import (beheer)", ClientIP: "local",
			PatientBSN: "999990019", PatientNumber: "Z100001", ObjectCategory: "import", ObjectIDs: "lab,letters", Detail: "source=bundle.json", HashFormat: audit.HashFormat,
		}},
		{"admin action", admin.AdminAction("end_relationship", patient, "relationship", "id=12"), store.AccessRecord{
			At: base.At, Event: "admin_action", Outcome: "success", Reason: "end_relationship", UserUZI: "900100011", UserName: "Karin Dekker",
			UserRole: "00.000", UserURA: "90000001", UserOrg: "Ziekenhuis Rivierenland", PatientBSN: "999990019", PatientNumber: "Z100001",
			ObjectCategory: "relationship", Detail: "id=12", ClientIP: "192.0.2.10", CertFingerprint: "ab12", RequestID: "req-1", HashFormat: audit.HashFormat,
		}},
		{"report", admin.Report(audit.ReportPatient, patient, "from=2026-01-01 to=2026-03-01 format=csv"), store.AccessRecord{
			At: base.At, Event: "report", Outcome: "success", Reason: "patient", UserUZI: "900100011", UserName: "Karin Dekker",
			UserRole: "00.000", UserURA: "90000001", UserOrg: "Ziekenhuis Rivierenland", PatientBSN: "999990019", PatientNumber: "Z100001",
			ObjectCategory: "access_log", Detail: "from=2026-01-01 to=2026-03-01 format=csv", ClientIP: "192.0.2.10", CertFingerprint: "ab12", RequestID: "req-1", HashFormat: audit.HashFormat,
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := log.Submit(t.Context(), tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			written := p.Records()[0]
			got, err := st.AccessRecordsAfter(t.Context(), written.ID-1, 1)
			if err != nil || len(got) != 1 {
				t.Fatalf("read back: %v, %v", got, err)
			}
			want := tt.want
			want.ID, want.PrevHash, want.Hash = written.ID, got[0].PrevHash, got[0].Hash
			if got[0] != want {
				t.Fatalf("stored record\n got %+v\nwant %+v", got[0], want)
			}
			if audit.Hash(got[0]) != got[0].Hash {
				t.Fatal("the stored hash is not the hash of the stored content")
			}
			covered[got[0].Event] = true
		})
	}
	for _, e := range audit.Events {
		if !covered[string(e)] {
			t.Errorf("no test case writes event %s", e)
		}
	}
	if res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil || res.Records != int64(len(tests)) {
		t.Fatalf("verify: %+v, %v", res, err)
	}
}

func TestIncompleteRecordsAreRefusedBeforeWriting(t *testing.T) {
	st, _ := openStore(t)
	log := newLog(t, st, nil)
	tests := []struct {
		name string
		rec  audit.Record
	}{
		{"unknown event", audit.Record{Event: "peek", Outcome: audit.Success}},
		{"unknown outcome", audit.Record{Event: audit.EventLogin, Outcome: "maybe"}},
		{"view without patient", gp.View(audit.Patient{}, access.Lab, "", audit.Basis{})},
		{"emergency access without the flag", audit.Record{Event: audit.EventEmergencyAccess, Outcome: audit.Success, PatientBSN: patient.BSN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := log.Append(t.Context(), tt.rec)
			if !errors.Is(err, audit.ErrNotWritten) || !errors.Is(err, audit.ErrInvalidRecord) {
				t.Fatalf("err = %v, want ErrNotWritten and ErrInvalidRecord", err)
			}
		})
	}
	if recs, _ := st.AccessRecordsAfter(t.Context(), 0, 10); len(recs) != 0 {
		t.Fatalf("refused records were written: %+v", recs)
	}
}

// TestConcurrentWritersKeepOneChain: 8 writers × 1000 synchronous appends, each returning only when its
// record is on disk, leave one valid chain with every record, in fewer transactions than records.
func TestConcurrentWritersKeepOneChain(t *testing.T) {
	st, _ := openStore(t)
	log := newLog(t, st, nil)
	const writers, each = 8, 1000
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := gp.View(patient, access.Lab, fmt.Sprint(i), audit.Basis{})
				r.Source.RequestID = fmt.Sprintf("w%d-%d", w, i)
				if err := log.Append(t.Context(), r); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != writers*each || res.Head.ID != writers*each {
		t.Fatalf("verified %d records, head %d; want %d", res.Records, res.Head.ID, writers*each)
	}
	seen := map[string]bool{}
	for after := int64(0); ; {
		recs, _ := st.AccessRecordsAfter(t.Context(), after, 1000)
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			seen[r.RequestID] = true
			after = r.ID
		}
	}
	if len(seen) != writers*each {
		t.Fatalf("%d distinct records, want %d", len(seen), writers*each)
	}
	stats := log.Stats()
	if stats.Records != writers*each || stats.Batches >= stats.Records {
		t.Fatalf("stats %+v: group commit should have put several records in one transaction", stats)
	}
	t.Logf("%d records in %d transactions (%.1f per sync)", stats.Records, stats.Batches, float64(stats.Records)/float64(stats.Batches))
}

// TestAFailedWriteReachesEveryCallerOfTheBatch makes the log unwritable (a trigger refuses every insert)
// and checks that every concurrent caller hears of it, and that the log works again afterwards with the
// chain intact.
func TestAFailedWriteReachesEveryCallerOfTheBatch(t *testing.T) {
	st, path := openStore(t)
	log := newLog(t, st, nil)
	if err := log.Append(t.Context(), gp.Login()); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	mustExec(t, db, `CREATE TRIGGER disk_full BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
	const callers = 20
	var wg sync.WaitGroup
	results := make(chan error, callers)
	for range callers {
		wg.Go(func() { results <- log.Append(t.Context(), gp.View(patient, access.Lab, "", audit.Basis{})) })
	}
	wg.Wait()
	close(results)
	for err := range results {
		if !errors.Is(err, audit.ErrNotWritten) {
			t.Fatalf("err = %v, want ErrNotWritten", err)
		}
	}
	if err := log.Healthy(); !errors.Is(err, audit.ErrNotWritten) {
		t.Errorf("Healthy after a failed batch = %v, want ErrNotWritten", err)
	}
	if st := log.Stats(); st.Failed != callers || st.Records != 1 {
		t.Errorf("stats after the failure = %+v, want %d failed and 1 written", st, callers)
	}
	mustExec(t, db, `DROP TRIGGER disk_full`)
	if err := log.Append(t.Context(), gp.View(patient, access.Lab, "", audit.Basis{})); err != nil {
		t.Fatalf("after the disk recovered: %v", err)
	}
	if err := log.Healthy(); err != nil {
		t.Errorf("Healthy after a good batch = %v", err)
	}
	if res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil || res.Records != 2 {
		t.Fatalf("verify after the failure: %+v, %v", res, err)
	}
}

func TestCloseWritesWhatWasQueuedAndRefusesMore(t *testing.T) {
	st, _ := openStore(t)
	var mu sync.Mutex
	observed := 0
	log := audit.NewWithOptions(st, audit.Options{Written: func(recs []store.AccessRecord) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range recs {
			if r.Hash == "" || r.ID == 0 {
				t.Errorf("observer saw a record without id or hash: %+v", r)
			}
		}
		observed += len(recs)
	}})
	if err := log.Healthy(); err != nil {
		t.Errorf("Healthy before any write = %v", err)
	}
	var pending []*audit.Pending
	for i := range 50 {
		p, err := log.Submit(t.Context(), gp.View(patient, access.Lab, fmt.Sprint(i), audit.Basis{}))
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, p)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		if err := p.Wait(t.Context()); err != nil {
			t.Fatalf("a record queued before Close: %v", err)
		}
	}
	mu.Lock()
	if observed != 50 {
		t.Errorf("the Written observer saw %d records, want 50", observed)
	}
	mu.Unlock()
	err := log.Append(t.Context(), gp.Login())
	if !errors.Is(err, audit.ErrNotWritten) || !errors.Is(err, audit.ErrClosed) {
		t.Fatalf("append after Close: err = %v", err)
	}
	if err := log.Healthy(); !errors.Is(err, audit.ErrClosed) {
		t.Errorf("Healthy after Close = %v, want ErrClosed", err)
	}
	if res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil || res.Records != 50 {
		t.Fatalf("verify: %+v, %v", res, err)
	}
	if err := audit.New(st).Close(); err != nil {
		t.Fatalf("closing a log that never wrote: %v", err)
	}
}

func TestWaitGivesUpWhenTheRequestEnds(t *testing.T) {
	st, path := openStore(t)
	log := newLog(t, st, nil)
	db := rawDB(t, path)
	// Another process holds the write lock: the appender waits for it (busy timeout).
	tx, err := db.Begin() // BEGIN IMMEDIATE (_txlock): takes the write lock at once
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	p, err := log.Submit(ctx, gp.Login())
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := p.Wait(ctx); !errors.Is(err, audit.ErrNotWritten) || !errors.Is(err, context.Canceled) {
		t.Fatalf("wait after the request ended: err = %v", err)
	}
	tx.Rollback()
}

func TestBasisRoundTrips(t *testing.T) {
	tests := []audit.Basis{
		{},
		{Relationship: access.RegisteredGP, RelationshipID: 12, Consent: access.Huisartsen, ConsentID: 5},
		{Relationship: access.Emergency},
		{Consent: access.Apotheken, ConsentID: 9},
	}
	for _, b := range tests {
		got, ok := audit.ParseBasis(b.String())
		if !ok || got != b {
			t.Errorf("ParseBasis(%q) = %+v, %v; want %+v", b.String(), got, ok, b)
		}
	}
	if _, ok := audit.ParseBasis("huisarts zei het"); ok {
		t.Error("free text parsed as a basis")
	}
	// The form the access decision writes (access.Basis.String).
	decision := "relationship 12 registered_gp provider 01012345 from 2026-01-01T00:00:00Z (active); " +
		"consent 5 huisartsen granted by patient via desk at 2026-01-01T00:00:00Z (in_force)"
	if got, ok := audit.ParseBasis(decision); !ok || got != (audit.Basis{Relationship: access.RegisteredGP, RelationshipID: 12, Consent: access.Huisartsen, ConsentID: 5}) {
		t.Errorf("ParseBasis(decision) = %+v, %v", got, ok)
	}
	if got, ok := audit.ParseBasis("consent 7 medisch_specialisten granted by patient via desk at 2026-01-01T00:00:00Z (in_force); emergency"); !ok || got != (audit.Basis{Relationship: access.Emergency, Consent: access.MedischSpecialisten, ConsentID: 7}) {
		t.Errorf("ParseBasis(emergency decision) = %+v, %v", got, ok)
	}
}
