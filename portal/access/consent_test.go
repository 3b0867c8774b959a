package access

import (
	"errors"
	"testing"
	"time"
)

// TestConsentRegistrationFollowsTheMinorsRules registers decisions for children on the days around
// their 12th and 16th birthdays (counted in Amsterdam) and checks who may register what (WGBO): under 12 a
// parent or guardian decides, 12 to 15 the child and a parent together, from 16 the patient alone.
func TestConsentRegistrationFollowsTheMinorsRules(t *testing.T) {
	born := time.Date(2010, 9, 15, 0, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d, hour int) time.Time { return time.Date(y, m, d, hour, 0, 0, 0, Amsterdam) }
	var (
		dayBefore12 = day(2022, 9, 14, 12)
		on12        = day(2022, 9, 15, 0)
		dayBefore16 = day(2026, 9, 14, 23)
		on16        = day(2026, 9, 15, 9)
		age13       = day(2023, 11, 1, 10)
	)
	tests := []struct {
		name   string
		given  time.Time
		status ConsentStatus
		by     Registrant
		reason Reason
	}{
		{"11, parent grants", dayBefore12, ConsentGranted, ByRepresentative, ""},
		{"11, child grants alone", dayBefore12, ConsentGranted, ByPatient, ReasonMinorUnder12},
		{"11, child and parent grant", dayBefore12, ConsentGranted, ByBoth, ReasonMinorUnder12},
		{"11, parent refuses", dayBefore12, ConsentRefused, ByRepresentative, ""},
		{"11, child refuses alone", dayBefore12, ConsentRefused, ByPatient, ReasonMinorUnder12},
		{"12 today, parent grants alone", on12, ConsentGranted, ByRepresentative, ReasonMinor12To15},
		{"12 today, child grants alone", on12, ConsentGranted, ByPatient, ReasonMinor12To15},
		{"12 today, child and parent grant", on12, ConsentGranted, ByBoth, ""},
		{"13, parent grants without the child", age13, ConsentGranted, ByRepresentative, ReasonMinor12To15},
		{"13, child and parent grant", age13, ConsentGranted, ByBoth, ""},
		{"13, child refuses alone", age13, ConsentRefused, ByPatient, ""},
		{"13, parent refuses alone", age13, ConsentRefused, ByRepresentative, ""},
		{"15, child and parent grant", dayBefore16, ConsentGranted, ByBoth, ""},
		{"15, child grants alone", dayBefore16, ConsentGranted, ByPatient, ReasonMinor12To15},
		{"16 today, patient grants", on16, ConsentGranted, ByPatient, ""},
		{"16 today, child and parent grant", on16, ConsentGranted, ByBoth, ReasonPatient16OrOlder},
		{"16 today, parent grants", on16, ConsentGranted, ByRepresentative, ReasonPatient16OrOlder},
		{"16 today, parent refuses", on16, ConsentRefused, ByRepresentative, ReasonPatient16OrOlder},
		{"16 today, patient refuses", on16, ConsentRefused, ByPatient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: born}}
			c := Consent{PatientID: 1, Category: Huisartsen, Status: tt.status, RegisteredBy: tt.by, Channel: ChannelDesk, GivenAt: tt.given, RecordedBy: "balie"}
			err := CheckConsentChange(facts, c, tt.given.Add(time.Hour))
			if got := ReasonOf(err); got != tt.reason {
				t.Fatalf("reason = %q (%v), want %q", got, err, tt.reason)
			}
			if tt.reason != "" && !errors.Is(err, ErrRefused) {
				t.Errorf("error %v does not wrap ErrRefused", err)
			}
		})
	}
}

// TestLeapDayBirthdays: a child born on 29 February has a birthday on that day in leap years and on
// 1 March in common years, for the age and for the moment a birthday begins alike. (Twelve years after a
// leap year is again a leap year, so the common-year case is shown on the 13th birthday.)
func TestLeapDayBirthdays(t *testing.T) {
	p := Patient{ID: 1, BirthDate: time.Date(2012, 2, 29, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		moment time.Time
		age    int
	}{
		{time.Date(2024, 2, 28, 23, 59, 0, 0, Amsterdam), 11},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, Amsterdam), 12},
		{time.Date(2025, 2, 28, 23, 59, 0, 0, Amsterdam), 12},
		{time.Date(2025, 3, 1, 0, 0, 0, 0, Amsterdam), 13},
	}
	for _, tt := range tests {
		if got := p.AgeAt(tt.moment); got != tt.age {
			t.Errorf("age at %v = %d, want %d", tt.moment, got, tt.age)
		}
	}
	if got, want := p.BirthdayMoment(12), time.Date(2024, 2, 29, 0, 0, 0, 0, Amsterdam); !got.Equal(want) {
		t.Errorf("12th birthday = %v, want %v", got, want)
	}
	if got, want := p.BirthdayMoment(13), time.Date(2025, 3, 1, 0, 0, 0, 0, Amsterdam); !got.Equal(want) {
		t.Errorf("13th birthday = %v, want %v", got, want)
	}
}

func TestWithdrawalNeedsAGrantInForce(t *testing.T) {
	facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: adultBirth}}
	w := Consent{Category: Apotheken, Status: ConsentWithdrawn, RegisteredBy: ByPatient, Channel: ChannelForm, GivenAt: now, RecordedBy: "balie"}
	if got := ReasonOf(CheckConsentChange(facts, w, now)); got != ReasonNothingToWithdraw {
		t.Fatalf("withdrawing nothing: %q", got)
	}
	facts.Consents = []Consent{consent(1, Apotheken, ConsentGranted, ByPatient, at(-day))}
	if err := CheckConsentChange(facts, w, now); err != nil {
		t.Fatalf("withdrawing a grant: %v", err)
	}
	// Dated before the grant it withdraws, a withdrawal would be saved and change nothing.
	backdated := w
	backdated.GivenAt = at(-2 * day)
	if got := ReasonOf(CheckConsentChange(facts, backdated, now)); got != ReasonWithdrawalBeforeGrant {
		t.Fatalf("withdrawal dated before the grant: %q", got)
	}
	sameMoment := w
	sameMoment.GivenAt = at(-day)
	if err := CheckConsentChange(facts, sameMoment, now); err != nil {
		t.Fatalf("withdrawal at the moment of the grant: %v", err)
	}
}

func TestConsentChangeRefusesImpossibleDatesAndValues(t *testing.T) {
	facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: adultBirth}}
	base := Consent{Category: Huisartsen, Status: ConsentGranted, RegisteredBy: ByPatient, Channel: ChannelDesk, GivenAt: at(-day), RecordedBy: "balie"}
	tests := []struct {
		name   string
		change func(*Consent)
		reason Reason
	}{
		{"valid", func(*Consent) {}, ""},
		{"given tomorrow", func(c *Consent) { c.GivenAt = at(day) }, ReasonGivenInFuture},
		{"given before birth", func(c *Consent) { c.GivenAt = adultBirth.Add(-day) }, ReasonGivenBeforeBirth},
		{"unknown category", func(c *Consent) { c.Category = "tandartsen" }, ReasonUnknownRecipient},
		{"unknown status", func(c *Consent) { c.Status = "maybe" }, ReasonUnknownStatus},
		{"unknown registrant", func(c *Consent) { c.RegisteredBy = "neighbour" }, ReasonUnknownRegistrant},
		{"unknown channel", func(c *Consent) { c.Channel = "fax" }, ReasonUnknownChannel},
		{"no operator", func(c *Consent) { c.RecordedBy = " " }, ReasonOperatorMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.change(&c)
			if got := ReasonOf(CheckConsentChange(facts, c, now)); got != tt.reason {
				t.Fatalf("reason = %q, want %q", got, tt.reason)
			}
		})
	}
}

func TestDeciders(t *testing.T) {
	for age, want := range map[int]Registrant{0: ByRepresentative, 11: ByRepresentative, 12: ByBoth, 15: ByBoth, 16: ByPatient, 90: ByPatient} {
		if got := Deciders(age); got != want {
			t.Errorf("Deciders(%d) = %s, want %s", age, got, want)
		}
	}
}
