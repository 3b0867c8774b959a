package agb

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string
	}{
		{in: "2024-02-29", want: MustDate(2024, time.February, 29)},
		{in: "0001-01-01", want: MustDate(1, time.January, 1)},
		{in: "9999-12-31", want: MustDate(9999, time.December, 31)},
		{in: "2023-02-29", wantErr: "has no day 29"},
		{in: "2024-04-31", wantErr: "has no day 31"},
		{in: "2024-13-01", wantErr: "month 13"},
		{in: "2024-00-10", wantErr: "month 0"},
		{in: "0000-01-01", wantErr: "year 0"},
		{in: "31-12-2024", wantErr: "looks like DD-MM-YYYY; write YYYY-MM-DD (2024-12-31)"},
		{in: "2024-1-01", wantErr: "not in the form YYYY-MM-DD"},
		{in: "2024/01/01", wantErr: "not in the form YYYY-MM-DD"},
		{in: "2024-01-0a", wantErr: "not in the form YYYY-MM-DD"},
		{in: "+024-01-01", wantErr: "not in the form YYYY-MM-DD"},
		{in: "", wantErr: "not in the form YYYY-MM-DD"},
		{in: "2024-01-01T00:00:00Z", wantErr: "not in the form YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("ParseDate(%q) error = %v, want ErrInvalidDate containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateOrderAndArithmetic(t *testing.T) {
	d := MustDate(2024, time.December, 31)
	tests := []struct {
		name string
		got  Date
		want Date
	}{
		{"next day crosses the year", d.AddDays(1), MustDate(2025, time.January, 1)},
		{"leap day", MustDate(2024, time.February, 28).AddDays(1), MustDate(2024, time.February, 29)},
		{"backwards", MustDate(2025, time.March, 1).AddDays(-1), MustDate(2025, time.February, 28)},
		{"zero stays zero", Date{}.AddDays(5), Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if !(Date{}).Before(MustDate(1, time.January, 1)) || !d.After(d.AddDays(-1)) || d.Compare(d) != 0 {
		t.Fatal("ordering is wrong")
	}
	if d.Year() != 2024 || d.Month() != time.December || d.Day() != 31 {
		t.Fatalf("fields of %v are wrong", d)
	}
}

func TestActiveOnIsInclusive(t *testing.T) {
	start := MustDate(2024, time.January, 1)
	end := MustDate(2024, time.December, 31)
	tests := []struct {
		name       string
		start, end Date
		day        Date
		want       bool
	}{
		{"day before start", start, end, start.AddDays(-1), false},
		{"first day", start, end, start, true},
		{"last day", start, end, end, true},
		{"day after end", start, end, end.AddDays(1), false},
		{"open end, far future", start, Date{}, MustDate(9999, time.December, 31), true},
		{"one-day period", start, start, start, true},
		{"missing start never active", Date{}, end, start, false},
		{"zero day never active", start, Date{}, Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := activeOn(tt.start, tt.end, tt.day); got != tt.want {
				t.Fatalf("activeOn(%v, %v, %v) = %v, want %v", tt.start, tt.end, tt.day, got, tt.want)
			}
		})
	}
}

func TestTodayIsTheDutchCalendarDay(t *testing.T) {
	tests := []struct {
		name string
		utc  string
		want Date
	}{
		{"23:59:59 CET on new year's eve", "2024-12-31T22:59:59Z", MustDate(2024, time.December, 31)},
		{"midnight CET", "2024-12-31T23:00:00Z", MustDate(2025, time.January, 1)},
		{"23:59:59 CEST", "2025-06-30T21:59:59Z", MustDate(2025, time.June, 30)},
		{"midnight CEST", "2025-06-30T22:00:00Z", MustDate(2025, time.July, 1)},
		{"UTC midnight is already 01:00 in NL", "2025-01-15T00:00:00Z", MustDate(2025, time.January, 15)},
		{"night summer time starts", "2025-03-29T23:30:00Z", MustDate(2025, time.March, 30)},
		{"night summer time ends", "2025-10-25T22:30:00Z", MustDate(2025, time.October, 26)},
	}
	for _, withZoneDB := range []bool{true, false} {
		saved := amsterdam
		if !withZoneDB {
			amsterdam = nil // exercise the built-in EU rule
		} else if amsterdam == nil {
			t.Log("no time zone database on this system; only the built-in rule is tested")
			continue
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				now, err := time.Parse(time.RFC3339, tt.utc)
				if err != nil {
					t.Fatal(err)
				}
				if got := Today(now); got != tt.want {
					t.Fatalf("Today(%s) with zone database %v = %v, want %v", tt.utc, withZoneDB, got, tt.want)
				}
				// The answer must not depend on the zone the instant is expressed in.
				if got := Today(now.In(time.FixedZone("X", -11*3600))); got != tt.want {
					t.Fatalf("Today depends on the location of now: got %v", got)
				}
			})
		}
		amsterdam = saved
	}
}

func TestCETRuleMatchesZoneDatabase(t *testing.T) {
	if amsterdam == nil {
		t.Skip("no time zone database on this system")
	}
	start := time.Date(2000, 1, 1, 0, 30, 0, 0, time.UTC)
	end := time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
	for now := start; now.Before(end); now = now.Add(time.Hour) {
		_, off := now.In(amsterdam).Zone()
		if got := cetOffset(now); got != time.Duration(off)*time.Second {
			t.Fatalf("cetOffset(%s) = %v, zone database says %ds", now, got, off)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		A Date `json:"a"`
		B Date `json:"b"`
		C Date `json:"c"`
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"a":"2024-05-06","b":"","c":null}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.A != MustDate(2024, time.May, 6) || !d.B.IsZero() || !d.C.IsZero() {
		t.Fatalf("decoded %+v", d)
	}
	out, err := json.Marshal(d)
	if err != nil || string(out) != `{"a":"2024-05-06","b":"","c":""}` {
		t.Fatalf("Marshal = %s, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"06-05-2024"}`), &d); err == nil {
		t.Fatal("DD-MM-YYYY accepted in JSON")
	}
}
