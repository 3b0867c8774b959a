package devpki

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fixtureCards are the cards of the shared fixture folder: a Z card, an N card, and the revoked and the
// expired card. RSA key generation dominates the run time, so the tests share one folder and never ask
// for the whole table.
var fixtureCards = []string{CardGP, CardEmployee, CardRevoked, CardExpired}

// fixture is the folder made once per test binary by fixtureDir; tests copy it before changing anything.
var fixture struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		_ = os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// fixtureDir returns the shared, read-only fixture folder.
func fixtureDir(t testing.TB) string {
	t.Helper()
	fixture.once.Do(func() {
		dir, err := os.MkdirTemp("", "devpki-fixture-")
		if err != nil {
			fixture.err = err
			return
		}
		fixture.dir = dir
		_, fixture.err = Ensure(context.Background(), Options{Dir: dir, Cards: fixtureCards})
	})
	if fixture.err != nil {
		t.Fatalf("create fixture PKI: %v", fixture.err)
	}
	return fixture.dir
}

// sharedPKI opens the fixture folder for tests that only read.
func sharedPKI(t testing.TB) *PKI {
	t.Helper()
	p, err := Ensure(context.Background(), Options{Dir: fixtureDir(t), Cards: fixtureCards})
	if err != nil {
		t.Fatalf("open fixture PKI: %v", err)
	}
	return p
}

// privateCopy copies the fixture folder into a test's own temporary folder, for tests that revoke, renew
// or add cards; it returns the folder.
func privateCopy(t testing.TB) string {
	t.Helper()
	src := fixtureDir(t)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			_ = out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy fixture: %v", err)
	}
	return dst
}

// openCopy opens a private copy of the fixture.
func openCopy(t testing.TB) *PKI {
	t.Helper()
	p, err := Ensure(context.Background(), Options{Dir: privateCopy(t), Cards: fixtureCards})
	if err != nil {
		t.Fatalf("open copy of fixture: %v", err)
	}
	return p
}

func mustCard(t testing.TB, p *PKI, name string) *Card {
	t.Helper()
	c, err := p.Card(name)
	if err != nil {
		t.Fatalf("Card(%q): %v", name, err)
	}
	return c
}

// extension returns the value of the certificate's extension with the given OID.
func extension(t testing.TB, c *x509.Certificate, oid asn1.ObjectIdentifier) (value []byte, critical bool) {
	t.Helper()
	for _, e := range c.Extensions {
		if e.Id.Equal(oid) {
			return e.Value, e.Critical
		}
	}
	t.Fatalf("certificate %q has no extension %s", c.Subject.CommonName, oid)
	return nil, false
}

// der encodes one TLV by hand, so that tests state the expected bytes independently of encoding/asn1.
func der(tag byte, content ...[]byte) []byte {
	var body []byte
	for _, c := range content {
		body = append(body, c...)
	}
	n := len(body)
	var length []byte
	switch {
	case n < 0x80:
		length = []byte{byte(n)}
	case n < 0x100:
		length = []byte{0x81, byte(n)}
	default:
		length = []byte{0x82, byte(n >> 8), byte(n)}
	}
	return append(append([]byte{tag}, length...), body...)
}

// expectedOtherName is otherName ::= [0] { type-id OID, [0] EXPLICIT value }, the value being a string
// with the given universal tag.
func expectedOtherName(oidDER []byte, stringTag byte, value string) []byte {
	return der(0xa0, oidDER, der(0xa0, der(stringTag, []byte(value))))
}

var (
	// oidDERUZI is the DER of OID 2.5.5.5, as in a real card: 06 03 55 05 05.
	oidDERUZI = []byte{0x06, 0x03, 0x55, 0x05, 0x05}
	// oidDERUPN is the DER of OID 1.3.6.1.4.1.311.20.2.3.
	oidDERUPN = []byte{0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03}
	oidSAN    = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidKU     = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBC     = asn1.ObjectIdentifier{2, 5, 29, 19}
)

func oid(t testing.TB, s string) x509.OID {
	t.Helper()
	o, err := x509.ParseOID(s)
	if err != nil {
		t.Fatalf("parse OID %s: %v", s, err)
	}
	return o
}

func nameValue(c *x509.Certificate, attr string) string {
	for _, n := range c.Subject.Names {
		if n.Type.String() == attr {
			return fmt.Sprint(n.Value)
		}
	}
	return ""
}
