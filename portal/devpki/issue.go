package devpki

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/smallstep/certificates/authority"
)

const (
	// cardValidityYears is the validity of a UZI card's certificates (CPS §7.1).
	cardValidityYears = 3
	// cardBackdate absorbs clock skew, as caBackdate does for the CAs.
	cardBackdate = 5 * time.Minute
	// expiredAgo is how long ago the expired card's validity ended.
	expiredAgo = 24 * time.Hour
)

// createCards issues the given cards; the folder's lock must be held. All keys are generated first, in
// parallel, and then each issuing CA's authority is opened once for all of its cards.
func (p *PKI) createCards(ctx context.Context, specs []CardSpec) error {
	if len(specs) == 0 {
		return nil
	}
	keys, err := generateRSAKeys(ctx, cardKeyBits, len(specs)*len(Usages))
	if err != nil {
		return fmt.Errorf("create card keys: %w", err)
	}
	password, err := p.P12Password()
	if err != nil {
		return err
	}
	for _, n := range Issuers {
		var mine []int
		for i, s := range specs {
			if s.Issuer() == n {
				mine = append(mine, i)
			}
		}
		if len(mine) == 0 {
			continue
		}
		err := p.withAuthority(n, func(a *authority.Authority) error {
			for _, i := range mine {
				k := keys[i*len(Usages) : (i+1)*len(Usages)]
				if err := p.createCard(ctx, a, specs[i], k, password); err != nil {
					return fmt.Errorf("create card %s: %w", specs[i].Name, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// createCard issues the three certificates of one card with the given keys (one per Usage), revokes them
// if the card is meant to be revoked, and writes the card's files.
func (p *PKI) createCard(ctx context.Context, a *authority.Authority, spec CardSpec, keys []*rsa.PrivateKey, password string) error {
	ca, err := p.issuingCA(spec.Issuer())
	if err != nil {
		return err
	}
	now := p.now()
	notBefore := now.Add(-cardBackdate)
	notAfter := notBefore.AddDate(cardValidityYears, 0, 0)
	if spec.Expired {
		notBefore, notAfter = now.AddDate(-cardValidityYears, 0, 0), now.Add(-expiredAgo)
	}

	certs := make([]*x509.Certificate, len(Usages))
	for i, u := range Usages {
		data := cardTemplateData(spec, u, p.CRLURL(spec.Issuer()), ocspURL(p.crlBaseURL), notBefore, notAfter)
		if spec.Expired {
			// The expired card is signed directly with the issuing CA's key, from the same template:
			// smallstep's provisioner validity check refuses a notAfter in the past ("notAfter cannot be
			// in the past"). The bare embedded authority used here does not run that check, but relying
			// on its absence would break with the first provisioner added.
			certs[i], err = signTemplate(cardTemplate, data, keys[i].Public(), ca.cert, ca.key)
		} else {
			certs[i], err = signWithAuthority(ctx, a, data, keys[i], notAfter)
		}
		if err != nil {
			return fmt.Errorf("%s certificate: %w", u, err)
		}
	}
	if spec.Revoked {
		for _, c := range certs {
			if err := revokeWithAuthority(ctx, a, c); err != nil {
				return err
			}
		}
	}
	return p.writeCard(spec, certs, keys, password)
}

// writeCard writes the PEM and key files of the three certificates and the PKCS#12 file of the
// authentication certificate; the PKCS#12 file comes last and so marks the card as complete.
func (p *PKI) writeCard(spec CardSpec, certs []*x509.Certificate, keys []*rsa.PrivateKey, password string) error {
	ca, err := p.issuingCA(spec.Issuer())
	if err != nil {
		return err
	}
	chain := []*x509.Certificate{ca.cert, p.level2}
	files := p.paths.cardFiles(spec.Name)
	for i, u := range Usages {
		certPath, keyPath := files.certAndKey(u)
		if err := writeKey(keyPath, keys[i]); err != nil {
			return err
		}
		if err := writeCerts(certPath, append([]*x509.Certificate{certs[i]}, chain...)...); err != nil {
			return err
		}
	}
	p12, err := encodePKCS12(keys[0], certs[0], chain, password)
	if err != nil {
		return err
	}
	return writeFileAtomic(files.PKCS12, p12, modePrivate)
}
