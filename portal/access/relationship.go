package access

import (
	"regexp"
	"strings"
	"time"
)

// Provider is the caller as the access rules see them: who they are (for the log and the basis), the AGB
// code that provider-held relationships name, the URA of the organisation their card acts for (which
// organisation-held relationships name) and the UZI role that decides their recipient category and scope.
// The web layer fills it from the admitted card; the rules never look at anything else.
type Provider struct {
	UZI  string
	Name string
	AGB  string
	URA  string
	Role string
	// Delegated is set for an employee acting on this provider's mandate: they see within the mandate,
	// but never open the emergency procedure, which rests on the provider's own judgement.
	Delegated bool
}

// RelationshipState is where a relationship stands at a moment; only an active one opens a patient.
type RelationshipState string

// Relationship states. They are shown to staff and providers, and the refusal reasons follow them.
const (
	RelationshipActive      RelationshipState = "active"
	RelationshipNotYetValid RelationshipState = "not_yet_valid"
	RelationshipExpired     RelationshipState = "expired"
	RelationshipEnded       RelationshipState = "ended"
)

// Valid reports whether k is one of the kinds the database accepts.
func (k RelationshipKind) Valid() bool {
	for _, v := range RelationshipKinds {
		if k == v {
			return true
		}
	}
	return false
}

// OpenEnded reports whether relationships of this kind last until they are changed (the registered GP
// practice and the pharmacy of record) rather than expiring by themselves.
func (k RelationshipKind) OpenEnded() bool {
	return k == RegisteredGP || k == PharmacyOfRecord
}

// StateAt says whether the relationship opens the patient at now. An end registered by staff counts from
// its moment; valid-until is exclusive, so a relationship "until 1 March 00:00" is over at that moment.
func (r Relationship) StateAt(now time.Time) RelationshipState {
	switch {
	case r.EndedAt != nil && !now.Before(*r.EndedAt):
		return RelationshipEnded
	case now.Before(r.ValidFrom):
		return RelationshipNotYetValid
	case r.ValidUntil != nil && !now.Before(*r.ValidUntil):
		return RelationshipExpired
	}
	return RelationshipActive
}

// EndsAt is the moment the relationship stops by itself or was ended, whichever is first; nil for a
// relationship that lasts until it is changed.
func (r Relationship) EndsAt() *time.Time {
	end := r.ValidUntil
	if r.EndedAt != nil && (end == nil || r.EndedAt.Before(*end)) {
		end = r.EndedAt
	}
	return end
}

// HeldBy reports whether the relationship is the caller's own: held by their AGB code, or by the URA of
// the organisation their card acts for (every admitted card of that URA acts for it).
func (r Relationship) HeldBy(who Provider) bool {
	switch r.HolderKind {
	case HolderProvider:
		return r.HolderAGB != nil && who.AGB != "" && *r.HolderAGB == who.AGB
	case HolderOrganisation:
		return r.HolderURA != nil && who.URA != "" && *r.HolderURA == who.URA
	}
	return false
}

// HolderCode is the AGB code or URA of the holder, whichever it is held by.
func (r Relationship) HolderCode() string {
	switch {
	case r.HolderKind == HolderProvider && r.HolderAGB != nil:
		return *r.HolderAGB
	case r.HolderKind == HolderOrganisation && r.HolderURA != nil:
		return *r.HolderURA
	}
	return ""
}

// Mandates reports whether r is a relationship through which the organisation ura may hand a patient to
// a covering practice: held by that organisation, active at now, and itself neither a covering nor an
// emergency relationship (a mandate is not passed on, and an emergency is personal).
func (r Relationship) Mandates(ura string, now time.Time) bool {
	return r.HolderKind == HolderOrganisation && r.HolderURA != nil && *r.HolderURA == ura &&
		r.Kind != Covering && r.Kind != Emergency && r.StateAt(now) == RelationshipActive
}

var eightDigits = regexp.MustCompile(`^[0-9]{8}$`)

// CheckNewRelationship applies the rules a relationship must meet before staff or a script may register
// it: a known kind other than emergency (those come only from the emergency procedure), a holder given by
// exactly one 8-digit AGB code or URA, a covering relationship with the 8-digit URA of another
// organisation as mandate, a start, an end after the start, the operator and the source named.
// The error is a *RuleError naming the first rule broken.
func CheckNewRelationship(r Relationship) error {
	switch {
	case !r.Kind.Valid():
		return ruleError(ReasonUnknownKind, string(r.Kind))
	case r.Kind == Emergency:
		return ruleError(ReasonEmergencyOnlyByProcedure, "")
	}
	switch r.HolderKind {
	case HolderProvider:
		if r.HolderAGB == nil || !eightDigits.MatchString(*r.HolderAGB) {
			return ruleError(ReasonHolderAGB, deref(r.HolderAGB))
		}
		if r.HolderURA != nil {
			return ruleError(ReasonHolderBoth, "")
		}
	case HolderOrganisation:
		if r.HolderURA == nil || !eightDigits.MatchString(*r.HolderURA) {
			return ruleError(ReasonHolderURA, deref(r.HolderURA))
		}
		if r.HolderAGB != nil {
			return ruleError(ReasonHolderBoth, "")
		}
	default:
		return ruleError(ReasonHolderKind, string(r.HolderKind))
	}
	if r.Kind == Covering {
		if r.MandateURA == nil || !eightDigits.MatchString(*r.MandateURA) {
			return ruleError(ReasonMandateURA, deref(r.MandateURA))
		}
		if r.HolderURA != nil && *r.HolderURA == *r.MandateURA {
			return ruleError(ReasonMandateSelf, *r.MandateURA)
		}
	} else if r.MandateURA != nil {
		return ruleError(ReasonMandateNotCovering, *r.MandateURA)
	}
	if r.ValidFrom.IsZero() {
		return ruleError(ReasonValidFromMissing, "")
	}
	if r.ValidUntil != nil && !r.ValidUntil.After(r.ValidFrom) {
		return ruleError(ReasonUntilBeforeFrom, "")
	}
	if strings.TrimSpace(r.CreatedBy) == "" {
		return ruleError(ReasonOperatorMissing, "")
	}
	if strings.TrimSpace(r.Source) == "" {
		return ruleError(ReasonSourceMissing, "")
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// PatientRelationship is one line of a provider's "my patients": the patient and the relationship that
// makes them the provider's patient.
type PatientRelationship struct {
	Patient      Patient
	Relationship Relationship
}

// EmergencyReview is the hospital's verdict on one emergency access, made afterwards by staff.
type EmergencyReview struct {
	RelationshipID int64     `db:"relationship_id"`
	ReviewedAt     time.Time `db:"reviewed_at"`
	ReviewedBy     string    `db:"reviewed_by"`
	Note           string    `db:"note"`
}

// EmergencyAccess is one use of the emergency procedure as the review list shows it: the emergency
// relationship (who, when, why, until when), the patient, and the review once there is one.
type EmergencyAccess struct {
	Relationship Relationship
	Patient      Patient
	Review       *EmergencyReview
	// Details holds the reason's category and the relationship the emergency stood in for; nil for an
	// emergency opened before the portal recorded them.
	Details *EmergencyDetails
}
