package access

import (
	"strings"
	"testing"
	"time"
)

// TestEmergencyNeverOverridesConsent: the emergency procedure is possible only when the consent in force
// covers the provider's category, and only for a provider without a relationship.
func TestEmergencyNeverOverridesConsent(t *testing.T) {
	pol := DefaultPolicy()
	specialist := Provider{UZI: "900100012", Name: "Lars van Dijk", AGB: ownAGB, URA: ownURA, Role: "01.016"}
	for _, cc := range consentCases {
		t.Run(cc.name, func(t *testing.T) {
			facts := PatientFacts{Patient: Patient{ID: 7, BirthDate: cc.birth}, Relationships: someoneElse(), Consents: cc.build(MedischSpecialisten)}
			check := pol.CanRequestEmergency(specialist, facts, now)
			if check.Allowed != (cc.state == ConsentStateGranted) || check.Reason != cc.reason {
				t.Fatalf("allowed %v reason %q, want allowed %v reason %q", check.Allowed, check.Reason, cc.state == ConsentStateGranted, cc.reason)
			}
			rel, err := pol.EmergencyRelationship(specialist, facts, "Bewusteloos op de SEH binnengebracht, medicatie onbekend", now)
			if cc.state != ConsentStateGranted {
				if ReasonOf(err) != cc.reason {
					t.Fatalf("emergency relationship despite %s: %+v, %v", cc.name, rel, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rel.Kind != Emergency || rel.HolderKind != HolderProvider || *rel.HolderAGB != ownAGB || rel.PatientID != 7 ||
				!rel.ValidFrom.Equal(now) || !rel.ValidUntil.Equal(now.Add(24*time.Hour)) || !strings.Contains(rel.CreatedBy, "900100012") {
				t.Fatalf("emergency relationship %+v", rel)
			}
			// Once created it opens the patient, flagged as emergency, until it runs out.
			facts.Relationships = append(facts.Relationships, rel)
			if d := pol.Decide(specialist, facts, Letters, now.Add(time.Hour)); !d.Allowed || !d.Basis.Emergency {
				t.Fatalf("after the procedure: %+v", d)
			}
			if d := pol.Decide(specialist, facts, Letters, now.Add(24*time.Hour)); d.Allowed || d.Reason != ReasonRelationshipExpired {
				t.Fatalf("a day later: %+v", d)
			}
		})
	}
}

func TestEmergencyPreconditions(t *testing.T) {
	granted := []Consent{consent(1, Huisartsen, ConsentGranted, ByPatient, at(-day))}
	gp := Provider{AGB: ownAGB, URA: ownURA, Role: "01.015"}
	facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: adultBirth}, Consents: granted}
	tests := []struct {
		name   string
		pol    func(*Policy)
		who    Provider
		rels   []Relationship
		reason Reason
	}{
		{"possible", nil, gp, nil, ""},
		{"switched off", func(p *Policy) { p.Emergency.Enabled = false }, gp, nil, ReasonEmergencyDisabled},
		{"role sees nothing", nil, Provider{AGB: ownAGB, URA: ownURA, Role: "04.000"}, nil, ReasonEmergencyRoleNotPermitted},
		{"no AGB code", nil, Provider{URA: ownURA, Role: "01.015"}, nil, ReasonEmergencyNeedsAGB},
		{"already a relationship", nil, gp, []Relationship{orgHeld(1, ownURA, RegisteredGP, at(-day), nil)}, ReasonRelationshipExists},
		{"expired relationship: possible", nil, gp, []Relationship{provHeld(1, Invited, at(-40*day), ptr(at(-day)))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := DefaultPolicy()
			if tt.pol != nil {
				tt.pol(&pol)
			}
			f := facts
			f.Relationships = tt.rels
			if got := pol.CanRequestEmergency(tt.who, f, now); got.Reason != tt.reason || got.Allowed != (tt.reason == "") {
				t.Fatalf("allowed %v reason %q, want %q", got.Allowed, got.Reason, tt.reason)
			}
		})
	}
}

func TestEmergencyReasonMustSaySomething(t *testing.T) {
	pol := DefaultPolicy()
	for text, ok := range map[string]bool{
		"Patiënt aanspreekbaar op de HAP, allergiestatus onbekend": true,
		"acuut":                                     false,
		"                                      ":    false,
		"....................................":      false,
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":            false, // one word
		"spoed spoed":                               false, // ten letters
		"Huisartsenpost nacht, dyspneu, medicatie?": true,
	} {
		if err := pol.CheckEmergencyReason(text); (err == nil) != ok {
			t.Errorf("%q: %v", text, err)
		}
	}
}
