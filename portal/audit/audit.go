// Package audit writes the portal's NEN 7513 access log: who looked at which patient's data, when, on
// which basis and with what outcome — refusals included. Records are chained by hash, so that a changed,
// forged or missing record is found by verification, and they are written before any data is shown.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
)

// Outcome says whether the action went ahead.
type Outcome string

// Outcomes.
const (
	Success Outcome = "success"
	Refused Outcome = "refused"
	Failure Outcome = "failure"
)

// ErrNotWritten means the record could not be written; whoever was about to show data must not show it.
var ErrNotWritten = errors.New("the access log could not be written")

// User is the person who acted: the provider or staff member behind the smartcard.
type User struct {
	UZI        string
	Name       string
	Role       string
	AGB        string
	URA        string
	OnBehalfOf string // the responsible provider, for delegated staff
}

// Source is where the request came from (NEN 7513 access point).
type Source struct {
	ClientIP        string
	CertFingerprint string
	RequestID       string
}

// Record is one event to log.
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

// Log appends records to the access log in the portal database.
type Log struct {
	Store *store.Store
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a Log over the store with the real clock.
func New(st *store.Store) *Log {
	return &Log{Store: st, Now: time.Now}
}

// Append writes one record and returns only when it is in the database. Its error wraps ErrNotWritten.
func (l *Log) Append(ctx context.Context, r Record) error {
	row := l.row(r)
	if err := l.Store.AppendAccessRecords(ctx, []store.AccessRecord{row}, Chain); err != nil {
		return fmt.Errorf("%w: %w", ErrNotWritten, err)
	}
	return nil
}

func (l *Log) row(r Record) store.AccessRecord {
	return store.AccessRecord{
		At:              l.Now().UTC().Format(TimeLayout),
		Event:           string(r.Event),
		Outcome:         string(r.Outcome),
		Reason:          r.Reason,
		UserUZI:         r.User.UZI,
		UserName:        r.User.Name,
		UserRole:        r.User.Role,
		UserAGB:         r.User.AGB,
		UserURA:         r.User.URA,
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

// TimeLayout is the record time: UTC with milliseconds, fixed width so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Chain sets the record's previous hash and computes its own: SHA-256 over the previous hash and every
// field but the id, in a fixed order. Verification recomputes it.
func Chain(prev string, r *store.AccessRecord) {
	r.PrevHash = prev
	r.Hash = Hash(*r)
}

// Hash computes a record's hash from its previous hash and content.
func Hash(r store.AccessRecord) string {
	content, _ := json.Marshal([]any{
		r.PrevHash, r.At, r.Event, r.Outcome, r.Reason, r.UserUZI, r.UserName, r.UserRole, r.UserAGB,
		r.UserURA, r.OnBehalfOf, r.PatientBSN, r.PatientNumber, r.ObjectCategory, r.ObjectIDs, r.Basis,
		r.Emergency, r.ClientIP, r.CertFingerprint, r.RequestID, r.Detail,
	})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
