// Package dataset generates a synthetic hospital for load tests: any number of patients with dossiers like
// the demo's (lab series with reference ranges, medication started and stopped, letters with small
// attachments, admissions and visits, problems, allergies), treatment relationships held by the
// organisations and providers of the development cards (so that the load cards can open them), consent
// decisions, and an access log of any length with a valid hash chain. It writes straight into the store
// in large transactions (store.Bulk), without FHIR round trips: a million patients take minutes.
//
// Generation is deterministic for a seed, a patient count and a moment: patient i is drawn from its own
// random stream, so the same options give the same data set on every machine.
package dataset

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

// Options say how large a data set to make.
type Options struct {
	// Patients is the number of patients to add.
	Patients int
	// LogRecords is the number of access-log records to add after the patients: views, searches and
	// logins of the development cards, spread over the year before Now, chained like every other record.
	LogRecords int
	// Seed selects the data set; the same seed gives the same patients.
	Seed uint64
	// Now is the moment the data set is generated for: dates lie before it. Zero means time.Now.
	Now time.Time
	// ChunkSize is the number of patients per transaction (default 5000).
	ChunkSize int
	// Progress, when set, is called after every chunk of patients and of log records.
	Progress func(Progress)
}

// Progress reports how far a generation is.
type Progress struct {
	Patients, LogRecords int
}

// Result says what was generated and how long it took.
type Result struct {
	Patients         int
	FirstID, LastID  int64
	Rows             map[string]int // rows per table
	LogRecords       int
	PatientTime      time.Duration
	LogTime          time.Duration
	PatientsPerSec   float64
	LogRecordsPerSec float64
}

// ErrOptions means the options ask for something that cannot be generated.
var ErrOptions = errors.New("dataset: invalid options")

// bsnBase is the first eight-digit prefix of the generated BSNs: far from the demo's test BSNs (9999...),
// each completed with the check digit that passes the elfproef. They are marked synthetic.
const bsnBase = 10_000_000

// maxPatients keeps the BSN prefixes (bsnBase + 2·id) at eight digits.
const maxPatients = 40_000_000

// Generate adds opts.Patients patients (numbered after the highest patient id in the database) and then
// opts.LogRecords access-log records to the store.
func Generate(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	if opts.Patients < 0 || opts.LogRecords < 0 || opts.Patients > maxPatients {
		return Result{}, fmt.Errorf("%w: %d patients, %d log records", ErrOptions, opts.Patients, opts.LogRecords)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC().Truncate(time.Second)
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = 5000
	}
	first, err := st.MaxPatientID(ctx)
	if err != nil {
		return Result{}, err
	}
	first++
	res := Result{Rows: map[string]int{}, FirstID: first, LastID: first - 1}
	start := time.Now()
	for done := 0; done < opts.Patients; {
		n := min(opts.ChunkSize, opts.Patients-done)
		err := st.BulkLoad(ctx, func(b *store.Bulk) error {
			for i := range n {
				id := first + int64(done+i)
				if err := writePatient(b, opts.Seed, id, opts.Now, res.Rows); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		done += n
		res.Patients = done
		res.LastID = first + int64(done) - 1
		if opts.Progress != nil {
			opts.Progress(Progress{Patients: done})
		}
	}
	res.PatientTime = time.Since(start)
	if res.PatientTime > 0 {
		res.PatientsPerSec = float64(res.Patients) / res.PatientTime.Seconds()
	}
	if opts.LogRecords > 0 {
		start = time.Now()
		// The records name any patient of the database, generated now or before.
		last, err := st.MaxPatientID(ctx)
		if err != nil {
			return res, err
		}
		// Appended without the log's secondary indexes, built again once at the end (one sort each).
		if err := st.WithoutAccessLogIndexes(ctx, func() error { return writeLog(ctx, st, opts, 1, last) }); err != nil {
			return res, err
		}
		res.LogRecords = opts.LogRecords
		res.LogTime = time.Since(start)
		res.LogRecordsPerSec = float64(res.LogRecords) / res.LogTime.Seconds()
	}
	return res, nil
}

// BSN gives patient id its synthetic BSN: the eight-digit prefix bsnBase + 2·id completed with the check
// digit of the elfproef, or, when that prefix has none (its weighted sum is 10 modulo 11), the next prefix,
// whose sum is 2 higher and so always has one. Two ids never share a prefix, so BSNs are unique; the load
// command and the generated access log name patients by it.
func BSN(id int64) string {
	p := bsnBase + 2*id
	for {
		digits := strconv.FormatInt(p, 10)
		sum := 0
		for i, d := range digits {
			sum += (9 - i) * int(d-'0')
		}
		if check := sum % 11; check < 10 {
			return digits + strconv.Itoa(check)
		}
		p++
	}
}

// The organisations and providers of the development cards hold the relationships, so that each load
// card finds patients: the gp card's practice De Linde is the registered practice of most.
var (
	deLinde    = card(devpki.CardGP)
	hetAnker   = card(devpki.CardGPOther)
	deBrug     = card(devpki.CardPharmacist)
	avondrood  = card(devpki.CardElderlyCarePhysician)
	thuiszorg  = card(devpki.CardNurse)
	specialist = card(devpki.CardSpecialist)
)

// cardHolder is a development card's holder and organisation.
type cardHolder = devpki.CardSpec

func card(name string) devpki.CardSpec {
	c, err := devpki.CardByName(name)
	if err != nil {
		panic(err) // the card table is fixed: this cannot happen
	}
	return c
}

// writeLog appends opts.LogRecords records in batches through the store's own append (the database's
// sequence triggers check every one of them), chained with audit.Chain, at moments spread evenly over the
// year before Now and ending a minute before it.
func writeLog(ctx context.Context, st *store.Store, opts Options, firstID, lastID int64) error {
	r := rand.New(rand.NewPCG(opts.Seed, 0x10c))
	const batch = 4096
	span := 365 * 24 * time.Hour
	begin := opts.Now.Add(-span - time.Minute)
	step := span / time.Duration(opts.LogRecords)
	cards := []devpki.CardSpec{deLinde, deLinde, deLinde, hetAnker, deBrug, deBrug, avondrood, thuiszorg, specialist}
	rows := make([]store.AccessRecord, 0, batch)
	for i := 0; i < opts.LogRecords; {
		rows = rows[:0]
		for ; i < opts.LogRecords && len(rows) < batch; i++ {
			c := cards[r.IntN(len(cards))]
			rec := logRecord(r, c, lastID, firstID)
			rows = append(rows, audit.RowAt(rec, begin.Add(time.Duration(i)*step)))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Without cancellation inside: the driver would watch a cancellable context with a goroutine per
		// statement (see store.Bulk); the context is checked between batches instead.
		if err := st.AppendAccessRecords(context.WithoutCancel(ctx), rows, audit.Chain); err != nil {
			return fmt.Errorf("dataset: access log: %w", err)
		}
		if opts.Progress != nil {
			opts.Progress(Progress{LogRecords: i})
		}
	}
	return nil
}

// logRecord is one access-log record of a card: mostly views of one data category of a patient, some
// searches and logins, a few refusals.
func logRecord(r *rand.Rand, c devpki.CardSpec, lastID, firstID int64) audit.Record {
	actor := audit.Actor{
		User: audit.User{UZI: c.UZINumber, Name: c.GivenName + " " + c.Surname, Role: c.Role, AGB: c.AGB, URA: c.URA, Organisation: c.Organisation},
		Source: audit.Source{ClientIP: fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)),
			CertFingerprint: fmt.Sprintf("%064x", r.Uint64()), RequestID: fmt.Sprintf("%016x", r.Uint64())},
	}
	id := firstID
	if lastID > firstID {
		id = firstID + r.Int64N(lastID-firstID+1)
	}
	// The patient's identifiers follow from its id exactly as writePatient makes them, so that a patient's
	// access report finds its generated records.
	p := audit.Patient{BSN: BSN(id), Number: PatientNumber(id)}
	switch n := r.IntN(100); {
	case n < 3:
		return actor.Login()
	case n < 6:
		return actor.Search(p, "", audit.SearchFound)
	case n < 8:
		return actor.ViewRefused(p, access.Lab, string(access.ReasonNoConsent))
	default:
		cat := access.Categories[r.IntN(len(access.Categories))]
		return actor.View(p, cat, strconv.Itoa(r.IntN(1_000_000)), audit.Basis{Relationship: access.RegisteredGP, RelationshipID: id, Consent: access.Huisartsen, ConsentID: id})
	}
}

// PatientNumber is the hospital patient number of generated patient id.
func PatientNumber(id int64) string { return fmt.Sprintf("G%08d", id) }
