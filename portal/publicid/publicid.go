// Package publicid makes the ids that the portal's addresses carry for patients and for the items of a
// dossier (lab results, reports, letters, attachments). The database numbers its rows 1, 2, 3, ...; an
// address with such a number lets a provider walk the hospital's patients by counting. A public id is 128
// random bits instead, written as 32 lowercase hexadecimal characters: it cannot be guessed, counted or
// derived from another one, so an address opens only what the provider was shown. The internal numbers
// stay inside the portal and in the access log.
//
// The 128 bits are written four at a time as one of sixteen consonants (Alphabet) rather than in
// hexadecimal: an id then never holds a run of digits that reads as a BSN, an AGB code or a date, to a
// person reading a log or to the hospital's data-loss scanners that look for exactly those in addresses
// and logs, and, without vowels, never spells a word.
package publicid

import (
	"crypto/rand"
	mathrand "math/rand/v2"
)

// Length is the length of a public id in characters: 16 random bytes, one character per four bits.
const Length = 32

// Alphabet holds the sixteen characters of a public id, the value of four bits each in order. Migration
// 0160 writes the same ids in SQL by mapping hexadecimal digits onto it; the two must stay the same.
const Alphabet = "ghjklmnpqrstvwxz"

// New returns a fresh public id from the operating system's random source.
func New() string {
	var b [Length / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails; it crashes the program when it cannot read
	return encode(b)
}

// encode writes 16 bytes as a public id, the high four bits of each byte first.
func encode(b [Length / 2]byte) string {
	var out [Length]byte
	for i, v := range b {
		out[2*i], out[2*i+1] = Alphabet[v>>4], Alphabet[v&0x0f]
	}
	return string(out[:])
}

// Valid reports whether s has the form of a public id: exactly 32 characters of Alphabet. Anything else
// in an address (an old sequential number, upper case, a path trick) is refused before it reaches the
// database, with the same "not found" as an id that belongs to nobody.
func Valid(s string) bool {
	if len(s) != Length {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !inAlphabet(s[i]) {
			return false
		}
	}
	return true
}

func inAlphabet(c byte) bool {
	for i := 0; i < len(Alphabet); i++ {
		if Alphabet[i] == c {
			return true
		}
	}
	return false
}

// Source makes public ids in bulk for the data-set generator, which writes millions of rows: ChaCha8 (a
// cryptographically strong generator) seeded once from the operating system, so that each id costs a few
// nanoseconds instead of a system call. The ids are as unpredictable as New's. A Source is not safe for
// concurrent use.
type Source struct {
	rng *mathrand.ChaCha8
	buf [Length / 2]byte
}

// NewSource returns a Source seeded from the operating system's random source.
func NewSource() *Source {
	var seed [32]byte
	_, _ = rand.Read(seed[:])
	return &Source{rng: mathrand.NewChaCha8(seed)}
}

// Next returns the next public id.
func (s *Source) Next() string {
	_, _ = s.rng.Read(s.buf[:]) // ChaCha8.Read never fails
	return encode(s.buf)
}
