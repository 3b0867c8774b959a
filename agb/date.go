package agb

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar day without a time of day or a time zone.
//
// AGB periods (registrations, qualifications, relations) start and end on
// whole days, and "active today" must flip exactly at midnight in the
// Netherlands. Using time.Time for this invites off-by-one-day bugs at day
// boundaries and around daylight saving time, so the package compares plain
// year-month-day values instead. The zero Date means "no date"; an End that is
// zero means the period is open-ended.
type Date struct {
	// v is year*10000 + month*100 + day, so that integer order is calendar
	// order and the zero value is the "no date" value.
	v int32
}

// ErrInvalidDate is returned (wrapped) for a date that is not a real calendar
// day in YYYY-MM-DD form, so callers can tell bad input from other failures.
var ErrInvalidDate = errors.New("agb: invalid date")

// NewDate returns the Date for year, month and day, and refuses days that do
// not exist (such as 31 April) instead of normalising them the way time.Date
// does, because a silently shifted end date would shift an admission decision.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < 1 || year > 9999 {
		return Date{}, fmt.Errorf("%w: year %d out of range 0001-9999", ErrInvalidDate, year)
	}
	if month < time.January || month > time.December {
		return Date{}, fmt.Errorf("%w: month %d out of range 01-12", ErrInvalidDate, int(month))
	}
	if day < 1 || day > daysIn(year, month) {
		return Date{}, fmt.Errorf("%w: %04d-%02d has no day %d", ErrInvalidDate, year, int(month), day)
	}
	return Date{v: int32(year*10000 + int(month)*100 + day)}, nil
}

// MustDate is NewDate for constants in tests and tables; it panics on a day
// that does not exist, which is a programming error there, never input.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseDate reads a date in ISO 8601 form YYYY-MM-DD.
//
// One unambiguous format is used everywhere (import file, JSON feed, storage)
// so that 03-04-2025 can never be read as the wrong month. The error names the
// problem precisely and recognises the Dutch DD-MM-YYYY habit, because people
// editing the import file will type that.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		if len(s) == 10 && s[2] == '-' && s[5] == '-' && allDigits(s[:2]+s[3:5]+s[6:]) {
			return Date{}, fmt.Errorf("%w: %q looks like DD-MM-YYYY; write YYYY-MM-DD (%s-%s-%s)",
				ErrInvalidDate, s, s[6:], s[3:5], s[:2])
		}
		return Date{}, fmt.Errorf("%w: %q is not in the form YYYY-MM-DD", ErrInvalidDate, s)
	}
	if !allDigits(s[:4] + s[5:7] + s[8:]) {
		return Date{}, fmt.Errorf("%w: %q is not in the form YYYY-MM-DD", ErrInvalidDate, s)
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	date, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, fmt.Errorf("%q: %w", s, err)
	}
	return date, nil
}

// DateOf returns the calendar day of t in t's own location. It exists for
// callers that already hold a time in the right zone; for "today" in the
// portal use Today, which fixes the zone to the Netherlands.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{v: int32(y*10000 + int(m)*100 + d)}
}

// Today returns the calendar day in Europe/Amsterdam at the instant now.
//
// The hospital, the register and the providers all live on Dutch calendar
// days: a registration that ends on 31 December is still valid at 23:59 Dutch
// time and no longer at 00:00, whatever zone the server runs in. When the
// system has no time zone database, the EU summer-time rule for
// Central European Time is applied instead, so the answer never depends on
// how the container was built.
func Today(now time.Time) Date {
	if amsterdam != nil {
		return DateOf(now.In(amsterdam))
	}
	return DateOf(now.UTC().Add(cetOffset(now)))
}

// amsterdam is the Dutch time zone when the system provides it.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return nil
	}
	return loc
}()

// cetOffset is the Dutch offset from UTC at t under the EU rule in force since
// 1996: summer time (UTC+2) from 01:00 UTC on the last Sunday of March to
// 01:00 UTC on the last Sunday of October, otherwise UTC+1.
func cetOffset(t time.Time) time.Duration {
	u := t.UTC()
	start := lastSunday(u.Year(), time.March).Add(time.Hour)
	end := lastSunday(u.Year(), time.October).Add(time.Hour)
	if !u.Before(start) && u.Before(end) {
		return 2 * time.Hour
	}
	return time.Hour
}

// lastSunday returns midnight UTC of the last Sunday of month in year.
func lastSunday(year int, month time.Month) time.Time {
	last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}

// IsZero reports whether d is the zero "no date" value, which as an End date
// means the period has no end.
func (d Date) IsZero() bool { return d.v == 0 }

// Year returns the year of d (0 for the zero Date).
func (d Date) Year() int { return int(d.v / 10000) }

// Month returns the month of d (0 for the zero Date).
func (d Date) Month() time.Month { return time.Month(d.v / 100 % 100) }

// Day returns the day of the month of d (0 for the zero Date).
func (d Date) Day() int { return int(d.v % 100) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e; the zero
// Date sorts before every real day.
func (d Date) Compare(e Date) int {
	switch {
	case d.v < e.v:
		return -1
	case d.v > e.v:
		return 1
	}
	return 0
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.v < e.v }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.v > e.v }

// AddDays returns the day n days after d (before, for negative n); it is
// meant for "the day after the end date" style reasoning and for tests. The
// zero Date stays zero.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return DateOf(time.Date(d.Year(), d.Month(), d.Day()+n, 12, 0, 0, 0, time.UTC))
}

// String returns d as YYYY-MM-DD, or "" for the zero Date, which is also how
// an open end date is written in the import file and the JSON feed.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year(), int(d.Month()), d.Day())
}

// MarshalText writes d as YYYY-MM-DD (empty for the zero Date) so that Date
// travels through JSON and text formats in the one documented form.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; an empty text is the zero Date, which is
// how the register writes an open end date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// activeOn reports whether day lies in the inclusive period start..end, where
// a zero end is open. A zero start or zero day is never active: an unknown
// start must not admit anybody.
func activeOn(start, end, day Date) bool {
	if start.IsZero() || day.IsZero() {
		return false
	}
	return !day.Before(start) && (end.IsZero() || !day.After(end))
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
