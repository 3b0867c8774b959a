package store_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

// benchDBEnv names a database made by `gen` (or `load`) for the dossier benchmarks, e.g. the million-
// patient one; without it they generate 10,000 patients once per test binary (a few seconds), so that
// `go test ./...` never pays for it.
const benchDBEnv = "ZVP_BENCH_DB"

var benchData struct {
	once sync.Once
	st   *store.Store
	max  int64
	err  error
	dir  string
}

// benchStore opens the benchmark database: ZVP_BENCH_DB, or a generated one of 10,000 patients.
func benchStore(b *testing.B) (*store.Store, int64) {
	b.Helper()
	benchData.once.Do(func() {
		ctx := context.Background()
		path := os.Getenv(benchDBEnv)
		if path == "" {
			benchData.dir, benchData.err = os.MkdirTemp("", "zvp-bench-")
			if benchData.err != nil {
				return
			}
			path = filepath.Join(benchData.dir, "portal.db")
		}
		benchData.st, benchData.err = store.Open(ctx, path)
		if benchData.err != nil {
			return
		}
		if n, _ := benchData.st.PatientCount(ctx); n == 0 {
			_, benchData.err = dataset.Generate(ctx, benchData.st, dataset.Options{Patients: 10000, LogRecords: 100000, Seed: 1})
		}
		if benchData.err == nil {
			benchData.max, benchData.err = benchData.st.MaxPatientID(ctx)
		}
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	n, _ := benchData.st.PatientCount(context.Background())
	b.Logf("database with %d patients", n)
	return benchData.st, benchData.max
}

// TestMain removes the generated benchmark database after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchData.st != nil {
		benchData.st.Close()
	}
	if benchData.dir != "" {
		os.RemoveAll(benchData.dir)
	}
	os.Exit(code)
}

// BenchmarkDossierQueries measures each read a dossier page makes, for a patient drawn at random from the
// whole database each iteration (so that the page cache does not flatter a large database). Run it at
// 10,000 patients and, with ZVP_BENCH_DB, at a million: the plans (TestHotQueriesStayPerPatient) say the
// cost should barely move.
//
//	go test -run '^$' -bench DossierQueries -benchtime 3s ./portal/store/
//	ZVP_BENCH_DB=loadtest-1m/portal.db go test -run '^$' -bench DossierQueries -benchtime 3s ./portal/store/
func BenchmarkDossierQueries(b *testing.B) {
	st, maxID := benchStore(b)
	ctx := context.Background()
	gp, _ := devpki.CardByName(devpki.CardGP)
	now := time.Now()
	all, err := st.AllPatients(ctx)
	if err != nil {
		b.Fatal(err)
	}
	publicIDs := make(map[int64]string, len(all))
	for _, p := range all {
		publicIDs[p.ID] = p.PublicID
	}
	queries := []struct {
		name string
		run  func(id int64) error
	}{
		{"Patient", func(id int64) error { _, err := st.Patient(ctx, id); return err }},
		{"PatientFacts", func(id int64) error { _, err := st.PatientFacts(ctx, id); return err }},
		{"PatientFactsByPublicID", func(id int64) error { _, err := st.PatientFactsByPublicID(ctx, publicIDs[id]); return err }},
		{"LabResults", func(id int64) error { _, err := st.LabResults(ctx, id); return err }},
		{"LabTests", func(id int64) error { _, err := st.LabTests(ctx, id); return err }},
		{"LabSeries", func(id int64) error { _, err := st.LabSeries(ctx, id, "http://loinc.org", "718-7"); return err }},
		{"Medications", func(id int64) error { _, err := st.Medications(ctx, id); return err }},
		{"Letters", func(id int64) error { _, err := st.Letters(ctx, id); return err }},
		{"Encounters", func(id int64) error { _, err := st.Encounters(ctx, id); return err }},
		{"DossierCounts", func(id int64) error { _, err := st.DossierCounts(ctx, id); return err }},
		{"MyPatientsPage", func(int64) error {
			_, err := st.RelationshipsForProviderPage(ctx, gp.AGB, gp.URA, now, nil, 50)
			return err
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				if err := q.run(1 + rnd.Int64N(maxID)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecideForRandomPatient is the decision as a page makes it: the facts read from the database
// and the pure decision over every category.
func BenchmarkDecideForRandomPatient(b *testing.B) {
	st, maxID := benchStore(b)
	ctx := context.Background()
	gp, _ := devpki.CardByName(devpki.CardGP)
	who := access.Provider{UZI: gp.UZINumber, AGB: gp.AGB, URA: gp.URA, Role: gp.Role}
	pol := access.DefaultPolicy()
	rnd := rand.New(rand.NewPCG(3, 4))
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		f, err := st.PatientFacts(ctx, 1+rnd.Int64N(maxID))
		if err != nil {
			b.Fatal(err)
		}
		_ = pol.DecideAll(who, f, now)
	}
}
