package fhir

import (
	"fmt"
	"strings"
	"time"
)

// parseDateTime reads a FHIR date, dateTime or instant: YYYY, YYYY-MM, YYYY-MM-DD, or a full time with
// seconds (fractions optional) and a zone. A partial date means its first moment; a date without a time is
// taken as midnight UTC, so that a calendar day stays the same day whatever the server's zone.
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a FHIR date or dateTime", s)
}

// optionalTime parses an optional dateTime: empty gives nil.
func optionalTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := parseDateTime(s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// parseDate reads a FHIR date (a birth date): the full YYYY-MM-DD form or a partial date.
func parseDate(s string) (time.Time, error) {
	t, err := parseDateTime(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}
