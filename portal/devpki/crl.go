package devpki

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"
)

// crlRenewBefore is how close to its nextUpdate a CRL is re-issued: halfway through its validity, so that
// a client that fetched it just before still has hours left.
const crlRenewBefore = crlValidity / 2

// CRL returns the current CRL (DER) of an issuing CA as the data folder holds it, re-issuing it first when
// its nextUpdate is near. Reading the file rather than asking an authority is what lets a server show a
// revocation made by another process. When re-issuing fails (another operation holds the lock too long)
// a CRL that has not yet passed its nextUpdate is still returned, because it is still valid.
func (p *PKI) CRL(ctx context.Context, n IssuerName) ([]byte, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	der, crl, readErr := p.readCRL(n)
	if readErr == nil && !crlStale(crl) {
		return der, nil
	}
	if err := p.renewStaleCRL(ctx, n); err != nil {
		if readErr == nil && time.Now().Before(crl.NextUpdate) {
			return der, nil
		}
		return nil, fmt.Errorf("renew CRL of %s: %w", n.CommonName(), err)
	}
	der, _, err := p.readCRL(n)
	return der, err
}

// RefreshCRL re-issues the CRL of an issuing CA now, whatever its age; a CLI command or a test that
// wants a new CRL number uses it.
func (p *PKI) RefreshCRL(ctx context.Context, n IssuerName) error {
	if err := n.check(); err != nil {
		return err
	}
	return p.withLock(ctx, func() error { return p.withAuthority(n, nil) })
}

// renewStaleCRL re-issues the CRL unless, once the lock is held, it turns out that another request or
// process already did; that keeps a burst of requests from issuing one CRL each.
func (p *PKI) renewStaleCRL(ctx context.Context, n IssuerName) error {
	return p.withLock(ctx, func() error {
		if _, crl, err := p.readCRL(n); err == nil && !crlStale(crl) {
			return nil
		}
		return p.withAuthority(n, nil)
	})
}

// readCRL reads and parses the CRL file of an issuing CA.
func (p *PKI) readCRL(n IssuerName) ([]byte, *x509.RevocationList, error) {
	der, err := os.ReadFile(p.paths.crl(n))
	if err != nil {
		return nil, nil, fmt.Errorf("read CRL of %s: %w", n.CommonName(), err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parse CRL of %s: %w", n.CommonName(), err)
	}
	return der, crl, nil
}

// crlStale reports a CRL within crlRenewBefore of its nextUpdate.
func crlStale(crl *x509.RevocationList) bool {
	return time.Until(crl.NextUpdate) < crlRenewBefore
}

// CRLHandler serves the CRLs of both issuing CAs at the paths of their distribution points (with the
// default base URL: GET /crl/zorgverlener-ca.crl and /crl/medewerker-op-naam-ca.crl), as DER with
// Content-Type application/pkix-crl. The portal's revocation check downloads them from there exactly as
// it downloads the UZI-register's CRLs in production. Mount it on the path of CRLBaseURL without
// stripping the prefix.
func (p *PKI) CRLHandler() http.Handler {
	base := "/"
	if u, err := url.Parse(p.crlBaseURL); err == nil && u.Path != "" {
		base = u.Path
	}
	mux := http.NewServeMux()
	for _, n := range Issuers {
		mux.HandleFunc("GET "+base+n.CRLFileName(), func(w http.ResponseWriter, r *http.Request) {
			der, err := p.CRL(r.Context(), n)
			if err != nil {
				slog.ErrorContext(r.Context(), "development CRL unavailable", "issuer", string(n), "error", err)
				http.Error(w, "CRL temporarily unavailable", http.StatusServiceUnavailable)
				return
			}
			h := w.Header()
			h.Set("Content-Type", "application/pkix-crl")
			h.Set("Content-Length", strconv.Itoa(len(der)))
			// Clients cache by nextUpdate; the HTTP layer must not hide a fresh revocation in the demo.
			h.Set("Cache-Control", "no-cache")
			_, _ = w.Write(der)
		})
	}
	return mux
}
