package access

import (
	"testing"
	"time"
)

// TestHasCurrentRelationship: only a relationship the provider holds that is in force now makes them
// known to the patient, whatever the consent; ended, expired, future and other providers' relationships
// do not.
func TestHasCurrentRelationship(t *testing.T) {
	who := Provider{AGB: ownAGB, URA: ownURA, Role: "01.015"}
	ended := provHeld(1, Invited, at(-2*day), ptr(at(day)))
	ended.EndedAt = ptr(at(-time.Hour))
	covering := orgHeld(1, ownURA, Covering, at(-day), ptr(at(day)))
	covering.MandateURA = ptr(mandatorURA) // the mandating practice has no relationship: still known
	tests := []struct {
		name string
		rels []Relationship
		want bool
	}{
		{"none", nil, false},
		{"own, active", []Relationship{provHeld(1, Referrer, at(-day), ptr(at(day)))}, true},
		{"the organisation's, active", []Relationship{orgHeld(1, ownURA, RegisteredGP, at(-day), nil)}, true},
		{"emergency, active", []Relationship{provHeld(1, Emergency, at(-time.Hour), ptr(at(time.Hour)))}, true},
		{"covering without the mandate in force", []Relationship{covering}, true},
		{"expired", []Relationship{provHeld(1, Referrer, at(-2*day), ptr(at(-day)))}, false},
		{"ended by staff", []Relationship{ended}, false},
		{"not yet begun", []Relationship{provHeld(1, Referrer, at(day), nil)}, false},
		{"another organisation's", []Relationship{orgHeld(1, otherURA, RegisteredGP, at(-day), nil)}, false},
		{"another provider's", []Relationship{{ID: 1, PatientID: 1, HolderKind: HolderProvider, HolderAGB: ptr(otherAGB), Kind: Referrer, ValidFrom: at(-day)}}, false},
		{"an old one and an active one", []Relationship{provHeld(1, Referrer, at(-3*day), ptr(at(-2*day))), orgHeld(2, ownURA, RegisteredGP, at(-day), nil)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := PatientFacts{Patient: Patient{ID: 1}, Relationships: tt.rels}
			if got := HasCurrentRelationship(who, facts, now); got != tt.want {
				t.Errorf("HasCurrentRelationship = %v, want %v", got, tt.want)
			}
		})
	}
}
