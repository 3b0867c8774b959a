package agb

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of AGB registration. The register distinguishes the
// person who may give care (zorgverlener), the legal entity they work for
// (onderneming) and the location where care is given (vestiging); only a
// zorgverlener registration can admit a person to the portal.
type Kind string

// The three kinds of registration in the renewed AGB register.
const (
	KindZorgverlener Kind = "zorgverlener"
	KindOnderneming  Kind = "onderneming"
	KindVestiging    Kind = "vestiging"
)

// Valid reports whether k is one of the three register kinds.
func (k Kind) Valid() bool {
	return k == KindZorgverlener || k == KindOnderneming || k == KindVestiging
}

// Status is the register's own administrative status of a registration. It is
// kept next to the dates because the register can end a code ("Deze AGB-code
// is beëindigd") before the end date reaches the hospital's copy; the portal
// refuses when either the status or the dates say the registration ended.
type Status string

// The register statuses the portal understands; anything else is invalid
// data, never silently treated as active.
const (
	StatusActive Status = "actief"
	StatusEnded  Status = "beeindigd"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusActive || s == StatusEnded }

// RelationKind says how a registration is linked to another one. The
// register shows these on its detail pages ("Ik ben werkzaam bij", "Ik heb een
// arbeidsrelatie met"); the portal may later use them to check that a
// provider works for the organisation on their card.
type RelationKind string

// The relation kinds, each stored on one owner only; the reverse direction
// (an onderneming's zorgverleners) is derived, never stored twice.
const (
	// RelationWorksAt links a zorgverlener to a vestiging where they give care.
	RelationWorksAt RelationKind = "werkzaam-bij"
	// RelationEmployment links a zorgverlener to an onderneming; Role says
	// how (for example "loondienst", "eigenaar").
	RelationEmployment RelationKind = "arbeidsrelatie"
	// RelationLocationOf links a vestiging to its parent onderneming.
	RelationLocationOf RelationKind = "vestiging-van"
	// RelationAffiliated links an onderneming to another onderneming.
	RelationAffiliated RelationKind = "verbonden-met"
)

// ownerKind is the registration kind that may hold a relation of kind rk, and
// targetKind the kind the other end must have when it is known.
func (rk RelationKind) ownerKind() (owner, target Kind, ok bool) {
	switch rk {
	case RelationWorksAt:
		return KindZorgverlener, KindVestiging, true
	case RelationEmployment:
		return KindZorgverlener, KindOnderneming, true
	case RelationLocationOf:
		return KindVestiging, KindOnderneming, true
	case RelationAffiliated:
		return KindOnderneming, KindOnderneming, true
	}
	return "", "", false
}

// Valid reports whether rk is a known relation kind.
func (rk RelationKind) Valid() bool {
	_, _, ok := rk.ownerKind()
	return ok
}

// Registration is one record of the AGB register as the portal keeps it.
//
// Person names (Surname, Prefix, Initials, GivenName) are filled for a
// zorgverlener and Name for an onderneming or vestiging. Prefix is the Dutch
// voorvoegsel ("de", "van der") kept apart from Surname as the register does,
// because the card may or may not include it. Start is the first and End the
// last day of the registration (End zero: open-ended).
type Registration struct {
	Code           Code
	Kind           Kind
	Surname        string
	Prefix         string
	Initials       string
	GivenName      string
	Name           string
	Start          Date
	End            Date
	Status         Status
	Qualifications []Qualification
	Relations      []Relation
}

// Qualification is a kwalificatie held by a registration for a period; the
// portal only counts qualifications active on the day of the check.
type Qualification struct {
	Code  Kwalificatie
	Start Date
	End   Date
}

// Relation is a dated link from a registration to another AGB code.
type Relation struct {
	OtherCode Code
	Kind      RelationKind
	Role      string
	Start     Date
	End       Date
}

// ActiveOn reports whether the registration is in force on day: Start <= day
// <= End (inclusive, End zero is open) and the register has not marked it
// ended.
func (r Registration) ActiveOn(day Date) bool {
	return r.Status != StatusEnded && activeOn(r.Start, r.End, day)
}

// ActiveOn reports whether the qualification is in force on day, inclusive of
// both its first and its last day.
func (q Qualification) ActiveOn(day Date) bool { return activeOn(q.Start, q.End, day) }

// ActiveOn reports whether the relation is in force on day, inclusive.
func (rel Relation) ActiveOn(day Date) bool { return activeOn(rel.Start, rel.End, day) }

// Zorgsoort returns the zorgsoort of the registration's code.
func (r Registration) Zorgsoort() Zorgsoort { return r.Code.Zorgsoort() }

// DisplayName returns the name as a screen shows it: "J. de Vries" for a
// person, the name for an organisation.
func (r Registration) DisplayName() string {
	if r.Kind != KindZorgverlener {
		return r.Name
	}
	parts := make([]string, 0, 3)
	for _, p := range []string{r.Initials, r.Prefix, r.Surname} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// Clone returns a deep copy, so that a register can hand out registrations
// without callers being able to change its stored slices.
func (r Registration) Clone() Registration {
	r.Qualifications = append([]Qualification(nil), r.Qualifications...)
	r.Relations = append([]Relation(nil), r.Relations...)
	return r
}

// ErrInvalidRegistration is returned (wrapped) by Validate, so that an
// importer or a feed client can tell bad register data from other errors.
var ErrInvalidRegistration = errors.New("agb: invalid registration")

// Validate checks that the registration is internally consistent: a valid
// code whose zorgsoort suits the kind, the right name fields for the kind, a
// start date, no end before start, a known status, and valid qualifications
// and relations. Every source of registrations (import, feed, in-memory
// register) runs it, so Check can rely on well-formed data.
func (r Registration) Validate() error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("%w %s: %w", ErrInvalidRegistration, r.Code, err)
	}
	return nil
}

func (r Registration) validate() error {
	if _, err := ParseCode(string(r.Code)); err != nil {
		return err
	}
	if err := checkKindCode(r.Kind, r.Code); err != nil {
		return err
	}
	if err := checkNames(r); err != nil {
		return err
	}
	if err := checkPeriod(r.Start, r.End); err != nil {
		return err
	}
	if !r.Status.Valid() {
		return fmt.Errorf("status %q is not %q or %q", r.Status, StatusActive, StatusEnded)
	}
	for i, q := range r.Qualifications {
		if err := checkQualification(r.Kind, r.Code, q); err != nil {
			return fmt.Errorf("qualification %d: %w", i+1, err)
		}
	}
	for i, rel := range r.Relations {
		if err := checkRelation(r.Kind, r.Code, rel); err != nil {
			return fmt.Errorf("relation %d: %w", i+1, err)
		}
	}
	return nil
}

// checkKindCode refuses a person registration under an organisation-only
// zorgsoort (06 hospitals, 17 legal entities, ...).
func checkKindCode(k Kind, c Code) error {
	if !k.Valid() {
		return fmt.Errorf("kind %q is not %q, %q or %q", k, KindZorgverlener, KindOnderneming, KindVestiging)
	}
	info, _ := c.Zorgsoort().Info()
	if k == KindZorgverlener && !info.Person {
		return fmt.Errorf("zorgsoort %s (%s) is not used for zorgverleners", info.Code, info.NameNL)
	}
	return nil
}

func checkNames(r Registration) error {
	fields := []struct{ name, value string }{
		{"surname", r.Surname}, {"prefix", r.Prefix}, {"initials", r.Initials},
		{"given name", r.GivenName}, {"name", r.Name},
	}
	for _, f := range fields {
		if err := checkText(f.value); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if r.Kind == KindZorgverlener {
		if strings.TrimSpace(r.Surname) == "" {
			return errors.New("a zorgverlener needs a surname")
		}
		if r.Name != "" {
			return errors.New("a zorgverlener has a surname, not an organisation name")
		}
		return nil
	}
	if strings.TrimSpace(r.Name) == "" {
		return fmt.Errorf("an %s needs a name", r.Kind)
	}
	if r.Surname != "" || r.Prefix != "" || r.Initials != "" || r.GivenName != "" {
		return fmt.Errorf("an %s has a name, not person name fields", r.Kind)
	}
	return nil
}

// maxText bounds every name so a hostile feed or file cannot make the portal
// store or render megabytes per record.
const maxText = 200

func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > maxText {
		return fmt.Errorf("longer than %d characters", maxText)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("contains control character %U", r)
		}
	}
	return nil
}

func checkPeriod(start, end Date) error {
	if start.IsZero() {
		return errors.New("start date is missing")
	}
	if !end.IsZero() && end.Before(start) {
		return fmt.Errorf("end date %s is before start date %s", end, start)
	}
	return nil
}

// checkQualification requires, for a zorgverlener, that the kwalificatie
// belongs to the registration's own zorgsoort: the register gives a person one
// AGB code per zorgsoort, and a 0101 on an 84 code would let the wrong code
// vouch for a role. Organisation codes (vestigingen in the 71 range) may carry
// the kwalificatie of the care they offer.
func checkQualification(k Kind, c Code, q Qualification) error {
	if _, err := ParseKwalificatie(string(q.Code)); err != nil {
		return err
	}
	if k == KindZorgverlener && q.Code.Zorgsoort() != c.Zorgsoort() {
		return fmt.Errorf("kwalificatie %s belongs to zorgsoort %s, but code %s is zorgsoort %s",
			q.Code, q.Code.Zorgsoort(), c, c.Zorgsoort())
	}
	return checkPeriod(q.Start, q.End)
}

func checkRelation(k Kind, c Code, rel Relation) error {
	if _, err := ParseCode(string(rel.OtherCode)); err != nil {
		return fmt.Errorf("other code: %w", err)
	}
	if rel.OtherCode == c {
		return errors.New("a registration cannot be related to itself")
	}
	owner, _, ok := rel.Kind.ownerKind()
	if !ok {
		return fmt.Errorf("relation kind %q is not %q, %q, %q or %q", rel.Kind,
			RelationWorksAt, RelationEmployment, RelationLocationOf, RelationAffiliated)
	}
	if owner != k {
		return fmt.Errorf("relation %q belongs on a %s, not on a %s", rel.Kind, owner, k)
	}
	if err := checkText(rel.Role); err != nil {
		return fmt.Errorf("role: %w", err)
	}
	return checkPeriod(rel.Start, rel.End)
}
