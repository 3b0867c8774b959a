package uzi

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestProductionProfile(t *testing.T) {
	p := ProductionProfile()
	wantCAs := map[string]CardType{
		"2.16.528.1.1003.1.3.5.5.2": CardZorgverlener,
		"2.16.528.1.1003.1.3.5.5.3": CardMedewerkerOpNaam,
		"2.16.528.1.1003.1.3.5.5.4": CardMedewerkerNietOpNaam,
		"2.16.528.1.1003.1.3.5.5.5": CardServer,
	}
	if !maps.Equal(p.OIDCAs, wantCAs) {
		t.Errorf("OIDCAs = %v, want %v", p.OIDCAs, wantCAs)
	}
	if want := []string{"2.16.528.1.1003.1.2.5.1", "2.16.528.1.1003.1.2.5.4"}; !slices.Equal(p.AuthPolicies, want) {
		t.Errorf("AuthPolicies = %v, want %v", p.AuthPolicies, want)
	}
	if p.AdmitEmployeeCards {
		t.Error("AdmitEmployeeCards is on by default; delegated staff must be configured explicitly")
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestTestProfile(t *testing.T) {
	p := TestProfile()
	if want := map[string]CardType{"2.16.528.1.1007.99.217": CardZorgverlener}; !maps.Equal(p.OIDCAs, want) {
		t.Errorf("OIDCAs = %v, want %v", p.OIDCAs, want)
	}
	if want := []string{"2.16.528.1.1007.99.211"}; !slices.Equal(p.AuthPolicies, want) {
		t.Errorf("AuthPolicies = %v, want %v", p.AuthPolicies, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestProfilesAreFreshCopies(t *testing.T) {
	p := ProductionProfile()
	p.OIDCAs["1.2.3"] = CardZorgverlener
	p.AuthPolicies[0] = "1.2.3"
	q := ProductionProfile()
	if _, ok := q.OIDCAs["1.2.3"]; ok || q.AuthPolicies[0] != PolicyAuthZN {
		t.Error("changing one ProductionProfile value changed the next one")
	}
}

func TestProfileAdmits(t *testing.T) {
	for _, admitN := range []bool{false, true} {
		p := Profile{AdmitEmployeeCards: admitN}
		want := map[CardType]bool{CardZorgverlener: true, CardMedewerkerOpNaam: admitN, CardMedewerkerNietOpNaam: false, CardServer: false, "X": false, "": false}
		for c, w := range want {
			if got := p.Admits(c); got != w {
				t.Errorf("Admits(%q) with AdmitEmployeeCards=%v = %v, want %v", c, admitN, got, w)
			}
		}
	}
}

func TestProfileValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		p    Profile
		want string
	}{
		{"empty", Profile{}, "allow-list is empty"},
		{"no policies", Profile{OIDCAs: map[string]CardType{"1.2.3": CardZorgverlener}}, "no authentication policy"},
		{"bad OID CA", Profile{OIDCAs: map[string]CardType{"1.2.x": CardZorgverlener}, AuthPolicies: []string{"1.2"}}, `"1.2.x" is not`},
		{"bad card type", Profile{OIDCAs: map[string]CardType{"1.2.3": "X"}, AuthPolicies: []string{"1.2"}}, `card type "X"`},
		{"bad policy", Profile{OIDCAs: map[string]CardType{"1.2.3": CardZorgverlener}, AuthPolicies: []string{"policy"}}, `policy "policy"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestCardTypeNames(t *testing.T) {
	for _, c := range []CardType{CardZorgverlener, CardMedewerkerOpNaam, CardMedewerkerNietOpNaam, CardServer} {
		if !c.Valid() || c.Dutch() == "" || c.English() == "" {
			t.Errorf("card type %q: Valid=%v Dutch=%q English=%q", c, c.Valid(), c.Dutch(), c.English())
		}
	}
	if c := CardType("X"); c.Valid() || c.Dutch() != "" || c.English() != "" {
		t.Errorf("card type X is treated as valid or named")
	}
}
