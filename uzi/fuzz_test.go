package uzi

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseSANString feeds arbitrary strings to the seven-field parser: it must never panic, every
// rejection must be a known reason, and everything it accepts must satisfy every syntax rule.
func FuzzParseSANString(f *testing.F) {
	for _, s := range []string{
		testPassUZIName,
		prodUZIName,
		"2.16.528.1.1003.1.3.5.5.3-1-123456789-N-12345678-00.000-00000000",
		"2.16.528.1.1003.1.3.5.5.2-1-123456789-Z-12345678-01.015", // six fields
		prodUZIName + "-",
		"------",
		"",
		"\x00",
		"2.16.528.1.1003.1.3.5.5.2-1-12345678\u0661-Z-12345678-01.015-00000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseSANString(s)
		if err != nil {
			checkRejection(t, err)
			return
		}
		if got := id.SANString(); got != s {
			t.Fatalf("accepted %q but reassembles it as %q", s, got)
		}
		checkSANFields(t, id)
	})
}

// FuzzParseSANFields fuzzes the seven fields separately and joins them, so that mutations reach the
// per-field rules instead of mostly changing the number of dashes.
func FuzzParseSANFields(f *testing.F) {
	for _, s := range []string{testPassUZIName, prodUZIName, "2.16.528.1.1003.1.3.5.5.4-1-123456789-M-12345678-00.000-00000000"} {
		p := strings.Split(s, "-")
		f.Add(p[0], p[1], p[2], p[3], p[4], p[5], p[6])
	}
	f.Fuzz(func(t *testing.T, oidCA, version, uziNr, cardType, subscriber, role, agb string) {
		s := strings.Join([]string{oidCA, version, uziNr, cardType, subscriber, role, agb}, "-")
		id, err := ParseSANString(s)
		if err != nil {
			checkRejection(t, err)
			return
		}
		if id.SANString() != s {
			t.Fatalf("accepted %q but reassembles it as %q", s, id.SANString())
		}
		checkSANFields(t, id)
	})
}

// FuzzParseSANExtension feeds arbitrary bytes as the subjectAltName extension, both to the DER parser and
// through Parse on an otherwise valid certificate: neither may panic, and what passes must be consistent.
func FuzzParseSANExtension(f *testing.F) {
	for _, der := range [][]byte{
		testPassSAN,
		sanValue(uziName(prodUZIName)),
		sanValue(upnName(prodUPN), uziName(prodUZIName)),
		sanValue(otherName(oidUZIName, utf8Str(prodUZIName))),
		sanValue(uziName(prodUZIName), uziName(prodUZIName)),
		sanValue(tlv(0xa0, concat(oidDER(oidUZIName), ia5(prodUZIName)))),
		{0x30, 0x80, 0x00, 0x00},
		{0x30, 0x00},
		{},
	} {
		f.Add(der)
	}
	base := issue(f, prodSpec())
	profile := ProductionProfile()
	f.Fuzz(func(t *testing.T, der []byte) {
		names, err := ParseSANExtension(der)
		if err != nil {
			checkRejection(t, err)
		} else {
			for i := 0; i < len(names.UZIName); i++ {
				if names.UZIName[i] >= utf8.RuneSelf {
					t.Fatalf("accepted a UZI name with a non-IA5 byte: %q", names.UZIName)
				}
			}
			if names.HasUPN && !utf8.ValidString(names.UPN) {
				t.Fatalf("accepted an invalid UTF-8 UPN: %q", names.UPN)
			}
			if !names.HasUPN && names.UPN != "" {
				t.Fatalf("UPN %q without HasUPN", names.UPN)
			}
		}

		id, perr := Parse(withRawSAN(base, der), profile)
		if perr != nil {
			checkRejection(t, perr)
			return
		}
		if err != nil {
			t.Fatalf("Parse accepted a SAN that ParseSANExtension rejects (%v)", err)
		}
		if id.SANString() != names.UZIName {
			t.Fatalf("Parse identity %q differs from the UZI name %q", id.SANString(), names.UZIName)
		}
		checkSANFields(t, id)
		if id.UZINumber != prodUZI || !profile.Admits(id.CardType) || profile.OIDCAs[id.OIDCA] != id.CardType {
			t.Fatalf("Parse accepted an identity inconsistent with the certificate or profile: %+v", id)
		}
		if names.HasUPN && id.UPN != id.UZINumber+"@"+id.SubscriberNumber {
			t.Fatalf("Parse accepted UPN %q for %+v", names.UPN, id)
		}
	})
}

// checkRejection asserts that err is one of this package's errors with a known reason.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Reason.Description() == "" {
		t.Fatalf("error %v has unknown reason %q", err, e.Reason)
	}
	if !errors.Is(err, ErrNotUZI) {
		t.Fatalf("error %v does not wrap ErrNotUZI", err)
	}
}

// checkSANFields asserts every syntax rule of DESIGN.md §2 item 3 on an accepted identity.
func checkSANFields(t *testing.T, id Identity) {
	t.Helper()
	ok := isOID(id.OIDCA) && id.Version == "1" && isDigits(id.UZINumber, 9) && id.CardType.Valid() &&
		isDigits(id.SubscriberNumber, 8) && isRoleCode(id.RoleCode) && isDigits(id.AGBCode, 8)
	if id.CardType == CardZorgverlener {
		ok = ok && !strings.HasPrefix(id.RoleCode, "00.")
	} else {
		ok = ok && id.RoleCode == NoRoleCode
	}
	if !ok {
		t.Fatalf("accepted an identity that breaks the syntax rules: %+v", id)
	}
}
