package access

import (
	"strings"
	"time"
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
	// Prior is the provider's own relationship with the patient that no longer or not yet opens the
	// dossier (ended, expired, starting later, a covering practice without mandate), nil when there is
	// none. An emergency does not silently stand in for it: the form names it and asks the provider to
	// acknowledge it, and the review shows it.
	Prior *Relationship
	// PriorState is where Prior stands now.
	PriorState RelationshipState
}

// PriorAt is the moment that explains Prior: when it ended or ran out, or when it starts.
func (ec EmergencyCheck) PriorAt() *time.Time {
	if ec.Prior == nil {
		return nil
	}
	if ec.PriorState == RelationshipNotYetValid {
		from := ec.Prior.ValidFrom
		return &from
	}
	return ec.Prior.EndsAt()
}

// EmergencyRequest is what the provider states in the emergency form.
type EmergencyRequest struct {
	Category EmergencyCategory
	Reason   string
	// AcknowledgedPrior is set when the provider confirmed that they know their own relationship with
	// the patient ended or has not started (EmergencyCheck.Prior); it is required when there is one.
	AcknowledgedPrior bool
}

// EmergencyDetails is what the review needs beyond the emergency relationship itself: the category of
// the reason and the provider's own relationship that the emergency stood in for, if any.
type EmergencyDetails struct {
	RelationshipID int64             `db:"relationship_id"`
	Category       EmergencyCategory `db:"category"`
	// PriorRelationshipID, PriorKind, PriorState and PriorAt describe EmergencyCheck.Prior at the moment
	// of the emergency (nil and empty when there was none).
	PriorRelationshipID *int64            `db:"prior_relationship_id"`
	PriorKind           RelationshipKind  `db:"prior_kind"`
	PriorState          RelationshipState `db:"prior_state"`
	PriorAt             *time.Time        `db:"prior_at"`
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
	if who.Delegated {
		ec.Reason = ReasonEmergencyDelegated
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
	if prior := priorRelationship(who, facts.Relationships, now); prior != nil {
		ec.Prior, ec.PriorState = prior, prior.StateAt(now)
	}
	ec.Allowed = true
	return ec
}

// priorRelationship is the provider's own relationship (by AGB code or their organisation's URA) that an
// emergency would stand in for, when nothing opens the patient: an active one that still does not (a
// covering practice without mandate), else the one that starts first, else the one that ended or expired
// last. Earlier emergencies do not count: they are no treatment relationship.
func priorRelationship(who Provider, rels []Relationship, now time.Time) *Relationship {
	var active, notYet, over *Relationship
	for i := range rels {
		r := &rels[i]
		if r.Kind == Emergency || !r.HeldBy(who) {
			continue
		}
		switch r.StateAt(now) {
		case RelationshipActive:
			active = r
		case RelationshipNotYetValid:
			if notYet == nil || r.ValidFrom.Before(notYet.ValidFrom) {
				notYet = r
			}
		default:
			if over == nil || later(r.EndsAt(), over.EndsAt()) {
				over = r
			}
		}
	}
	switch {
	case active != nil:
		return active
	case notYet != nil:
		return notYet
	}
	return over
}

// CheckEmergencyReason refuses a stated reason that cannot explain anything (the rules of
// CheckEmergencyText).
func (p Policy) CheckEmergencyReason(text string) error {
	if problem := p.CheckEmergencyText(text); problem != ReasonProblemNone {
		return ruleError(ReasonEmergencyReasonTooShort, string(problem))
	}
	return nil
}

// CheckEmergencyCap refuses a new emergency when the provider already opened the configured number in
// the last 24 hours (recent counts them): a provider who needs more is better served by a relationship,
// and one who opens patient after patient this way is what the cap is for.
func (p Policy) CheckEmergencyCap(recent int) error {
	if recent >= p.Emergency.MaxPerDay {
		return ruleError(ReasonEmergencyCapReached, "")
	}
	return nil
}

// EmergencyRelationship checks the emergency procedure against the facts, the request and the number of
// emergencies the provider opened in the last 24 hours, and returns the relationship it creates (held by
// the provider in person (AGB), from now for the configured duration, with the reason) and the details
// the review shows. The store calls it inside the transaction that inserts the rows, so that a consent
// withdrawn a moment earlier, or an emergency opened in another tab, is seen. The error is a *RuleError.
func (p Policy) EmergencyRelationship(who Provider, facts PatientFacts, req EmergencyRequest, recent int, now time.Time) (Relationship, EmergencyDetails, error) {
	check := p.CanRequestEmergency(who, facts, now)
	if !check.Allowed {
		return Relationship{}, EmergencyDetails{}, ruleError(check.Reason, "")
	}
	if !req.Category.Valid() {
		return Relationship{}, EmergencyDetails{}, ruleError(ReasonEmergencyCategory, string(req.Category))
	}
	if err := p.CheckEmergencyReason(req.Reason); err != nil {
		return Relationship{}, EmergencyDetails{}, err
	}
	if check.Prior != nil && !req.AcknowledgedPrior {
		return Relationship{}, EmergencyDetails{}, ruleError(ReasonEmergencyPriorNotAcknowledged, string(check.PriorState))
	}
	if err := p.CheckEmergencyCap(recent); err != nil {
		return Relationship{}, EmergencyDetails{}, err
	}
	agb := who.AGB
	until := now.Add(p.Emergency.Duration)
	rel := Relationship{
		PatientID:  facts.Patient.ID,
		HolderKind: HolderProvider,
		HolderAGB:  &agb,
		HolderName: who.Name,
		Kind:       Emergency,
		Source:     "emergency",
		ValidFrom:  now,
		ValidUntil: &until,
		Reason:     strings.TrimSpace(req.Reason),
		CreatedBy:  OperatorName(who),
		CreatedAt:  now,
	}
	details := EmergencyDetails{Category: req.Category}
	if check.Prior != nil {
		id := check.Prior.ID
		details.PriorRelationshipID, details.PriorKind, details.PriorState, details.PriorAt = &id, check.Prior.Kind, check.PriorState, check.PriorAt()
	}
	return rel, details, nil
}

// OperatorName is how the portal names a person who changed something in the created_by, ended_by and
// recorded_by columns: name and UZI number, so that the record says who without a join.
func OperatorName(who Provider) string {
	if who.UZI == "" {
		return who.Name
	}
	return who.Name + " (UZI " + who.UZI + ")"
}
