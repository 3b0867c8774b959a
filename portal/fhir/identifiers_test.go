package fhir

import (
	"strings"
	"testing"
	"zorgverlenersportaal/portal/access"
)

func TestSyntheticBSNIsDeterministicValidAndInTheTestRange(t *testing.T) {
	seen := map[string]string{}
	for i := range 2000 {
		seed := "Patient/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10)) + strings.Repeat("y", i/260)
		bsn := SyntheticBSN(seed, 0)
		if !access.ValidBSN(bsn) || !strings.HasPrefix(bsn, "9999") {
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
