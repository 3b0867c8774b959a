package uzi

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseAcceptsProductionZCard(t *testing.T) {
	cert := issue(t, prodSpec())
	id, err := Parse(cert, ProductionProfile())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := Identity{
		OIDCA:            OIDCAZorgverlener,
		Version:          "1",
		UZINumber:        prodUZI,
		CardType:         CardZorgverlener,
		SubscriberNumber: prodURA,
		RoleCode:         "01.015",
		AGBCode:          "01234567",
		CommonName:       "Anna de Vries",
		GivenName:        "Anna",
		Surname:          "Vries",
		Title:            "Huisarts",
		Organisation:     "Huisartsenpraktijk De Linde",
		UPN:              prodUPN,
		PolicyOIDs:       []string{PolicyAuthZN},
	}
	assertIdentity(t, id, want)
	if r := id.Role(); !r.Known || r.Dutch != "Huisarts" || r.English != "General practitioner" {
		t.Errorf("Role() = %+v, want the known role Huisarts / General practitioner", r)
	}
	if !id.HasAGB() {
		t.Errorf("HasAGB() = false for AGB code %s", id.AGBCode)
	}
}

// TestParseAcceptsRealTestPass reproduces the SAN of the real TEST pass byte for byte and checks that the
// TEST profile accepts it with every field read as on the card.
func TestParseAcceptsRealTestPass(t *testing.T) {
	built := sanValue(upnName(testPassUPN), uziName(testPassUZIName))
	if !bytes.Equal(built, testPassSAN) {
		t.Fatalf("the SAN builder does not reproduce the real TEST pass:\n got % x\nwant % x", built, testPassSAN)
	}
	if len(testPassSAN) != 0x6c+2 {
		t.Fatalf("the real TEST pass SAN is %d bytes, want %d", len(testPassSAN), 0x6c+2)
	}
	cert := issue(t, testPassSpec())
	var sanInCert []byte
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSubjectAltName) {
			sanInCert = ext.Value
		}
	}
	if !bytes.Equal(sanInCert, testPassSAN) {
		t.Fatalf("the certificate's SAN differs from the real TEST pass:\n got % x\nwant % x", sanInCert, testPassSAN)
	}

	id, err := Parse(cert, TestProfile())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	assertIdentity(t, id, Identity{
		OIDCA:            OIDCATestZorgverlener,
		Version:          "1",
		UZINumber:        "900016528",
		CardType:         CardZorgverlener,
		SubscriberNumber: "90000382",
		RoleCode:         "01.000",
		AGBCode:          NoAGBCode,
		CommonName:       "Jan test-90014548",
		GivenName:        "Jan",
		Surname:          "test-90014548",
		Title:            "Arts",
		Organisation:     "Tést Zorginstelling 03",
		UPN:              testPassUPN,
		PolicyOIDs:       []string{PolicyAuthTest},
	})
	if id.HasAGB() {
		t.Error("HasAGB() = true for AGB code 00000000")
	}
	if r := id.Role(); r.Dutch != "Arts" || !r.Known {
		t.Errorf("Role() = %+v, want the known role Arts", r)
	}
	if got := id.SANString(); got != testPassUZIName {
		t.Errorf("SANString() = %q, want %q", got, testPassUZIName)
	}
}

func TestParseAcceptsNCardWhenEmployeeCardsAdmitted(t *testing.T) {
	spec := prodSpec()
	uzi, ura := "987654321", "12345678"
	spec.san = sanValue(upnName(uzi+"@"+ura), uziName(OIDCAMedewerkerOpNaam+"-1-"+uzi+"-N-"+ura+"-00.000-00000000"))
	spec.serials = []string{uzi}
	spec.title = ""
	p := ProductionProfile()
	p.AdmitEmployeeCards = true
	id, err := Parse(issue(t, spec), p)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if id.CardType != CardMedewerkerOpNaam || id.RoleCode != NoRoleCode || id.UZINumber != uzi || id.SubscriberNumber != ura {
		t.Errorf("Parse = %+v, want an N card %s for URA %s with role 00.000", id, uzi, ura)
	}
	if r := id.Role(); r.Code != NoRoleCode || !r.Known {
		t.Errorf("Role() = %+v, want the known 00.000 entry", r)
	}
}

// TestParseAcceptsVariants covers certificates that differ from the canonical layout in ways the rules
// allow: no UPN, an extra unrelated otherName and dNSName, a role code newer than the table.
func TestParseAcceptsVariants(t *testing.T) {
	permanentIdentifier := otherName([]int{1, 3, 6, 1, 5, 5, 7, 8, 3}, tlv(0x30, concat(utf8Str(prodURA), oidDER([]int{2, 16, 528, 1, 1007, 3, 3}))))
	dnsName := tlv(0x82, []byte("example.nl"))
	tests := []struct {
		name string
		san  []byte
		role string
	}{
		{"without UPN", sanValue(uziName(prodUZIName)), "01.015"},
		{"UZI name before UPN", sanValue(uziName(prodUZIName), upnName(prodUPN)), "01.015"},
		{"extra permanentIdentifier and dNSName", sanValue(dnsName, permanentIdentifier, upnName(prodUPN), uziName(prodUZIName)), "01.015"},
		{"role code not in the table", sanValue(uziName(strings.Replace(prodUZIName, "01.015", "01.099", 1))), "01.099"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := prodSpec()
			spec.san = tc.san
			id, err := Parse(issue(t, spec), ProductionProfile())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if id.RoleCode != tc.role {
				t.Errorf("RoleCode = %q, want %q", id.RoleCode, tc.role)
			}
			if r := id.Role(); r.Code != tc.role {
				t.Errorf("Role().Code = %q, want %q", r.Code, tc.role)
			}
		})
	}
}

// rejection is one row of the rejection table: how to build the certificate, the profile, and the exact
// reason Parse must give.
type rejection struct {
	name    string
	cert    func(t *testing.T) *x509.Certificate
	profile Profile
	want    Reason
	detail  string // a substring the detail sentence must contain, when it matters to the provider
}

func specCert(mod func(*certSpec)) func(t *testing.T) *x509.Certificate {
	return func(t *testing.T) *x509.Certificate {
		s := prodSpec()
		mod(&s)
		return issue(t, s)
	}
}

func uziStringCert(s string) func(t *testing.T) *x509.Certificate {
	return func(t *testing.T) *x509.Certificate { return issue(t, withUZIName(s)) }
}

func rawSANCert(san []byte) func(t *testing.T) *x509.Certificate {
	return func(t *testing.T) *x509.Certificate { return withRawSAN(issue(t, prodSpec()), san) }
}

// uziString builds a production UZI string with one field replaced.
func uziString(field int, value string) string {
	f := strings.Split(prodUZIName, "-")
	f[field] = value
	return strings.Join(f, "-")
}

func rejections() []rejection {
	prod, test := ProductionProfile(), TestProfile()
	withN := ProductionProfile()
	withN.AdmitEmployeeCards = true
	const nCA = OIDCAMedewerkerOpNaam

	return []rejection{
		{name: "nil certificate", cert: func(*testing.T) *x509.Certificate { return nil }, want: ReasonNoCertificate},
		{name: "no SAN extension", cert: specCert(func(s *certSpec) { s.san = nil }), want: ReasonNoSAN},
		{name: "SAN with UPN only", cert: specCert(func(s *certSpec) { s.san = sanValue(upnName(prodUPN)) }), want: ReasonNoUZIName},
		{name: "SAN with dNSName only", cert: specCert(func(s *certSpec) { s.san = sanValue(tlv(0x82, []byte("zorg.example"))) }), want: ReasonNoUZIName},
		{name: "UZI name as UTF8String", cert: specCert(func(s *certSpec) { s.san = sanValue(otherName(oidUZIName, utf8Str(prodUZIName))) }), want: ReasonNotIA5String, detail: "UTF8String"},
		{name: "UZI name as PrintableString", cert: specCert(func(s *certSpec) { s.san = sanValue(otherName(oidUZIName, printable(prodUZIName))) }), want: ReasonNotIA5String, detail: "PrintableString"},
		{name: "UZI name with non-ASCII byte", cert: specCert(func(s *certSpec) { s.san = sanValue(otherName(oidUZIName, tlv(0x16, []byte(prodUZIName+"\xe9")))) }), want: ReasonNotIA5String},
		{name: "two UZI names", cert: specCert(func(s *certSpec) { s.san = sanValue(uziName(prodUZIName), uziName(prodUZIName)) }), want: ReasonMultipleUZINames},
		{name: "UPN as IA5String", cert: specCert(func(s *certSpec) { s.san = sanValue(otherName(oidUPN, ia5(prodUPN)), uziName(prodUZIName)) }), want: ReasonUPNEncoding},
		{name: "two UPNs", cert: specCert(func(s *certSpec) { s.san = sanValue(upnName(prodUPN), upnName(prodUPN), uziName(prodUZIName)) }), want: ReasonMultipleUPNs},
		{name: "garbage DER in the SAN extension", cert: rawSANCert([]byte{0xde, 0xad, 0xbe, 0xef}), want: ReasonMalformed},
		{name: "SAN with trailing bytes", cert: rawSANCert(append(sanValue(uziName(prodUZIName)), 0x00)), want: ReasonMalformed},
		{name: "SAN truncated", cert: rawSANCert(sanValue(uziName(prodUZIName))[:20]), want: ReasonMalformed},
		{name: "otherName without explicit [0]", cert: specCert(func(s *certSpec) { s.san = sanValue(tlv(0xa0, concat(oidDER(oidUZIName), ia5(prodUZIName)))) }), want: ReasonMalformed},
		{name: "otherName with two values", cert: specCert(func(s *certSpec) {
			s.san = sanValue(tlv(0xa0, concat(oidDER(oidUZIName), tlv(0xa0, concat(ia5(prodUZIName), ia5(prodUZIName))))))
		}), want: ReasonMalformed},
		{name: "empty UZI string", cert: uziStringCert(""), want: ReasonFieldCount},
		{name: "6 fields", cert: uziStringCert(OIDCAZorgverlener + "-1-" + prodUZI + "-Z-" + prodURA + "-01.015"), want: ReasonFieldCount},
		{name: "8 fields", cert: uziStringCert(prodUZIName + "-00000000"), want: ReasonFieldCount},
		{name: "all fields empty", cert: uziStringCert("------"), want: ReasonOIDCA},
		{name: "OID CA not an OID", cert: uziStringCert(uziString(0, "2.16.528.x")), want: ReasonOIDCA},
		{name: "version 2", cert: uziStringCert(uziString(1, "2")), want: ReasonVersion},
		{name: "version with a space", cert: uziStringCert(uziString(1, " 1")), want: ReasonVersion},
		{name: "UZI number empty", cert: uziStringCert(uziString(2, "")), want: ReasonUZINumber},
		{name: "UZI number 8 digits", cert: uziStringCert(uziString(2, "12345678")), want: ReasonUZINumber},
		{name: "UZI number with letters", cert: uziStringCert(uziString(2, "12345678A")), want: ReasonUZINumber},
		{name: "card type X", cert: uziStringCert(uziString(3, "X")), want: ReasonCardType},
		{name: "card type lower-case z", cert: uziStringCert(uziString(3, "z")), want: ReasonCardType},
		{name: "abonnee-nr 7 digits", cert: uziStringCert(uziString(4, "1234567")), want: ReasonSubscriberNumber},
		{name: "role without dot", cert: uziStringCert(uziString(5, "01015")), want: ReasonRole},
		{name: "role with letter", cert: uziStringCert(uziString(5, "01.01a")), want: ReasonRole},
		{name: "AGB 7 digits", cert: uziStringCert(uziString(6, "1234567")), want: ReasonAGBCode},
		{name: "AGB empty", cert: uziStringCert(uziString(6, "")), want: ReasonAGBCode},
		{name: "Z card with role 00.000", cert: uziStringCert(uziString(5, "00.000")), want: ReasonRoleCardTypeMismatch},
		{name: "Z card with profession 00", cert: uziStringCert(uziString(5, "00.015")), want: ReasonRoleCardTypeMismatch},
		{name: "N card with role 01.015", cert: uziStringCert(nCA + "-1-" + prodUZI + "-N-" + prodURA + "-01.015-00000000"), profile: withN, want: ReasonRoleCardTypeMismatch},
		{name: "M card", cert: uziStringCert(OIDCAMedewerkerNietOpNaam + "-1-" + prodUZI + "-M-" + prodURA + "-00.000-00000000"), profile: withN, want: ReasonCardTypeRefused, detail: "(M)"},
		{name: "S card", cert: uziStringCert(OIDCAServer + "-1-" + prodUZI + "-S-" + prodURA + "-00.000-00000000"), profile: withN, want: ReasonCardTypeRefused, detail: "(S)"},
		{name: "N card without AdmitEmployeeCards", cert: uziStringCert(nCA + "-1-" + prodUZI + "-N-" + prodURA + "-00.000-00000000"), want: ReasonCardTypeRefused, detail: "(N)"},
		{name: "OID CA not allowed", cert: uziStringCert(uziString(0, "2.16.528.1.1003.1.3.5.5.9")), want: ReasonOIDCANotAllowed},
		{name: "TEST card on production", cert: func(t *testing.T) *x509.Certificate { return issue(t, testPassSpec()) }, profile: prod, want: ReasonOIDCANotAllowed},
		{name: "production card on TEST", cert: func(t *testing.T) *x509.Certificate { return issue(t, prodSpec()) }, profile: test, want: ReasonOIDCANotAllowed},
		{name: "N CA on a Z string", cert: uziStringCert(uziString(0, nCA)), want: ReasonOIDCACardTypeMismatch},
		{name: "Z CA on an N string", cert: uziStringCert(OIDCAZorgverlener + "-1-" + prodUZI + "-N-" + prodURA + "-00.000-00000000"), profile: withN, want: ReasonOIDCACardTypeMismatch},
		{name: "UZI number differs from serialNumber", cert: specCert(func(s *certSpec) { s.serials = []string{"123456789"} }), want: ReasonSerialNumberMismatch},
		{name: "no subject serialNumber", cert: specCert(func(s *certSpec) { s.serials = nil }), want: ReasonSerialNumberMismatch},
		{name: "two subject serialNumbers", cert: specCert(func(s *certSpec) { s.serials = []string{prodUZI, prodUZI} }), want: ReasonSerialNumberMismatch},
		{name: "two surnames", cert: specCert(func(s *certSpec) {
			s.extraNames = []pkix.AttributeTypeAndValue{{Type: oidSurname, Value: "Bakker"}}
		}), want: ReasonSubjectAmbiguous},
		{name: "two givenNames", cert: specCert(func(s *certSpec) {
			s.extraNames = []pkix.AttributeTypeAndValue{{Type: oidGivenName, Value: "Carla"}}
		}), want: ReasonSubjectAmbiguous},
		{name: "UPN mismatch", cert: specCert(func(s *certSpec) { s.san = sanValue(upnName(prodUZI+"@11111111"), uziName(prodUZIName)) }), want: ReasonUPNMismatch},
		{name: "signing certificate (nonRepudiation)", cert: specCert(func(s *certSpec) {
			s.keyUsage = x509.KeyUsageContentCommitment
			s.extKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
			s.policies = []string{"2.16.528.1.1003.1.2.5.2"}
		}), want: ReasonKeyUsage, detail: "signing certificate"},
		{name: "encryption certificate (keyEncipherment)", cert: specCert(func(s *certSpec) {
			s.keyUsage = x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment
			s.extKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
			s.policies = []string{"2.16.528.1.1003.1.2.5.3"}
		}), want: ReasonKeyUsage, detail: "encryption certificate"},
		{name: "digitalSignature plus nonRepudiation", cert: specCert(func(s *certSpec) { s.keyUsage |= x509.KeyUsageContentCommitment }), want: ReasonKeyUsage, detail: "signing certificate"},
		{name: "digitalSignature plus keyEncipherment", cert: specCert(func(s *certSpec) { s.keyUsage |= x509.KeyUsageKeyEncipherment }), want: ReasonKeyUsage, detail: "keyEncipherment"},
		{name: "no key usage", cert: specCert(func(s *certSpec) { s.keyUsage = 0 }), want: ReasonKeyUsage},
		{name: "no clientAuth EKU", cert: specCert(func(s *certSpec) { s.extKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection} }), want: ReasonExtKeyUsage},
		{name: "wrong policy", cert: specCert(func(s *certSpec) { s.policies = []string{"2.16.528.1.1003.1.2.5.2"} }), want: ReasonPolicy},
		{name: "no policy", cert: specCert(func(s *certSpec) { s.policies = nil }), want: ReasonPolicy},
	}
}

func TestParseRejects(t *testing.T) {
	seen := map[Reason]bool{}
	for _, tc := range rejections() {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.profile
			if p.OIDCAs == nil {
				p = ProductionProfile()
			}
			_, err := Parse(tc.cert(t), p)
			if err == nil {
				t.Fatalf("Parse accepted the certificate, want reason %q", tc.want)
			}
			seen[tc.want] = true
			if got := ReasonOf(err); got != tc.want {
				t.Fatalf("reason = %q (%v), want %q", got, err, tc.want)
			}
			if !errors.Is(err, ErrNotUZI) {
				t.Errorf("errors.Is(err, ErrNotUZI) = false for %v", err)
			}
			if !errors.Is(err, &Error{Reason: tc.want}) {
				t.Errorf("errors.Is(err, &Error{Reason: %q}) = false", tc.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "uzi: ") || !strings.HasSuffix(msg, ".") {
				t.Errorf("Error() = %q, want a sentence prefixed with \"uzi: \"", msg)
			}
			if tc.detail != "" && !strings.Contains(msg, tc.detail) {
				t.Errorf("Error() = %q, want it to mention %q", msg, tc.detail)
			}
		})
	}
	if n := len(rejections()); n < 25 {
		t.Errorf("the rejection table has %d rows, want at least 25", n)
	}
	for _, r := range Reasons() {
		if !seen[r] {
			t.Errorf("no rejection row produces reason %q", r)
		}
	}
}

// TestParseReturnsPartialIdentity checks that a refused card still yields the identity read so far, which
// the access log records for "login refused" events.
func TestParseReturnsPartialIdentity(t *testing.T) {
	spec := prodSpec()
	spec.keyUsage = x509.KeyUsageContentCommitment
	id, err := Parse(issue(t, spec), ProductionProfile())
	if ReasonOf(err) != ReasonKeyUsage {
		t.Fatalf("Parse error = %v, want reason %q", err, ReasonKeyUsage)
	}
	if id.UZINumber != prodUZI || id.SubscriberNumber != prodURA || id.Surname != "Vries" {
		t.Errorf("partial identity = %+v, want UZI number, URA and surname filled", id)
	}

	id, err = Parse(issue(t, withUZIName(OIDCAServer+"-1-"+prodUZI+"-S-"+prodURA+"-00.000-00000000")), ProductionProfile())
	if ReasonOf(err) != ReasonCardTypeRefused || id.CardType != CardServer {
		t.Errorf("Parse = %+v, %v; want card type S with reason %q", id, err, ReasonCardTypeRefused)
	}
}

// TestParseEmptyProfileRefuses checks that a forgotten configuration fails closed.
func TestParseEmptyProfileRefuses(t *testing.T) {
	_, err := Parse(issue(t, prodSpec()), Profile{})
	if ReasonOf(err) != ReasonOIDCANotAllowed {
		t.Errorf("Parse with an empty profile = %v, want reason %q", err, ReasonOIDCANotAllowed)
	}
	p := ProductionProfile()
	p.AuthPolicies = nil
	if _, err := Parse(issue(t, prodSpec()), p); ReasonOf(err) != ReasonPolicy {
		t.Errorf("Parse without policies = %v, want reason %q", err, ReasonPolicy)
	}
}

// TestParseHandBuiltCertificate covers a *x509.Certificate that was never parsed from DER: no
// Subject.Names, policies in the older PolicyIdentifiers field, and two SAN extensions.
func TestParseHandBuiltCertificate(t *testing.T) {
	parsed := issue(t, prodSpec())
	c := &x509.Certificate{
		Subject:           parsed.Subject,
		Extensions:        parsed.Extensions,
		KeyUsage:          x509.KeyUsageDigitalSignature,
		ExtKeyUsage:       []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		PolicyIdentifiers: parsed.PolicyIdentifiers,
	}
	c.Subject.Names = nil
	c.Subject.ExtraNames = nil
	c.Subject.SerialNumber = prodUZI
	id, err := Parse(c, ProductionProfile())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !slices.Equal(id.PolicyOIDs, []string{PolicyAuthZN}) {
		t.Errorf("PolicyOIDs = %v, want [%s]", id.PolicyOIDs, PolicyAuthZN)
	}

	c.Extensions = append(slices.Clone(c.Extensions), c.Extensions...)
	if _, err := Parse(c, ProductionProfile()); ReasonOf(err) != ReasonMalformed {
		t.Errorf("Parse with two SAN extensions = %v, want reason %q", err, ReasonMalformed)
	}
	if _, err := Parse(&x509.Certificate{}, ProductionProfile()); ReasonOf(err) != ReasonNoSAN {
		t.Errorf("Parse of an empty certificate = %v, want reason %q", err, ReasonNoSAN)
	}
}

func assertIdentity(t *testing.T, got, want Identity) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("identity mismatch:\n got %+v\nwant %+v", got, want)
	}
}
