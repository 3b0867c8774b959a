package agb

import (
	"sort"
	"testing"
)

func TestZorgsoortTable(t *testing.T) {
	tests := []struct {
		code   Zorgsoort
		nameNL string
		person bool
	}{
		{"01", "Huisartsen", true},
		{"02", "Apothekers", true},
		{"03", "Medisch specialisten", true},
		{"14", "Bedrijfsartsen", true},
		{"17", "Rechtspersonen", false}, // NOT apothekers
		{"06", "Ziekenhuizen", false},
		{"84", "Overige artsen", true},
		{"91", "Verpleegkundigen", true},
		{"75", "Thuiszorginstellingen", false},
		{"41", "ZZP-ers in wijkverpleging / PGB-aanbieders / beheerstichtingen", false},
		{"71", "Vestigingen", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			info, ok := tt.code.Info()
			if !ok || info.NameNL != tt.nameNL || info.Person != tt.person || tt.code.Name() != tt.nameNL {
				t.Fatalf("Info(%s) = %+v, %v; want %q person=%v", tt.code, info, ok, tt.nameNL, tt.person)
			}
		})
	}
	if _, ok := Zorgsoort("99").Info(); ok {
		t.Fatal("99 must be unknown")
	}
	if Zorgsoort("99").Name() != "99" {
		t.Fatal("an unknown zorgsoort must be named by its code")
	}

	all := Zorgsoorten()
	persons := 0
	for _, info := range all {
		if len(info.Code) != 2 || !allDigits(string(info.Code)) || info.NameNL == "" || info.NameEN == "" {
			t.Errorf("bad entry %+v", info)
		}
		if info.Person {
			persons++
		}
	}
	if persons != 25 {
		t.Errorf("%d person zorgsoorten, the register has 25", persons)
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Code < all[j].Code }) {
		t.Error("Zorgsoorten() is not sorted")
	}
}

func TestKwalificatieTable(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
		named   bool
	}{
		{in: "0101", named: true},
		{in: "0110", named: true},
		{in: "0200", named: true},
		{in: "8418", named: true},
		{in: "8426", named: true},
		{in: "8417", named: true},
		{in: "8428", named: true},
		{in: "9110", named: true},
		{in: "9135", named: true},
		{in: "1403", named: true},
		{in: "0401", named: false}, // valid but not in the portal's table
		{in: "101", wantErr: true},
		{in: "01010", wantErr: true},
		{in: "01a1", wantErr: true},
		{in: "9900", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := ParseKwalificatie(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseKwalificatie(%q) error = %v", tt.in, err)
			}
			if tt.wantErr {
				return
			}
			if k.Zorgsoort() != Zorgsoort(tt.in[:2]) {
				t.Fatalf("Zorgsoort() = %q", k.Zorgsoort())
			}
			if _, ok := k.Info(); ok != tt.named {
				t.Fatalf("Info ok = %v, want %v", ok, tt.named)
			}
		})
	}
	for _, info := range Kwalificaties() {
		if _, err := ParseKwalificatie(string(info.Code)); err != nil || info.NameNL == "" {
			t.Errorf("bad table entry %+v: %v", info, err)
		}
		z, _ := info.Code.Zorgsoort().Info()
		if z.Person && info.NameEN == "" {
			t.Errorf("kwalificatie %s of person zorgsoort %s needs an English name", info.Code, z.Code)
		}
	}
	if Kwalificatie("12").Zorgsoort() != "" {
		t.Error("a malformed kwalificatie must have no zorgsoort")
	}
}
