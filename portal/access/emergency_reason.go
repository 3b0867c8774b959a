package access

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EmergencyCategory is the kind of situation a provider gives for the emergency procedure, chosen from a
// short fixed list, so that the hospital's review can count and compare emergencies; the free text then
// explains this one. It is stored as its code; the screens show "access.emergency.category.<code>".
type EmergencyCategory string

// The emergency categories. The list is short on purpose: each is a situation in which a provider
// outside the hospital may need a dossier now, without the relationship that would normally open it.
const (
	// EmergencyAcutePresentation: the patient presents acutely at the provider's practice or pharmacy.
	EmergencyAcutePresentation EmergencyCategory = "acute-presentation"
	// EmergencyOutOfHours: out-of-hours care (huisartsenpost, ANW service) for a patient of another practice.
	EmergencyOutOfHours EmergencyCategory = "out-of-hours"
	// EmergencyUnableToCommunicate: the patient is unconscious or otherwise cannot tell their history.
	EmergencyUnableToCommunicate EmergencyCategory = "unable-to-communicate"
	// EmergencyContinuity: continuity of care while the patient's own provider is absent, without a
	// registered covering arrangement.
	EmergencyContinuity EmergencyCategory = "continuity-of-care"
	// EmergencyMedicationSafety: an urgent medication-safety question (dispensing, interaction, dosing).
	EmergencyMedicationSafety EmergencyCategory = "medication-safety"
	// EmergencyOther: none of the above; the free text must then carry the whole explanation.
	EmergencyOther EmergencyCategory = "other"
)

// EmergencyCategories lists the categories in the order the form offers them.
var EmergencyCategories = []EmergencyCategory{EmergencyAcutePresentation, EmergencyOutOfHours,
	EmergencyUnableToCommunicate, EmergencyContinuity, EmergencyMedicationSafety, EmergencyOther}

// Valid reports whether c is one of the categories the form offers.
func (c EmergencyCategory) Valid() bool { return slices.Contains(EmergencyCategories, c) }

// The rules a stated emergency reason must meet, besides the configured minimum of letters and digits.
// They are meant to refuse what says nothing ("a a a a ...", "xxxxxxxxxx yyyyyyyyyy", "asdf qwer") while
// any real sentence passes, Dutch or English, with abbreviations (SEH, HAP) and numbers in it.
const (
	// ReasonMinDistinctWords is the least number of different real words the reason must contain.
	ReasonMinDistinctWords = 3
	// ReasonMinWordLetters is the least number of letters a real word has.
	ReasonMinWordLetters = 3
	// ReasonMaxRun is the longest run of one repeated character a real word may contain ("zeeën" has two).
	ReasonMaxRun = 2
	// ReasonMaxRunes bounds the reason's length.
	ReasonMaxRunes = 2000
)

// ReasonProblem says which rule a stated emergency reason breaks; the screens explain it under
// "access.emergency.error.reason_<problem>".
type ReasonProblem string

// The reason problems, in the order they are checked.
const (
	ReasonProblemNone     ReasonProblem = ""
	ReasonProblemTooLong  ReasonProblem = "too_long"
	ReasonProblemTooShort ReasonProblem = "too_short"
	ReasonProblemRepeated ReasonProblem = "repeated"
	ReasonProblemFewWords ReasonProblem = "few_words"
)

// CheckEmergencyText applies the reason rules and returns the first problem (ReasonProblemNone when the
// text passes):
//
//  1. at most ReasonMaxRunes characters;
//  2. at least the configured minimum of letters and digits (padding with dots or spaces does not count);
//  3. no letter repeated more than ReasonMaxRun times in a row ("xxxxxxxxxx"; digits may repeat, as in
//     1000 mg), and not one character making up all the letters and digits ("1111111111");
//  4. at least ReasonMinDistinctWords different real words, a real word being a run of letters with at
//     least ReasonMinWordLetters letters, at least two different letters, a vowel (a e i o u y, accents
//     included) and no run longer than ReasonMaxRun; compared without case, so "spoed Spoed SPOED" is one.
func (p Policy) CheckEmergencyText(text string) ReasonProblem {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > ReasonMaxRunes {
		return ReasonProblemTooLong
	}
	meaningful := 0
	seen := map[rune]bool{}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			meaningful++
			seen[unicode.ToLower(r)] = true
		}
	}
	if meaningful < p.Emergency.MinReasonLength {
		return ReasonProblemTooShort
	}
	if len(seen) < 2 {
		return ReasonProblemRepeated
	}
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	distinct := map[string]bool{}
	for _, w := range words {
		if longestLetterRun(w) > ReasonMaxRun {
			return ReasonProblemRepeated
		}
		if realWord(w) {
			distinct[strings.ToLower(w)] = true
		}
	}
	if len(distinct) < ReasonMinDistinctWords {
		return ReasonProblemFewWords
	}
	return ReasonProblemNone
}

// realWord reports whether w looks like a word of a language: letters only, long enough, at least two
// different letters, a vowel, and no letter run longer than ReasonMaxRun.
func realWord(w string) bool {
	letters, vowel := 0, false
	first, varied := rune(0), false
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
		r = unicode.ToLower(r)
		letters++
		if first == 0 {
			first = r
		} else if r != first {
			varied = true
		}
		vowel = vowel || isVowel(r)
	}
	return letters >= ReasonMinWordLetters && varied && vowel && longestLetterRun(w) <= ReasonMaxRun
}

// isVowel reports whether r (lower case) is a vowel of Dutch or English, with or without an accent.
func isVowel(r rune) bool {
	return strings.ContainsRune("aeiouyàáâäãåèéêëìíîïòóôöõùúûüýÿ", r)
}

// longestLetterRun is the length of the longest run of one letter (case ignored) in w; digits do not count.
func longestLetterRun(w string) int {
	best, run, prev := 0, 0, rune(-1)
	for _, r := range w {
		r = unicode.ToLower(r)
		if !unicode.IsLetter(r) {
			run, prev = 0, -1
			continue
		}
		if r == prev {
			run++
		} else {
			run, prev = 1, r
		}
		best = max(best, run)
	}
	return best
}
