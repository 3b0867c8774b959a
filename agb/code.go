package agb

import (
	"errors"
	"fmt"
)

// Code is an AGB code: exactly eight digits, the first two of which are the
// zorgsoort.
//
// It is a string and never an integer because leading zeros are part of the
// code (01000404 is a huisarts; 1000404 is nothing). A Code obtained from
// ParseCode is known to be syntactically valid; validity in the register can
// only be decided by a Lookup, since AGB codes have no check digit.
type Code string

// None is what a UZI card carries in its AGB field when no AGB code was
// registered for the card holder. It is not a registration code: treating it
// as one would let every card without an AGB code share a single identity.
const None Code = "00000000"

// ErrInvalidCode is returned (wrapped, with the precise reason) for text that
// is not a usable AGB code, so the web layer can ask the provider to retype it.
var ErrInvalidCode = errors.New("agb: invalid AGB code")

// ErrNoCode is returned together with ErrInvalidCode for the None sentinel,
// because "your card has no AGB code, please type it" is a different message
// from "that is not an AGB code".
var ErrNoCode = errors.New("agb: no AGB code (00000000)")

// ParseCode accepts exactly eight ASCII digits with a known zorgsoort prefix
// and rejects the None sentinel.
//
// The input is not trimmed or otherwise cleaned: callers that accept typed
// input trim it first, so that what is checked is exactly what is stored.
func ParseCode(s string) (Code, error) {
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidCode)
	}
	if len(s) != 8 || !allDigits(s) {
		return "", fmt.Errorf("%w: %q must be exactly 8 digits", ErrInvalidCode, s)
	}
	if Code(s) == None {
		return "", fmt.Errorf("%w: %w", ErrInvalidCode, ErrNoCode)
	}
	z := Zorgsoort(s[:2])
	if _, ok := z.Info(); !ok {
		return "", fmt.Errorf("%w: %q starts with unknown zorgsoort %s", ErrInvalidCode, s, z)
	}
	return Code(s), nil
}

// Valid reports whether c would be accepted by ParseCode; it lets code that
// receives a Code from elsewhere (a database row, a test) refuse a bad one
// without re-parsing by hand.
func (c Code) Valid() bool {
	_, err := ParseCode(string(c))
	return err == nil
}

// Zorgsoort returns the first two digits of the code, which say what kind of
// care the registration is for; it returns "" for a code shorter than two
// characters so that a malformed code can never look like a valid zorgsoort.
func (c Code) Zorgsoort() Zorgsoort {
	if len(c) < 2 {
		return ""
	}
	return Zorgsoort(c[:2])
}

// String returns the code with its leading zeros, as it must be shown.
func (c Code) String() string { return string(c) }
