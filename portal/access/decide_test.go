package access

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// now is the fixed moment of the decision tables.
var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func at(d time.Duration) time.Time { return now.Add(d) }

const day = 24 * time.Hour

// The provider of the table: one AGB code and one URA for every role, so that the relationship states
// mean the same for each role.
const (
	ownAGB      = "11111111"
	ownURA      = "22222222"
	otherAGB    = "99999999"
	otherURA    = "33333333"
	mandatorURA = "44444444"
)

// roleCase is a role of the table with its expected recipient category and scope, written out by hand
// from DESIGN.md §3 (not derived from the policy under test).
type roleCase struct {
	name      string
	code      string
	recipient RecipientCategory
	scope     []Category
}

var allCategories = []Category{Summary, Encounters, Problems, Allergies, Medication, Lab, Reports, Letters, Imaging}

var roleCases = []roleCase{
	{"gp", "01.015", Huisartsen, allCategories},
	{"pharmacist", "17.075", Apotheken, []Category{Summary, Allergies, Medication, Lab}},
	{"elderly-care-physician", "01.047", OuderenGehandicaptenzorg, allCategories},
	{"nurse", "30.000", VerplegingThuiszorg, []Category{Summary, Allergies, Medication, Encounters}},
	{"specialist", "01.016", MedischSpecialisten, allCategories},
	{"other", "04.000", "", nil}, // physiotherapist: everyone else sees nothing
}

func provHeld(id int64, kind RelationshipKind, from time.Time, until *time.Time) Relationship {
	return Relationship{ID: id, PatientID: 1, HolderKind: HolderProvider, HolderAGB: ptr(ownAGB), Kind: kind, Source: "test", ValidFrom: from, ValidUntil: until, CreatedBy: "test"}
}

func orgHeld(id int64, ura string, kind RelationshipKind, from time.Time, until *time.Time) Relationship {
	return Relationship{ID: id, PatientID: 1, HolderKind: HolderOrganisation, HolderURA: ptr(ura), Kind: kind, Source: "test", ValidFrom: from, ValidUntil: until, CreatedBy: "test"}
}

// relCase is a relationship situation with the expected outcome of the relationship check.
type relCase struct {
	name   string
	rels   func() []Relationship
	reason Reason            // "" when the relationship opens the patient
	kind   RelationshipKind  // the kind of the relationship the basis names ("" for none)
	until  *time.Time        // the expected Until of an allowed decision (nil: open-ended)
	state  RelationshipState // the state of the relationship the basis names
}

// someoneElse is an active relationship of another provider and another organisation; it is in every
// situation so that the table also shows that other people's relationships open nothing.
func someoneElse() []Relationship {
	return []Relationship{
		{ID: 90, PatientID: 1, HolderKind: HolderProvider, HolderAGB: ptr(otherAGB), Kind: RegisteredGP, Source: "test", ValidFrom: at(-400 * day), CreatedBy: "test"},
	}
}

var relCases = []relCase{
	{name: "none", rels: func() []Relationship { return nil }, reason: ReasonNoRelationship},
	{name: "active", rels: func() []Relationship {
		return []Relationship{provHeld(1, Invited, at(-10*day), ptr(at(20*day)))}
	}, kind: Invited, until: ptr(at(20 * day)), state: RelationshipActive},
	{name: "expired", rels: func() []Relationship {
		return []Relationship{provHeld(1, Invited, at(-40*day), ptr(at(-10*day)))}
	}, reason: ReasonRelationshipExpired, kind: Invited, state: RelationshipExpired},
	{name: "not-yet-valid", rels: func() []Relationship {
		return []Relationship{provHeld(1, Referrer, at(2*day), ptr(at(300*day)))}
	}, reason: ReasonRelationshipNotYetValid, kind: Referrer, state: RelationshipNotYetValid},
	{name: "ended", rels: func() []Relationship {
		r := provHeld(1, RegisteredGP, at(-400*day), nil)
		r.EndedAt = ptr(at(-time.Hour))
		return []Relationship{r}
	}, reason: ReasonRelationshipEnded, kind: RegisteredGP, state: RelationshipEnded},
	{name: "organisation-own-ura", rels: func() []Relationship {
		return []Relationship{orgHeld(1, ownURA, RegisteredGP, at(-400*day), nil)}
	}, kind: RegisteredGP, state: RelationshipActive},
	{name: "organisation-other-ura", rels: func() []Relationship {
		return []Relationship{orgHeld(1, otherURA, RegisteredGP, at(-400*day), nil)}
	}, reason: ReasonNoRelationship},
	{name: "covering-by-mandate", rels: func() []Relationship {
		c := orgHeld(1, ownURA, Covering, at(-2*day), ptr(at(12*day)))
		c.MandateURA = ptr(mandatorURA)
		return []Relationship{c, orgHeld(2, mandatorURA, RegisteredGP, at(-400*day), nil)}
	}, kind: Covering, until: ptr(at(12 * day)), state: RelationshipActive},
	{name: "covering-mandate-ended", rels: func() []Relationship {
		c := orgHeld(1, ownURA, Covering, at(-2*day), ptr(at(12*day)))
		c.MandateURA = ptr(mandatorURA)
		m := orgHeld(2, mandatorURA, RegisteredGP, at(-400*day), nil)
		m.EndedAt = ptr(at(-day))
		return []Relationship{c, m}
	}, reason: ReasonCoveringWithoutMandate, kind: Covering, state: RelationshipActive},
	{name: "emergency", rels: func() []Relationship {
		return []Relationship{provHeld(1, Emergency, at(-time.Hour), ptr(at(23*time.Hour)))}
	}, kind: Emergency, until: ptr(at(23 * time.Hour)), state: RelationshipActive},
}

// consentCase is a consent situation for the provider's recipient category.
type consentCase struct {
	name   string
	birth  time.Time
	build  func(cat RecipientCategory) []Consent
	reason Reason
	state  ConsentState
}

var adultBirth = time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC)

func consent(id int64, cat RecipientCategory, status ConsentStatus, by Registrant, given time.Time) Consent {
	return Consent{ID: id, PatientID: 1, Category: cat, Status: status, RegisteredBy: by, Channel: ChannelDesk, GivenAt: given, RecordedBy: "test", RecordedAt: given}
}

// othersGranted grants every category but cat: consent is per recipient category, so it must not help.
func othersGranted(cat RecipientCategory) []Consent {
	var cs []Consent
	for i, c := range RecipientCategories {
		if c != cat {
			cs = append(cs, consent(int64(100+i), c, ConsentGranted, ByPatient, at(-100*day)))
		}
	}
	return cs
}

var consentCases = []consentCase{
	{name: "none", birth: adultBirth, build: othersGranted, reason: ReasonNoConsent, state: ConsentStateNone},
	{name: "granted", birth: adultBirth, build: func(cat RecipientCategory) []Consent {
		return []Consent{consent(1, cat, ConsentGranted, ByPatient, at(-50*day))}
	}, state: ConsentStateGranted},
	{name: "refused", birth: adultBirth, build: func(cat RecipientCategory) []Consent {
		// An older grant, then the refusal in force.
		return append(othersGranted(cat), consent(1, cat, ConsentGranted, ByPatient, at(-300*day)), consent(2, cat, ConsentRefused, ByPatient, at(-50*day)))
	}, reason: ReasonConsentRefused, state: ConsentStateRefused},
	{name: "withdrawn", birth: adultBirth, build: func(cat RecipientCategory) []Consent {
		return append(othersGranted(cat), consent(1, cat, ConsentGranted, ByPatient, at(-300*day)), consent(2, cat, ConsentWithdrawn, ByPatient, at(-time.Minute)))
	}, reason: ReasonConsentWithdrawn, state: ConsentStateWithdrawn},
	{name: "lapsed", birth: time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC), build: func(cat RecipientCategory) []Consent {
		// Granted by a parent alone when the child was 9; the child turned 12 on 1 June 2025.
		return []Consent{consent(1, cat, ConsentGranted, ByRepresentative, time.Date(2022, 9, 1, 9, 0, 0, 0, time.UTC))}
	}, reason: ReasonConsentLapsed, state: ConsentStateLapsed},
}

// TestDecideEveryCombination runs the decision over every combination of relationship situation, consent
// situation, role and data category, and compares it with the rule written out plainly: the role's scope
// first, then consent, then the relationship; allowed only when all three say yes.
func TestDecideEveryCombination(t *testing.T) {
	pol := DefaultPolicy()
	n := 0
	for _, rc := range relCases {
		for _, cc := range consentCases {
			for _, role := range roleCases {
				for _, cat := range allCategories {
					name := fmt.Sprintf("%s/%s/%s/%s", rc.name, cc.name, role.name, cat)
					n++
					t.Run(name, func(t *testing.T) {
						who := Provider{UZI: "900000001", Name: "Test", AGB: ownAGB, URA: ownURA, Role: role.code}
						facts := PatientFacts{
							Patient:       Patient{ID: 1, BSN: "999993847", BirthDate: cc.birth},
							Relationships: append(someoneElse(), rc.rels()...),
						}
						if role.recipient != "" {
							facts.Consents = cc.build(role.recipient)
						} else {
							facts.Consents = cc.build(Huisartsen)
						}
						got := pol.Decide(who, facts, cat, now)

						var want Reason
						switch {
						case !slices.Contains(role.scope, cat):
							want = ReasonRoleNotPermitted
						case cc.reason != "":
							want = cc.reason
						default:
							want = rc.reason
						}
						if got.Reason != want || got.Allowed != (want == "") {
							t.Fatalf("Decide = allowed %v reason %q, want allowed %v reason %q", got.Allowed, got.Reason, want == "", want)
						}
						if got.Category != cat {
							t.Errorf("category = %q, want %q", got.Category, cat)
						}
						if want == ReasonRoleNotPermitted {
							return
						}
						if got.Recipient != role.recipient {
							t.Errorf("recipient = %q, want %q", got.Recipient, role.recipient)
						}
						if got.Basis.ConsentState != cc.state {
							t.Errorf("consent state = %q, want %q", got.Basis.ConsentState, cc.state)
						}
						if (got.Basis.Consent == nil) != (cc.state == ConsentStateNone) {
							t.Errorf("basis consent = %+v with state %s", got.Basis.Consent, cc.state)
						}
						if got.Basis.Consent != nil && got.Basis.Consent.Category != role.recipient {
							t.Errorf("basis names consent for %s, want %s", got.Basis.Consent.Category, role.recipient)
						}
						if cc.reason != "" {
							return // consent said no before relationships were looked at
						}
						if rc.kind == "" {
							if got.Basis.Relationship != nil {
								t.Errorf("basis names relationship %+v, want none", got.Basis.Relationship)
							}
							return
						}
						if got.Basis.Relationship == nil || got.Basis.Relationship.Kind != rc.kind || got.Basis.Relationship.ID != 1 {
							t.Fatalf("basis relationship = %+v, want our %s", got.Basis.Relationship, rc.kind)
						}
						if got.Basis.RelationshipState != rc.state {
							t.Errorf("relationship state = %q, want %q", got.Basis.RelationshipState, rc.state)
						}
						if got.Allowed {
							if !equalTime(got.Basis.Until, rc.until) {
								t.Errorf("until = %v, want %v", got.Basis.Until, rc.until)
							}
							if got.Basis.Emergency != (rc.kind == Emergency) {
								t.Errorf("emergency = %v for a %s relationship", got.Basis.Emergency, rc.kind)
							}
							if (got.Basis.Mandate != nil) != (rc.kind == Covering) {
								t.Errorf("mandate = %+v for a %s relationship", got.Basis.Mandate, rc.kind)
							}
						}
					})
				}
			}
		}
	}
	if want := len(relCases) * len(consentCases) * len(roleCases) * len(allCategories); n != want || n < 2000 {
		t.Fatalf("ran %d combinations, want %d", n, want)
	}
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// TestTheTableCoversEveryCategoryAndRecipient keeps the table honest when a category is added.
func TestTheTableCoversEveryCategoryAndRecipient(t *testing.T) {
	if !slices.Equal(allCategories, Categories) {
		t.Fatalf("table categories %v, model %v", allCategories, Categories)
	}
	seen := map[RecipientCategory]bool{}
	for _, r := range roleCases {
		seen[r.recipient] = true
	}
	for _, r := range RecipientCategories {
		if r != Huisartsen && r != Apotheken && r != MedischSpecialisten && r != OuderenGehandicaptenzorg && r != VerplegingThuiszorg {
			t.Errorf("unknown recipient category %s", r)
		}
		if !seen[r] {
			t.Errorf("no role of the table has recipient %s", r)
		}
	}
}

// TestLapsedConsentTurnsOnTheTwelfthBirthday: a parent's grant counts until the day before the twelfth
// birthday and is lapsed from midnight (Amsterdam time) that day; a grant of child and parent together
// does not lapse.
func TestLapsedConsentTurnsOnTheTwelfthBirthday(t *testing.T) {
	pol := DefaultPolicy()
	who := Provider{AGB: ownAGB, URA: ownURA, Role: "01.015"}
	birthday := time.Date(2026, 3, 10, 0, 0, 0, 0, Amsterdam) // born 10 March 2014: twelve on 10 March 2026
	tests := []struct {
		name   string
		by     Registrant
		now    time.Time
		reason Reason
	}{
		{"representative, day before", ByRepresentative, time.Date(2026, 3, 9, 23, 59, 59, 0, Amsterdam), ""},
		{"representative, midnight of the birthday", ByRepresentative, time.Date(2026, 3, 10, 0, 0, 0, 0, Amsterdam), ReasonConsentLapsed},
		// 23:30 UTC on 9 March is already 10 March in Amsterdam.
		{"representative, birthday in Amsterdam but not yet in UTC", ByRepresentative, time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC), ReasonConsentLapsed},
		{"representative, years later", ByRepresentative, time.Date(2030, 1, 1, 0, 0, 0, 0, Amsterdam), ReasonConsentLapsed},
		{"child and parent, after the birthday", ByBoth, time.Date(2026, 3, 10, 12, 0, 0, 0, Amsterdam), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := PatientFacts{
				Patient:       Patient{ID: 1, BirthDate: time.Date(2014, 3, 10, 0, 0, 0, 0, time.UTC)},
				Relationships: []Relationship{orgHeld(1, ownURA, RegisteredGP, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), nil)},
				Consents:      []Consent{consent(1, Huisartsen, ConsentGranted, tt.by, time.Date(2023, 1, 5, 10, 0, 0, 0, time.UTC))},
			}
			d := pol.Decide(who, facts, Summary, tt.now)
			if d.Reason != tt.reason {
				t.Fatalf("reason = %q, want %q", d.Reason, tt.reason)
			}
			if tt.reason == "" && tt.by == ByRepresentative {
				// Until when: the basis says the access ends at the birthday.
				if d.Basis.Until == nil || !d.Basis.Until.Equal(birthday) {
					t.Errorf("until = %v, want the twelfth birthday %v", d.Basis.Until, birthday)
				}
			}
		})
	}
}

// TestNeverAdmittedRolesGetNothingWhateverTheConfiguration: even a policy that gives every physician
// everything leaves company, insurance and public-health doctors and cards without a role with nothing.
func TestNeverAdmittedRolesGetNothingWhateverTheConfiguration(t *testing.T) {
	pol := Policy{RoleScopes: map[string]RoleScope{
		"01.*":   {Recipient: MedischSpecialisten, Categories: Categories},
		"00.000": {Recipient: Huisartsen, Categories: Categories},
		"01.008": {Recipient: Huisartsen, Categories: Categories},
	}}
	facts := PatientFacts{
		Patient:       Patient{ID: 1, BirthDate: adultBirth},
		Relationships: []Relationship{orgHeld(1, ownURA, RegisteredGP, at(-day), nil)},
	}
	for _, r := range RecipientCategories {
		facts.Consents = append(facts.Consents, consent(int64(len(facts.Consents)+1), r, ConsentGranted, ByPatient, at(-day)))
	}
	for _, role := range []string{"01.008", "01.048", "01.055", "00.000", ""} {
		for _, cat := range Categories {
			d := pol.Decide(Provider{AGB: ownAGB, URA: ownURA, Role: role}, facts, cat, now)
			if d.Allowed || d.Reason != ReasonRoleNotPermitted {
				t.Errorf("role %q, %s: allowed %v reason %q", role, cat, d.Allowed, d.Reason)
			}
		}
	}
	// The same facts do open the patient to a physician the policy covers.
	if d := pol.Decide(Provider{AGB: ownAGB, URA: ownURA, Role: "01.016"}, facts, Letters, now); !d.Allowed {
		t.Fatalf("internist refused: %s", d.Reason)
	}
}

// TestAProviderHeldRelationshipIsPersonal: a colleague in the same practice (same URA, other AGB) does
// not share a relationship held by one GP's AGB code, but does share one held by the practice.
func TestAProviderHeldRelationshipIsPersonal(t *testing.T) {
	pol := DefaultPolicy()
	facts := PatientFacts{
		Patient:       Patient{ID: 1, BirthDate: adultBirth},
		Relationships: []Relationship{provHeld(1, Referrer, at(-day), ptr(at(day)))},
		Consents:      []Consent{consent(1, Huisartsen, ConsentGranted, ByPatient, at(-day))},
	}
	colleague := Provider{AGB: "12121212", URA: ownURA, Role: "01.015"}
	if d := pol.Decide(colleague, facts, Summary, now); d.Allowed || d.Reason != ReasonNoRelationship {
		t.Fatalf("colleague: allowed %v reason %q", d.Allowed, d.Reason)
	}
	noAGB := Provider{URA: ownURA, Role: "01.015"}
	if d := pol.Decide(noAGB, facts, Summary, now); d.Allowed {
		t.Fatal("a provider without AGB code matched a provider-held relationship")
	}
	facts.Relationships = append(facts.Relationships, orgHeld(2, ownURA, RegisteredGP, at(-day), nil))
	if d := pol.Decide(colleague, facts, Summary, now); !d.Allowed || d.Basis.Relationship.ID != 2 {
		t.Fatalf("colleague with a practice relationship: %+v", d)
	}
}

// TestTheBasisPrefersAnOrdinaryRelationshipAndNamesTheSoonestEnd covers the choice among several.
func TestTheBasisPrefersAnOrdinaryRelationshipAndNamesTheSoonestEnd(t *testing.T) {
	pol := DefaultPolicy()
	who := Provider{AGB: ownAGB, URA: ownURA, Role: "01.016"}
	facts := PatientFacts{
		Patient: Patient{ID: 1, BirthDate: adultBirth},
		Relationships: []Relationship{
			provHeld(1, Emergency, at(-time.Hour), ptr(at(23*time.Hour))),
			provHeld(2, Invited, at(-day), ptr(at(5*day))),
			provHeld(3, Referrer, at(-day), ptr(at(100*day))),
			provHeld(4, Referrer, at(-300*day), ptr(at(-200*day))), // expired, ignored
		},
		Consents: []Consent{consent(1, MedischSpecialisten, ConsentGranted, ByPatient, at(-day))},
	}
	d := pol.Decide(who, facts, Letters, now)
	if !d.Allowed || d.Basis.Relationship.ID != 3 || d.Basis.Emergency {
		t.Fatalf("basis = %+v", d.Basis)
	}
	if !d.Basis.Until.Equal(at(100 * day)) {
		t.Errorf("until = %v", d.Basis.Until)
	}
	// Only the emergency one left: it is the basis, flagged.
	facts.Relationships = facts.Relationships[:1]
	d = pol.Decide(who, facts, Letters, now)
	if !d.Allowed || !d.Basis.Emergency {
		t.Fatalf("emergency basis = %+v", d.Basis)
	}
	if s := d.Basis.String(); s == "" || !strings.Contains(s, "emergency") || !strings.Contains(s, "consent 1 medisch_specialisten granted") {
		t.Errorf("basis for the log = %q", s)
	}
}

// TestExplainingRefusalsNamesTheMostUsefulRelationship: a future one before an expired one, and of two
// that ran out the latest.
func TestExplainingRefusalsNamesTheMostUsefulRelationship(t *testing.T) {
	pol := DefaultPolicy()
	who := Provider{AGB: ownAGB, URA: ownURA, Role: "01.016"}
	ended := provHeld(3, Referrer, at(-100*day), ptr(at(100*day)))
	ended.EndedAt = ptr(at(-2 * day))
	facts := PatientFacts{
		Patient: Patient{ID: 1, BirthDate: adultBirth},
		Relationships: []Relationship{
			provHeld(1, Invited, at(-100*day), ptr(at(-50*day))),
			ended,
		},
		Consents: []Consent{consent(1, MedischSpecialisten, ConsentGranted, ByPatient, at(-day))},
	}
	if d := pol.Decide(who, facts, Letters, now); d.Reason != ReasonRelationshipEnded || d.Basis.Relationship.ID != 3 {
		t.Fatalf("got %q on %+v", d.Reason, d.Basis.Relationship)
	}
	facts.Relationships = append(facts.Relationships, provHeld(4, Invited, at(3*day), ptr(at(30*day))))
	if d := pol.Decide(who, facts, Letters, now); d.Reason != ReasonRelationshipNotYetValid || d.Basis.Relationship.ID != 4 {
		t.Fatalf("got %q on %+v", d.Reason, d.Basis.Relationship)
	}
}

// TestCurrentConsentIsTheNewestGiven: the newest decision by the moment it was given counts, whatever
// the order of registration; a decision dated in the future does not count yet.
func TestCurrentConsentIsTheNewestGiven(t *testing.T) {
	facts := PatientFacts{
		Patient: Patient{BirthDate: adultBirth},
		Consents: []Consent{
			consent(5, Huisartsen, ConsentGranted, ByPatient, at(-10*day)),   // registered last, given earlier
			consent(3, Huisartsen, ConsentRefused, ByPatient, at(-5*day)),    // given later: in force
			consent(9, Huisartsen, ConsentGranted, ByPatient, at(2*day)),     // given in the future
			consent(7, Apotheken, ConsentGranted, ByPatient, at(-time.Hour)), // another category
		},
	}
	state, c := facts.CurrentConsent(Huisartsen, now)
	if state != ConsentStateRefused || c.ID != 3 {
		t.Fatalf("state %s record %+v", state, c)
	}
	if state, _ := facts.CurrentConsent(VerplegingThuiszorg, now); state != ConsentStateNone {
		t.Fatalf("a category without records is %s", state)
	}
	h := facts.ConsentHistory()
	if h[0].ID != 9 || h[len(h)-1].ID != 5 {
		t.Fatalf("history order %v", h)
	}
}
