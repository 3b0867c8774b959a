package devpki

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// localKeyID is an attribute line of `openssl pkcs12 -nodes` output.
var localKeyID = regexp.MustCompile(`localKeyID: ([0-9A-F ]+)`)

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
			// The key and the leaf carry the same localKeyID: how OpenSSL and NSS pair them.
			ids := localKeyID.FindAllSubmatch(out, -1)
			if len(ids) != 2 || !bytes.Equal(ids[0][1], ids[1][1]) {
				t.Errorf("key and certificate are not paired by one localKeyID:\n%s", out)
			}
			// The modern format, as OpenSSL 3 writes it by default: PBES2 with PBKDF2-HMAC-SHA256 and
			// AES-256-CBC for the key and the certificates, an HMAC-SHA256 MAC.
			info, err := exec.Command(openssl, "pkcs12", "-info", "-noout", "-in", card.Files.PKCS12, "-passin", "pass:"+pw).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl pkcs12 -info: %v\n%s", err, info)
			}
			for _, want := range []string{
				"MAC: sha256",
				"PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
				"Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
			} {
				if !bytes.Contains(info, []byte(want)) {
					t.Errorf("not the modern format: %q missing in\n%s", want, info)
				}
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
	out, err := run(certutil, "-L", "-d", db)
	if err != nil {
		t.Fatalf("certutil -L: %v\n%s", err, out)
	}
	// "u,u,u": NSS paired the certificate with the imported key, so a browser offers it as a client
	// certificate. NSS names it after the certificate's subject (the file has no friendlyName).
	var nick string
	for line := range strings.Lines(out) {
		if name, ok := strings.CutSuffix(strings.TrimSpace(line), "u,u,u"); ok {
			nick = strings.TrimSpace(name)
		}
	}
	if nick == "" || !strings.Contains(nick, card.Authentication.Certificate.Subject.CommonName) || !strings.Contains(out, ZorgverlenerCAName) {
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
