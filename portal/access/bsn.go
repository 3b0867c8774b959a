package access

import (
	"strings"
	"time"
)

// ValidBSN reports whether s is a burgerservicenummer: nine digits that pass the BSN variant of the
// elfproef (9a+8b+7c+6d+5e+4f+3g+2h-1i divisible by 11, the last weight negative so that a bank account
// number does not pass) and not all zeros, which passes the arithmetic but is no one's number.
func ValidBSN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum, zeros := 0, true
	for i := range 9 {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if d != 0 {
			zeros = false
		}
		if i == 8 {
			sum -= d
		} else {
			sum += (9 - i) * d
		}
	}
	return !zeros && sum%11 == 0
}

// CheckNewPatient applies the rules a patient registered by hand (tests, seeding, administration) must
// meet: a valid BSN, a patient number, a family name, a birth date not in the future and a known sex.
// The error is a *RuleError.
func CheckNewPatient(p Patient, now time.Time) error {
	switch {
	case !ValidBSN(p.BSN):
		return ruleError(ReasonInvalidBSN, p.BSN)
	case strings.TrimSpace(p.PatientNumber) == "":
		return ruleError(ReasonPatientNumberMissing, "")
	case strings.TrimSpace(p.FamilyName) == "":
		return ruleError(ReasonFamilyNameMissing, "")
	case p.BirthDate.IsZero():
		return ruleError(ReasonBirthDateMissing, "")
	case p.BirthDate.After(now):
		return ruleError(ReasonBirthDateInFuture, p.BirthDate.Format(time.DateOnly))
	}
	switch p.Sex {
	case SexMale, SexFemale, SexOther, SexUnknown:
	default:
		return ruleError(ReasonUnknownSex, p.Sex)
	}
	return nil
}
