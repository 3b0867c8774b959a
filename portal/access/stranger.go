package access

import "time"

// HasCurrentRelationship reports whether the provider holds a treatment relationship with the patient
// that is in force now: their own, their organisation's, a covering or an emergency one, whatever the
// consent says. A provider without one is a stranger to the patient, and the access page tells a
// stranger nothing of the patient's consent (who registered it, when, a lapse at the twelfth birthday,
// which gives away that the patient is a child): the decision checks consent first, so its reasons and
// basis cannot be shown to whoever merely has an address.
func HasCurrentRelationship(who Provider, facts PatientFacts, now time.Time) bool {
	for i := range facts.Relationships {
		r := &facts.Relationships[i]
		if r.HeldBy(who) && r.StateAt(now) == RelationshipActive {
			return true
		}
	}
	return false
}
