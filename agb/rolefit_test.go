package agb

import (
	"regexp"
	"testing"
)

// TestRoleFit is the decided role-fit table as a test: every row is a
// promise that the admission check keeps.
func TestRoleFit(t *testing.T) {
	tests := []struct {
		role string
		kwal Kwalificatie
		want bool
		why  string
	}{
		// Huisarts.
		{"01.015", "0101", true, "huisarts"},
		{"01.015", "0103", true, "uitsluitend waarnemend is a GP"},
		{"01.015", "0110", true, "a dispensing GP is a GP"},
		{"01.015", "0102", false, "add-on, not a base qualification"},
		{"01.015", "0100", false, "code-list value, not a register kwalificatie"},
		{"01.015", "8418", false, "SO is not a GP"},
		{"01.015", "0200", false, "pharmacist is not a GP"},
		// Apotheekhoudend huisarts.
		{"01.004", "0110", true, "register confirms dispensing"},
		{"01.004", "0101", false, "register does not confirm dispensing"},
		{"01.004", "0103", false, "locum without dispensing"},
		// Apotheker: zorgsoort 02, never 17.
		{"17.000", "0200", true, "apotheker"},
		{"17.060", "0200", true, "ziekenhuisapotheker"},
		{"17.075", "0200", true, "openbaar apotheker"},
		{"17.000", "0201", false, "add-on only"},
		{"17.000", "1700", false, "17 is legal entities"},
		{"17.000", "0101", false, "GP is not a pharmacist"},
		// Overige artsen.
		{"01.047", "8418", true, "specialist ouderengeneeskunde"},
		{"01.047", "8426", false, "AVG is not SO"},
		{"01.047", "0335", false, "klinisch geriater is not SO"},
		{"01.056", "8426", true, "arts verstandelijk gehandicapten"},
		{"01.056", "8418", false, "SO is not AVG"},
		{"01.071", "8417", true, "SEH-arts"},
		{"01.071", "8425", false, "basisarts is not SEH-arts"},
		{"01.070", "8428", true, "jeugdarts"},
		{"01.000", "8425", true, "basisarts carries 01.000"},
		{"01.000", "8434", true, "ziekenhuisarts carries 01.000"},
		{"01.000", "0101", false, "a GP's card says 01.015"},
		// Bedrijfs- and verzekeringsarts: truthful, refused elsewhere.
		{"01.008", "1400", true, "arts arbeid en gezondheid"},
		{"01.008", "1402", true, "bedrijfsgeneeskunde"},
		{"01.008", "1403", false, "verzekeringsgeneeskunde is the other differentiation"},
		{"01.048", "1400", true, "arts arbeid en gezondheid"},
		{"01.048", "1403", true, "verzekeringsgeneeskunde"},
		{"01.048", "1402", false, "bedrijfsgeneeskunde is the other differentiation"},
		// Medical specialists.
		{"01.016", "0313", true, "internist"},
		{"01.016", "0320", false, "cardiology is not internal medicine"},
		{"01.010", "0320", true, "cardioloog"},
		{"01.010", "0313", false, "internal medicine is not cardiology"},
		{"01.026", "0330", true, "neuroloog"},
		{"01.035", "0329", true, "psychiater"},
		{"01.046", "0307", true, "gynaecoloog"},
		{"01.062", "0313", true, "internist-allergoloog is an internist"},
		{"01.062", "0326", true, "internist-allergoloog is an allergologist"},
		{"01.062", "0320", false, "not cardiology"},
		{"01.074", "0399", true, "sportarts: no listed 03xx, any 03"},
		{"01.074", "8425", false, "sportarts: not 84"},
		{"01.050", "0330", true, "zenuwarts: any 03"},
		// Verpleegkundigen.
		{"30.000", "9100", true, "nurse n.n.g."},
		{"30.000", "9109", true, "nurse level 4"},
		{"30.000", "9110", true, "nurse level 6+"},
		{"30.000", "9136", true, "nurse level 5"},
		{"30.000", "9116", true, "SPV is a nurse"},
		{"30.000", "9132", true, "a VS is a nurse"},
		{"30.000", "9111", false, "verzorgende is not a nurse"},
		{"30.066", "9130", true, "VS role, VS kwalificatie"},
		{"30.066", "9110", false, "VS role needs a VS kwalificatie"},
		{"30.076", "9135", true, "VS role, VS kwalificatie"},
		// Physician assistant.
		{"81.000", "5700", true, "PA"},
		// Roles without a row fit nothing.
		{"01.055", "8425", false, "arts maatschappij en gezondheid: not in the table"},
		{"02.000", "1200", false, "tandarts: not in the table"},
		{"00.000", "0101", false, "not a care-provider role"},
		{"", "0101", false, "no role"},
		{"01.015", "", false, "no kwalificatie"},
		{"01.015", "01", false, "malformed kwalificatie"},
	}
	for _, tt := range tests {
		t.Run(tt.role+"/"+string(tt.kwal), func(t *testing.T) {
			if got := Fits(tt.role, tt.kwal); got != tt.want {
				t.Fatalf("Fits(%q, %q) = %v, want %v (%s)", tt.role, tt.kwal, got, tt.want, tt.why)
			}
		})
	}
}

func TestRoleFitTableIsConsistent(t *testing.T) {
	role := regexp.MustCompile(`^[0-9]{2}\.[0-9]{3}$`)
	fits := RoleFits()
	if len(fits) == 0 {
		t.Fatal("empty table")
	}
	for i, f := range fits {
		if i > 0 && fits[i-1].Role >= f.Role {
			t.Errorf("table not sorted at %s", f.Role)
		}
		if !role.MatchString(f.Role) || f.RoleName == "" {
			t.Errorf("bad role %+v", f)
		}
		info, ok := f.Zorgsoort.Info()
		if !ok || !info.Person {
			t.Errorf("%s fits zorgsoort %s, which is not a person zorgsoort", f.Role, f.Zorgsoort)
		}
		for _, k := range f.Kwalificaties {
			if _, named := k.Info(); !named {
				t.Errorf("%s lists kwalificatie %s, which the kwalificatie table does not name", f.Role, k)
			}
		}
	}
	// FitFor hands out copies: changing one must not change the table.
	f, _ := FitFor("01.015")
	f.Kwalificaties[0] = "0102"
	if Fits("01.015", "0102") {
		t.Fatal("FitFor exposes the table's slice")
	}
	// Zorgsoort 17 must never be the answer for apothekers.
	for _, r := range []string{"17.000", "17.060", "17.075"} {
		if f, _ := FitFor(r); f.Zorgsoort != "02" {
			t.Errorf("%s fits zorgsoort %s, want 02", r, f.Zorgsoort)
		}
	}
}
