// Package audit writes the portal's NEN 7513 access log: who looked at which patient's data, when, on
// which basis and with what outcome — refusals included. Records are chained by hash, so that a changed,
// forged or missing record is found by verification, and they are on disk before any data is shown.
//
// Writing goes through one appender goroutine per Log that commits whatever has queued up as one
// transaction with one sync to disk (group commit): concurrent requests share the cost of the sync
// instead of queueing for one sync each, and the chain stays a single line because only the appender
// writes it.
package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"zorgverlenersportaal/portal/store"
)

// Event names the kind of thing that happened; they are the values of the log's event column.
type Event string

// The events of DESIGN.md §4.
const (
	EventView               Event = "view"
	EventSearch             Event = "search"
	EventLogin              Event = "login"
	EventLoginRefused       Event = "login_refused"
	EventEmergencyAccess    Event = "emergency_access"
	EventConsentChange      Event = "consent_change"
	EventRelationshipChange Event = "relationship_change"
	EventImport             Event = "import"
	EventAdminAction        Event = "admin_action"
	EventReport             Event = "report"
	// EventExport is a download of a patient's documents as one package (IHE XDM): one event that names
	// every document in it.
	EventExport Event = "export"
	// EventNotification is an e-mail digest handed to the relay: whom the portal told how many new items
	// wait. The mail names no patient, so neither does the record.
	EventNotification Event = "notification"
)

// Events lists every event, in the order reports explain them.
var Events = []Event{EventView, EventSearch, EventLogin, EventLoginRefused, EventEmergencyAccess,
	EventConsentChange, EventRelationshipChange, EventImport, EventAdminAction, EventReport, EventExport,
	EventNotification}

// Outcome says whether the action went ahead.
type Outcome string

// Outcomes. NotFound is a search that matched no patient: not a refusal, but it is logged all the same.
const (
	Success  Outcome = "success"
	Refused  Outcome = "refused"
	Failure  Outcome = "failure"
	NotFound Outcome = "not_found"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Success, Refused, Failure, NotFound}

// ErrNotWritten means the record could not be written; whoever was about to show data must not show it.
var ErrNotWritten = errors.New("the access log could not be written")

// ErrInvalidRecord means a record lacks what its event requires (a view without a patient, say). It is
// checked before the record joins a batch, so that one bad record never fails the others.
var ErrInvalidRecord = errors.New("incomplete access record")

// ErrClosed means the Log was closed; nothing more can be written through it.
var ErrClosed = errors.New("the access log is closed")

// User is the person who acted: the provider or staff member behind the smartcard.
type User struct {
	UZI          string
	Name         string
	Role         string // UZI role code, e.g. 01.015; reports add the Dutch name
	AGB          string
	URA          string // the organisation the user acted for (abonneenummer)
	Organisation string // its name
	OnBehalfOf   string // the responsible provider, for delegated staff
}

// Source is where the request came from (NEN 7513 access point).
type Source struct {
	ClientIP        string
	CertFingerprint string
	RequestID       string
}

// Record is one event to log. The helpers of records.go fill it completely for each event.
type Record struct {
	Event         Event
	Outcome       Outcome
	Reason        string
	User          User
	PatientBSN    string
	PatientNumber string
	Category      string
	ObjectIDs     string
	Basis         string
	Emergency     bool
	Source        Source
	Detail        string
}

// Validate checks what every record must carry: a known event and outcome, the patient of a view that
// went ahead, and the emergency flag on an emergency access. It is deliberately no stricter: a record
// that says less is still better written than lost.
func (r Record) Validate() error {
	known := false
	for _, k := range Events {
		known = known || k == r.Event
	}
	switch {
	case !known:
		return fmt.Errorf("%w: unknown event %q", ErrInvalidRecord, r.Event)
	case r.Outcome != Success && r.Outcome != Refused && r.Outcome != Failure && r.Outcome != NotFound:
		return fmt.Errorf("%w: unknown outcome %q", ErrInvalidRecord, r.Outcome)
	case (r.Event == EventView || r.Event == EventEmergencyAccess || r.Event == EventExport) && r.Outcome == Success && r.PatientBSN == "":
		return fmt.Errorf("%w: a %s that went ahead names the patient", ErrInvalidRecord, r.Event)
	case r.Event == EventEmergencyAccess && !r.Emergency:
		return fmt.Errorf("%w: an emergency access is flagged as one", ErrInvalidRecord)
	}
	return nil
}

// Log appends records to the access log in the portal database. New and NewWithOptions build one; a
// literal &Log{Store: st} works too (the queue is made on first use).
type Log struct {
	Store *store.Store
	// Now is the clock; tests replace it. Nil means time.Now.
	Now func() time.Time

	queueSize int
	setup     sync.Once    // makes queue and done
	start     sync.Once    // starts the appender
	mu        sync.RWMutex // guards closed and sends on queue against Close
	queue     chan *Pending
	done      chan struct{}

	closed  bool
	batches atomic.Int64
	records atomic.Int64
	failed  atomic.Int64
	lastErr atomic.Pointer[error] // the error of the newest batch; nil after a good one
	written func([]store.AccessRecord)
}

// Options tune a Log; the zero value is what the portal runs with.
type Options struct {
	// Now is the clock; tests replace it. Nil means time.Now.
	Now func() time.Time
	// QueueSize bounds the submissions waiting for the appender (per Submit call, not per record); a full
	// queue makes Submit wait, which slows callers down instead of letting memory grow. Default 8192.
	QueueSize int
	// Written, when set, is called by the appender with the records of every committed batch, before the
	// callers are released; monitoring counts logins, refusals and rate limits from it, so that every
	// handler's records are counted without each handler counting. It must be quick and must not keep the
	// slice.
	Written func([]store.AccessRecord)
}

// maxBatch caps the records of one transaction, so that a huge backlog still commits in steps and other
// writers (consent changes, imports) get the write lock between them.
const maxBatch = 4096

// New returns a Log over the store with the real clock.
func New(st *store.Store) *Log {
	return NewWithOptions(st, Options{})
}

// NewWithOptions returns a Log over the store. Its appender starts on the first write; Close stops it.
func NewWithOptions(st *store.Store, opts Options) *Log {
	return &Log{Store: st, Now: opts.Now, queueSize: opts.QueueSize, written: opts.Written}
}

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Log) init() {
	l.setup.Do(func() {
		size := l.queueSize
		if size <= 0 {
			size = 8192
		}
		l.queue, l.done = make(chan *Pending, size), make(chan struct{})
	})
}

// Pending is a submitted group of records on its way to disk.
type Pending struct {
	rows []store.AccessRecord
	done chan struct{} // closed by the appender once err is set
	err  error
}

// Wait returns when the records are durably written (nil) or could not be (an error wrapping
// ErrNotWritten). If ctx ends first, Wait gives up with ErrNotWritten: the records may still be written
// afterwards, but the caller cannot know and must not show data.
func (p *Pending) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrNotWritten, ctx.Err())
	}
}

// Append writes one record and returns only when it is on disk. Its error wraps ErrNotWritten.
func (l *Log) Append(ctx context.Context, r Record) error {
	return l.AppendAll(ctx, []Record{r})
}

// AppendAll writes several records (a page showing several categories, say) as consecutive records of
// the same batch and returns when all of them are on disk.
func (l *Log) AppendAll(ctx context.Context, recs []Record) error {
	p, err := l.Submit(ctx, recs...)
	if err != nil {
		return err
	}
	return p.Wait(ctx)
}

// Submit queues records and returns at once; Wait on the result says when they are on disk. It lets one
// caller keep several writes in flight (an import logging thousands of records, say), which group commit
// then folds into few transactions. Records are stamped with the time of the Submit.
func (l *Log) Submit(ctx context.Context, recs ...Record) (*Pending, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: %w: no records", ErrNotWritten, ErrInvalidRecord)
	}
	at := l.now().UTC().Format(TimeLayout)
	p := &Pending{rows: make([]store.AccessRecord, len(recs)), done: make(chan struct{})}
	for i, r := range recs {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotWritten, err)
		}
		p.rows[i] = rowAt(r, at)
	}
	l.init()
	l.start.Do(func() { go l.appender() })
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, fmt.Errorf("%w: %w", ErrNotWritten, ErrClosed)
	}
	select {
	case l.queue <- p:
		return p, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrNotWritten, ctx.Err())
	}
}

// Close stops accepting records, waits until everything queued is written, and stops the appender.
func (l *Log) Close() error {
	l.init()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	l.start.Do(func() { close(l.done) }) // never started: nothing to wait for
	<-l.done
	return nil
}

// Stats are counters for monitoring and the benchmark: records written and the transactions (each with
// one sync to disk) they took, and the records whose batch could not be written.
type Stats struct {
	Records int64
	Batches int64
	Failed  int64
}

// Stats returns the counters since New.
func (l *Log) Stats() Stats {
	return Stats{Records: l.records.Load(), Batches: l.batches.Load(), Failed: l.failed.Load()}
}

// Healthy says whether the log can be expected to take the next record: nil, or ErrClosed after Close,
// or the error of the newest batch when that one failed (the next good batch clears it). The health
// endpoint reports it; it does not write anything itself.
func (l *Log) Healthy() error {
	l.mu.RLock()
	closed := l.closed
	l.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if p := l.lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

// appender is the only writer of the chain in this process. It takes what has queued up (at most
// maxBatch records), writes it in one durable transaction, and tells every waiting caller the outcome;
// while it writes, the next batch queues up. No timer: a lone record is written at once.
func (l *Log) appender() {
	defer close(l.done)
	var batch []*Pending
	var rows []store.AccessRecord
	for first := range l.queue {
		batch, rows = append(batch[:0], first), append(rows[:0], first.rows...)
	drain:
		for len(rows) < maxBatch {
			select {
			case p, ok := <-l.queue:
				if !ok {
					break drain
				}
				batch, rows = append(batch, p), append(rows, p.rows...)
			default:
				break drain
			}
		}
		err := l.Store.AppendAccessRecords(context.Background(), rows, Chain)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrNotWritten, err)
			l.failed.Add(int64(len(rows)))
			l.lastErr.Store(&err)
		} else {
			l.batches.Add(1)
			l.records.Add(int64(len(rows)))
			l.lastErr.Store(nil)
			if l.written != nil {
				l.written(rows)
			}
		}
		n := 0
		for _, p := range batch {
			copy(p.rows, rows[n:n+len(p.rows)]) // hand back ids and hashes
			n += len(p.rows)
			p.err = err
			close(p.done)
		}
		clear(batch)
	}
}

// Records returns the written rows of a Pending after a successful Wait: ids and hashes, for tests and
// for callers that show the record number.
func (p *Pending) Records() []store.AccessRecord { return p.rows }

// row is the stored form of a record stamped now; Entry uses it for records written inside a change's
// own transaction.
func (l *Log) row(r Record) store.AccessRecord {
	return rowAt(r, l.now().UTC().Format(TimeLayout))
}

// RowAt is the stored form of a record written at a given moment, without id and hash (the store's append
// gives the id, Chain the hashes). The dataset generator writes a past year of records with it; the
// portal's own records are stamped by Submit.
func RowAt(r Record, at time.Time) store.AccessRecord {
	return rowAt(r, at.UTC().Format(TimeLayout))
}

// rowAt is the stored form of a record with its time.
func rowAt(r Record, at string) store.AccessRecord {
	return store.AccessRecord{
		At:              at,
		Event:           string(r.Event),
		Outcome:         string(r.Outcome),
		Reason:          r.Reason,
		UserUZI:         r.User.UZI,
		UserName:        r.User.Name,
		UserRole:        r.User.Role,
		UserAGB:         r.User.AGB,
		UserURA:         r.User.URA,
		UserOrg:         r.User.Organisation,
		OnBehalfOf:      r.User.OnBehalfOf,
		PatientBSN:      r.PatientBSN,
		PatientNumber:   r.PatientNumber,
		ObjectCategory:  r.Category,
		ObjectIDs:       r.ObjectIDs,
		Basis:           r.Basis,
		Emergency:       r.Emergency,
		ClientIP:        r.Source.ClientIP,
		CertFingerprint: r.Source.CertFingerprint,
		RequestID:       r.Source.RequestID,
		Detail:          r.Detail,
	}
}
