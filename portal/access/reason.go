package access

import (
	"errors"
	"fmt"
)

// Reason is a stable key that says why access was refused or why a change was not accepted. The screens
// look up its Dutch and English explanation under "access.reason.<key>", the access log stores the key,
// and scripts can branch on it; it is never reworded.
type Reason string

// Reasons of the access decision, in the order the decision checks them.
const (
	ReasonUnknownCategory           Reason = "unknown-category"
	ReasonRoleNotPermitted          Reason = "role-not-permitted-category"
	ReasonNoConsent                 Reason = "no-consent"
	ReasonConsentRefused            Reason = "consent-refused"
	ReasonConsentWithdrawn          Reason = "consent-withdrawn"
	ReasonConsentLapsed             Reason = "consent-lapsed"
	ReasonNoRelationship            Reason = "no-relationship"
	ReasonRelationshipNotYetValid   Reason = "relationship-not-yet-valid"
	ReasonRelationshipExpired       Reason = "relationship-expired"
	ReasonRelationshipEnded         Reason = "relationship-ended"
	ReasonCoveringWithoutMandate    Reason = "covering-without-mandate"
	ReasonEmergencyDisabled         Reason = "emergency-disabled"
	ReasonEmergencyNeedsAGB         Reason = "emergency-needs-agb"
	ReasonRelationshipExists        Reason = "relationship-exists"
	ReasonEmergencyReasonTooShort   Reason = "emergency-reason-too-short"
	ReasonEmergencyPatientMismatch  Reason = "emergency-patient-mismatch"
	ReasonMinorUnder12              Reason = "minor-under-12"
	ReasonMinor12To15               Reason = "minor-12-to-15"
	ReasonPatient16OrOlder          Reason = "patient-16-or-older"
	ReasonGivenInFuture             Reason = "given-in-future"
	ReasonGivenBeforeBirth          Reason = "given-before-birth"
	ReasonNothingToWithdraw         Reason = "nothing-to-withdraw"
	ReasonWithdrawalBeforeGrant     Reason = "withdrawal-before-grant"
	ReasonUnknownRecipient          Reason = "unknown-recipient"
	ReasonUnknownStatus             Reason = "unknown-status"
	ReasonUnknownRegistrant         Reason = "unknown-registrant"
	ReasonUnknownChannel            Reason = "unknown-channel"
	ReasonUnknownKind               Reason = "unknown-kind"
	ReasonEmergencyOnlyByProcedure  Reason = "emergency-only-by-procedure"
	ReasonHolderKind                Reason = "holder-kind"
	ReasonHolderAGB                 Reason = "holder-agb"
	ReasonHolderURA                 Reason = "holder-ura"
	ReasonHolderBoth                Reason = "holder-both"
	ReasonMandateURA                Reason = "mandate-ura"
	ReasonMandateSelf               Reason = "mandate-self"
	ReasonMandateNotCovering        Reason = "mandate-not-covering"
	ReasonValidFromMissing          Reason = "valid-from-missing"
	ReasonUntilBeforeFrom           Reason = "until-before-from"
	ReasonOperatorMissing           Reason = "operator-missing"
	ReasonSourceMissing             Reason = "source-missing"
	ReasonRelationshipAlreadyEnded  Reason = "relationship-already-ended"
	ReasonEndReasonMissing          Reason = "end-reason-missing"
	ReasonNotEmergency              Reason = "not-emergency"
	ReasonReviewNoteMissing         Reason = "review-note-missing"
	ReasonAlreadyReviewed           Reason = "already-reviewed"
	ReasonInvalidBSN                Reason = "invalid-bsn"
	ReasonBirthDateMissing          Reason = "birth-date-missing"
	ReasonPatientNumberMissing      Reason = "patient-number-missing"
	ReasonFamilyNameMissing         Reason = "family-name-missing"
	ReasonUnknownSex                Reason = "unknown-sex"
	ReasonBirthDateInFuture         Reason = "birth-date-in-future"
	ReasonEmergencyRoleNotPermitted Reason = "emergency-role-not-permitted"
	// ReasonEmergencyCapReached: the provider opened access.emergency.max_per_day emergencies in the
	// last 24 hours.
	ReasonEmergencyCapReached Reason = "emergency-cap-reached"
	// ReasonEmergencyCategory: the form's reason category is not one of the list.
	ReasonEmergencyCategory Reason = "emergency-category"
	// ReasonEmergencyPriorNotAcknowledged: the provider's own relationship ended or has not started, and
	// they did not confirm that they know it.
	ReasonEmergencyPriorNotAcknowledged Reason = "emergency-prior-not-acknowledged"
	// ReasonEmergencyDelegated: a colleague acting on a mandate cannot open the emergency procedure; only
	// the provider can, with their own card.
	ReasonEmergencyDelegated Reason = "emergency-delegated"
)

// Reasons lists every reason, so that tests can check that each has a Dutch and an English explanation.
var Reasons = []Reason{
	ReasonUnknownCategory, ReasonRoleNotPermitted, ReasonNoConsent, ReasonConsentRefused, ReasonConsentWithdrawn,
	ReasonConsentLapsed, ReasonNoRelationship, ReasonRelationshipNotYetValid, ReasonRelationshipExpired,
	ReasonRelationshipEnded, ReasonCoveringWithoutMandate, ReasonEmergencyDisabled, ReasonEmergencyNeedsAGB,
	ReasonRelationshipExists, ReasonEmergencyReasonTooShort, ReasonEmergencyPatientMismatch, ReasonMinorUnder12,
	ReasonMinor12To15, ReasonPatient16OrOlder, ReasonGivenInFuture, ReasonGivenBeforeBirth, ReasonNothingToWithdraw,
	ReasonWithdrawalBeforeGrant,
	ReasonUnknownRecipient, ReasonUnknownStatus, ReasonUnknownRegistrant, ReasonUnknownChannel, ReasonUnknownKind,
	ReasonEmergencyOnlyByProcedure, ReasonHolderKind, ReasonHolderAGB, ReasonHolderURA, ReasonHolderBoth,
	ReasonMandateURA, ReasonMandateSelf, ReasonMandateNotCovering, ReasonValidFromMissing, ReasonUntilBeforeFrom,
	ReasonOperatorMissing, ReasonSourceMissing, ReasonRelationshipAlreadyEnded, ReasonEndReasonMissing,
	ReasonNotEmergency, ReasonReviewNoteMissing, ReasonAlreadyReviewed, ReasonInvalidBSN, ReasonBirthDateMissing,
	ReasonPatientNumberMissing, ReasonFamilyNameMissing, ReasonUnknownSex, ReasonBirthDateInFuture,
	ReasonEmergencyRoleNotPermitted, ReasonEmergencyCapReached, ReasonEmergencyCategory,
	ReasonEmergencyPriorNotAcknowledged,
	ReasonDelegateNotColleague, ReasonDelegateOtherURA, ReasonDelegateNoCategories, ReasonDelegateCategoryOutside,
	ReasonDelegateTooLong, ReasonDelegatePeriod, ReasonDelegateGrantorRole, ReasonDelegateExcludes,
	ReasonEmergencyDelegated,
}

// ErrRefused is wrapped by every *RuleError, so that callers can tell "the rules say no" (a message for
// the user, data unchanged) from a failure of the system.
var ErrRefused = errors.New("refused by the access rules")

// RuleError says which rule a request or a change breaks. Reason selects the explanation on the screens;
// Detail (the offending value, say) goes to the logs only.
type RuleError struct {
	Reason Reason
	Detail string
}

// Error reads "refused by the access rules: minor-12-to-15".
func (e *RuleError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%v: %s", ErrRefused, e.Reason)
	}
	return fmt.Sprintf("%v: %s (%s)", ErrRefused, e.Reason, e.Detail)
}

// Unwrap makes errors.Is(err, ErrRefused) true.
func (e *RuleError) Unwrap() error { return ErrRefused }

func ruleError(r Reason, detail string) error { return &RuleError{Reason: r, Detail: detail} }

// ReasonOf returns the reason of the first *RuleError in err's chain, or "" when err is not a refusal.
func ReasonOf(err error) Reason {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	return ""
}
