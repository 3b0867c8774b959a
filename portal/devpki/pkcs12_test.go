package devpki

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The PKCS#12 files are checked with the programs that have to read them: OpenSSL and NSS's pk12util
// (NSS is the certificate store of Chromium and Firefox). A missing program skips its test.

func TestPKCS12OpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	p := sharedPKI(t)
	pw, err := p.P12Password()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{CardGP, CardEmployee} {
		t.Run(name, func(t *testing.T) {
			card := mustCard(t, p, name)
			out, err := exec.Command(openssl, "pkcs12", "-in", card.Files.PKCS12, "-passin", "pass:"+pw, "-nodes").CombinedOutput()
			if err != nil {
				t.Fatalf("openssl pkcs12: %v\n%s", err, out)
			}
			var certs []*x509.Certificate
			var key any
			for rest := out; ; {
				var block *pem.Block
				block, rest = pem.Decode(rest)
				if block == nil {
					break
				}
				switch block.Type {
				case "CERTIFICATE":
					c, err := x509.ParseCertificate(block.Bytes)
					if err != nil {
						t.Fatal(err)
					}
					certs = append(certs, c)
				case "PRIVATE KEY":
					if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
						t.Fatal(err)
					}
				}
			}
			want := append([]*x509.Certificate{card.Authentication.Certificate}, card.Chain...)
			if len(certs) != len(want) {
				t.Fatalf("%d certificates in the file, want %d", len(certs), len(want))
			}
			for i := range want {
				if !certs[i].Equal(want[i]) {
					t.Errorf("certificate %d is %q, want %q", i, certs[i].Subject.CommonName, want[i].Subject.CommonName)
				}
			}
			if !card.Authentication.Key.Equal(key) {
				t.Error("the key in the file is not the authentication key")
			}
			if !bytes.Contains(out, []byte("friendlyName: "+friendlyName(card.Spec))) {
				t.Errorf("friendlyName missing:\n%s", out)
			}
			if out, err := exec.Command(openssl, "pkcs12", "-in", card.Files.PKCS12, "-passin", "pass:wrong", "-nodes").CombinedOutput(); err == nil {
				t.Errorf("openssl accepted a wrong password:\n%s", out)
			}
		})
	}
}

func TestPKCS12NSS(t *testing.T) {
	pk12util, err1 := exec.LookPath("pk12util")
	certutil, err2 := exec.LookPath("certutil")
	if err1 != nil || err2 != nil {
		t.Skip("pk12util/certutil (libnss3-tools) not installed")
	}
	p := sharedPKI(t)
	pw, err := p.P12Password()
	if err != nil {
		t.Fatal(err)
	}
	card := mustCard(t, p, CardGP)
	db := "sql:" + filepath.Join(t.TempDir())
	run := func(name string, args ...string) (string, error) {
		out, err := exec.Command(name, args...).CombinedOutput()
		return string(out), err
	}
	if out, err := run(certutil, "-N", "-d", db, "--empty-password"); err != nil {
		t.Fatalf("certutil -N: %v\n%s", err, out)
	}
	if out, err := run(pk12util, "-i", card.Files.PKCS12, "-d", db, "-W", "wrong", "-K", ""); err == nil {
		t.Errorf("pk12util accepted a wrong password:\n%s", out)
	}
	if out, err := run(pk12util, "-i", card.Files.PKCS12, "-d", db, "-W", pw, "-K", ""); err != nil {
		t.Fatalf("pk12util -i: %v\n%s", err, out)
	}
	nick := friendlyName(card.Spec)
	out, err := run(certutil, "-L", "-d", db)
	if err != nil {
		t.Fatalf("certutil -L: %v\n%s", err, out)
	}
	// "u,u,u": NSS paired the certificate with the imported key, so a browser offers it as a client certificate.
	if !strings.Contains(out, nick) || !strings.Contains(out, "u,u,u") || !strings.Contains(out, ZorgverlenerCAName) {
		t.Errorf("certificate list:\n%s", out)
	}
	out, err = run(certutil, "-L", "-d", db, "-n", nick, "-a")
	if err != nil {
		t.Fatalf("certutil -L -n: %v\n%s", err, out)
	}
	block, _ := pem.Decode([]byte(out))
	if block == nil || !bytes.Equal(block.Bytes, card.Authentication.Certificate.Raw) {
		t.Errorf("NSS holds another certificate under %q", nick)
	}
	if out, err := run(certutil, "-K", "-d", db); err != nil || !strings.Contains(out, nick) {
		t.Errorf("key not imported: %v\n%s", err, out)
	}
}

func TestPKCS12KeyDerivation(t *testing.T) {
	// RFC 7292 appendix B.2 with SHA-256. The MAC key of every file depends on it, and OpenSSL and NSS
	// check the MAC (TestPKCS12OpenSSL, TestPKCS12NSS); here its structural properties are pinned so that
	// a change shows up even where those programs are missing.
	salt := []byte("saltsalt")
	k1 := pkcs12KDF("password", salt, 2048, pkcs12MACKeyID, 32)
	k2 := pkcs12KDF("password", salt, 2048, pkcs12MACKeyID, 32)
	if len(k1) != 32 || !bytes.Equal(k1, k2) {
		t.Fatal("derivation is not deterministic or has the wrong size")
	}
	long := pkcs12KDF("password", salt, 2048, pkcs12MACKeyID, 80)
	if !bytes.Equal(long[:32], k1) {
		t.Error("a longer key does not extend the shorter one")
	}
	for _, other := range [][]byte{
		pkcs12KDF("Password", salt, 2048, pkcs12MACKeyID, 32),
		pkcs12KDF("password", []byte("saltsalU"), 2048, pkcs12MACKeyID, 32),
		pkcs12KDF("password", salt, 2047, pkcs12MACKeyID, 32),
		pkcs12KDF("password", salt, 2048, 1, 32),
	} {
		if bytes.Equal(other, k1) {
			t.Error("a different input gave the same key")
		}
	}
	if got := bmpString("Aé", true); !bytes.Equal(got, []byte{0, 'A', 0, 0xe9, 0, 0}) {
		t.Errorf("bmpString = %x", got)
	}
}
