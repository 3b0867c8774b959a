// Package auth decides who the caller is: the mutual-TLS configuration, the UZI identity of the client
// certificate, revocation, admission and the provider's session. It knows UZI and AGB; it does not know
// patients.
package auth

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// ErrNoCertificate means the request carries no verified client certificate: the door refused the card
// (or none was presented). The portal's door middleware stops such requests before any handler; this
// guards handlers all the same.
var ErrNoCertificate = errors.New("no verified client certificate")

// ServerTLSConfig builds the TLS configuration of DESIGN.md §2.1: a client certificate is asked for (its
// CA names are the UZI CA bundle, so that a browser offers the card) but not required by the handshake:
// the DoorListener verifies it in VerifyConnection with the Door, against the same bundle, so that a
// missing or invalid card gets a page instead of a browser error. TLS 1.2 at least (1.3 preferred by Go
// whenever the client offers it), at most maxVersion when set (smartcard middleware that cannot sign
// RSA-PSS, which TLS 1.3 requires for the client's signature, needs "1.2"), and only AEAD cipher suites
// with forward secrecy for TLS 1.2.
//
// TLS session resumption is off. A resumed connection proves only that the client holds the secret of an
// earlier session (a ticket and its key, which live in the browser's memory and can be copied), not the
// card: crypto/tls would hand it the earlier connection's verified chain and the portal would log it in as
// the card holder, for as long as the ticket lives, after a logout and with the card pulled. Every new
// connection therefore makes a full handshake in which the card signs. crypto/tls keeps no server-side
// session cache; tickets are its only way to resume, and SessionTicketsDisabled switches them off for TLS
// 1.2 and 1.3 alike.
func ServerTLSConfig(certFile, keyFile, clientCAFile, minVersion, maxVersion string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("auth: server certificate (tls.cert_file, tls.key_file): %w", err)
	}
	pool, err := LoadCertPool(clientCAFile)
	if err != nil {
		return nil, fmt.Errorf("auth: client CA bundle (tls.client_ca_file): %w", err)
	}
	version := uint16(tls.VersionTLS12)
	if minVersion == "1.3" {
		version = tls.VersionTLS13
	}
	var max uint16 // zero: the highest crypto/tls supports
	if maxVersion == "1.2" {
		max = tls.VersionTLS12
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequestClientCert,
		ClientCAs:    pool,
		MinVersion:   version,
		MaxVersion:   max,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		NextProtos:             []string{"h2", "http/1.1"},
		SessionTicketsDisabled: true,
	}, nil
}

// LoadCertPool reads a PEM bundle of CA certificates and refuses a file without any.
func LoadCertPool(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// ClientCertificate returns the verified leaf certificate of the request and its chain: the door's
// verified chain (DoorListener), or the TLS layer's VerifiedChains behind a listener without a door. Either
// way the chain is known to lead to one of the configured UZI CAs.
func ClientCertificate(r *http.Request) (leaf *x509.Certificate, chain []*x509.Certificate, err error) {
	if check, ok := CardCheckOf(r); ok {
		if !check.Verified() {
			return nil, nil, fmt.Errorf("%w: %s", ErrNoCertificate, check.Reason)
		}
		return check.Chain[0], check.Chain, nil
	}
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return nil, nil, ErrNoCertificate
	}
	chain = r.TLS.VerifiedChains[0]
	return chain[0], chain, nil
}

// Fingerprint is the SHA-256 of the certificate's DER, in hex; sessions are bound to it and the access
// log records it.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}
