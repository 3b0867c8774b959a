package agb

import (
	"strings"
	"unicode"
)

// SurnameMatches reports whether the surname on a UZI card names the same
// person as the register's voorvoegsel (prefix) and surname.
//
// The check guards against somebody typing another person's AGB code, so it
// must tolerate the ways one Dutch surname is written and still tell two
// surnames apart. The rules:
//
//   - Case, diacritics (é, ë, ï, ø, ß, ĳ, ...), apostrophes and dots are
//     ignored, and spaces are collapsed.
//   - "Vries, de" is read as "de Vries".
//   - Leading voorvoegsels (de, van, van der, ter, 't, ...) may be present on
//     one side and absent on the other ("Vries" matches "de Vries"), but when
//     both sides have them they must be the same ("de Vries" does not match
//     "van Vries").
//   - A single name matches one part of a hyphenated double name ("de Vries"
//     matches "Jansen-de Vries"), because the card carries the birth name and
//     the register may carry the name in use. Two different double names do
//     not match on a shared part.
//
// The register's voorvoegsel is taken as a voorvoegsel whatever its words, so
// foreign particles ("el", "al") work when the register splits them off.
func SurnameMatches(cardSurname, registerPrefix, registerSurname string) bool {
	card := parseSurname(cardSurname, "")
	reg := parseSurname(registerSurname, registerPrefix)
	if card.whole.main == "" || reg.whole.main == "" {
		return false
	}
	if card.whole.matches(reg.whole) {
		return true
	}
	switch {
	case len(card.parts) > 1 && len(reg.parts) > 1:
		return false
	case len(card.parts) > 1:
		return anyMatch(card.parts, reg.whole)
	case len(reg.parts) > 1:
		return anyMatch(reg.parts, card.whole)
	}
	return false
}

// surnameKey is a normalised surname split into its leading voorvoegsels
// and the main name.
type surnameKey struct{ prefix, main string }

func (a surnameKey) full() string { return strings.TrimSpace(a.prefix + " " + a.main) }

func (a surnameKey) matches(b surnameKey) bool {
	if a.main == "" || b.main == "" {
		return false
	}
	if a.full() == b.full() {
		return true
	}
	return a.main == b.main && (a.prefix == "" || b.prefix == "")
}

func anyMatch(parts []surnameKey, k surnameKey) bool {
	for _, p := range parts {
		if p.matches(k) {
			return true
		}
	}
	return false
}

type parsedSurname struct {
	whole surnameKey
	parts []surnameKey // hyphen-separated parts; one entry when not a double name
}

// parseSurname normalises surname (with an optional separate prefix from the
// register) into the whole name and its hyphen-separated parts.
func parseSurname(surname, prefix string) parsedSurname {
	s := foldName(surname)
	if i := strings.IndexByte(s, ','); i >= 0 {
		// "vries, de" -> "de vries"
		s = s[i+1:] + " " + s[:i]
	}
	s = strings.ReplaceAll(s, ",", " ")
	p := strings.Join(strings.Fields(strings.ReplaceAll(foldName(prefix), ",", " ")), " ")

	var out parsedSurname
	out.whole = splitPrefix(p, strings.Fields(strings.ReplaceAll(s, "-", " ")))
	for i, part := range strings.Split(s, "-") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		partPrefix := ""
		if i == 0 {
			partPrefix = p // the register's prefix belongs to the first part
		}
		out.parts = append(out.parts, splitPrefix(partPrefix, words))
	}
	return out
}

// splitPrefix moves leading voorvoegsel words to the prefix, always keeping
// at least one word as the main name (a surname may itself be "Van").
func splitPrefix(prefix string, words []string) surnameKey {
	i := 0
	for i < len(words)-1 && voorvoegsels[words[i]] {
		i++
	}
	pre := strings.TrimSpace(prefix + " " + strings.Join(words[:i], " "))
	return surnameKey{prefix: pre, main: strings.Join(words[i:], " ")}
}

// voorvoegsels are the words that can precede a Dutch (or Flemish, French,
// German, Portuguese) surname, in folded form: "'t" is "t", "v.d." is "vd".
var voorvoegsels = func() map[string]bool {
	words := []string{
		"aan", "af", "al", "auf", "bij", "d", "da", "dal", "de", "del", "della", "den", "der",
		"des", "di", "do", "dos", "du", "el", "het", "im", "in", "l", "la", "las", "le", "les",
		"lo", "los", "onder", "op", "over", "s", "t", "te", "ten", "ter", "tot", "uit", "uijt",
		"v", "van", "vd", "voor", "vom", "von", "zu", "zum", "zur",
	}
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()

// foldName lower-cases s, folds diacritics to plain letters, drops
// apostrophes and dots, keeps hyphens and commas as separators, and turns
// every other non-letter into a space.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining accent (decomposed input): drop it.
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´' || r == '.':
			// 't Hart, d'Ancona, v.d. Berg
		case r == '-' || r == '‐' || r == '‑' || r == '–' || r == '—':
			b.WriteByte('-')
		case r == ',':
			b.WriteByte(',')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := foldRunes[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// foldRunes maps the lower-case letters with diacritics that occur in names
// in the Netherlands (Latin-1 and Latin Extended-A) to plain ASCII.
var foldRunes = func() map[rune]string {
	groups := map[string]string{
		"a":  "àáâãäåāăą",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęě",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįı",
		"j":  "ĵ",
		"k":  "ķ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉ",
		"o":  "òóôõöøōŏő",
		"r":  "ŕŗř",
		"s":  "śŝşš",
		"t":  "ţťŧ",
		"u":  "ùúûüũūŭůűų",
		"w":  "ŵ",
		"y":  "ýÿŷ",
		"z":  "źżž",
		"ae": "æ",
		"oe": "œ",
		"ss": "ß",
		"ij": "ĳ",
		"th": "þ",
	}
	m := make(map[rune]string)
	for plain, runes := range groups {
		for _, r := range runes {
			m[r] = plain
		}
	}
	return m
}()
