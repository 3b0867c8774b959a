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
			rel, _, err := pol.EmergencyRelationship(specialist, facts, EmergencyRequest{Category: EmergencyUnableToCommunicate,
				Reason: "Bewusteloos op de SEH binnengebracht, medicatie onbekend"}, 0, now)
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

// TestEmergencyReasonMustSaySomething: the reason rules of CheckEmergencyText, with the attack strings
// that passed the old check and real reasons, Dutch and English, that must pass.
func TestEmergencyReasonMustSaySomething(t *testing.T) {
	pol := DefaultPolicy()
	tests := []struct {
		name string
		text string
		want ReasonProblem
	}{
		{"twenty one-letter words", strings.Repeat("a ", 20), ReasonProblemRepeated},
		{"twenty different one-letter words", "a b c d e f g h i j k l m n o p q r s t", ReasonProblemFewWords},
		{"two letters repeated ten times", "xxxxxxxxxx yyyyyyyyyy", ReasonProblemRepeated},
		{"one letter thirty times", strings.Repeat("a", 30), ReasonProblemRepeated},
		{"one digit thirty times", strings.Repeat("1", 30), ReasonProblemRepeated},
		{"one word twice", "spoed spoed spoed spoed", ReasonProblemFewWords},
		{"one word in three cases", "Spoedgeval SPOEDGEVAL spoedgeval", ReasonProblemFewWords},
		{"keyboard rows without vowels", "qwrtp sdfgh zxcvb nmlkj", ReasonProblemFewWords},
		{"two real words padded", "spoedgevallen dringend ........................", ReasonProblemFewWords},
		{"two-letter syllables", "ab ab ab ab ab ab ab ab ab ab", ReasonProblemFewWords},
		{"stretched letters in a sentence", "patiënt heeeeel erg ziek vandaag", ReasonProblemRepeated},
		{"dots only", "....................................", ReasonProblemTooShort},
		{"spaces only", "                                      ", ReasonProblemTooShort},
		{"one word", "acuut", ReasonProblemTooShort},
		{"too long", strings.Repeat("patiënt benauwd ", 130), ReasonProblemTooLong},
		{"Dutch, at the out-of-hours post", "Patiënt aanspreekbaar op de HAP, allergiestatus onbekend", ReasonProblemNone},
		{"Dutch, short and clipped", "Huisartsenpost nacht, dyspneu, medicatie?", ReasonProblemNone},
		{"Dutch, unconscious", "Bewusteloos binnengebracht op de SEH, medicatie onbekend", ReasonProblemNone},
		{"Dutch, with a dose", "Vraagt 1000 mg paracetamol naast warfarine, interactie?", ReasonProblemNone},
		{"Dutch, diaeresis and doubled vowels", "Zeeën van tijd kwijt: patiënte heeft acute pijn op de borst", ReasonProblemNone},
		{"Dutch, pharmacist", "Recept methotrexaat dagelijks in plaats van wekelijks, controle nodig", ReasonProblemNone},
		{"English", "Patient collapsed in the waiting room, unknown medication", ReasonProblemNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pol.CheckEmergencyText(tt.text); got != tt.want {
				t.Fatalf("%q: problem %q, want %q", tt.text, got, tt.want)
			}
			if err := pol.CheckEmergencyReason(tt.text); (err == nil) != (tt.want == ReasonProblemNone) || (err != nil && ReasonOf(err) != ReasonEmergencyReasonTooShort) {
				t.Fatalf("%q: %v", tt.text, err)
			}
		})
	}
}

// TestEmergencyRequestRules: the category must be one of the list, a prior relationship of the provider
// must be acknowledged (and is recorded in the details), and the daily cap refuses the next emergency.
func TestEmergencyRequestRules(t *testing.T) {
	pol := DefaultPolicy()
	gp := Provider{UZI: "900100011", Name: "Anna de Vries", AGB: ownAGB, URA: ownURA, Role: "01.015"}
	granted := []Consent{consent(1, Huisartsen, ConsentGranted, ByPatient, at(-day))}
	reason := "Patiënte benauwd op de huisartsenpost, medicatie na ontslag onbekend"
	expired := provHeld(1, Invited, at(-40*day), ptr(at(-day)))
	expired.ID = 31
	future := provHeld(1, Invited, at(5*day), ptr(at(30*day)))
	future.ID = 32
	pastEmergency := provHeld(1, Emergency, at(-3*day/2), ptr(at(-day/2)))
	pastEmergency.ID = 33
	tests := []struct {
		name      string
		rels      []Relationship
		req       EmergencyRequest
		recent    int
		reason    Reason
		priorSt   RelationshipState
		priorAt   time.Time
		priorRel  int64
		priorKind RelationshipKind
	}{
		{"no relationship ever", nil, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason}, 0, "", "", time.Time{}, 0, ""},
		{"no category", nil, EmergencyRequest{Reason: reason}, 0, ReasonEmergencyCategory, "", time.Time{}, 0, ""},
		{"made-up category", nil, EmergencyRequest{Category: "curiosity", Reason: reason}, 0, ReasonEmergencyCategory, "", time.Time{}, 0, ""},
		{"meaningless reason", nil, EmergencyRequest{Category: EmergencyOther, Reason: strings.Repeat("a ", 20)}, 0, ReasonEmergencyReasonTooShort, "", time.Time{}, 0, ""},
		{"expired relationship, not acknowledged", []Relationship{expired}, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason}, 0, ReasonEmergencyPriorNotAcknowledged, "", time.Time{}, 0, ""},
		{"expired relationship, acknowledged", []Relationship{expired}, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason, AcknowledgedPrior: true}, 0, "", RelationshipExpired, at(-day), 31, Invited},
		{"relationship starts later, acknowledged", []Relationship{future}, EmergencyRequest{Category: EmergencyContinuity, Reason: reason, AcknowledgedPrior: true}, 0, "", RelationshipNotYetValid, at(5 * day), 32, Invited},
		{"two emergencies today: the third is allowed", nil, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason}, 2, "", "", time.Time{}, 0, ""},
		{"three emergencies today: the cap", nil, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason}, 3, ReasonEmergencyCapReached, "", time.Time{}, 0, ""},
		{"an earlier emergency that ran out is no prior relationship", []Relationship{pastEmergency}, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason}, 0, "", "", time.Time{}, 0, ""},
		{"an expired relationship behind a later emergency", []Relationship{expired, pastEmergency}, EmergencyRequest{Category: EmergencyOutOfHours, Reason: reason, AcknowledgedPrior: true}, 0, "", RelationshipExpired, at(-day), 31, Invited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := PatientFacts{Patient: Patient{ID: 1, BirthDate: adultBirth}, Consents: granted, Relationships: tt.rels}
			rel, details, err := pol.EmergencyRelationship(gp, facts, tt.req, tt.recent, now)
			if ReasonOf(err) != tt.reason || (tt.reason == "") != (err == nil) {
				t.Fatalf("reason %q (%v), want %q", ReasonOf(err), err, tt.reason)
			}
			if err != nil {
				return
			}
			if rel.Kind != Emergency || details.Category != tt.req.Category || details.PriorState != tt.priorSt || details.PriorKind != tt.priorKind {
				t.Fatalf("relationship %+v details %+v", rel, details)
			}
			if tt.priorRel == 0 {
				if details.PriorRelationshipID != nil || details.PriorAt != nil {
					t.Fatalf("a prior relationship where there was none: %+v", details)
				}
				return
			}
			if details.PriorRelationshipID == nil || *details.PriorRelationshipID != tt.priorRel || details.PriorAt == nil || !details.PriorAt.Equal(tt.priorAt) {
				t.Fatalf("prior relationship %+v, want %d at %v", details, tt.priorRel, tt.priorAt)
			}
		})
	}
}
