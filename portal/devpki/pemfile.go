package devpki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File modes: private keys and secrets are readable by the owner only; certificates by everyone.
const (
	modePrivate fs.FileMode = 0o600
	modePublic  fs.FileMode = 0o644
	modeDir     fs.FileMode = 0o755
	modePKIDir  fs.FileMode = 0o700
)

// writeFileAtomic writes through a temporary file and a rename, so that another process reading the file
// (the CRL handler of a running demo server) sees either the old or the new content, never half of it.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// encodeCerts returns the certificates as concatenated PEM blocks.
func encodeCerts(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// encodeKey returns the key as an unencrypted PKCS#8 PEM block, the format Go, openssl and curl all read.
func encodeKey(key crypto.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func writeCerts(path string, certs ...*x509.Certificate) error {
	return writeFileAtomic(path, encodeCerts(certs...), modePublic)
}

func writeKey(path string, key crypto.PrivateKey) error {
	b, err := encodeKey(key)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b, modePrivate)
}

// readCerts reads every CERTIFICATE block of a PEM file, in order.
func readCerts(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read certificates: %w", err)
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate in %s: %w", filepath.Base(path), err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("read certificates: no certificate in %s", filepath.Base(path))
	}
	return certs, nil
}

// readCert reads the first certificate of a PEM file.
func readCert(path string) (*x509.Certificate, error) {
	certs, err := readCerts(path)
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// readKey reads a PKCS#8 PEM private key.
func readKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("read private key: no PKCS#8 PEM block in %s", filepath.Base(path))
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse private key in %s: %w", filepath.Base(path), err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("parse private key in %s: %T is not a signer", filepath.Base(path), k)
	}
	return s, nil
}

// exists reports whether every path exists; any error other than "does not exist" counts as present so
// that it surfaces when the file is read, instead of triggering a silent re-creation.
func exists(paths ...string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}
