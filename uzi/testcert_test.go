package uzi

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"sync"
	"testing"
	"time"
)

// Values of the real TEST pass (minvws/pUZI-php tests/certs-with-pki/real/expired_1/Authenticiteit.cer),
// as documented byte by byte in the reference.
const (
	testPassUZIName = "2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-00000000"
	testPassUPN     = "900016528@90000382"
)

// testPassSAN is the subjectAltName extension value of the real TEST pass, written out byte by byte: the
// UPN as UTF8String and the UZI identity as IA5String, both inside an explicit [0].
var testPassSAN = concat(
	[]byte{0x30, 0x6c},
	[]byte{0xa0, 0x22, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03, 0xa0, 0x14, 0x0c, 0x12},
	[]byte(testPassUPN),
	[]byte{0xa0, 0x46, 0x06, 0x03, 0x55, 0x05, 0x05, 0xa0, 0x3f, 0x16, 0x3d},
	[]byte(testPassUZIName),
)

// Production test values: an invented provider under the production Zorgverlener CA.
const (
	prodUZI     = "123456782"
	prodURA     = "87654321"
	prodUZIName = OIDCAZorgverlener + "-1-" + prodUZI + "-Z-" + prodURA + "-01.015-01234567"
	prodUPN     = prodUZI + "@" + prodURA
)

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// tlv encodes one DER element with a definite, minimal length.
func tlv(tag byte, content []byte) []byte {
	n := len(content)
	switch {
	case n < 0x80:
		return concat([]byte{tag, byte(n)}, content)
	case n <= 0xff:
		return concat([]byte{tag, 0x81, byte(n)}, content)
	default:
		return concat([]byte{tag, 0x82, byte(n >> 8), byte(n)}, content)
	}
}

func ia5(s string) []byte       { return tlv(0x16, []byte(s)) }
func utf8Str(s string) []byte   { return tlv(0x0c, []byte(s)) }
func printable(s string) []byte { return tlv(0x13, []byte(s)) }

func oidDER(oid asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(oid)
	if err != nil {
		panic(err)
	}
	return b
}

// otherName encodes GeneralName otherName: [0] IMPLICIT SEQUENCE { type-id, [0] EXPLICIT value }.
func otherName(typeID asn1.ObjectIdentifier, value []byte) []byte {
	return tlv(0xa0, concat(oidDER(typeID), tlv(0xa0, value)))
}

func uziName(s string) []byte { return otherName(oidUZIName, ia5(s)) }
func upnName(s string) []byte { return otherName(oidUPN, utf8Str(s)) }

// sanValue wraps GeneralName encodings in the GeneralNames SEQUENCE.
func sanValue(names ...[]byte) []byte { return tlv(0x30, concat(names...)) }

// certSpec describes a leaf; the zero value plus defaults() is a valid production Z AUT certificate.
type certSpec struct {
	san         []byte // raw subjectAltName value; nil means no extension
	serials     []string
	keyUsage    x509.KeyUsage
	extKeyUsage []x509.ExtKeyUsage
	policies    []string
	cn, org     string
	title       string
	surname     string
	givenName   string
	// extraNames are added to the subject after the attributes above (a second surname, say).
	extraNames []pkix.AttributeTypeAndValue
}

// prodSpec is the production Z authentication certificate as the UZI-register issues it.
func prodSpec() certSpec {
	return certSpec{
		san:         sanValue(upnName(prodUPN), uziName(prodUZIName)),
		serials:     []string{prodUZI},
		keyUsage:    x509.KeyUsageDigitalSignature,
		extKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		policies:    []string{PolicyAuthZN},
		cn:          "Anna de Vries",
		org:         "Huisartsenpraktijk De Linde",
		title:       "Huisarts",
		surname:     "Vries",
		givenName:   "Anna",
	}
}

// testPassSpec reproduces the real TEST pass authentication certificate.
func testPassSpec() certSpec {
	return certSpec{
		san:         testPassSAN,
		serials:     []string{"900016528"},
		keyUsage:    x509.KeyUsageDigitalSignature,
		extKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		policies:    []string{PolicyAuthTest},
		cn:          "Jan test-90014548",
		org:         "Tést Zorginstelling 03",
		title:       "Arts",
		surname:     "test-90014548",
		givenName:   "Jan",
	}
}

// withUZIName is prodSpec with another UZI string (UPN dropped, as on HND/VRT certificates, so the test
// isolates the string).
func withUZIName(s string) certSpec {
	spec := prodSpec()
	spec.san = sanValue(uziName(s))
	return spec
}

type testPKI struct {
	caCert  *x509.Certificate
	caKey   *ecdsa.PrivateKey
	leafKey *ecdsa.PrivateKey
}

var (
	pkiOnce sync.Once
	pki     testPKI
	pkiErr  error
)

// throwAwayPKI creates one CA and one leaf key per test binary; ECDSA keeps it fast.
func throwAwayPKI(t testing.TB) testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			pkiErr = err
			return
		}
		leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			pkiErr = err
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{Country: []string{"NL"}, Organization: []string{"CIBG"}, CommonName: "TEST UZI-register Zorgverlener CA (unit tests)"},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
			MaxPathLenZero:        true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
		if err != nil {
			pkiErr = err
			return
		}
		caCert, err := x509.ParseCertificate(der)
		if err != nil {
			pkiErr = err
			return
		}
		pki = testPKI{caCert: caCert, caKey: caKey, leafKey: leafKey}
	})
	if pkiErr != nil {
		t.Fatalf("creating the throw-away CA: %v", pkiErr)
	}
	return pki
}

var serialCounter struct {
	sync.Mutex
	n int64
}

// issue signs the spec with the throw-away CA and parses the result back, so the tests see exactly what
// crypto/tls would hand the portal.
func issue(t testing.TB, s certSpec) *x509.Certificate {
	t.Helper()
	p := throwAwayPKI(t)
	serialCounter.Lock()
	serialCounter.n++
	serial := big.NewInt(1000 + serialCounter.n)
	serialCounter.Unlock()

	subject := pkix.Name{Country: []string{"NL"}, CommonName: s.cn}
	if s.org != "" {
		subject.Organization = []string{s.org}
	}
	add := func(oid asn1.ObjectIdentifier, v string) {
		if v != "" {
			subject.ExtraNames = append(subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oid, Value: v})
		}
	}
	add(oidTitle, s.title)
	add(oidSurname, s.surname)
	add(oidGivenName, s.givenName)
	for _, sn := range s.serials {
		add(oidSerialNumber, sn)
	}
	subject.ExtraNames = append(subject.ExtraNames, s.extraNames...)

	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              s.keyUsage,
		ExtKeyUsage:           s.extKeyUsage,
		BasicConstraintsValid: true,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{{1, 3, 6, 1, 4, 1, 311, 10, 3, 12}},
	}
	for _, pol := range s.policies {
		oid, err := x509.ParseOID(pol)
		if err != nil {
			t.Fatalf("policy %q: %v", pol, err)
		}
		tmpl.Policies = append(tmpl.Policies, oid)
	}
	if s.san != nil {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidSubjectAltName, Value: s.san}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &p.leafKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatalf("creating the test certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parsing the test certificate: %v", err)
	}
	if err := cert.CheckSignatureFrom(p.caCert); err != nil {
		t.Fatalf("the test certificate does not verify against its CA: %v", err)
	}
	return cert
}

// withRawSAN returns a copy of cert whose subjectAltName value is replaced by san. crypto/x509 refuses to
// parse a certificate whose SAN is not a SEQUENCE, but a *x509.Certificate can come from anywhere, and
// Parse must stay safe on it.
func withRawSAN(cert *x509.Certificate, san []byte) *x509.Certificate {
	c := *cert
	c.Extensions = nil
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSubjectAltName) {
			ext.Value = san
		}
		c.Extensions = append(c.Extensions, ext)
	}
	return &c
}
