package audit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
	_ "time/tzdata" // reports count days in Dutch time on any server, with or without a zone database

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/uzi"
)

// Amsterdam is the time zone in which report periods are counted and times are shown.
var Amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// ErrInvalidQuery means a report was asked for with a malformed BSN, date or period.
var ErrInvalidQuery = errors.New("invalid report query")

// QueryError says which field of a report query is wrong, so that a form can put the message next to it.
type QueryError struct {
	Field   string // bsn, from, to, by
	Problem string
}

// Error reads "invalid report query: bsn: ...".
func (e *QueryError) Error() string {
	return ErrInvalidQuery.Error() + ": " + e.Field + ": " + e.Problem
}

// Unwrap lets callers test for ErrInvalidQuery.
func (e *QueryError) Unwrap() error { return ErrInvalidQuery }

// ReportQuery asks for one patient's accesses in a period: the patient's right to know who looked
// (NEN 7513 ch. 9), optionally narrowed to one user (the organisation's per-employee view).
type ReportQuery struct {
	BSN string
	// From and To are calendar days in Dutch time, both included.
	From, To time.Time
	// ByUZI, when set, keeps only this user's records.
	ByUZI string
}

var uziPattern = regexp.MustCompile(`^[0-9]{9}$`)

// ParseReportQuery checks a query typed by a person: a BSN of nine digits that passes the elfproef and
// two dates (YYYY-MM-DD) in order. The errors wrap ErrInvalidQuery and say what is wrong.
func ParseReportQuery(bsn, from, to, byUZI string) (ReportQuery, error) {
	var q ReportQuery
	if !access.ValidBSN(bsn) {
		return q, &QueryError{"bsn", fmt.Sprintf("%q is not a valid BSN (nine digits, elfproef)", bsn)}
	}
	f, err := time.ParseInLocation(time.DateOnly, from, Amsterdam)
	if err != nil {
		return q, &QueryError{"from", fmt.Sprintf("%q is not a date such as 2026-01-31", from)}
	}
	t, err := time.ParseInLocation(time.DateOnly, to, Amsterdam)
	if err != nil {
		return q, &QueryError{"to", fmt.Sprintf("%q is not a date such as 2026-12-31", to)}
	}
	if t.Before(f) {
		return q, &QueryError{"to", fmt.Sprintf("the period ends (%s) before it starts (%s)", to, from)}
	}
	if byUZI != "" && !uziPattern.MatchString(byUZI) {
		return q, &QueryError{"by", fmt.Sprintf("%q is not a UZI number (nine digits)", byUZI)}
	}
	return ReportQuery{BSN: bsn, From: f, To: t, ByUZI: byUZI}, nil
}

// Bounds gives the period as record times: from the start of From to the start of the day after To, in
// Dutch time.
func (q ReportQuery) Bounds() (from, to string) {
	f := time.Date(q.From.Year(), q.From.Month(), q.From.Day(), 0, 0, 0, 0, Amsterdam)
	t := time.Date(q.To.Year(), q.To.Month(), q.To.Day()+1, 0, 0, 0, 0, Amsterdam)
	return f.UTC().Format(TimeLayout), t.UTC().Format(TimeLayout)
}

// Describe writes the query for the report record's detail.
func (q ReportQuery) Describe(format string) string {
	s := fmt.Sprintf("from=%s to=%s", q.From.Format(time.DateOnly), q.To.Format(time.DateOnly))
	if q.ByUZI != "" {
		s += " by=" + q.ByUZI
	}
	if format != "" {
		s += " format=" + format
	}
	return s
}

// Entry is one record as reports show it: the time in Dutch time, the role with its names, the basis
// read back into its parts.
type Entry struct {
	store.AccessRecord
	Time time.Time
	Role uzi.Role
	// Basis is the parsed basis; BasisParsed is false when the column holds text in another form, which
	// is then shown as it is.
	Basis       Basis
	BasisParsed bool
}

// EntryOf turns a stored record into a report entry.
func EntryOf(r store.AccessRecord) Entry {
	e := Entry{AccessRecord: r}
	if t, err := time.Parse(TimeLayout, r.At); err == nil {
		e.Time = t.In(Amsterdam)
	}
	if r.UserRole != "" {
		e.Role = uzi.Identity{RoleCode: r.UserRole}.Role()
	}
	e.Basis, e.BasisParsed = ParseBasis(r.Basis)
	return e
}

// PatientReport is the overview of who accessed one patient's data in a period.
type PatientReport struct {
	Query     ReportQuery
	Generated time.Time
	Entries   []Entry
}

// PatientReport reads the patient's records and then logs that it did (event report, naming the patient);
// only when that record is on disk does it return the report: no log, no data. The report does not list
// its own record; the next report will. format is how the report will be delivered (html, csv, screen).
func (l *Log) PatientReport(ctx context.Context, a Actor, q ReportQuery, format string) (PatientReport, error) {
	from, to := q.Bounds()
	recs, err := l.Store.AccessRecords(ctx, store.AccessFilter{PatientBSN: q.BSN, UserUZI: q.ByUZI, From: from, To: to})
	if err != nil {
		return PatientReport{}, err
	}
	rep := PatientReport{Query: q, Generated: l.now().In(Amsterdam), Entries: make([]Entry, len(recs))}
	for i, r := range recs {
		rep.Entries[i] = EntryOf(r)
	}
	var patientNumber string
	if len(recs) > 0 {
		patientNumber = recs[len(recs)-1].PatientNumber
	}
	if err := l.Append(ctx, a.Report(ReportPatient, Patient{BSN: q.BSN, Number: patientNumber}, q.Describe(format))); err != nil {
		return PatientReport{}, err
	}
	return rep, nil
}

// Page is one page of a newest-first list with keyset paging: Older is the id to pass as BeforeID for
// the next page (0: this is the last page).
type Page struct {
	Entries []Entry
	Older   int64
}

// OwnAccesses is a provider's own recent records, newest first, pageSize at a time before the id
// `before` (0: from the newest). Reading them is logged first.
func (l *Log) OwnAccesses(ctx context.Context, a Actor, before int64, pageSize int) (Page, error) {
	if a.User.UZI == "" {
		return Page{}, &QueryError{"by", "own accesses need a UZI number"}
	}
	detail := "page_before=" + fmt.Sprint(before)
	return l.page(ctx, a.Report(ReportOwn, Patient{}, detail), store.AccessFilter{UserUZI: a.User.UZI, BeforeID: before}, pageSize)
}

// EmergencyAccesses lists the records flagged as emergency access, newest first, for the hospital's
// review. Reading them is logged first.
func (l *Log) EmergencyAccesses(ctx context.Context, a Actor, before int64, pageSize int) (Page, error) {
	detail := fmt.Sprintf("page_before=%d", before)
	return l.page(ctx, a.Report(ReportEmergencies, Patient{}, detail), store.AccessFilter{EmergencyOnly: true, BeforeID: before}, pageSize)
}

func (l *Log) page(ctx context.Context, read Record, f store.AccessFilter, pageSize int) (Page, error) {
	if err := l.Append(ctx, read); err != nil {
		return Page{}, err
	}
	f.NewestFirst, f.Limit = true, pageSize+1
	recs, err := l.Store.AccessRecords(ctx, f)
	if err != nil {
		return Page{}, err
	}
	var p Page
	if len(recs) > pageSize {
		recs = recs[:pageSize]
		p.Older = recs[pageSize-1].ID
	}
	p.Entries = make([]Entry, len(recs))
	for i, r := range recs {
		p.Entries[i] = EntryOf(r)
	}
	return p, nil
}
