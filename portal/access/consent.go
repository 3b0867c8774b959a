package access

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PatientFacts is everything the decision needs to know about one patient: the patient (the birth date
// decides the minors' rules), every relationship (also ended and expired ones, so a refusal can say which
// one ran out) and the full consent history. The store reads it in one transaction.
type PatientFacts struct {
	Patient       Patient
	Relationships []Relationship
	Consents      []Consent
}

// ConsentState is where consent for one recipient category stands at a moment.
type ConsentState string

// Consent states. Only ConsentStateGranted opens anything.
const (
	ConsentStateNone      ConsentState = "none"
	ConsentStateGranted   ConsentState = "granted"
	ConsentStateRefused   ConsentState = "refused"
	ConsentStateWithdrawn ConsentState = "withdrawn"
	ConsentStateLapsed    ConsentState = "lapsed"
)

// Valid reports whether s is a status the database accepts.
func (s ConsentStatus) Valid() bool {
	return s == ConsentGranted || s == ConsentRefused || s == ConsentWithdrawn
}

// Valid reports whether r is a registrant the database accepts.
func (r Registrant) Valid() bool {
	return r == ByPatient || r == ByRepresentative || r == ByBoth
}

// Channels lists the channels a consent decision can reach the hospital through, as the forms offer them
// (an import comes only from the hospital's systems).
var Channels = []Channel{ChannelDesk, ChannelPatientPortal, ChannelForm}

// Valid reports whether c is a channel the database accepts.
func (c Channel) Valid() bool {
	return slices.Contains(Channels, c) || c == ChannelImport
}

// Registrants lists who can register a decision, in the order the forms offer them.
var Registrants = []Registrant{ByPatient, ByRepresentative, ByBoth}

// LapsesAt is the moment a consent stops counting by itself: a grant registered by a parent or guardian
// alone lapses at the child's twelfth birthday, when the child gets a say (WGBO). Nil for every other
// record.
func (c Consent) LapsesAt(p Patient) *time.Time {
	if c.Status != ConsentGranted || c.RegisteredBy != ByRepresentative || p.BirthDate.IsZero() {
		return nil
	}
	at := p.BirthdayMoment(12)
	return &at
}

// CurrentConsent returns the consent decision in force for a recipient category at now and its state:
// the newest record given at or before now (newest by the moment it was given, then by registration
// order). No record is no; a withdrawn grant is no; a representative's grant is lapsed from the child's
// twelfth birthday.
func (f PatientFacts) CurrentConsent(cat RecipientCategory, now time.Time) (ConsentState, *Consent) {
	var current *Consent
	for i := range f.Consents {
		c := &f.Consents[i]
		if c.Category != cat || c.GivenAt.After(now) {
			continue
		}
		if current == nil || c.GivenAt.After(current.GivenAt) || (c.GivenAt.Equal(current.GivenAt) && c.ID > current.ID) {
			current = c
		}
	}
	if current == nil {
		return ConsentStateNone, nil
	}
	switch current.Status {
	case ConsentGranted:
		if at := current.LapsesAt(f.Patient); at != nil && !now.Before(*at) {
			return ConsentStateLapsed, current
		}
		return ConsentStateGranted, current
	case ConsentRefused:
		return ConsentStateRefused, current
	case ConsentWithdrawn:
		return ConsentStateWithdrawn, current
	}
	return ConsentStateNone, current // an unknown status opens nothing
}

// ConsentHistory returns the consent records newest first, the order the screens list them in.
func (f PatientFacts) ConsentHistory() []Consent {
	h := slices.Clone(f.Consents)
	slices.SortStableFunc(h, func(a, b Consent) int {
		if c := b.GivenAt.Compare(a.GivenAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	return h
}

// Deciders says who must register a grant of consent for a patient of this age (WGBO): under 12 a parent
// or guardian, 12 to 15 the child and a parent or guardian together, from 16 the patient alone.
func Deciders(age int) Registrant {
	switch {
	case age < 12:
		return ByRepresentative
	case age < 16:
		return ByBoth
	}
	return ByPatient
}

// CheckConsentChange applies the rules a consent decision must meet before it is registered, on the day
// it was given:
//   - a grant is registered by exactly who decides at that age (see Deciders); the refusal names the rule;
//   - a refusal or withdrawal ends a yes, so anyone whose agreement a grant needs may register it: under
//     12 a parent or guardian (with or without the child), 12 to 15 the child, a parent or both, from 16
//     the patient alone;
//   - a withdrawal needs a grant in force to withdraw, and is not dated before that grant;
//   - it was given neither in the future nor before the patient was born, and the operator is named.
//
// The error is a *RuleError.
func CheckConsentChange(f PatientFacts, c Consent, now time.Time) error {
	switch {
	case !c.Category.Valid():
		return ruleError(ReasonUnknownRecipient, string(c.Category))
	case !c.Status.Valid():
		return ruleError(ReasonUnknownStatus, string(c.Status))
	case !c.RegisteredBy.Valid():
		return ruleError(ReasonUnknownRegistrant, string(c.RegisteredBy))
	case !c.Channel.Valid():
		return ruleError(ReasonUnknownChannel, string(c.Channel))
	case strings.TrimSpace(c.RecordedBy) == "":
		return ruleError(ReasonOperatorMissing, "")
	case c.GivenAt.IsZero() || c.GivenAt.After(now):
		return ruleError(ReasonGivenInFuture, c.GivenAt.String())
	case c.GivenAt.Before(f.Patient.BirthdayMoment(0)):
		return ruleError(ReasonGivenBeforeBirth, c.GivenAt.String())
	}
	age := f.Patient.AgeAt(c.GivenAt)
	if c.Status == ConsentGranted {
		if want := Deciders(age); c.RegisteredBy != want {
			return ruleError(minorsReason(age), string(c.RegisteredBy))
		}
	} else {
		ok := false
		switch {
		case age < 12:
			ok = c.RegisteredBy == ByRepresentative || c.RegisteredBy == ByBoth
		case age < 16:
			ok = true
		default:
			ok = c.RegisteredBy == ByPatient
		}
		if !ok {
			return ruleError(minorsReason(age), string(c.RegisteredBy))
		}
	}
	if c.Status == ConsentWithdrawn {
		state, grant := f.CurrentConsent(c.Category, now)
		if state != ConsentStateGranted {
			return ruleError(ReasonNothingToWithdraw, string(state))
		}
		// The newest decision counts; a withdrawal dated before the grant would be history that changes
		// nothing, while the desk believes the consent was withdrawn.
		if c.GivenAt.Before(grant.GivenAt) {
			return ruleError(ReasonWithdrawalBeforeGrant, fmt.Sprintf("withdrawal given %s, the grant it would withdraw %s",
				c.GivenAt.UTC().Format(time.RFC3339), grant.GivenAt.UTC().Format(time.RFC3339)))
		}
	}
	return nil
}

func minorsReason(age int) Reason {
	switch {
	case age < 12:
		return ReasonMinorUnder12
	case age < 16:
		return ReasonMinor12To15
	}
	return ReasonPatient16OrOlder
}
