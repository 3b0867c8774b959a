package devpki

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"go.step.sm/crypto/x509util"
)

// IssueCustom signs an arbitrary certificate template with a development issuing CA. Tests of the
// portal's certificate checks need certificates that chain to a trusted CA and are wrong in one specific
// way (no UPN, an extra key usage, a 6-field UZI string); CardTemplate gives the correct profile to start
// from. The template is copied, not changed; a zero NotBefore or NotAfter gets a card's validity, a nil
// SerialNumber a random one. The certificate is not recorded by the authority, but RevokeCertificate can
// still put it on the CRL.
func (p *PKI) IssueCustom(ctx context.Context, issuer IssuerName, tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tmpl == nil || pub == nil {
		return nil, fmt.Errorf("%w: IssueCustom needs a template and a public key", ErrInvalidOptions)
	}
	ca, err := p.issuingCA(issuer)
	if err != nil {
		return nil, err
	}
	t := *tmpl
	if t.NotBefore.IsZero() {
		t.NotBefore = p.now().Add(-cardBackdate)
	}
	if t.NotAfter.IsZero() {
		t.NotAfter = t.NotBefore.AddDate(cardValidityYears, 0, 0)
	}
	cert, err := x509util.CreateCertificate(&t, ca.cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue custom certificate: %w", err)
	}
	return cert, nil
}

// IssueCustomTemplate is IssueCustom for an x509util JSON template with its data, for tests that find a
// changed template easier to read than a changed *x509.Certificate, e.g. a SAN list with a UTF8String
// instead of an IA5String ("utf8:" instead of "ia5:").
func (p *PKI) IssueCustomTemplate(ctx context.Context, issuer IssuerName, templateJSON string, data x509util.TemplateData, pub crypto.PublicKey) (*x509.Certificate, error) {
	tmpl, err := renderTemplate(templateJSON, data, pub)
	if err != nil {
		return nil, err
	}
	return p.IssueCustom(ctx, issuer, tmpl, pub)
}

// CardTemplate returns the unsigned certificate that the card's certificate of the given usage is made
// from, with a fresh validity, as the starting point for IssueCustom. The SAN with the otherNames is in
// ExtraExtensions, as x509util builds it.
func (p *PKI) CardTemplate(name string, u Usage) (*x509.Certificate, error) {
	spec, err := CardByName(name)
	if err != nil {
		return nil, err
	}
	return p.SpecTemplate(spec, u)
}

// SpecTemplate is CardTemplate for a card that is not in the Cards table: the same person with a card
// for another organisation, a colleague who shares a surname. Tests of the portal's admission need such
// cards exactly as the UZI-register would issue them, which IssueCustom then signs.
func (p *PKI) SpecTemplate(spec CardSpec, u Usage) (*x509.Certificate, error) {
	if err := u.check(); err != nil {
		return nil, err
	}
	notBefore := p.now().Add(-cardBackdate)
	data := cardTemplateData(spec, u, p.CRLURL(spec.Issuer()), ocspURL(p.crlBaseURL), notBefore, notBefore.AddDate(cardValidityYears, 0, 0))
	return renderTemplate(cardTemplate, data, nil)
}

// TLSCertificate pairs a certificate signed by a development issuing CA (a custom one, typically) with its
// key and the chain a card sends, so a test client can present it in a handshake.
func (p *PKI) TLSCertificate(cert *x509.Certificate, key crypto.PrivateKey) (tls.Certificate, error) {
	for _, n := range Issuers {
		ca, err := p.issuingCA(n)
		if err != nil {
			return tls.Certificate{}, err
		}
		if cert.CheckSignatureFrom(ca.cert) == nil {
			return tls.Certificate{
				Certificate: [][]byte{cert.Raw, ca.cert.Raw, p.level2.Raw},
				PrivateKey:  key,
				Leaf:        cert,
			}, nil
		}
	}
	return tls.Certificate{}, fmt.Errorf("%w: issuer %q", ErrNotIssuedHere, cert.Issuer.String())
}
