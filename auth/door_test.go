package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// testCert makes a certificate signed by parent (self-signed when parent is nil).
func testCert(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, isCA bool, from, until time.Time, usage []x509.ExtKeyUsage) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: from, NotAfter: until, IsCA: isCA, BasicConstraintsValid: true, ExtKeyUsage: usage,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestDoorChecksLikeCryptoTLSAndCachesOnlyWhileValid: the door refuses what crypto/tls's
// RequireAndVerifyClientCert refuses, with the reason; a verified chain is reused from the cache only while
// every certificate in it is valid, so that a card expiring between two connections is refused.
func TestDoorChecksLikeCryptoTLSAndCachesOnlyWhileValid(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	root, rootKey := testCert(t, "root", nil, nil, true, now.AddDate(-5, 0, 0), now.AddDate(10, 0, 0), nil)
	issuing, issuingKey := testCert(t, "issuing", root, rootKey, true, now.AddDate(-5, 0, 0), now.AddDate(5, 0, 0), nil)
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	card, _ := testCert(t, "card", issuing, issuingKey, false, now.AddDate(-1, 0, 0), now.Add(time.Hour), client)
	signing, _ := testCert(t, "signing", issuing, issuingKey, false, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection})
	future, _ := testCert(t, "future", issuing, issuingKey, false, now.AddDate(0, 1, 0), now.AddDate(1, 0, 0), client)
	otherRoot, otherKey := testCert(t, "other root", nil, nil, true, now.AddDate(-5, 0, 0), now.AddDate(10, 0, 0), nil)
	lookalike, _ := testCert(t, "card", otherRoot, otherKey, false, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), client)

	roots := x509.NewCertPool()
	roots.AddCert(root)
	door := NewDoor(roots)

	tests := []struct {
		name   string
		chain  []*x509.Certificate
		at     time.Time
		reason string
	}{
		{"valid card with its intermediate", []*x509.Certificate{card, issuing}, now, ""},
		{"valid card again, from the cache", []*x509.Certificate{card, issuing}, now.Add(time.Minute), ""},
		{"the same card after it expired", []*x509.Certificate{card, issuing}, now.Add(2 * time.Hour), HandshakeExpired},
		{"without its intermediate", []*x509.Certificate{card}, now, HandshakeUnknownCA},
		{"no certificate", nil, now, HandshakeNoCertificate},
		{"signing certificate", []*x509.Certificate{signing, issuing}, now, HandshakeKeyUsage},
		{"not yet valid", []*x509.Certificate{future, issuing}, now, HandshakeNotYetValid},
		{"another CA", []*x509.Certificate{lookalike}, now, HandshakeUnknownCA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := door.Check(tt.chain, tt.at)
			if got.Reason != tt.reason || got.Verified() != (tt.reason == "") {
				t.Fatalf("Check = reason %q verified %v (%v), want %q", got.Reason, got.Verified(), got.Err, tt.reason)
			}
			if got.Verified() && (got.Chain[0] != card || got.Chain[len(got.Chain)-1] != root) {
				t.Errorf("chain does not run from the card to the root: %v", got.Chain)
			}
			if len(tt.chain) > 0 && got.Presented != tt.chain[0] {
				t.Error("the presented leaf is not kept")
			}
		})
	}
	// A chain verified while the intermediate is valid is not reused once the intermediate has expired.
	short, shortKey := testCert(t, "short issuing", root, rootKey, true, now.AddDate(-1, 0, 0), now.Add(time.Hour), nil)
	card2, _ := testCert(t, "card2", short, shortKey, false, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), client)
	if c := door.Check([]*x509.Certificate{card2, short}, now); !c.Verified() {
		t.Fatalf("card under a valid intermediate: %v", c.Err)
	}
	if c := door.Check([]*x509.Certificate{card2, short}, now.Add(2*time.Hour)); c.Verified() || c.Reason != HandshakeExpired {
		t.Fatalf("cached chain used after its intermediate expired: %+v", c)
	}
}

// BenchmarkDoorCheck: what the door costs a new connection of a card it has seen (the cache) and of one
// it has not (a full chain verification, as crypto/tls makes in every handshake).
func BenchmarkDoorCheck(b *testing.B) {
	t := &testing.T{}
	now := time.Now()
	root, rootKey := testCert(t, "root", nil, nil, true, now.AddDate(-5, 0, 0), now.AddDate(10, 0, 0), nil)
	issuing, issuingKey := testCert(t, "issuing", root, rootKey, true, now.AddDate(-5, 0, 0), now.AddDate(5, 0, 0), nil)
	card, _ := testCert(t, "card", issuing, issuingKey, false, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth})
	roots := x509.NewCertPool()
	roots.AddCert(root)
	chain := []*x509.Certificate{card, issuing}
	b.Run("cached", func(b *testing.B) {
		door := NewDoor(roots)
		door.Check(chain, now)
		for b.Loop() {
			door.Check(chain, now)
		}
	})
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			NewDoor(roots).Check(chain, now)
		}
	})
}
