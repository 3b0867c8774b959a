package devpki

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAuthenticationCertificateProfile(t *testing.T) {
	p := sharedPKI(t)
	tests := []struct {
		card      string
		issuerCN  string
		wantTitle string
		oidCA     string
	}{
		{card: CardGP, issuerCN: ZorgverlenerCAName, wantTitle: "Huisarts", oidCA: OIDCAZorgverlener},
		{card: CardEmployee, issuerCN: MedewerkerOpNaamCAName, wantTitle: "", oidCA: OIDCAMedewerkerOpNaam},
	}
	for _, tt := range tests {
		t.Run(tt.card, func(t *testing.T) {
			card := mustCard(t, p, tt.card)
			spec := card.Spec
			c := card.Authentication.Certificate

			t.Run("subject", func(t *testing.T) {
				checks := []struct{ attr, got, want string }{
					{"C", strings.Join(c.Subject.Country, ","), "NL"},
					{"O", strings.Join(c.Subject.Organization, ","), spec.Organisation},
					{"CN", c.Subject.CommonName, spec.GivenName + " " + spec.Surname},
					{"serialNumber", c.Subject.SerialNumber, spec.UZINumber},
					{"title", nameValue(c, "2.5.4.12"), tt.wantTitle},
					{"surname", nameValue(c, "2.5.4.4"), spec.Surname},
					{"givenName", nameValue(c, "2.5.4.42"), spec.GivenName},
					{"issuer CN", c.Issuer.CommonName, tt.issuerCN},
					{"issuer O", strings.Join(c.Issuer.Organization, ","), CAOrganisation},
				}
				for _, ch := range checks {
					if ch.got != ch.want {
						t.Errorf("%s = %q, want %q", ch.attr, ch.got, ch.want)
					}
				}
			})

			t.Run("SAN bytes", func(t *testing.T) {
				uzi := tt.oidCA + "-1-" + spec.UZINumber + "-" + string(spec.Type) + "-" + spec.URA + "-" + spec.Role + "-" + spec.AGB
				if uzi != spec.UZIString() {
					t.Fatalf("UZIString() = %q, want %q", spec.UZIString(), uzi)
				}
				want := der(0x30,
					expectedOtherName(oidDERUPN, 0x0c, spec.UZINumber+"@"+spec.URA),
					expectedOtherName(oidDERUZI, 0x16, uzi),
				)
				got, _ := extension(t, c, oidSAN)
				if !bytes.Equal(got, want) {
					t.Errorf("SAN extension\n got %x\nwant %x", got, want)
				}
				// The leading bytes of the 2.5.5.5 otherName, as on a real TEST card: a0 .. 06 03 55 05 05 a0 .. 16.
				i := bytes.Index(got, oidDERUZI)
				if i < 2 || got[i-2] != 0xa0 || got[i+len(oidDERUZI)] != 0xa0 || got[i+len(oidDERUZI)+2] != 0x16 {
					t.Errorf("2.5.5.5 otherName is not a0 .. 06 03 55 05 05 a0 .. 16 ..: %x", got)
				}
			})

			t.Run("key usage", func(t *testing.T) {
				if c.KeyUsage != x509.KeyUsageDigitalSignature {
					t.Errorf("KeyUsage = %b, want exactly digitalSignature", c.KeyUsage)
				}
				if _, critical := extension(t, c, oidKU); !critical {
					t.Error("keyUsage is not critical")
				}
				if want := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection}; !slices.Equal(c.ExtKeyUsage, want) {
					t.Errorf("ExtKeyUsage = %v, want %v", c.ExtKeyUsage, want)
				}
				if len(c.UnknownExtKeyUsage) != 1 || c.UnknownExtKeyUsage[0].String() != oidDocumentSigning {
					t.Errorf("UnknownExtKeyUsage = %v, want [%s]", c.UnknownExtKeyUsage, oidDocumentSigning)
				}
			})

			t.Run("other extensions", func(t *testing.T) {
				if !c.BasicConstraintsValid || c.IsCA {
					t.Error("basicConstraints is not CA:false")
				}
				if _, critical := extension(t, c, oidBC); !critical {
					t.Error("basicConstraints is not critical")
				}
				if len(c.Policies) != 1 || !c.Policies[0].Equal(oid(t, PolicyAuthentication)) {
					t.Errorf("Policies = %v, want [%s]", c.Policies, PolicyAuthentication)
				}
				if want := []string{p.CRLURL(spec.Issuer())}; !slices.Equal(c.CRLDistributionPoints, want) {
					t.Errorf("CRLDistributionPoints = %v, want %v", c.CRLDistributionPoints, want)
				}
				if want := []string{"http://localhost:8480/ocsp"}; !slices.Equal(c.OCSPServer, want) {
					t.Errorf("OCSPServer = %v, want %v", c.OCSPServer, want)
				}
				if len(c.SubjectKeyId) == 0 || len(c.AuthorityKeyId) == 0 {
					t.Error("missing subject or authority key identifier")
				}
			})

			t.Run("key and validity", func(t *testing.T) {
				k, ok := c.PublicKey.(*rsa.PublicKey)
				if !ok || k.N.BitLen() != 2048 {
					t.Errorf("public key is not RSA-2048: %T", c.PublicKey)
				}
				if c.SignatureAlgorithm != x509.SHA256WithRSA {
					t.Errorf("SignatureAlgorithm = %v", c.SignatureAlgorithm)
				}
				if !card.Authentication.Key.PublicKey.Equal(c.PublicKey) {
					t.Error("key does not belong to the certificate")
				}
				if got := c.NotAfter.Sub(c.NotBefore); got < 3*365*24*time.Hour || got > 3*366*24*time.Hour {
					t.Errorf("validity = %v, want 3 years", got)
				}
				if now := time.Now(); now.Before(c.NotBefore) || now.After(c.NotAfter) {
					t.Errorf("not valid now: %v .. %v", c.NotBefore, c.NotAfter)
				}
			})
		})
	}
}

func TestSigningAndEncryptionCertificateProfile(t *testing.T) {
	p := sharedPKI(t)
	card := mustCard(t, p, CardGP)
	tests := []struct {
		usage      Usage
		keyUsage   x509.KeyUsage
		extKeyUse  []x509.ExtKeyUsage
		unknownEKU string
		policy     string
	}{
		{UsageSigning, x509.KeyUsageContentCommitment, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, oidDocumentSigning, PolicySigning},
		{UsageEncryption, x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, oidEncryptingFileSystem, PolicyEncryption},
	}
	for _, tt := range tests {
		t.Run(string(tt.usage), func(t *testing.T) {
			cred := card.Credential(tt.usage)
			c := cred.Certificate
			if c.KeyUsage != tt.keyUsage {
				t.Errorf("KeyUsage = %b, want %b", c.KeyUsage, tt.keyUsage)
			}
			if !slices.Equal(c.ExtKeyUsage, tt.extKeyUse) {
				t.Errorf("ExtKeyUsage = %v, want %v", c.ExtKeyUsage, tt.extKeyUse)
			}
			if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
				t.Error("has clientAuth")
			}
			if len(c.UnknownExtKeyUsage) != 1 || c.UnknownExtKeyUsage[0].String() != tt.unknownEKU {
				t.Errorf("UnknownExtKeyUsage = %v, want [%s]", c.UnknownExtKeyUsage, tt.unknownEKU)
			}
			if len(c.Policies) != 1 || !c.Policies[0].Equal(oid(t, tt.policy)) {
				t.Errorf("Policies = %v, want [%s]", c.Policies, tt.policy)
			}
			// Only the 2.5.5.5 otherName: no UPN on the signing and encryption certificates.
			want := der(0x30, expectedOtherName(oidDERUZI, 0x16, card.Spec.UZIString()))
			if got, _ := extension(t, c, oidSAN); !bytes.Equal(got, want) {
				t.Errorf("SAN extension\n got %x\nwant %x", got, want)
			}
			if !bytes.Equal(c.RawSubject, card.Authentication.Certificate.RawSubject) {
				t.Error("subject differs from the authentication certificate")
			}
			if cred.Key.PublicKey.Equal(card.Authentication.Key.Public()) {
				t.Error("shares its key with the authentication certificate")
			}
			if !cred.Key.PublicKey.Equal(c.PublicKey) {
				t.Error("key does not belong to the certificate")
			}
		})
	}
}

func TestCATemplates(t *testing.T) {
	p := sharedPKI(t)
	zorg, _ := p.IssuingCA(ZorgverlenerCA)
	medew, _ := p.IssuingCA(MedewerkerOpNaamCA)
	tests := []struct {
		name       string
		cert       *x509.Certificate
		cn         string
		maxPathLen int
		bits       int
	}{
		{"root", p.Root(), RootCAName, 2, caKeyBits},
		{"level-2", p.Level2CA(), Level2CAName, 1, caKeyBits},
		{"zorgverlener", zorg, ZorgverlenerCAName, 0, caKeyBits},
		{"medewerker op naam", medew, MedewerkerOpNaamCAName, 0, caKeyBits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cert
			if c.Subject.CommonName != tt.cn || !strings.HasPrefix(c.Subject.CommonName, "DEV ") {
				t.Errorf("CN = %q, want %q", c.Subject.CommonName, tt.cn)
			}
			if !c.IsCA || c.MaxPathLen != tt.maxPathLen || (tt.maxPathLen == 0 && !c.MaxPathLenZero) {
				t.Errorf("basicConstraints = CA:%v pathlen:%d (zero %v), want pathlen %d", c.IsCA, c.MaxPathLen, c.MaxPathLenZero, tt.maxPathLen)
			}
			if c.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
				t.Errorf("KeyUsage = %b", c.KeyUsage)
			}
			if k, ok := c.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != tt.bits {
				t.Errorf("key is not RSA-%d", tt.bits)
			}
			if c.SignatureAlgorithm != x509.SHA256WithRSA {
				t.Errorf("SignatureAlgorithm = %v", c.SignatureAlgorithm)
			}
		})
	}
	if !slices.Equal(Issuers, []IssuerName{ZorgverlenerCA, MedewerkerOpNaamCA}) {
		t.Errorf("Issuers = %v", Issuers)
	}
	if _, err := p.IssuingCA("server-ca"); !errors.Is(err, ErrUnknownIssuer) {
		t.Errorf("IssuingCA(unknown) error = %v, want ErrUnknownIssuer", err)
	}
}
