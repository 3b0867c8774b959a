package devpki

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"slices"
	"testing"

	"go.step.sm/crypto/x509util"
)

func TestIssueCustom(t *testing.T) {
	p := openCopy(t)
	ctx := context.Background()
	card := mustCard(t, p, CardGP)
	pub := card.Authentication.Key.Public()

	tmpl, err := p.CardTemplate(CardGP, UsageAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	cert, err := p.IssueCustom(ctx, ZorgverlenerCA, tmpl, pub)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.SerialNumber != nil {
		t.Error("IssueCustom changed the caller's template")
	}
	if cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
		t.Errorf("KeyUsage = %b", cert.KeyUsage)
	}
	gotSAN, _ := extension(t, cert, oidSAN)
	wantSAN, _ := extension(t, card.Authentication.Certificate, oidSAN)
	if !bytes.Equal(gotSAN, wantSAN) {
		t.Error("custom certificate lost the card's SAN")
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: p.ClientCAs(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("custom certificate does not chain to the dev root: %v", err)
	}
	tc, err := p.TLSCertificate(cert, card.Authentication.Key)
	if err != nil || len(tc.Certificate) != 3 {
		t.Errorf("TLSCertificate: %d certificates, %v", len(tc.Certificate), err)
	}

	t.Run("revocable", func(t *testing.T) {
		if err := p.RevokeCertificate(ctx, cert); err != nil {
			t.Fatal(err)
		}
		der, err := p.CRL(ctx, ZorgverlenerCA)
		if err != nil {
			t.Fatal(err)
		}
		if got := listed(checkedCRL(t, p, ZorgverlenerCA, der), cert, card.Authentication.Certificate); !slices.Equal(got, []bool{true, false}) {
			t.Errorf("on CRL: %v, want only the custom certificate", got)
		}
	})
}

func TestIssueCustomTemplate(t *testing.T) {
	p := sharedPKI(t)
	card := mustCard(t, p, CardEmployee)
	// A 6-field UZI string as a UTF8String instead of an IA5String: two defects a parser must catch.
	const tmpl = `{
		"subject": {"country": "NL", "commonName": {{ toJson .Insecure.User.cn }}},
		"sans": [{"type": "2.5.5.5", "value": {{ toJson (print "utf8:" .Insecure.User.uzi) }}}],
		"keyUsage": ["digitalSignature"],
		"extKeyUsage": ["clientAuth"]
	}`
	data := x509util.NewTemplateData()
	data.SetUserData(map[string]any{"cn": card.Spec.CommonName(), "uzi": OIDCAMedewerkerOpNaam + "-1-900100008-N-90000101-00.000"})
	cert, err := p.IssueCustomTemplate(context.Background(), MedewerkerOpNaamCA, tmpl, data, card.Authentication.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	want := der(0x30, expectedOtherName(oidDERUZI, 0x0c, OIDCAMedewerkerOpNaam+"-1-900100008-N-90000101-00.000"))
	if got, _ := extension(t, cert, oidSAN); !bytes.Equal(got, want) {
		t.Errorf("SAN\n got %x\nwant %x", got, want)
	}
	if err := cert.CheckSignatureFrom(mustIssuer(t, p, MedewerkerOpNaamCA)); err != nil {
		t.Errorf("not signed by the Medewerker op naam CA: %v", err)
	}
}

func TestIssueCustomErrors(t *testing.T) {
	p := sharedPKI(t)
	ctx := context.Background()
	card := mustCard(t, p, CardGP)
	pub := card.Authentication.Key.Public()
	if _, err := p.IssueCustom(ctx, "server-ca", &x509.Certificate{}, pub); !errors.Is(err, ErrUnknownIssuer) {
		t.Errorf("unknown issuer: %v", err)
	}
	if _, err := p.IssueCustom(ctx, ZorgverlenerCA, nil, pub); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("nil template: %v", err)
	}
	if _, err := p.CardTemplate(CardGP, "login"); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("unknown usage: %v", err)
	}
	server, err := p.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.TLSCertificate(server.Leaf, server.PrivateKey); !errors.Is(err, ErrNotIssuedHere) {
		t.Errorf("TLSCertificate of the server certificate: %v", err)
	}
	if err := p.RevokeCertificate(ctx, server.Leaf); !errors.Is(err, ErrNotIssuedHere) {
		t.Errorf("RevokeCertificate of the server certificate: %v", err)
	}
}

func mustIssuer(t *testing.T, p *PKI, n IssuerName) *x509.Certificate {
	t.Helper()
	c, err := p.IssuingCA(n)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
