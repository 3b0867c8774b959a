package auth

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// ocspChecker asks a card's OCSP responder (the UZI-register's answers for every issuing CA, signed by a
// delegated responder certificate) and remembers the answers until they expire, so that a session start
// costs at most one round trip per card and a "revoked" answer can be enforced on every request.
type ocspChecker struct {
	client  *http.Client
	timeout time.Duration
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]ocspAnswer // key: certificate fingerprint
}

type ocspAnswer struct {
	revoked bool
	until   time.Time
}

// ocspDefaultTTL is how long an answer without nextUpdate is reused.
const ocspDefaultTTL = 5 * time.Minute

// maxOCSPResponse bounds an OCSP answer: a few kilobytes with the responder certificate.
const maxOCSPResponse = 1 << 20

// errNoResponder means the certificate names no OCSP responder.
var errNoResponder = errors.New("the certificate names no OCSP responder")

func newOCSPChecker(client *http.Client, timeout time.Duration, now func() time.Time) *ocspChecker {
	return &ocspChecker{client: client, timeout: timeout, now: now, cache: map[string]ocspAnswer{}}
}

// knownRevoked reports whether a still-valid OCSP answer said the certificate is revoked. A revocation is
// kept even after the answer's nextUpdate: revocation is final.
func (o *ocspChecker) knownRevoked(leaf *x509.Certificate) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.cache[Fingerprint(leaf)]
	return ok && a.revoked
}

// check returns whether the responder says the certificate is revoked. An error means no usable answer
// (unreachable, unsigned, "unknown", expired); the caller then relies on the CRL.
func (o *ocspChecker) check(ctx context.Context, leaf, issuer *x509.Certificate) (bool, error) {
	key := Fingerprint(leaf)
	now := o.now()
	o.mu.Lock()
	if a, ok := o.cache[key]; ok && (a.revoked || now.Before(a.until)) {
		o.mu.Unlock()
		return a.revoked, nil
	}
	o.mu.Unlock()

	if len(leaf.OCSPServer) == 0 {
		return false, errNoResponder
	}
	reqDER, err := ocsp.CreateRequest(leaf, issuer, nil)
	if err != nil {
		return false, fmt.Errorf("auth: OCSP request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, leaf.OCSPServer[0], bytes.NewReader(reqDER))
	if err != nil {
		return false, fmt.Errorf("auth: OCSP request: %w", err)
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	req.Header.Set("Accept", "application/ocsp-response")
	resp, err := o.client.Do(req)
	if err != nil {
		return false, fmt.Errorf("auth: OCSP: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("auth: OCSP %s: HTTP status %s", leaf.OCSPServer[0], resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOCSPResponse))
	if err != nil {
		return false, fmt.Errorf("auth: OCSP: %w", err)
	}
	// ParseResponseForCert checks that the answer is about this certificate and is signed by the issuing CA
	// or by a responder certificate that CA issued for OCSP signing.
	answer, err := ocsp.ParseResponseForCert(body, leaf, issuer)
	if err != nil {
		return false, fmt.Errorf("auth: OCSP answer: %w", err)
	}
	if answer.ThisUpdate.After(now.Add(maxClockSkew)) {
		return false, fmt.Errorf("auth: OCSP answer has thisUpdate %s in the future", answer.ThisUpdate.UTC().Format(time.RFC3339))
	}
	if !answer.NextUpdate.IsZero() && now.After(answer.NextUpdate) {
		return false, fmt.Errorf("auth: OCSP answer expired at %s", answer.NextUpdate.UTC().Format(time.RFC3339))
	}
	until := now.Add(ocspDefaultTTL)
	if !answer.NextUpdate.IsZero() && answer.NextUpdate.Before(until) {
		until = answer.NextUpdate
	}
	switch answer.Status {
	case ocsp.Good:
		o.remember(key, ocspAnswer{until: until})
		return false, nil
	case ocsp.Revoked:
		o.remember(key, ocspAnswer{revoked: true, until: until})
		return true, nil
	}
	return false, errors.New("auth: the OCSP responder does not know the certificate")
}

func (o *ocspChecker) remember(key string, a ocspAnswer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.cache) > 100_000 { // bounded: answers are cheap to ask again
		clear(o.cache)
	}
	o.cache[key] = a
}
