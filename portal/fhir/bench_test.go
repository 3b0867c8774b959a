package fhir_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/demodata"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

// The import speed, as resources per second (every bundle entry counts, skipped ones too):
//
//	go test -run '^$' -bench . -benchtime 10x ./portal/fhir
//
// BenchmarkImportDemoData imports the demo world into an empty database (a first import: inserts);
// BenchmarkReimportDemoData imports it again into a database that has it (updates in place);
// BenchmarkImportSynthea imports the shared Synthea samples (needs ZVP_SHARED_DIR or ../shared).

func benchStore(b *testing.B) *store.Store {
	b.Helper()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func countEntries(bundles []demodata.Bundle) int {
	n := 0
	for _, b := range bundles {
		n += len(b.Bundle.Entry)
	}
	return n
}

func importAll(b *testing.B, im *fhir.Importer, bundles []demodata.Bundle) {
	b.Helper()
	for _, bu := range bundles {
		if res := im.ImportBundle(context.Background(), bu.Name, bu.Bundle); res.Err != nil || len(res.Rejected) > 0 {
			b.Fatalf("%s: %v %v", bu.Name, res.Err, res.Rejected)
		}
	}
}

func BenchmarkImportDemoData(b *testing.B) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	bundles := demodata.Generate(now)
	entries := countEntries(bundles)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		st := benchStore(b)
		im := fhir.NewImporter(st, audit.New(st))
		b.StartTimer()
		start := time.Now()
		importAll(b, im, bundles)
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(entries*b.N)/elapsed.Seconds(), "resources/s")
}

func BenchmarkReimportDemoData(b *testing.B) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	bundles := demodata.Generate(now)
	entries := countEntries(bundles)
	st := benchStore(b)
	im := fhir.NewImporter(st, audit.New(st))
	importAll(b, im, bundles)
	start := time.Now()
	for b.Loop() {
		importAll(b, im, bundles)
	}
	b.ReportMetric(float64(entries*b.N)/time.Since(start).Seconds(), "resources/s")
}

func BenchmarkImportSynthea(b *testing.B) {
	dir := sampleDir(b)
	var files []string
	entries := 0
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		entries += countBundleEntries(b, data)
		files = append(files, n)
	}
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		st := benchStore(b)
		im := fhir.NewImporter(st, audit.New(st))
		im.SyntheticBSN = true
		b.StartTimer()
		start := time.Now()
		results, err := im.ImportPaths(context.Background(), []string{dir})
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range results {
			if r.Err != nil {
				b.Fatalf("%s: %v", r.Source, r.Err)
			}
		}
	}
	b.ReportMetric(float64(entries*b.N)/elapsed.Seconds(), "resources/s")
}
