package devpki

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// PKI is an opened development PKI. It holds only certificates and the issuing CA keys in memory; card
// files, CRLs and the authorities' databases are read from the data folder when needed, so that several
// PKI values — in one process or in several — can work on the same folder and see each other's changes.
type PKI struct {
	paths       Paths
	crlBaseURL  string
	now         func() time.Time
	lockTimeout time.Duration

	root     *x509.Certificate
	level2   *x509.Certificate
	serverCA *x509.Certificate
	issuers  map[IssuerName]issuingCA
}

// pendingWork is what Ensure still has to do in a folder.
type pendingWork struct {
	initialise  bool
	renewServer bool
	crls        []IssuerName
	cards       []CardSpec
}

func (w pendingWork) empty() bool {
	return !w.initialise && !w.renewServer && len(w.crls) == 0 && len(w.cards) == 0
}

// Ensure creates the development PKI in opts.Dir on first use and opens it afterwards. Re-opening a
// complete folder only reads files — no key generation, no lock, no authority — so a command such as
// "pki revoke" can call it while the demo server runs. Missing parts (a card not created before, a deleted
// CRL, a server certificate close to expiry) are created under the folder's lock.
func Ensure(ctx context.Context, opts Options) (*PKI, error) {
	o, specs, err := opts.normalise()
	if err != nil {
		return nil, err
	}
	p := &PKI{paths: newPaths(o.Dir), now: o.Now, lockTimeout: o.LockTimeout}
	w, err := p.survey(o.CRLBaseURL, specs)
	if err != nil {
		return nil, err
	}
	if w.empty() {
		return p, nil
	}
	if err := p.complete(ctx, o.CRLBaseURL, specs); err != nil {
		return nil, err
	}
	return p, nil
}

// survey opens what exists in the folder and reports what is missing.
func (p *PKI) survey(crlBaseURL string, specs []CardSpec) (pendingWork, error) {
	m, ok, err := readManifest(p.paths.manifest())
	if err != nil {
		return pendingWork{}, err
	}
	if !ok {
		return pendingWork{initialise: true, crls: Issuers, cards: specs}, nil
	}
	if crlBaseURL != "" && crlBaseURL != m.CRLBaseURL {
		return pendingWork{}, fmt.Errorf("%w: folder has %s, options say %s", ErrCRLBaseURLChanged, m.CRLBaseURL, crlBaseURL)
	}
	p.crlBaseURL = m.CRLBaseURL
	if err := p.loadHierarchy(); err != nil {
		return pendingWork{}, err
	}
	var w pendingWork
	w.renewServer, err = p.serverCertNeedsRenewal()
	if err != nil {
		return pendingWork{}, err
	}
	for _, n := range Issuers {
		if !exists(p.paths.crl(n)) {
			w.crls = append(w.crls, n)
		}
	}
	for _, s := range specs {
		if !exists(p.paths.cardFiles(s.Name).all()...) {
			w.cards = append(w.cards, s)
		}
	}
	return w, nil
}

// complete does the pending work under the folder's lock, surveying again first because another process
// may have done part of it while this one waited.
func (p *PKI) complete(ctx context.Context, crlBaseURL string, specs []CardSpec) (err error) {
	if err := os.MkdirAll(p.paths.PKIDir, modePKIDir); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	release, err := acquireLock(ctx, p.paths.lockFile(), p.lockTimeout)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, release()) }()

	w, err := p.survey(crlBaseURL, specs)
	if err != nil {
		return err
	}
	if w.initialise {
		p.crlBaseURL = crlBaseURL
		if p.crlBaseURL == "" {
			p.crlBaseURL = DefaultCRLBaseURL
		}
		if err := p.createHierarchy(ctx); err != nil {
			return err
		}
		if err := writeManifest(p.paths.manifest(), manifest{Version: manifestVersion, CRLBaseURL: p.crlBaseURL, Created: p.now().UTC()}); err != nil {
			return err
		}
	}
	if w.renewServer {
		if err := p.renewServerCert(); err != nil {
			return err
		}
	}
	for _, n := range w.crls {
		if err := p.withAuthority(n, nil); err != nil {
			return err
		}
	}
	return p.createCards(ctx, w.cards)
}

// withLock runs fn under the folder's lock; every operation that opens an authority goes through it.
func (p *PKI) withLock(ctx context.Context, fn func() error) (err error) {
	release, err := acquireLock(ctx, p.paths.lockFile(), p.lockTimeout)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, release()) }()
	return fn()
}

// Paths returns the files that the portal, curl and browsers use.
func (p *PKI) Paths() Paths {
	return p.paths
}

// CardFiles returns the files of a card, for commands that tell a developer what to import.
func (p *PKI) CardFiles(name string) (CardFiles, error) {
	if _, err := CardByName(name); err != nil {
		return CardFiles{}, err
	}
	return p.paths.cardFiles(name), nil
}

// CRLBaseURL is the URL prefix under which CRLHandler must be reachable for the cards' distribution points
// to work; the demo server derives its CRL route from it.
func (p *PKI) CRLBaseURL() string {
	return p.crlBaseURL
}

// CRLURL is the CRL distribution point written into the cards of one issuing CA.
func (p *PKI) CRLURL(n IssuerName) string {
	return p.crlBaseURL + n.CRLFileName()
}

// Root is the trust anchor of the development UZI hierarchy.
func (p *PKI) Root() *x509.Certificate {
	return p.root
}

// Level2CA is the intermediate between the root and the issuing CAs; it is part of every card's chain.
func (p *PKI) Level2CA() *x509.Certificate {
	return p.level2
}

// IssuingCA returns the certificate of an issuing CA, against which CRL signatures are checked.
func (p *PKI) IssuingCA(n IssuerName) (*x509.Certificate, error) {
	ca, err := p.issuingCA(n)
	if err != nil {
		return nil, err
	}
	return ca.cert, nil
}

// ServerCA is the CA of the TLS server certificate, which clients in tests must trust to reach the portal.
func (p *PKI) ServerCA() *x509.Certificate {
	return p.serverCA
}

// ClientCAs returns the same certificates as the ClientCABundle file as a pool, for tests that build the
// portal's tls.Config in memory.
func (p *PKI) ClientCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range p.clientCAs() {
		pool.AddCert(c)
	}
	return pool
}

// ServerTLSCertificate loads the portal's server certificate and key, with the server CA as chain.
func (p *PKI) ServerTLSCertificate() (tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(p.paths.ServerCert, p.paths.ServerKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("load server certificate: %w", err)
	}
	return c, nil
}

// P12Password returns the password of the folder's .p12 files, which a developer types at the browser
// import; it is random per folder so that a committed-by-mistake .p12 is not trivially usable.
func (p *PKI) P12Password() (string, error) {
	b, err := os.ReadFile(p.paths.P12Password)
	if err != nil {
		return "", fmt.Errorf("read PKCS#12 password: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// issuingCA returns the certificate and key of an issuing CA.
func (p *PKI) issuingCA(n IssuerName) (issuingCA, error) {
	if err := n.check(); err != nil {
		return issuingCA{}, err
	}
	return p.issuers[n], nil
}

// clientCAs is the content of the client CA bundle: root, level-2 and the issuing CAs.
func (p *PKI) clientCAs() []*x509.Certificate {
	certs := []*x509.Certificate{p.root, p.level2}
	for _, n := range Issuers {
		certs = append(certs, p.issuers[n].cert)
	}
	return certs
}
