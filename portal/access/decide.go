package access

import (
	"fmt"
	"strings"
	"time"
)

// Decision is the answer to "may this provider see this kind of data of this patient now", with the
// reason of a refusal and the basis that the screens show: why, and until when.
type Decision struct {
	Allowed bool
	// Reason is the stable key of a refusal; empty when allowed.
	Reason Reason
	// Category is the data category asked about.
	Category Category
	// Recipient is the provider's consent recipient category ("" for a role that may see nothing).
	Recipient RecipientCategory
	// Basis is what the decision rests on; on a refusal, whatever explains it.
	Basis Basis
}

// Basis says why a provider may see a patient and until when, in a form the screens render in Dutch and
// English and the access log records. On a refusal it holds what explains it (the consent that was
// withdrawn, the relationship that expired).
type Basis struct {
	// Relationship is the provider's relationship the access rests on; on a refusal about relationships,
	// the one that ran out, ended or has not begun.
	Relationship *Relationship
	// RelationshipState is the state of Relationship at the moment of the decision.
	RelationshipState RelationshipState
	// Mandate is, for a covering relationship, the mandating organisation's own relationship.
	Mandate *Relationship
	// Consent is the consent record in force for the provider's recipient category (nil: none).
	Consent *Consent
	// ConsentState is where that consent stands.
	ConsentState ConsentState
	// Until is when the access ends by itself: the earliest of the relationship's end and the lapse of
	// a parent's consent at the child's twelfth birthday. Nil: until someone changes something.
	Until *time.Time
	// Emergency is set when the access rests on an emergency relationship.
	Emergency bool
}

// String is the basis as the access log's basis column records it: relationship and consent by id,
// kind, holder and time, so that a report can show the patient on what grounds someone looked.
func (b Basis) String() string {
	var parts []string
	if r := b.Relationship; r != nil {
		s := fmt.Sprintf("relationship %d %s %s %s from %s", r.ID, r.Kind, r.HolderKind, r.HolderCode(), r.ValidFrom.UTC().Format(time.RFC3339))
		if end := r.EndsAt(); end != nil {
			s += " until " + end.UTC().Format(time.RFC3339)
		}
		if r.MandateURA != nil {
			s += " mandate " + *r.MandateURA
		}
		parts = append(parts, s+" ("+string(b.RelationshipState)+")")
	}
	if c := b.Consent; c != nil {
		parts = append(parts, fmt.Sprintf("consent %d %s %s by %s via %s at %s (%s)", c.ID, c.Category, c.Status, c.RegisteredBy, c.Channel, c.GivenAt.UTC().Format(time.RFC3339), b.ConsentState))
	}
	if b.Emergency {
		parts = append(parts, "emergency")
	}
	return strings.Join(parts, "; ")
}

// Decide is the access decision: may the provider see data of this category of the patient at now? It
// is pure — everything it needs is in its arguments — and checks, in this order:
//
//  1. the category exists;
//  2. the provider's role may see the category (the role-scope matrix; some roles never see anything);
//  3. the patient's consent for the provider's recipient category is in force: no record, a refusal, a
//     withdrawal or a lapsed parental consent is no — an emergency changes nothing here;
//  4. the provider holds an active relationship with the patient: their own (AGB), their organisation's
//     (URA), a covering one whose mandating organisation still has its relationship, or an emergency one.
//
// Consent without a relationship never suffices, and a relationship without consent never does.
func (p Policy) Decide(who Provider, facts PatientFacts, cat Category, now time.Time) Decision {
	d := Decision{Category: cat}
	if !cat.Valid() {
		d.Reason = ReasonUnknownCategory
		return d
	}
	scope := p.ScopeOf(who.Role)
	if !scope.Permits(cat) {
		d.Reason = ReasonRoleNotPermitted
		if !scope.Empty() {
			d.Recipient = scope.Recipient
		}
		return d
	}
	d.Recipient = scope.Recipient
	d.Basis, d.Reason = patientBasis(who, facts, scope.Recipient, now)
	d.Allowed = d.Reason == ""
	return d
}

// DecideAll decides every data category in tab order: the answer to "what may I see of this patient".
func (p Policy) DecideAll(who Provider, facts PatientFacts, now time.Time) []Decision {
	out := make([]Decision, 0, len(Categories))
	for _, c := range Categories {
		out = append(out, p.Decide(who, facts, c, now))
	}
	return out
}

// patientBasis checks consent and relationship, which do not depend on the data category.
func patientBasis(who Provider, facts PatientFacts, recipient RecipientCategory, now time.Time) (Basis, Reason) {
	var b Basis
	b.ConsentState, b.Consent = facts.CurrentConsent(recipient, now)
	switch b.ConsentState {
	case ConsentStateGranted:
	case ConsentStateRefused:
		return b, ReasonConsentRefused
	case ConsentStateWithdrawn:
		return b, ReasonConsentWithdrawn
	case ConsentStateLapsed:
		return b, ReasonConsentLapsed
	default:
		return b, ReasonNoConsent
	}
	rel, mandate, reason := relationshipFor(who, facts.Relationships, now)
	b.Relationship, b.Mandate = rel, mandate
	if rel != nil {
		b.RelationshipState = rel.StateAt(now)
	}
	if reason != "" {
		return b, reason
	}
	b.Emergency = rel.Kind == Emergency
	b.Until = earliest(rel.EndsAt(), b.Consent.LapsesAt(facts.Patient))
	if mandate != nil {
		b.Until = earliest(b.Until, mandate.EndsAt())
	}
	return b, ""
}

// relationshipFor picks the provider's relationship that opens the patient at now, or explains why none
// does. Of several active ones it prefers an ordinary relationship over an emergency one, then the one
// lasting longest. Without an active one it names the one starting soonest, else the one that ended last.
func relationshipFor(who Provider, rels []Relationship, now time.Time) (rel, mandate *Relationship, reason Reason) {
	var best, bestMandate, coveringWithoutMandate, notYet, over *Relationship
	for i := range rels {
		r := &rels[i]
		if !r.HeldBy(who) {
			continue
		}
		switch r.StateAt(now) {
		case RelationshipActive:
			var m *Relationship
			if r.Kind == Covering {
				m = mandateFor(r, rels, now)
				if m == nil {
					coveringWithoutMandate = r
					continue
				}
			}
			if best == nil || better(r, best) {
				best, bestMandate = r, m
			}
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
	case best != nil:
		return best, bestMandate, ""
	case coveringWithoutMandate != nil:
		return coveringWithoutMandate, nil, ReasonCoveringWithoutMandate
	case notYet != nil:
		return notYet, nil, ReasonRelationshipNotYetValid
	case over != nil:
		if over.StateAt(now) == RelationshipEnded {
			return over, nil, ReasonRelationshipEnded
		}
		return over, nil, ReasonRelationshipExpired
	}
	return nil, nil, ReasonNoRelationship
}

// mandateFor finds the active relationship of the organisation that gave a covering practice its mandate.
func mandateFor(covering *Relationship, rels []Relationship, now time.Time) *Relationship {
	if covering.MandateURA == nil {
		return nil
	}
	var m *Relationship
	for i := range rels {
		if rels[i].Mandates(*covering.MandateURA, now) && (m == nil || later(rels[i].EndsAt(), m.EndsAt())) {
			m = &rels[i]
		}
	}
	return m
}

// better reports whether a is a better basis than b: ordinary before emergency, then the longer-lasting.
func better(a, b *Relationship) bool {
	if (a.Kind == Emergency) != (b.Kind == Emergency) {
		return b.Kind == Emergency
	}
	return later(a.EndsAt(), b.EndsAt())
}

// later reports whether end a is after end b; nil is "never", the latest of all.
func later(a, b *time.Time) bool {
	switch {
	case a == nil:
		return b != nil
	case b == nil:
		return false
	}
	return a.After(*b)
}

// earliest returns the earlier of two ends; nil is "never".
func earliest(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case b.Before(*a):
		return b
	}
	return a
}
