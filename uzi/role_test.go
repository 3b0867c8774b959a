package uzi

import (
	"sort"
	"testing"
)

func TestLookupRole(t *testing.T) {
	tests := []struct {
		code, dutch, english string
	}{
		{"00.000", "Geen zorgverlenersrol (medewerker of server)", "No care provider role (employee or server)"},
		{"01.000", "Arts", "Physician"},
		{"01.004", "Apotheekhoudend huisarts", "Dispensing general practitioner"},
		{"01.008", "Bedrijfsarts", "Occupational physician"},
		{"01.015", "Huisarts", "General practitioner"},
		{"01.047", "Specialist ouderengeneeskunde", "Elderly care physician"},
		// The English CPS v10.2 mistranslates 048 as "Occupational medicine"; it is the insurance physician.
		{"01.048", "Verzekeringsarts", "Insurance physician"},
		{"01.055", "Arts maatschappij en gezondheid", "Public health physician"},
		{"01.056", "Arts voor verstandelijk gehandicapten", "Physician for people with intellectual disabilities"},
		{"17.000", "Apotheker", "Pharmacist"},
		{"17.075", "Openbaar apotheker", "Community pharmacist"},
		{"30.000", "Verpleegkundige", "Nurse"},
		{"30.076", "Verpl. spec. algemene gezondheidszorg", "Nurse specialist in general health care"},
		{"89.000", "Diëtist", "Dietitian"},
		{"99.000", "Zorgverlener andere zorg", "Care provider in other care"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			r, ok := LookupRole(tc.code)
			if !ok {
				t.Fatalf("LookupRole(%q) not found", tc.code)
			}
			want := Role{Code: tc.code, Dutch: tc.dutch, English: tc.english, Known: true}
			if r != want {
				t.Errorf("LookupRole(%q) = %+v, want %+v", tc.code, r, want)
			}
		})
	}
}

func TestLookupRoleUnknown(t *testing.T) {
	for _, code := range []string{"", "01.001", "01.099", "05.000", "1.015", "01.015 ", "huisarts"} {
		if r, ok := LookupRole(code); ok || r != (Role{}) {
			t.Errorf("LookupRole(%q) = %+v, %v; want the zero Role and false", code, r, ok)
		}
	}
	r := Identity{RoleCode: "01.099"}.Role()
	if r.Known || r.Code != "01.099" || r.Dutch != "01.099" || r.English != "01.099" {
		t.Errorf("Identity.Role() for an unknown code = %+v, want the code as its names and Known false", r)
	}
}

// TestRoleTable checks the table against CPS v10.3 annex 3: 83 care-provider codes (the same set as the
// Nictiz CodeSystem uzi-rolcode 11.7.0) plus 00.000, each well formed, unique, named and in code order.
func TestRoleTable(t *testing.T) {
	roles := Roles()
	if len(roles) != 84 {
		t.Errorf("Roles() has %d entries, want 84 (83 care-provider codes plus 00.000)", len(roles))
	}
	perProfession := map[string]int{}
	seen := map[string]bool{}
	for _, r := range roles {
		if !isRoleCode(r.Code) {
			t.Errorf("role code %q is not of the form PP.SSS", r.Code)
		}
		if seen[r.Code] {
			t.Errorf("role code %s appears twice", r.Code)
		}
		seen[r.Code] = true
		if r.Dutch == "" || r.English == "" || !r.Known {
			t.Errorf("role %+v lacks a name or is not marked known", r)
		}
		if r.Code != NoRoleCode {
			perProfession[r.ProfessionCode()]++
			if _, ok := LookupRole(r.ProfessionCode() + ".000"); !ok {
				t.Errorf("role %s has no profession entry %s.000", r.Code, r.ProfessionCode())
			}
		}
	}
	if !sort.SliceIsSorted(roles, func(i, j int) bool { return roles[i].Code < roles[j].Code }) {
		t.Error("Roles() is not in code order")
	}
	want := map[string]int{"01": 42, "02": 3, "03": 1, "04": 1, "16": 1, "17": 3, "25": 3, "30": 7, "31": 1}
	for pp := 79; pp <= 99; pp++ {
		want[fmtPP(pp)] = 1
	}
	total := 0
	for pp, n := range want {
		total += n
		if perProfession[pp] != n {
			t.Errorf("profession %s has %d codes, want %d", pp, perProfession[pp], n)
		}
	}
	if total != 83 || len(perProfession) != len(want) {
		t.Errorf("care-provider codes: want total 83 over %d professions; table has %d professions", len(want), len(perProfession))
	}

	roles[0].Dutch = "changed"
	if r, _ := LookupRole(roles[0].Code); r.Dutch == "changed" {
		t.Error("Roles() returned the table itself; callers could change it")
	}
}

func fmtPP(pp int) string { return string(rune('0'+pp/10)) + string(rune('0'+pp%10)) }

func TestRoleProfessionCode(t *testing.T) {
	if got := (Role{Code: "17.075"}).ProfessionCode(); got != "17" {
		t.Errorf("ProfessionCode() = %q, want 17", got)
	}
	if got := (Role{}).ProfessionCode(); got != "" {
		t.Errorf("ProfessionCode() of the zero Role = %q, want empty", got)
	}
}
