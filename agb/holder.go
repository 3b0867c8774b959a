package agb

import (
	"strings"
	"unicode"
)

// A surname is shared by many people, and either half of a double-barrelled name matches it, so a
// surname alone does not tell a provider's own registration from a colleague's. The functions here
// compare what else the register holds about the person with what the UZI card says: the initials and
// the organisations the person works for.

// Initials returns the initials of given names as the register writes them without dots ("Anna Maria"
// and "A.M." both give "AM"): the first letter of every name, diacritics folded, upper case. Names
// joined by a hyphen ("Jan-Willem") give one initial each part, as the register abbreviates them.
func Initials(names string) string {
	var b strings.Builder
	for word := range strings.FieldsSeq(strings.ReplaceAll(foldName(strings.ReplaceAll(names, ".", " ")), "-", " ")) {
		for _, r := range word {
			if unicode.IsLetter(r) {
				b.WriteString(strings.ToUpper(string(r)))
				break
			}
		}
	}
	return b.String()
}

// InitialsFit reports whether the given names on a UZI card fit the initials of a registration. The
// card's subject givenName holds the holder's given names; a card may carry fewer of them than the
// register has initials (only the first, say), never others, so the card's initials must begin the
// register's. Either side empty never fits: nothing would have been compared.
func InitialsFit(cardGivenNames, registerInitials string) bool {
	card, reg := Initials(cardGivenNames), Initials(registerInitials)
	return card != "" && reg != "" && strings.HasPrefix(reg, card)
}

// Workplaces returns the organisations a zorgverlener registration works for on day: the codes of its
// active employment (arbeidsrelatie) and works-at (werkzaam-bij) relations, in the register's order.
// None means the register says nothing about the person's organisation.
func Workplaces(reg Registration, day Date) []Code {
	var out []Code
	for _, rel := range reg.Relations {
		if (rel.Kind == RelationEmployment || rel.Kind == RelationWorksAt) && rel.ActiveOn(day) {
			out = append(out, rel.OtherCode)
		}
	}
	return out
}

// SameOrganisationName reports whether an organisation's name in the register and the organisation
// name on a UZI card (subject O) are the same name, written with or without capitals, diacritics and
// punctuation.
func SameOrganisationName(registerName, cardOrganisation string) bool {
	a := strings.Join(strings.Fields(foldName(registerName)), " ")
	b := strings.Join(strings.Fields(foldName(cardOrganisation)), " ")
	return a != "" && a == b
}
