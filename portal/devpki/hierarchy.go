package devpki

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base32"
	"fmt"
	"os"
	"time"
)

// Validity of the CAs and the server certificate.
const (
	// uziCABackdateYears puts the UZI CAs' notBefore before the three years of validity of the expired
	// card, so that it was issued, like a real one, while its CA was valid.
	uziCABackdateYears = 4
	// uziCAYears is the remaining lifetime of the UZI CAs; a data folder outlives any development cycle.
	uziCAYears = 20
	// serverCAYears is the lifetime of the server CA that a developer imports into a browser once.
	serverCAYears = 10
	// serverCertValidity stays within the 398 days browsers accept for server certificates.
	serverCertValidity = 397 * 24 * time.Hour
	// serverCertRenewBefore is how long before expiry Ensure replaces the server certificate.
	serverCertRenewBefore = 30 * 24 * time.Hour
	// caBackdate absorbs clock skew between the machine that made a certificate and the one checking it.
	caBackdate = time.Hour
	// p12PasswordBytes is the entropy of the PKCS#12 password.
	p12PasswordBytes = 15
)

// issuingCA is an issuing CA with its key, the only CA keys the PKI keeps in memory.
type issuingCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// createHierarchy makes every CA, the server certificate, the client CA bundle and the PKCS#12 password
// in a folder that has no manifest. Authority databases, CRLs and cards left by an earlier attempt that
// did not finish belong to keys that are about to be replaced, so they are removed first.
func (p *PKI) createHierarchy(ctx context.Context) error {
	for _, n := range Issuers {
		if err := os.Remove(p.paths.authorityDB(n)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove stale authority database: %w", err)
		}
	}
	for _, dir := range []string{p.paths.crlDir(), p.paths.CardsDir} {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove stale files: %w", err)
		}
	}
	if err := os.MkdirAll(p.paths.crlDir(), modeDir); err != nil {
		return fmt.Errorf("create CRL folder: %w", err)
	}
	if err := os.MkdirAll(p.paths.CardsDir, modeDir); err != nil {
		return fmt.Errorf("create cards folder: %w", err)
	}

	keys, err := generateRSAKeys(ctx, caKeyBits, 2+len(Issuers))
	if err != nil {
		return fmt.Errorf("create CA keys: %w", err)
	}
	rootKey, level2Key := keys[0], keys[1]
	now := p.now()
	notBefore := now.AddDate(-uziCABackdateYears, 0, 0)
	notAfter := now.AddDate(uziCAYears, 0, 0)

	root, err := signTemplate(caTemplate, caSpec{
		commonName: RootCAName, organisation: CAOrganisation, maxPathLen: 2,
		notBefore: notBefore, notAfter: notAfter,
	}.data(), rootKey.Public(), nil, rootKey)
	if err != nil {
		return fmt.Errorf("create root CA: %w", err)
	}
	level2, err := signTemplate(caTemplate, caSpec{
		commonName: Level2CAName, organisation: CAOrganisation, maxPathLen: 1, anyPolicy: true,
		notBefore: notBefore, notAfter: notAfter,
	}.data(), level2Key.Public(), root, rootKey)
	if err != nil {
		return fmt.Errorf("create level-2 CA: %w", err)
	}
	if err := writeKey(p.paths.rootKey(), rootKey); err != nil {
		return err
	}
	if err := writeCerts(p.paths.rootCert(), root); err != nil {
		return err
	}
	if err := writeKey(p.paths.level2Key(), level2Key); err != nil {
		return err
	}
	if err := writeCerts(p.paths.level2Cert(), level2); err != nil {
		return err
	}
	p.root, p.level2 = root, level2

	p.issuers = make(map[IssuerName]issuingCA, len(Issuers))
	for i, n := range Issuers {
		key := keys[2+i]
		cert, err := signTemplate(caTemplate, caSpec{
			commonName: n.CommonName(), organisation: CAOrganisation, maxPathLen: 0, anyPolicy: true,
			notBefore: notBefore, notAfter: notAfter,
		}.data(), key.Public(), level2, level2Key)
		if err != nil {
			return fmt.Errorf("create %s: %w", n.CommonName(), err)
		}
		if err := writeKey(p.paths.issuerKey(n), key); err != nil {
			return err
		}
		if err := writeCerts(p.paths.issuerCert(n), cert); err != nil {
			return err
		}
		p.issuers[n] = issuingCA{cert: cert, key: key}
	}
	if err := writeCerts(p.paths.ClientCABundle, p.clientCAs()...); err != nil {
		return err
	}

	if err := p.createServerCA(); err != nil {
		return err
	}
	if err := p.renewServerCert(); err != nil {
		return err
	}
	return p.createP12Password()
}

// createServerCA makes the self-signed CA of the portal's TLS server certificate. It is ECDSA P-256, like
// the server certificate, because every TLS handshake of every test verifies it.
func (p *PKI) createServerCA() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("create server CA key: %w", err)
	}
	now := p.now()
	cert, err := signTemplate(caTemplate, caSpec{
		commonName: ServerCAName, organisation: ServerOrganisation, maxPathLen: 0,
		notBefore: now.Add(-caBackdate), notAfter: now.AddDate(serverCAYears, 0, 0),
	}.data(), key.Public(), nil, key)
	if err != nil {
		return fmt.Errorf("create server CA: %w", err)
	}
	if err := writeKey(p.paths.serverCAKey(), key); err != nil {
		return err
	}
	if err := writeCerts(p.paths.ServerCA, cert); err != nil {
		return err
	}
	p.serverCA = cert
	return nil
}

// renewServerCert issues a new server certificate with a new key; the folder's lock must be held.
func (p *PKI) renewServerCert() error {
	caKey, err := readKey(p.paths.serverCAKey())
	if err != nil {
		return fmt.Errorf("renew server certificate: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("create server key: %w", err)
	}
	now := p.now()
	cert, err := signTemplate(serverTemplate, serverTemplateData(now.Add(-caBackdate), now.Add(serverCertValidity)), key.Public(), p.serverCA, caKey)
	if err != nil {
		return fmt.Errorf("create server certificate: %w", err)
	}
	if err := writeKey(p.paths.ServerKey, key); err != nil {
		return err
	}
	return writeCerts(p.paths.ServerCert, cert, p.serverCA)
}

// serverCertNeedsRenewal reports a missing server certificate or one that expires within
// serverCertRenewBefore, so that a demo folder keeps working in a browser for years.
func (p *PKI) serverCertNeedsRenewal() (bool, error) {
	if !exists(p.paths.ServerCert, p.paths.ServerKey) {
		return true, nil
	}
	cert, err := readCert(p.paths.ServerCert)
	if err != nil {
		return false, fmt.Errorf("open server certificate: %w", err)
	}
	return cert.NotAfter.Sub(p.now()) < serverCertRenewBefore, nil
}

// createP12Password writes the random password of the folder's .p12 files, readable by the owner only.
func (p *PKI) createP12Password() error {
	b := make([]byte, p12PasswordBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails: it crashes the program rather than return weak bytes
	pw := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	return writeFileAtomic(p.paths.P12Password, []byte(pw+"\n"), modePrivate)
}

// loadHierarchy reads the CA certificates and the issuing CA keys of an initialised folder.
func (p *PKI) loadHierarchy() error {
	var err error
	if p.root, err = readCert(p.paths.rootCert()); err != nil {
		return fmt.Errorf("open root CA: %w", err)
	}
	if p.level2, err = readCert(p.paths.level2Cert()); err != nil {
		return fmt.Errorf("open level-2 CA: %w", err)
	}
	if p.serverCA, err = readCert(p.paths.ServerCA); err != nil {
		return fmt.Errorf("open server CA: %w", err)
	}
	p.issuers = make(map[IssuerName]issuingCA, len(Issuers))
	for _, n := range Issuers {
		cert, err := readCert(p.paths.issuerCert(n))
		if err != nil {
			return fmt.Errorf("open %s: %w", n.CommonName(), err)
		}
		key, err := readKey(p.paths.issuerKey(n))
		if err != nil {
			return fmt.Errorf("open %s: %w", n.CommonName(), err)
		}
		p.issuers[n] = issuingCA{cert: cert, key: key}
	}
	return nil
}
