package devpki

import (
	"crypto"
	"crypto/x509"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// This file writes the PKCS#12 (RFC 7292) file through which a developer imports a card into a browser.
// It uses go-pkcs12's Modern2023 encoder, which writes what OpenSSL 3 writes by default and what NSS
// (Chromium, Firefox) and OpenSSL both import: the key and the certificates encrypted with PBES2
// (PBKDF2-HMAC-SHA256, AES-256-CBC, 2048 iterations) and an HMAC-SHA256 integrity MAC. Key and leaf
// certificate are paired by a localKeyId (the SHA-1 of the certificate), which is how NSS and OpenSSL
// pair them; the encoder writes no friendlyName, so a browser names the card by its subject.

// encodePKCS12 returns a password-protected PKCS#12 file with the key, its certificate and the chain.
func encodePKCS12(key crypto.PrivateKey, leaf *x509.Certificate, chain []*x509.Certificate, password string) ([]byte, error) {
	der, err := pkcs12.Modern2023.Encode(key, leaf, chain, password)
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12: %w", err)
	}
	return der, nil
}
