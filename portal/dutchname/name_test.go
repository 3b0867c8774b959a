package dutchname

import "testing"

func TestFamilyByAssemblyOrder(t *testing.T) {
	base := Name{OwnPrefix: "van", OwnName: "Putten", PartnerPrefix: "van der", PartnerName: "Giessen"}
	tests := []struct {
		order Order
		want  string
	}{
		{Own, "van Putten"},
		{Partner, "van der Giessen"},
		{PartnerOwn, "van der Giessen-van Putten"},
		{OwnPartner, "van Putten-van der Giessen"},
		{Unknown, "van Putten"},
	}
	for _, tt := range tests {
		n := base
		n.Order = tt.order
		if got := n.Family(); got != tt.want {
			t.Errorf("order %q: Family() = %q, want %q", tt.order, got, tt.want)
		}
	}
	// Without a partner name every order writes the own name; without an own name, the partner's.
	for _, o := range []Order{Own, Partner, PartnerOwn, OwnPartner} {
		if got := (Name{OwnName: "Schemer", Order: o}).Family(); got != "Schemer" {
			t.Errorf("order %s without partner: %q", o, got)
		}
	}
	if got := (Name{PartnerName: "Janssen", Order: Own}).Family(); got != "Janssen" {
		t.Errorf("only a partner name: %q", got)
	}
}

func TestGivenFullFormal(t *testing.T) {
	tests := []struct {
		name                string
		n                   Name
		given, full, formal string
	}{
		{"given names and calling name", Name{OwnPrefix: "van", OwnName: "Putten", PartnerPrefix: "van der", PartnerName: "Giessen",
			Order: OwnPartner, GivenNames: "Johanna Petronella Maria", Initials: "J.P.M.", CallingName: "Jo"},
			"Johanna Petronella Maria (Jo)", "Johanna Petronella Maria (Jo) van Putten-van der Giessen", "J.P.M. van Putten-van der Giessen"},
		{"calling name equal to the first given name is not repeated", Name{OwnName: "Vries", OwnPrefix: "de", GivenNames: "Anna Maria", CallingName: "anna"},
			"Anna Maria", "Anna Maria de Vries", "Anna Maria de Vries"},
		{"initials only", Name{OwnName: "Schemer", Initials: "H.J.W.", CallingName: "Henk"},
			"H.J.W. (Henk)", "H.J.W. (Henk) Schemer", "H.J.W. Schemer"},
		{"first name and initials", Name{OwnName: "Schemer", GivenNames: "Hendrik J.W.", Initials: "H.J.W."},
			"Hendrik J.W.", "Hendrik J.W. Schemer", "H.J.W. Schemer"},
		{"nothing but a family name", Name{OwnName: "Jansen"}, "", "Jansen", "Jansen"},
		{"extra spaces are not written", Name{OwnPrefix: " van  der ", OwnName: " Berg ", GivenNames: " Jan "}, "Jan", "Jan van der Berg", "Jan van der Berg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.Given(); got != tt.given {
				t.Errorf("Given() = %q, want %q", got, tt.given)
			}
			if got := tt.n.Full(); got != tt.full {
				t.Errorf("Full() = %q, want %q", got, tt.full)
			}
			if got := tt.n.Formal(); got != tt.formal {
				t.Errorf("Formal() = %q, want %q", got, tt.formal)
			}
		})
	}
}

func TestParseOrderAndSortKey(t *testing.T) {
	for in, want := range map[string]Order{"NL1": Own, "nl2": Partner, " NL3 ": PartnerOwn, "NL4": OwnPartner, "F": Unknown, "": Unknown, "UNK": Unknown} {
		if got := ParseOrder(in); got != want {
			t.Errorf("ParseOrder(%q) = %q, want %q", in, got, want)
		}
	}
	own := Name{OwnPrefix: "van", OwnName: "Putten", PartnerPrefix: "van der", PartnerName: "Giessen", Order: OwnPartner, GivenNames: "Jo"}
	partner := own
	partner.Order = PartnerOwn
	if partner.SortKey() >= own.SortKey() {
		t.Errorf("a name used as van der Giessen-van Putten sorts under G, before one under P: %q, %q", partner.SortKey(), own.SortKey())
	}
	if got := InitialsOf("johanna  Petronella M."); got != "J.P.M." {
		t.Errorf("InitialsOf = %q", got)
	}
}
