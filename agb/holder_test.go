package agb

import (
	"slices"
	"testing"
)

func TestInitialsFit(t *testing.T) {
	tests := []struct {
		card, register string
		want           bool
	}{
		{"Anna", "A.", true},
		{"Anna Maria", "A.M.", true},
		{"Anna", "A.M.", true},        // the card carries only the first given name
		{"Anna Maria", "A.", false},   // the card names someone with more given names
		{"Bram", "A.", false},         // a colleague with the same surname
		{"Émile", "E.", true},         // diacritics
		{"Jan-Willem", "J.W.", true},  // hyphenated given names
		{"jan willem", "J. W.", true}, // spacing and capitals
		{"Maria Anna", "A.M.", false}, // order matters
		{"", "A.", false},             // a card without given names proves nothing
		{"Anna", "", false},           // a registration without initials proves nothing
		{"Anna", "...", false},        // punctuation only
		{"Pieter", "P.A.", true},
	}
	for _, tt := range tests {
		if got := InitialsFit(tt.card, tt.register); got != tt.want {
			t.Errorf("InitialsFit(%q, %q) = %v, want %v", tt.card, tt.register, got, tt.want)
		}
	}
	if got := Initials("Anna Maria"); got != "AM" {
		t.Errorf("Initials = %q", got)
	}
}

func TestWorkplaces(t *testing.T) {
	day := MustDate(2026, 12, 8)
	reg := Registration{Relations: []Relation{
		{OtherCode: "01001001", Kind: RelationEmployment, Start: MustDate(2015, 9, 1)},
		{OtherCode: "01001002", Kind: RelationWorksAt, Start: MustDate(2010, 1, 1), End: MustDate(2014, 12, 31)}, // ended
		{OtherCode: "01001003", Kind: RelationWorksAt, Start: MustDate(2016, 1, 1)},
		{OtherCode: "01001004", Kind: RelationAffiliated, Start: MustDate(2016, 1, 1)}, // not a workplace
	}}
	if got := Workplaces(reg, day); !slices.Equal(got, []Code{"01001001", "01001003"}) {
		t.Errorf("Workplaces = %v", got)
	}
	if got := Workplaces(Registration{}, day); got != nil {
		t.Errorf("no relations: %v", got)
	}
}

func TestSameOrganisationName(t *testing.T) {
	tests := []struct {
		register, card string
		want           bool
	}{
		{"Huisartsenpraktijk De Linde", "Huisartsenpraktijk De Linde", true},
		{"Huisartsenpraktijk De Linde", "huisartsenpraktijk  de linde", true},
		{"Tést Zorginstelling 03", "Test Zorginstelling 03", true},
		{"Huisartsenpraktijk De Linde", "Huisartsenpraktijk Het Anker", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := SameOrganisationName(tt.register, tt.card); got != tt.want {
			t.Errorf("SameOrganisationName(%q, %q) = %v, want %v", tt.register, tt.card, got, tt.want)
		}
	}
}
