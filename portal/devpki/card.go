package devpki

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// Credential is one certificate of a card with its key, in the two forms tests need: the parsed
// certificate for assertions and a tls.Certificate (with the chain a card sends) for a TLS client.
type Credential struct {
	// Certificate is the card certificate itself.
	Certificate *x509.Certificate
	// Key is its private key.
	Key *rsa.PrivateKey
	// TLS holds the certificate, the issuing CA and the level-2 CA, and the key; Leaf is set.
	TLS tls.Certificate
}

// Card is a test card as a browser or a test client would use it: the authentication certificate to log
// in with, and the signing and encryption certificates that the portal must refuse. The values are read
// from the data folder on every call, so they may be changed freely by the caller.
type Card struct {
	// Spec is the card's row in Cards.
	Spec CardSpec
	// Authentication is the certificate for TLS client authentication.
	Authentication Credential
	// Signing is the handtekening certificate (nonRepudiation).
	Signing Credential
	// Encryption is the vertrouwelijkheid certificate (keyEncipherment, dataEncipherment).
	Encryption Credential
	// Chain is the issuing CA followed by the level-2 CA, as sent after the leaf.
	Chain []*x509.Certificate
	// Files are the card's files in the data folder.
	Files CardFiles
}

// Credential returns the certificate of the given usage, so that tests can range over Usages.
func (c *Card) Credential(u Usage) Credential {
	switch u {
	case UsageSigning:
		return c.Signing
	case UsageEncryption:
		return c.Encryption
	}
	return c.Authentication
}

// Card opens a card from the data folder. It returns ErrUnknownCard for a name not in Cards and
// ErrCardNotCreated for a card that this folder was not asked to create.
func (p *PKI) Card(name string) (*Card, error) {
	spec, err := CardByName(name)
	if err != nil {
		return nil, err
	}
	files := p.paths.cardFiles(name)
	if !exists(files.all()...) {
		return nil, fmt.Errorf("%w: %q (add it to Options.Cards)", ErrCardNotCreated, name)
	}
	card := &Card{Spec: spec, Files: files}
	for _, u := range Usages {
		certPath, keyPath := files.certAndKey(u)
		cred, chain, err := loadCredential(certPath, keyPath)
		if err != nil {
			return nil, fmt.Errorf("open card %s: %w", name, err)
		}
		switch u {
		case UsageAuthentication:
			card.Authentication = cred
			card.Chain = chain
		case UsageSigning:
			card.Signing = cred
		case UsageEncryption:
			card.Encryption = cred
		}
	}
	return card, nil
}

// loadCredential reads a certificate file (leaf first, then its chain) and its key.
func loadCredential(certPath, keyPath string) (Credential, []*x509.Certificate, error) {
	certs, err := readCerts(certPath)
	if err != nil {
		return Credential{}, nil, err
	}
	signer, err := readKey(keyPath)
	if err != nil {
		return Credential{}, nil, err
	}
	key, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return Credential{}, nil, fmt.Errorf("card key is %T, want RSA", signer)
	}
	raw := make([][]byte, len(certs))
	for i, c := range certs {
		raw[i] = c.Raw
	}
	return Credential{
		Certificate: certs[0],
		Key:         key,
		TLS:         tls.Certificate{Certificate: raw, PrivateKey: key, Leaf: certs[0]},
	}, certs[1:], nil
}
