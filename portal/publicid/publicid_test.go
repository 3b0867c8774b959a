package publicid

import (
	"strings"
	"testing"
)

func TestNewAndSourceMakeValidDistinctIDs(t *testing.T) {
	src := NewSource()
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		for _, id := range []string{New(), src.Next()} {
			if !Valid(id) {
				t.Fatalf("%q is not a valid public id", id)
			}
			if seen[id] {
				t.Fatalf("%q made twice", id)
			}
			seen[id] = true
		}
	}
	// Two sources seeded apart do not repeat each other.
	if a, b := NewSource().Next(), NewSource().Next(); a == b {
		t.Fatalf("two sources gave the same first id %q", a)
	}
}

func TestValid(t *testing.T) {
	good := strings.Repeat(Alphabet, 2)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{good, true},
		{"1", false},
		{"42", false},
		{"", false},
		{strings.ToUpper(good), false},
		{strings.Repeat("0123456789abcdef", 2), false}, // hexadecimal is not the alphabet
		{good[:31] + "a", false},
		{good[:31], false},
		{good + "0", false},
		{good[:31] + "b", false},
		{good[:30] + "%2", false},
		{good[:29] + "../", false},
		{"-" + good[1:], false},
		{good[:31] + "\x00", false},
		{good[:30] + "é", false}, // two bytes, still 32 bytes long
	} {
		if got := Valid(tc.in); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestEncodeUsesEveryCharacterInOrder pins the alphabet's order, which migration 0160 repeats in SQL: the
// byte 0x01 is "gh", 0xfe is "zx".
func TestEncodeUsesEveryCharacterInOrder(t *testing.T) {
	var b [Length / 2]byte
	for i := range b {
		b[i] = byte(i * 0x11)
	}
	b[0], b[1] = 0x01, 0xfe
	got := encode(b)
	if got[:4] != "ghzx" || got[4:6] != "jj" || got[30:] != "zz" || !Valid(got) {
		t.Fatalf("encode = %q", got)
	}
	for _, c := range "0123456789aeiouy" {
		if strings.ContainsRune(Alphabet, c) {
			t.Errorf("the alphabet holds %q: ids could read as numbers or words", c)
		}
	}
}

// TestNoDigitsInIDs: an id never holds a digit, so it can never be taken for a BSN or a date.
func TestNoDigitsInIDs(t *testing.T) {
	src := NewSource()
	for i := 0; i < 1000; i++ {
		if id := src.Next(); strings.ContainsAny(id, "0123456789") {
			t.Fatalf("%q holds a digit", id)
		}
	}
}
