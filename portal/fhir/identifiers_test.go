package fhir

import (
	"strings"
	"testing"
)

func TestValidBSN(t *testing.T) {
	tests := []struct {
		bsn  string
		want bool
	}{
		{"999993653", true},
		{"999990408", true},
		{"211551557", true}, // the worked example of the reference: weighted sum 110
		{"123456782", true},
		{"111222333", true},
		{"999993654", false}, // last digit off by one
		{"123456789", false}, // fails the elfproef
		{"000000000", false}, // passes arithmetically, never valid
		{"99999365", false},  // eight digits
		{"9999936530", false},
		{"99999365a", false},
		{"", false},
		{"123456703", false}, // passes the plain elfproef of bank accounts (last weight +1), not the BSN one
	}
	for _, tt := range tests {
		if got := ValidBSN(tt.bsn); got != tt.want {
			t.Errorf("ValidBSN(%q) = %v, want %v", tt.bsn, got, tt.want)
		}
	}
}

func TestSyntheticBSNIsDeterministicValidAndInTheTestRange(t *testing.T) {
	seen := map[string]string{}
	for i := range 2000 {
		seed := "Patient/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10)) + strings.Repeat("y", i/260)
		bsn := SyntheticBSN(seed, 0)
		if !ValidBSN(bsn) || !strings.HasPrefix(bsn, "9999") {
			t.Fatalf("SyntheticBSN(%q) = %s: not a valid test BSN", seed, bsn)
		}
		if again := SyntheticBSN(seed, 0); again != bsn {
			t.Fatalf("SyntheticBSN(%q) gave %s, then %s", seed, bsn, again)
		}
		seen[bsn] = seed
	}
	if len(seen) < 1500 {
		t.Errorf("2000 seeds gave only %d different BSNs: the derivation spreads badly", len(seen))
	}
	if SyntheticBSN("Patient/a", 0) == SyntheticBSN("Patient/a", 1) {
		t.Error("the next attempt gives the same BSN, so a taken number could never be avoided")
	}
}
