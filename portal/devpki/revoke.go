package devpki

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/smallstep/certificates/authority"
)

// Revoke revokes all three certificates of a card in the authority of its issuing CA and re-issues that
// CA's CRL in the data folder, where the CRL handler of any process serving this folder picks it up.
// Revoking a card that is already revoked is not an error, so a demo script can run it twice.
func (p *PKI) Revoke(ctx context.Context, name string) error {
	card, err := p.Card(name)
	if err != nil {
		return err
	}
	certs := []*x509.Certificate{card.Authentication.Certificate, card.Signing.Certificate, card.Encryption.Certificate}
	return p.revoke(ctx, card.Spec.Issuer(), certs)
}

// RevokeCertificate revokes any certificate signed by a development issuing CA, such as one made with
// IssueCustom, so that tests of the revocation check are not limited to the card table. It returns
// ErrNotIssuedHere for a certificate of another CA.
func (p *PKI) RevokeCertificate(ctx context.Context, cert *x509.Certificate) error {
	for _, n := range Issuers {
		ca, err := p.issuingCA(n)
		if err != nil {
			return err
		}
		if cert.CheckSignatureFrom(ca.cert) == nil {
			return p.revoke(ctx, n, []*x509.Certificate{cert})
		}
	}
	return fmt.Errorf("%w: issuer %q", ErrNotIssuedHere, cert.Issuer.String())
}

// revoke revokes certificates of one issuing CA under the folder's lock.
func (p *PKI) revoke(ctx context.Context, n IssuerName, certs []*x509.Certificate) error {
	return p.withLock(ctx, func() error {
		return p.withAuthority(n, func(a *authority.Authority) error {
			for _, c := range certs {
				if err := revokeWithAuthority(ctx, a, c); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
