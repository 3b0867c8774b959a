package access

import (
	"slices"
	"testing"
	"time"

	"zorgverlenersportaal/config"
)

// TestDefaultPolicyIsDesign3 checks the default role-scope matrix against DESIGN.md §3, written out here.
func TestDefaultPolicyIsDesign3(t *testing.T) {
	pol := DefaultPolicy()
	tests := []struct {
		role      string
		recipient RecipientCategory
		scope     []Category
	}{
		{"01.015", Huisartsen, Categories},
		{"01.004", Huisartsen, Categories},
		{"01.047", OuderenGehandicaptenzorg, Categories},
		{"01.056", OuderenGehandicaptenzorg, Categories},
		{"01.016", MedischSpecialisten, Categories},
		{"01.010", MedischSpecialisten, Categories},
		{"01.071", MedischSpecialisten, Categories},
		{"17.000", Apotheken, []Category{Summary, Allergies, Medication, Lab}},
		{"17.075", Apotheken, []Category{Summary, Allergies, Medication, Lab}},
		{"30.000", VerplegingThuiszorg, []Category{Summary, Encounters, Allergies, Medication}},
		{"30.076", VerplegingThuiszorg, []Category{Summary, Encounters, Allergies, Medication}},
		{"01.000", MedischSpecialisten, Categories}, // arts without a specialism: see config.defaultAccess
		{"01.008", "", nil},
		{"01.048", "", nil},
		{"01.055", "", nil},
		{"01.070", "", nil},
		{"04.000", "", nil},
		{"02.000", "", nil},
		{"00.000", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			s := pol.ScopeOf(tt.role)
			if pol.RecipientOf(tt.role) != tt.recipient {
				t.Errorf("recipient = %q, want %q", pol.RecipientOf(tt.role), tt.recipient)
			}
			for _, c := range Categories {
				if s.Permits(c) != slices.Contains(tt.scope, c) {
					t.Errorf("%s permitted = %v", c, s.Permits(c))
				}
			}
		})
	}
}

func TestDefaultLifetimes(t *testing.T) {
	pol := DefaultPolicy()
	from := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for kind, want := range map[RelationshipKind]time.Duration{
		Referrer: 365 * day, DischargeRecipient: 90 * day, Invited: 30 * day, Covering: 14 * day, Emergency: 24 * time.Hour,
	} {
		if got := pol.DefaultUntil(kind, from); got == nil || got.Sub(from) != want {
			t.Errorf("%s: until %v, want %v after start", kind, got, want)
		}
	}
	for _, kind := range []RelationshipKind{RegisteredGP, PharmacyOfRecord} {
		if got := pol.DefaultUntil(kind, from); got != nil {
			t.Errorf("%s should be open-ended, got %v", kind, got)
		}
	}
	if !pol.Emergency.Enabled || pol.Emergency.Duration != 24*time.Hour {
		t.Errorf("emergency defaults %+v", pol.Emergency)
	}
}

// TestConfigListsMatchTheModel: config (standard library only) keeps its own lists of the names it
// validates; they must be the model's.
func TestConfigListsMatchTheModel(t *testing.T) {
	var cats, recips []string
	for _, c := range Categories {
		cats = append(cats, string(c))
	}
	for _, r := range RecipientCategories {
		recips = append(recips, string(r))
	}
	if !slices.Equal(cats, config.DataCategories) {
		t.Errorf("config.DataCategories = %v, model %v", config.DataCategories, cats)
	}
	if !slices.Equal(recips, config.RecipientCategories) {
		t.Errorf("config.RecipientCategories = %v, model %v", config.RecipientCategories, recips)
	}
	for _, r := range config.NeverAdmittedRoles {
		if !slices.Contains(NeverAdmittedRoles, r) {
			t.Errorf("config never admits %s but the access rules do not know", r)
		}
	}
}

func TestPolicyFromConfigFollowsTheFile(t *testing.T) {
	c := config.Default("").Access
	c.RoleScope["17.*"] = config.RoleScopeConfig{Recipient: "apotheken", Categories: []string{"medication"}}
	c.RoleScope["04.000"] = config.RoleScopeConfig{Recipient: "verpleging_thuiszorg", Categories: []string{"summary"}}
	c.RelationshipDays.Invited = 7
	c.Emergency.Enabled = false
	pol, err := PolicyFromConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if s := pol.ScopeOf("17.075"); !s.Permits(Medication) || s.Permits(Lab) {
		t.Errorf("pharmacist scope %+v", s)
	}
	if s := pol.ScopeOf("04.000"); !s.Permits(Summary) || s.Recipient != VerplegingThuiszorg {
		t.Errorf("physiotherapist scope %+v", s)
	}
	if got := pol.DefaultUntil(Invited, now); !got.Equal(now.Add(7 * day)) {
		t.Errorf("invited until %v", got)
	}
	if pol.Emergency.Enabled {
		t.Error("emergency still enabled")
	}
	c.RoleScope["17.*"] = config.RoleScopeConfig{Recipient: "apotheken", Categories: []string{"everything"}}
	if _, err := PolicyFromConfig(c); err == nil {
		t.Error("an unknown category was accepted")
	}
}

func TestMostSpecificPatternWins(t *testing.T) {
	pol := Policy{RoleScopes: map[string]RoleScope{
		"01.*":   {Recipient: MedischSpecialisten, Categories: []Category{Summary}},
		"01.0*":  {Recipient: MedischSpecialisten, Categories: []Category{Lab}},
		"01.015": {Recipient: Huisartsen, Categories: []Category{Letters}},
	}}
	if s := pol.ScopeOf("01.015"); s.Recipient != Huisartsen || !s.Permits(Letters) {
		t.Errorf("exact code: %+v", s)
	}
	if s := pol.ScopeOf("01.016"); !s.Permits(Lab) || s.Permits(Summary) {
		t.Errorf("longer prefix: %+v", s)
	}
	if s := pol.ScopeOf("01.100"); !s.Permits(Summary) {
		t.Errorf("shorter prefix: %+v", s)
	}
	if s := pol.ScopeOf("17.000"); !s.Empty() {
		t.Errorf("no pattern: %+v", s)
	}
}
