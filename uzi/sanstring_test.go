package uzi

import (
	"strings"
	"testing"
)

func TestParseSANStringAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want Identity
	}{
		{testPassUZIName, Identity{OIDCA: OIDCATestZorgverlener, Version: "1", UZINumber: "900016528", CardType: CardZorgverlener, SubscriberNumber: "90000382", RoleCode: "01.000", AGBCode: "00000000"}},
		{prodUZIName, Identity{OIDCA: OIDCAZorgverlener, Version: "1", UZINumber: prodUZI, CardType: CardZorgverlener, SubscriberNumber: prodURA, RoleCode: "01.015", AGBCode: "01234567"}},
		{"2.16.528.1.1003.1.3.5.5.3-1-000000001-N-00000001-00.000-00000000", Identity{OIDCA: OIDCAMedewerkerOpNaam, Version: "1", UZINumber: "000000001", CardType: CardMedewerkerOpNaam, SubscriberNumber: "00000001", RoleCode: "00.000", AGBCode: "00000000"}},
		{"2.16.528.1.1003.1.3.5.5.4-1-111111111-M-22222222-00.000-33333333", Identity{OIDCA: OIDCAMedewerkerNietOpNaam, Version: "1", UZINumber: "111111111", CardType: CardMedewerkerNietOpNaam, SubscriberNumber: "22222222", RoleCode: "00.000", AGBCode: "33333333"}},
		{"2.16.528.1.1007.99.2110-1-900030787-S-90000380-00.000-00000000", Identity{OIDCA: "2.16.528.1.1007.99.2110", Version: "1", UZINumber: "900030787", CardType: CardServer, SubscriberNumber: "90000380", RoleCode: "00.000", AGBCode: "00000000"}},
		{"0.0-1-123456789-Z-12345678-99.000-12345678", Identity{OIDCA: "0.0", Version: "1", UZINumber: "123456789", CardType: CardZorgverlener, SubscriberNumber: "12345678", RoleCode: "99.000", AGBCode: "12345678"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSANString(tc.in)
			if err != nil {
				t.Fatalf("ParseSANString: %v", err)
			}
			assertIdentity(t, got, tc.want)
			if s := got.SANString(); s != tc.in {
				t.Errorf("SANString() = %q, want the input back", s)
			}
		})
	}
}

func TestParseSANStringRejects(t *testing.T) {
	tests := []struct {
		name, in string
		want     Reason
	}{
		{"empty", "", ReasonFieldCount},
		{"one dash", "-", ReasonFieldCount},
		// Exactly six fields made public readers index past the end; here it is simply the wrong count.
		{"six fields", "2.16.528.1.1003.1.3.5.5.2-1-123456789-Z-12345678-01.015", ReasonFieldCount},
		{"eight fields", prodUZIName + "-1", ReasonFieldCount},
		{"trailing dash", prodUZIName + "-", ReasonFieldCount},
		{"OID CA empty", uziString(0, ""), ReasonOIDCA},
		{"OID CA one arc", uziString(0, "2"), ReasonOIDCA},
		{"OID CA leading zero", uziString(0, "2.16.0528.1"), ReasonOIDCA},
		{"OID CA first arc 3", uziString(0, "3.1"), ReasonOIDCA},
		{"OID CA double dot", uziString(0, "2..16"), ReasonOIDCA},
		{"OID CA trailing dot", uziString(0, "2.16."), ReasonOIDCA},
		{"version 0", uziString(1, "0"), ReasonVersion},
		{"version 01", uziString(1, "01"), ReasonVersion},
		{"UZI number 10 digits", uziString(2, "1234567890"), ReasonUZINumber},
		{"UZI number full-width digits", uziString(2, "１２３４５６７８９"), ReasonUZINumber},
		{"UZI number with sign", uziString(2, "+12345678"), ReasonUZINumber},
		{"card type empty", uziString(3, ""), ReasonCardType},
		{"card type ZZ", uziString(3, "ZZ"), ReasonCardType},
		{"subscriber 9 digits", uziString(4, "123456789"), ReasonSubscriberNumber},
		{"subscriber letters", uziString(4, "ABCDEFGH"), ReasonSubscriberNumber},
		{"role empty", uziString(5, ""), ReasonRole},
		{"role comma", uziString(5, "01,015"), ReasonRole},
		{"role long", uziString(5, "01.0150"), ReasonRole},
		{"AGB 9 digits", uziString(6, "123456789"), ReasonAGBCode},
		{"AGB with newline", uziString(6, "0000000\n"), ReasonAGBCode},
		{"Z with 00.000", uziString(5, "00.000"), ReasonRoleCardTypeMismatch},
		{"N with 01.000", "2.16.528.1.1003.1.3.5.5.3-1-123456789-N-12345678-01.000-00000000", ReasonRoleCardTypeMismatch},
		{"M with 00.001", "2.16.528.1.1003.1.3.5.5.4-1-123456789-M-12345678-00.001-00000000", ReasonRoleCardTypeMismatch},
		{"S with 17.075", "2.16.528.1.1003.1.3.5.5.5-1-123456789-S-12345678-17.075-00000000", ReasonRoleCardTypeMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := ParseSANString(tc.in)
			if got := ReasonOf(err); got != tc.want {
				t.Fatalf("ParseSANString(%q) error = %v (reason %q), want reason %q", tc.in, err, got, tc.want)
			}
			if tc.want == ReasonRoleCardTypeMismatch && id.RoleCode != "" {
				t.Errorf("partial identity has role %q although it does not fit the card type", id.RoleCode)
			}
		})
	}
}

// TestParseSANStringQuotesHostileInput checks that control characters and very long values are escaped and
// shortened in the error message, which ends up in logs and on pages.
func TestParseSANStringQuotesHostileInput(t *testing.T) {
	_, err := ParseSANString("\x1b[31m" + strings.Repeat("A", 10000))
	if err == nil {
		t.Fatal("ParseSANString accepted garbage")
	}
	msg := err.Error()
	if strings.ContainsRune(msg, '\x1b') {
		t.Errorf("the message contains a raw escape character: %q", msg)
	}
	if len(msg) > 400 {
		t.Errorf("the message is %d bytes long; untrusted values must be shortened", len(msg))
	}
}
