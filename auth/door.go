package auth

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"net/http"
	"sync"
	"time"
)

// CardCheck is the door's verdict on the certificate a connection presented in its TLS handshake. The
// handshake itself never fails on a card (the server asks for a certificate without requiring one), so
// that a provider whose card is missing, expired or of an unknown CA gets a page that says so instead of
// a browser error. Everything behind the door reads the verdict: only a verified chain gets further.
type CardCheck struct {
	// Chain is the verified chain, leaf first, ending at a configured UZI CA; nil when refused.
	Chain []*x509.Certificate
	// Presented is the leaf the client sent, NOT verified when Chain is nil: anything read from it is a
	// claim. Nil when the client sent no certificate.
	Presented *x509.Certificate
	// Reason is one of the Handshake* keys when refused, empty when verified.
	Reason string
	// Err is the verification error when refused.
	Err error
}

// Verified reports whether the card passed the door.
func (c CardCheck) Verified() bool { return len(c.Chain) > 0 }

// Door verifies the certificate a client presents with exactly the checks crypto/tls makes for
// RequireAndVerifyClientCert: a chain to the configured UZI CA bundle, using the other certificates the
// client sent as intermediates, every certificate within its validity at the moment of the handshake, and
// the leaf usable for client authentication. Verified chains are kept by the SHA-256 of the presented
// chain and reused only while every certificate in the chain is valid, so that a provider's browser opening
// a new connection does not pay for the chain's signature checks again.
type Door struct {
	roots *x509.CertPool

	mu    sync.Mutex
	cache map[[32]byte]verifiedChain
}

// verifiedChain is a cached verification: the chain and the window in which all of its certificates are
// valid.
type verifiedChain struct {
	chain     []*x509.Certificate
	notBefore time.Time
	notAfter  time.Time
}

// doorCacheSize bounds the cache: a hospital's providers present a few thousand distinct cards a day; when
// the map is full it is emptied, which costs one verification per card again.
const doorCacheSize = 10000

// NewDoor returns a door that admits chains to roots.
func NewDoor(roots *x509.CertPool) *Door {
	return &Door{roots: roots, cache: map[[32]byte]verifiedChain{}}
}

// Check verifies the presented chain (leaf first, as in tls.ConnectionState.PeerCertificates) at now.
func (d *Door) Check(presented []*x509.Certificate, now time.Time) CardCheck {
	if len(presented) == 0 {
		return CardCheck{Reason: HandshakeNoCertificate, Err: errors.New("the client presented no certificate")}
	}
	key := chainKey(presented)
	d.mu.Lock()
	v, ok := d.cache[key]
	d.mu.Unlock()
	if ok && !now.Before(v.notBefore) && !now.After(v.notAfter) {
		return CardCheck{Chain: v.chain, Presented: presented[0]}
	}
	opts := x509.VerifyOptions{
		Roots:         d.roots,
		CurrentTime:   now,
		Intermediates: x509.NewCertPool(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, c := range presented[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := presented[0].Verify(opts)
	if err != nil {
		return CardCheck{Presented: presented[0], Reason: classifyVerification(err, now), Err: err}
	}
	chain := chains[0]
	v = verifiedChain{chain: chain, notBefore: chain[0].NotBefore, notAfter: chain[0].NotAfter}
	for _, c := range chain[1:] {
		if c.NotBefore.After(v.notBefore) {
			v.notBefore = c.NotBefore
		}
		if c.NotAfter.Before(v.notAfter) {
			v.notAfter = c.NotAfter
		}
	}
	d.mu.Lock()
	if len(d.cache) >= doorCacheSize {
		clear(d.cache)
	}
	d.cache[key] = v
	d.mu.Unlock()
	return CardCheck{Chain: chain, Presented: presented[0]}
}

// chainKey is the SHA-256 over the DER of every presented certificate, each prefixed by its length, so
// that no two different chains share a key.
func chainKey(certs []*x509.Certificate) [32]byte {
	h := sha256.New()
	var n [4]byte
	for _, c := range certs {
		l := len(c.Raw)
		n[0], n[1], n[2], n[3] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
		h.Write(n[:])
		h.Write(c.Raw)
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// classifyVerification names the rule a chain broke.
func classifyVerification(err error, now time.Time) string {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return HandshakeUnknownCA
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if invalid.Cert != nil && now.Before(invalid.Cert.NotBefore) {
			return HandshakeNotYetValid
		}
		return HandshakeExpired
	case errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
		return HandshakeKeyUsage
	}
	return HandshakeInvalidCertificate
}

type cardCheckKey struct{}

// WithCardCheck returns ctx carrying the door's verdict on the connection; the HTTP server puts it into
// the base context of every request on that connection.
func WithCardCheck(ctx context.Context, c CardCheck) context.Context {
	return context.WithValue(ctx, cardCheckKey{}, c)
}

// CardCheckOf returns the door's verdict on the request's connection; ok is false when the request came
// through a listener without a door (then the TLS layer's own verification, if any, is what counts).
func CardCheckOf(r *http.Request) (CardCheck, bool) {
	c, ok := r.Context().Value(cardCheckKey{}).(CardCheck)
	return c, ok
}
