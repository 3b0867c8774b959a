// Package dutchname writes a Dutch person's name the way zib NameInformation (nl-core-NameInformation)
// records it: an own family name and a partner's family name, each with its voorvoegsel, an assembly order
// that says which of them the person uses (NL1 to NL4), given names, initials and a calling name. Every
// screen that names a patient writes it through Name, so that the banner, the lists, the search result and
// the administrator's pages never disagree about who the patient is.
package dutchname

import "strings"

// Order is the name assembly order (naamgebruik) of zib NameInformation, FHIR extension
// humanname-assembly-order: which family names a person uses, and in which order.
type Order string

// The four Dutch assembly orders. Unknown is the absence of one: the own name alone is used then,
// the default of the Dutch population register (BRP).
const (
	Unknown    Order = ""
	Own        Order = "NL1" // eigen geslachtsnaam
	Partner    Order = "NL2" // geslachtsnaam partner
	PartnerOwn Order = "NL3" // geslachtsnaam partner gevolgd door eigen geslachtsnaam
	OwnPartner Order = "NL4" // eigen geslachtsnaam gevolgd door geslachtsnaam partner
)

// namesJoinedBy joins two family names, as the BRP writes a double name in use.
const namesJoinedBy = "-"

// ParseOrder reads an assembly order code; anything other than NL1-NL4 is Unknown, so that a code from
// another country's table never changes how a Dutch name is written.
func ParseOrder(code string) Order {
	switch o := Order(strings.ToUpper(strings.TrimSpace(code))); o {
	case Own, Partner, PartnerOwn, OwnPartner:
		return o
	}
	return Unknown
}

// Name is a person's name in its zib parts. OwnName is required for a patient; the other parts may be
// empty.
type Name struct {
	// OwnPrefix and OwnName are the person's own family name (geslachtsnaam) and its voorvoegsel.
	OwnPrefix, OwnName string
	// PartnerPrefix and PartnerName are the partner's family name and its voorvoegsel.
	PartnerPrefix, PartnerName string
	// Order says which family names the person uses.
	Order Order
	// GivenNames are the given names as written, initials of names not written out included
	// ("Hendrik J.W."); empty when only initials are known.
	GivenNames string
	// Initials are the initials of all given names ("H.J.W.").
	Initials string
	// CallingName is the name the person is called by (roepnaam), when it differs from the given names.
	CallingName string
}

// Family is the family name as the person uses it, assembled by the assembly order: "van Putten",
// "van der Giessen", "van der Giessen-van Putten" (NL3) or "van Putten-van der Giessen" (NL4). Without a
// partner name every order writes the own name.
func (n Name) Family() string {
	own := joinWords(n.OwnPrefix, n.OwnName)
	partner := joinWords(n.PartnerPrefix, n.PartnerName)
	if partner == "" {
		return own
	}
	if own == "" {
		return partner
	}
	switch n.Order {
	case Partner:
		return partner
	case PartnerOwn:
		return partner + namesJoinedBy + own
	case OwnPartner:
		return own + namesJoinedBy + partner
	}
	return own
}

// Given is the part before the family name: the given names as written, else the initials, with the
// calling name in brackets when it is not already the first given name ("Johanna Petronella Maria (Jo)").
func (n Name) Given() string {
	given := strings.TrimSpace(n.GivenNames)
	if given == "" {
		given = strings.TrimSpace(n.Initials)
	}
	calling := strings.TrimSpace(n.CallingName)
	if calling == "" {
		return given
	}
	if first, _, _ := strings.Cut(given, " "); strings.EqualFold(first, calling) {
		return given
	}
	if given == "" {
		return calling
	}
	return given + " (" + calling + ")"
}

// Full is the whole name on one line: given part, then the family name as used.
func (n Name) Full() string {
	return joinWords(n.Given(), n.Family())
}

// Formal is the name as a letter or a list of patients writes it: initials and the family name as used
// ("J.P.M. van Putten-van der Giessen"); the given names stand in when no initials are known.
func (n Name) Formal() string {
	first := strings.TrimSpace(n.Initials)
	if first == "" {
		first = strings.TrimSpace(n.GivenNames)
	}
	return joinWords(first, n.Family())
}

// SortKey orders people by the family name they use, without its voorvoegsel, the way Dutch
// registers sort ("Giessen" before "Putten" for "van der Giessen" and "van Putten").
func (n Name) SortKey() string {
	family := n.OwnName
	switch n.Order {
	case Partner, PartnerOwn:
		if n.PartnerName != "" {
			family = n.PartnerName
		}
	}
	return strings.ToLower(joinWords(family, n.Given()))
}

// InitialsOf writes the initials of given names ("Johanna Petronella" -> "J.P."); a name that is itself
// an initial ("J.") is kept as it is.
func InitialsOf(given string) string {
	var b strings.Builder
	for _, w := range strings.Fields(given) {
		if strings.HasSuffix(w, ".") {
			b.WriteString(w)
			continue
		}
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + ".")
	}
	return b.String()
}

func joinWords(parts ...string) string {
	var words []string
	for _, p := range parts {
		words = append(words, strings.Fields(p)...)
	}
	return strings.Join(words, " ")
}
