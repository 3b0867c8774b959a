package audit_test

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// BenchmarkDurableAppend measures durable records per second from 8 concurrent writers: a record counts
// when its Wait (or Append) has returned, that is when the transaction holding it was committed with
// synchronous=FULL. "in-flight" is how many records each writer keeps submitted but not yet confirmed:
// 1 is a request that appends and waits (Append), more is a writer that pipelines (Submit, then Wait on
// the oldest when its window is full), as an import or a page logging several categories does. Group
// commit turns whatever is queued into one transaction and one sync; records/sync shows how many.
//
//	go test -run '^$' -bench DurableAppend -benchtime 40000x ./portal/audit/
func BenchmarkDurableAppend(b *testing.B) {
	for _, inFlight := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("writers=8/in-flight=%d", inFlight), func(b *testing.B) {
			benchmarkAppend(b, 8, inFlight)
		})
	}
}

func benchmarkAppend(b *testing.B, writers, inFlight int) {
	st, _ := openStore(b)
	log := newLog(b, st, nil)
	basis := audit.Basis{Relationship: access.RegisteredGP, RelationshipID: 12, Consent: access.Huisartsen, ConsentID: 5}
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range writers {
		n := b.N / writers
		if w == 0 {
			n += b.N % writers
		}
		wg.Go(func() {
			window := make([]*audit.Pending, 0, inFlight)
			for i := range n {
				if len(window) == inFlight {
					if err := window[0].Wait(b.Context()); err != nil {
						b.Error(err)
						return
					}
					window = window[1:]
				}
				r := gp.View(patient, access.Lab, fmt.Sprint(i), basis)
				r.Source.RequestID = fmt.Sprintf("w%d-%d", w, i)
				p, err := log.Submit(b.Context(), r)
				if err != nil {
					b.Error(err)
					return
				}
				window = append(window, p)
			}
			for _, p := range window {
				if err := p.Wait(b.Context()); err != nil {
					b.Error(err)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	stats := log.Stats()
	b.ReportMetric(float64(stats.Records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(stats.Records)/float64(max(stats.Batches, 1)), "records/sync")
	if res, err := audit.Verify(b.Context(), st, audit.VerifyOptions{}); err != nil || res.Records != int64(b.N) {
		b.Fatalf("after the benchmark: verified %d of %d records: %v", res.Records, b.N, err)
	}
}

// BenchmarkAppendToLargeLog appends like a page view does (8 writers, each waiting for its record) to the
// database named by ZVP_BENCH_DB, e.g. a generated one with ten million records, so that the cost of an
// append on a large log (its indexes no longer in the page cache) can be compared with a small one. It
// appends valid records to that database. Without ZVP_BENCH_DB it uses a fresh database.
//
//	ZVP_BENCH_DB=loadtest-1m/portal.db go test -run '^$' -bench AppendToLargeLog -benchtime 20000x ./portal/audit/
func BenchmarkAppendToLargeLog(b *testing.B) {
	path := os.Getenv("ZVP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "portal.db")
	}
	st, err := store.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	state, err := st.AccessLogState(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("log with %d records", state.HeadID-state.AnchorID)
	log := newLog(b, st, nil)
	basis := audit.Basis{Relationship: access.RegisteredGP, RelationshipID: 12, Consent: access.Huisartsen, ConsentID: 5}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range 8 {
		n := b.N / 8
		if w == 0 {
			n += b.N % 8
		}
		wg.Go(func() {
			for i := range n {
				// Patients spread like page views over a large hospital: the patient index is hit at random.
				p := audit.Patient{BSN: fmt.Sprintf("1%08d", (i*7919+w*104729)%99999999), Number: fmt.Sprintf("G%08d", i)}
				if err := log.Append(b.Context(), gp.View(p, access.Lab, fmt.Sprint(i), basis)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / time.Duration(b.N)
	stats := log.Stats()
	b.ReportMetric(float64(cpu.Microseconds()), "cpu-µs/record")
	b.ReportMetric(float64(stats.Records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(stats.Records)/float64(max(stats.Batches, 1)), "records/sync")
}

// BenchmarkCheckpoint measures what the anchor costs: writing one signed checkpoint (read the head, sign,
// append and sync the line), checking the guard triggers, and verifying a file of 1,000 checkpoints
// against the log (one record read per checkpoint).
//
//	go test -run '^$' -bench Checkpoint -benchtime 200x ./portal/audit/
func BenchmarkCheckpoint(b *testing.B) {
	st, _ := openStore(b)
	dir := b.TempDir()
	key, err := audit.LoadOrCreateCheckpointKey(filepath.Join(dir, "cp.key"), filepath.Join(dir, "cp.pub"))
	if err != nil {
		b.Fatal(err)
	}
	cps := &audit.Checkpointer{Store: st, Key: key, File: filepath.Join(dir, "checkpoints.jsonl")}
	log := newLog(b, st, nil)
	ctx := b.Context()
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if _, err := cps.Write(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("guards", func(b *testing.B) {
		for b.Loop() {
			if err := audit.CheckGuards(ctx, st); err != nil {
				b.Fatal(err)
			}
		}
	})
	file := filepath.Join(dir, "verify.jsonl")
	cps.File = file
	for i := range 1000 {
		if err := log.Append(ctx, gp.View(patient, access.Lab, fmt.Sprint(i), audit.Basis{})); err != nil {
			b.Fatal(err)
		}
		if _, err := cps.Write(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("verify-1000", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := audit.VerifyCheckpoints(ctx, st, f, key.Public().(ed25519.PublicKey)); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
