package agb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Reason is the stable, short key of a refused AGB check. The web layer uses
// it to pick the Dutch or English explanation page and the access log stores
// it, so its values never change once released.
type Reason string

// The reasons an AGB check refuses a provider, one per thing the provider or
// the hospital can do something about.
const (
	// ReasonNoCode: the card carries 00000000 and no code was typed; ask for it.
	ReasonNoCode Reason = "no-code"
	// ReasonInvalidCode: the text is not an AGB code (8 digits, known zorgsoort).
	ReasonInvalidCode Reason = "invalid-code"
	// ReasonNotFound: the register has no registration with this code.
	ReasonNotFound Reason = "not-found"
	// ReasonUnavailable: the register could not be consulted; the portal
	// fails closed and the provider should try again later.
	ReasonUnavailable Reason = "register-unavailable"
	// ReasonNotZorgverlener: the code belongs to an onderneming or vestiging,
	// not to a person.
	ReasonNotZorgverlener Reason = "not-zorgverlener"
	// ReasonSurnameMismatch: the registration is somebody else's.
	ReasonSurnameMismatch Reason = "surname-mismatch"
	// ReasonNotYetActive: the registration starts after today.
	ReasonNotYetActive Reason = "not-yet-active"
	// ReasonEnded: the registration ended before today or was ended by the
	// register.
	ReasonEnded Reason = "ended"
	// ReasonUnknownRole: the card's UZI role has no AGB counterpart in the
	// role-fit table, so no registration can corroborate it.
	ReasonUnknownRole Reason = "unknown-role"
	// ReasonNoFittingQualification: no active kwalificatie fits the UZI role.
	ReasonNoFittingQualification Reason = "no-fitting-qualification"
)

// Reasons lists every Reason, so that the web layer's tests can prove each
// one has a message in every language.
func Reasons() []Reason {
	return []Reason{
		ReasonNoCode, ReasonInvalidCode, ReasonNotFound, ReasonUnavailable,
		ReasonNotZorgverlener, ReasonSurnameMismatch, ReasonNotYetActive, ReasonEnded,
		ReasonUnknownRole, ReasonNoFittingQualification,
	}
}

// CheckError is a refused AGB check: Reason selects the message shown to the
// provider, Detail says in English what exactly was wrong, for the access log
// and for the hospital's support desk (it is not meant to be shown verbatim).
type CheckError struct {
	Reason Reason
	Detail string
}

// Error returns "agb: <reason>: <detail>".
func (e *CheckError) Error() string {
	if e.Detail == "" {
		return "agb: " + string(e.Reason)
	}
	return "agb: " + string(e.Reason) + ": " + e.Detail
}

// Unwrap lets errors.Is(err, ErrNotFound), errors.Is(err, ErrUnavailable) and
// errors.Is(err, ErrInvalidCode) work on a CheckError too, so callers that only
// care about the sentinel need not know about reasons.
func (e *CheckError) Unwrap() error {
	switch e.Reason {
	case ReasonNotFound:
		return ErrNotFound
	case ReasonUnavailable:
		return ErrUnavailable
	case ReasonNoCode:
		return ErrNoCode
	case ReasonInvalidCode:
		return ErrInvalidCode
	}
	return nil
}

// ReasonOf returns the Reason of a (possibly wrapped) CheckError, and false
// for any other error, which the web layer must treat as an internal error.
func ReasonOf(err error) (Reason, bool) {
	var ce *CheckError
	if errors.As(err, &ce) {
		return ce.Reason, true
	}
	return "", false
}

func refuse(r Reason, format string, args ...any) error {
	return &CheckError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

var uziRoleSyntax = regexp.MustCompile(`^[0-9]{2}\.[0-9]{3}$`)

// Check decides whether the registration admits the holder of a UZI card with
// role uziRole and surname cardSurname on the Dutch calendar day today (see
// Today). It returns nil or a *CheckError.
//
// The checks run in this order, and the first failure is reported:
//
//  1. the registration is a valid zorgverlener registration;
//  2. its surname matches the card (SurnameMatches) — checked before the
//     dates so that somebody who typed another person's code is told that,
//     not that "their" registration ended;
//  3. it is active today: Start <= today <= End, both days inclusive, and not
//     marked ended by the register;
//  4. the UZI role is in the role-fit table;
//  5. it has a kwalificatie, active today, that fits the role (RoleFit).
//
// A zero today refuses (not-yet-active), so a caller that forgot to pass the
// day can never admit anyone.
func Check(reg Registration, uziRole string, cardSurname string, today Date) error {
	if reg.Code == None {
		return refuse(ReasonNoCode, "registration code is %s", None)
	}
	if _, err := ParseCode(string(reg.Code)); err != nil {
		return refuse(ReasonInvalidCode, "%v", err)
	}
	if reg.Kind != KindZorgverlener {
		return refuse(ReasonNotZorgverlener, "%s is registered as %q, not as zorgverlener", reg.Code, reg.Kind)
	}
	if err := reg.Validate(); err != nil {
		// Malformed register data must never admit; the register is at fault,
		// so the provider sees "try later / contact the hospital".
		return refuse(ReasonUnavailable, "register data for %s is invalid: %v", reg.Code, err)
	}
	if strings.TrimSpace(cardSurname) == "" {
		return refuse(ReasonSurnameMismatch, "the card carries no surname")
	}
	if !SurnameMatches(cardSurname, reg.Prefix, reg.Surname) {
		return refuse(ReasonSurnameMismatch, "card surname %q does not match register surname %q",
			cardSurname, strings.TrimSpace(reg.Prefix+" "+reg.Surname))
	}
	if today.IsZero() || today.Before(reg.Start) {
		return refuse(ReasonNotYetActive, "%s starts on %s, today is %s", reg.Code, reg.Start, dateOrNone(today))
	}
	if !reg.End.IsZero() && today.After(reg.End) {
		return refuse(ReasonEnded, "%s ended on %s, today is %s", reg.Code, reg.End, today)
	}
	if reg.Status == StatusEnded {
		return refuse(ReasonEnded, "the register marks %s as %s", reg.Code, StatusEnded)
	}
	if !uziRoleSyntax.MatchString(uziRole) {
		return refuse(ReasonUnknownRole, "UZI role %q is not of the form PP.SSS", uziRole)
	}
	fit, ok := FitFor(uziRole)
	if !ok {
		return refuse(ReasonUnknownRole, "UZI role %s has no AGB counterpart in the role-fit table", uziRole)
	}
	var inactive, unfit []string
	for _, q := range reg.Qualifications {
		switch {
		case !fit.Accepts(q.Code):
			unfit = append(unfit, string(q.Code))
		case q.ActiveOn(today):
			return nil
		default:
			inactive = append(inactive, fmt.Sprintf("%s (%s..%s)", q.Code, q.Start, q.End))
		}
	}
	detail := fmt.Sprintf("UZI role %s (%s) needs %s", uziRole, fit.RoleName, describeFit(fit))
	if len(inactive) > 0 {
		detail += "; fitting but not active today: " + strings.Join(inactive, ", ")
	}
	if len(unfit) > 0 {
		sort.Strings(unfit)
		detail += "; register lists " + strings.Join(unfit, ", ")
	} else if len(inactive) == 0 {
		detail += "; register lists no kwalificatie"
	}
	return refuse(ReasonNoFittingQualification, "%s", detail)
}

func describeFit(f RoleFit) string {
	if len(f.Kwalificaties) == 0 {
		return "a kwalificatie of zorgsoort " + string(f.Zorgsoort)
	}
	codes := make([]string, len(f.Kwalificaties))
	for i, k := range f.Kwalificaties {
		codes[i] = string(k)
	}
	return "kwalificatie " + strings.Join(codes, " or ")
}

func dateOrNone(d Date) string {
	if d.IsZero() {
		return "(no date)"
	}
	return d.String()
}

// CheckCode is the whole admission step for one AGB code as the auth package
// needs it: parse the code (from the card, or typed by the provider and
// trimmed), look it up, and Check it. It returns the registration when the
// provider is admitted, so that the caller can store the UZI -> AGB link and
// show the name.
//
// Every refusal is a *CheckError: a missing or invalid code, a code not in
// the register, a register that cannot be consulted (ReasonUnavailable,
// which also satisfies errors.Is(err, ErrUnavailable) — the portal fails
// closed), or a failed Check.
func CheckCode(ctx context.Context, l Lookup, code string, uziRole, cardSurname string, today Date) (Registration, error) {
	code = strings.TrimSpace(code)
	if code == "" || Code(code) == None {
		return Registration{}, refuse(ReasonNoCode, "no AGB code on the card and none given")
	}
	c, err := ParseCode(code)
	if err != nil {
		return Registration{}, refuse(ReasonInvalidCode, "%v", err)
	}
	reg, err := l.Lookup(ctx, c)
	switch {
	case errors.Is(err, ErrNotFound):
		return Registration{}, refuse(ReasonNotFound, "%s is not in the register", c)
	case err != nil:
		// Anything else, including a cancelled context or an error that does
		// not follow the Lookup contract, means the register could not answer.
		return Registration{}, refuse(ReasonUnavailable, "looking up %s: %v", c, err)
	}
	if reg.Code != c {
		return Registration{}, refuse(ReasonUnavailable, "looking up %s returned registration %s", c, reg.Code)
	}
	if err := Check(reg, uziRole, cardSurname, today); err != nil {
		return Registration{}, err
	}
	return reg, nil
}
