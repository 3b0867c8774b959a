package devpki

import "path/filepath"

// Paths are the files that other programs use directly: the portal's TLS configuration, curl, the browser
// import of a card. Everything else in the data folder is private to this package.
type Paths struct {
	// Dir is the data folder given in Options.Dir.
	Dir string
	// ServerCA is the certificate of the server CA, for curl --cacert and for a browser that should trust
	// the portal.
	ServerCA string
	// ServerCert is the portal's TLS server certificate followed by the server CA.
	ServerCert string
	// ServerKey is the key of ServerCert (PKCS#8, mode 0600).
	ServerKey string
	// ClientCABundle holds root, level-2 and both issuing CAs: the portal's tls ClientCAs.
	ClientCABundle string
	// CardsDir holds the card files; see CardFiles.
	CardsDir string
	// P12Password is the file with the password of every .p12 file in CardsDir.
	P12Password string
	// PKIDir holds CA keys, the authorities' databases, the CRLs and the lock file.
	PKIDir string
}

// CardFiles are the files of one card. The .pem files hold the certificate followed by its issuing CA and
// the level-2 CA, the chain a client sends; the .key files are unencrypted PKCS#8 (mode 0600).
type CardFiles struct {
	// Certificate is the authentication certificate, the one used to log in, with its chain.
	Certificate string
	// Key is the key of the authentication certificate.
	Key string
	// PKCS12 is the authentication key, certificate and chain for a browser import.
	PKCS12 string
	// SigningCertificate is the handtekening certificate with its chain, which the portal must refuse.
	SigningCertificate string
	// SigningKey is the key of the signing certificate.
	SigningKey string
	// EncryptionCertificate is the vertrouwelijkheid certificate with its chain, also refused for login.
	EncryptionCertificate string
	// EncryptionKey is the key of the encryption certificate.
	EncryptionKey string
}

func newPaths(dir string) Paths {
	cards := filepath.Join(dir, "cards")
	return Paths{
		Dir:            dir,
		ServerCA:       filepath.Join(dir, "ca.pem"),
		ServerCert:     filepath.Join(dir, "server.pem"),
		ServerKey:      filepath.Join(dir, "server.key"),
		ClientCABundle: filepath.Join(dir, "uzi-ca-bundle.pem"),
		CardsDir:       cards,
		P12Password:    filepath.Join(cards, "p12-password.txt"),
		PKIDir:         filepath.Join(dir, "pki"),
	}
}

// cardFiles derives the files of the card with the given name.
func (p Paths) cardFiles(name string) CardFiles {
	base := filepath.Join(p.CardsDir, name)
	return CardFiles{
		Certificate:           base + ".pem",
		Key:                   base + ".key",
		PKCS12:                base + ".p12",
		SigningCertificate:    base + UsageSigning.fileSuffix() + ".pem",
		SigningKey:            base + UsageSigning.fileSuffix() + ".key",
		EncryptionCertificate: base + UsageEncryption.fileSuffix() + ".pem",
		EncryptionKey:         base + UsageEncryption.fileSuffix() + ".key",
	}
}

// all lists the files of a card with PKCS12 last: it is written last, so its presence marks a complete card.
func (f CardFiles) all() []string {
	return []string{f.Certificate, f.Key, f.SigningCertificate, f.SigningKey, f.EncryptionCertificate, f.EncryptionKey, f.PKCS12}
}

// certAndKey returns the certificate and key file of one usage.
func (f CardFiles) certAndKey(u Usage) (cert, key string) {
	switch u {
	case UsageSigning:
		return f.SigningCertificate, f.SigningKey
	case UsageEncryption:
		return f.EncryptionCertificate, f.EncryptionKey
	}
	return f.Certificate, f.Key
}

// Private files in PKIDir.
func (p Paths) manifest() string               { return filepath.Join(p.PKIDir, "manifest.json") }
func (p Paths) lockFile() string               { return filepath.Join(p.PKIDir, "lock") }
func (p Paths) rootCert() string               { return filepath.Join(p.PKIDir, "root-ca.pem") }
func (p Paths) rootKey() string                { return filepath.Join(p.PKIDir, "root-ca.key") }
func (p Paths) level2Cert() string             { return filepath.Join(p.PKIDir, "level2-ca.pem") }
func (p Paths) level2Key() string              { return filepath.Join(p.PKIDir, "level2-ca.key") }
func (p Paths) serverCAKey() string            { return filepath.Join(p.PKIDir, "server-ca.key") }
func (p Paths) crlDir() string                 { return filepath.Join(p.PKIDir, "crl") }
func (p Paths) issuerCert(n IssuerName) string { return filepath.Join(p.PKIDir, string(n)+".pem") }
func (p Paths) issuerKey(n IssuerName) string  { return filepath.Join(p.PKIDir, string(n)+".key") }
func (p Paths) authorityDB(n IssuerName) string {
	return filepath.Join(p.PKIDir, string(n)+".bbolt")
}
func (p Paths) crl(n IssuerName) string { return filepath.Join(p.crlDir(), n.CRLFileName()) }
