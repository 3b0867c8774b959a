package access

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EmergencyCheck says whether a provider may use the emergency procedure for a patient, and if not, why.
type EmergencyCheck struct {
	Allowed bool
	Reason  Reason
	// Recipient is the provider's consent recipient category, whose consent the procedure needs.
	Recipient RecipientCategory
	// Consent is the consent in force for that category (nil: none).
	Consent *Consent
	// ConsentState is where that consent stands.
	ConsentState ConsentState
	// Duration is how long the emergency relationship would last.
	Duration time.Duration
}

// CanRequestEmergency says whether the provider may open the patient through the emergency procedure
// (noodprocedure): it must be switched on, the provider's role must see something and they must have an
// AGB code (the emergency relationship is personal), the patient's consent in force must cover the
// provider's recipient category — a missing, refused, withdrawn or lapsed consent is never overridden —
// and the provider must not already hold an active relationship (then the procedure is not needed).
func (p Policy) CanRequestEmergency(who Provider, facts PatientFacts, now time.Time) EmergencyCheck {
	ec := EmergencyCheck{Duration: p.Emergency.Duration}
	if !p.Emergency.Enabled {
		ec.Reason = ReasonEmergencyDisabled
		return ec
	}
	scope := p.ScopeOf(who.Role)
	if scope.Empty() {
		ec.Reason = ReasonEmergencyRoleNotPermitted
		return ec
	}
	ec.Recipient = scope.Recipient
	ec.ConsentState, ec.Consent = facts.CurrentConsent(scope.Recipient, now)
	switch ec.ConsentState {
	case ConsentStateGranted:
	case ConsentStateRefused:
		ec.Reason = ReasonConsentRefused
		return ec
	case ConsentStateWithdrawn:
		ec.Reason = ReasonConsentWithdrawn
		return ec
	case ConsentStateLapsed:
		ec.Reason = ReasonConsentLapsed
		return ec
	default:
		ec.Reason = ReasonNoConsent
		return ec
	}
	if who.AGB == "" {
		ec.Reason = ReasonEmergencyNeedsAGB
		return ec
	}
	if _, _, reason := relationshipFor(who, facts.Relationships, now); reason == "" {
		ec.Reason = ReasonRelationshipExists
		return ec
	}
	ec.Allowed = true
	return ec
}

// CheckEmergencyReason refuses a stated reason that cannot explain anything: shorter than the configured
// minimum (counted in letters and digits, so padding with dots or spaces does not count) or fewer than
// two words.
func (p Policy) CheckEmergencyReason(text string) error {
	text = strings.TrimSpace(text)
	meaningful := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			meaningful++
		}
	}
	if meaningful < p.Emergency.MinReasonLength || len(strings.Fields(text)) < 2 || utf8.RuneCountInString(text) > 2000 {
		return ruleError(ReasonEmergencyReasonTooShort, "")
	}
	return nil
}

// EmergencyRelationship checks the emergency procedure against the facts and the stated reason and
// returns the relationship it creates: held by the provider in person (AGB), from now for the configured
// duration, with the reason. The store calls it inside the transaction that inserts the row, so that a
// consent withdrawn a moment earlier is seen. The error is a *RuleError.
func (p Policy) EmergencyRelationship(who Provider, facts PatientFacts, reason string, now time.Time) (Relationship, error) {
	check := p.CanRequestEmergency(who, facts, now)
	if !check.Allowed {
		return Relationship{}, ruleError(check.Reason, "")
	}
	if err := p.CheckEmergencyReason(reason); err != nil {
		return Relationship{}, err
	}
	agb := who.AGB
	until := now.Add(p.Emergency.Duration)
	return Relationship{
		PatientID:  facts.Patient.ID,
		HolderKind: HolderProvider,
		HolderAGB:  &agb,
		HolderName: who.Name,
		Kind:       Emergency,
		Source:     "emergency",
		ValidFrom:  now,
		ValidUntil: &until,
		Reason:     strings.TrimSpace(reason),
		CreatedBy:  OperatorName(who),
		CreatedAt:  now,
	}, nil
}

// OperatorName is how the portal names a person who changed something in the created_by, ended_by and
// recorded_by columns: name and UZI number, so that the record says who without a join.
func OperatorName(who Provider) string {
	if who.UZI == "" {
		return who.Name
	}
	return who.Name + " (UZI " + who.UZI + ")"
}
