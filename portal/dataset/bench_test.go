package dataset_test

import (
	"testing"

	"zorgverlenersportaal/portal/dataset"
)

// BenchmarkGenerate measures generated patients per second (dossier, relationships, consent), one
// patient per iteration, into a fresh database:
//
//	go test -run '^$' -bench Generate -benchtime 20000x ./portal/dataset/
func BenchmarkGenerate(b *testing.B) {
	st := open(b)
	b.ResetTimer()
	res, err := dataset.Generate(b.Context(), st, dataset.Options{Patients: b.N, Seed: 1, Now: moment})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.PatientsPerSec, "patients/s")
}

// BenchmarkGenerateLog measures generated access-log records per second, chained and appended through
// the store's own append (the database checks the sequence of every record).
func BenchmarkGenerateLog(b *testing.B) {
	st := open(b)
	if _, err := dataset.Generate(b.Context(), st, dataset.Options{Patients: 100, Seed: 1, Now: moment}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	res, err := dataset.Generate(b.Context(), st, dataset.Options{LogRecords: b.N, Seed: 1, Now: moment})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.LogRecordsPerSec, "records/s")
}
