package devpki

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/smallstep/certificates/authority"
	"github.com/smallstep/certificates/authority/config"
	"github.com/smallstep/certificates/authority/provisioner"
	"github.com/smallstep/certificates/db"
	"go.step.sm/crypto/x509util"
)

const (
	// crlValidity is the time between thisUpdate and nextUpdate of every CRL. The real UZI-register uses
	// 48 hours and publishes hourly; a day is smallstep's default and keeps a stale CRL visible in testing.
	crlValidity = 24 * time.Hour
	// revocationReason is the CRL reason code of every revocation: keyCompromise, what a lost card means.
	revocationReason = 1
)

// withAuthority opens the embedded smallstep authority of one issuing CA, runs fn, writes the CA's current
// CRL to the data folder and closes the authority again. The caller must hold the folder's lock: the
// authority's bbolt database admits one opener at a time, and keeping it closed between operations is what
// lets a demo server and a separate command share the folder. Opening the authority already re-issues the
// CRL (smallstep does so at start-up), so fn may be nil to only renew the CRL.
func (p *PKI) withAuthority(n IssuerName, fn func(*authority.Authority) error) (err error) {
	ca, err := p.issuingCA(n)
	if err != nil {
		return err
	}
	d, err := db.New(&db.Config{Type: "bbolt", DataSource: p.paths.authorityDB(n)})
	if err != nil {
		return fmt.Errorf("open authority database of %s: %w", n.CommonName(), err)
	}
	a, err := authority.NewEmbedded(
		authority.WithConfig(&config.Config{CRL: &config.CRLConfig{
			Enabled:          true,
			GenerateOnRevoke: true,
			CacheDuration:    &provisioner.Duration{Duration: crlValidity},
			IDPurl:           p.CRLURL(n),
		}}),
		authority.WithX509RootCerts(p.root),
		authority.WithX509SignerChain([]*x509.Certificate{ca.cert, p.level2}, ca.key),
		authority.WithDatabase(d),
		authority.WithQuietInit(),
	)
	if err != nil {
		return errors.Join(fmt.Errorf("start authority of %s: %w", n.CommonName(), err), d.Shutdown())
	}
	defer func() {
		if serr := a.Shutdown(); serr != nil {
			err = errors.Join(err, fmt.Errorf("close authority of %s: %w", n.CommonName(), serr))
		}
	}()

	if fn != nil {
		if err := fn(a); err != nil {
			return err
		}
	}
	crl, err := a.GetCertificateRevocationList()
	if err != nil {
		return fmt.Errorf("get CRL of %s: %w", n.CommonName(), err)
	}
	return writeFileAtomic(p.paths.crl(n), crl.Data, modePublic)
}

// signWithAuthority has the authority sign a certificate for key from the card template: a CSR carries the
// public key, the template and its data carry the whole profile, and the authority records the certificate
// in its database so that it can be revoked later.
func signWithAuthority(ctx context.Context, a *authority.Authority, data x509util.TemplateData, key crypto.Signer, notAfter time.Time) (*x509.Certificate, error) {
	csr, err := x509util.CreateCertificateRequest("", nil, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate request: %w", err)
	}
	opt, err := provisioner.TemplateOptions(&provisioner.Options{X509: &provisioner.X509Options{Template: cardTemplate}}, data)
	if err != nil {
		return nil, fmt.Errorf("prepare card template: %w", err)
	}
	chain, err := a.SignWithContext(provisioner.NewContextWithMethod(ctx, provisioner.SignMethod), csr,
		provisioner.SignOptions{NotAfter: provisioner.NewTimeDuration(notAfter)}, opt)
	if err != nil {
		return nil, fmt.Errorf("sign card certificate: %w", err)
	}
	return chain[0], nil
}

// revokeWithAuthority revokes one certificate unless the authority already lists it, which makes Revoke
// idempotent: smallstep itself answers a second revocation with an error.
func revokeWithAuthority(ctx context.Context, a *authority.Authority, cert *x509.Certificate) error {
	serial := cert.SerialNumber.String()
	revoked, err := a.IsRevoked(serial)
	if err != nil {
		return fmt.Errorf("look up revocation of %s: %w", serial, err)
	}
	if revoked {
		return nil
	}
	err = a.Revoke(provisioner.NewContextWithMethod(ctx, provisioner.RevokeMethod), &authority.RevokeOptions{
		Serial:     serial,
		ReasonCode: revocationReason,
		Reason:     "revoked in the development PKI",
		MTLS:       true,
		Crt:        cert,
	})
	if err != nil {
		return fmt.Errorf("revoke %s (%s): %w", serial, cert.Subject.CommonName, err)
	}
	return nil
}
