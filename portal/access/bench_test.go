package access

import (
	"testing"
	"time"
)

// BenchmarkDecideAll measures the decision for every category of a patient with a long history: 40
// relationships of other holders, one of the provider's own, and 50 consent records.
func BenchmarkDecideAll(b *testing.B) {
	pol := DefaultPolicy()
	who := Provider{AGB: ownAGB, URA: ownURA, Role: "01.015"}
	facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: adultBirth}}
	for i := range 40 {
		r := orgHeld(int64(i+10), otherURA, Referrer, at(-time.Duration(i)*day), ptr(at(time.Duration(40-i)*day)))
		facts.Relationships = append(facts.Relationships, r)
	}
	facts.Relationships = append(facts.Relationships, orgHeld(1, ownURA, RegisteredGP, at(-400*day), nil))
	for i := range 50 {
		status := ConsentGranted
		if i%2 == 1 {
			status = ConsentWithdrawn
		}
		facts.Consents = append(facts.Consents, consent(int64(i+1), RecipientCategories[i%5], status, ByPatient, at(-time.Duration(100-i)*day)))
	}
	b.ReportAllocs()
	for b.Loop() {
		ds := pol.DecideAll(who, facts, now)
		if len(ds) != len(Categories) {
			b.Fatal("wrong number of decisions")
		}
	}
}
