package devpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestCardChainVerifies(t *testing.T) {
	p := sharedPKI(t)
	roots := x509.NewCertPool()
	roots.AddCert(p.Root())
	for _, name := range []string{CardGP, CardEmployee, CardRevoked} {
		t.Run(name, func(t *testing.T) {
			card := mustCard(t, p, name)
			inter := x509.NewCertPool()
			for _, c := range card.Chain {
				inter.AddCert(c)
			}
			opts := x509.VerifyOptions{
				Roots:               roots,
				Intermediates:       inter,
				KeyUsages:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
				CertificatePolicies: []x509.OID{oid(t, PolicyAuthentication)},
			}
			chains, err := card.Authentication.Certificate.Verify(opts)
			if err != nil {
				t.Fatalf("authentication certificate does not verify: %v", err)
			}
			if got := len(chains[0]); got != 4 {
				t.Errorf("chain length = %d, want 4 (card, issuing CA, level-2, root)", got)
			}
			if got := chains[0][1].Subject.CommonName; got != card.Spec.Issuer().CommonName() {
				t.Errorf("issuing CA = %q", got)
			}
			// The signing and encryption certificates chain to the same root but not for client auth.
			opts.CertificatePolicies = nil
			for _, u := range []Usage{UsageSigning, UsageEncryption} {
				_, err := card.Credential(u).Certificate.Verify(opts)
				var inv x509.CertificateInvalidError
				if !errors.As(err, &inv) || inv.Reason != x509.IncompatibleUsage {
					t.Errorf("%s certificate verified for clientAuth: %v", u, err)
				}
			}
			// The TLS form carries leaf, issuing CA and level-2 CA, and the portal's pool is enough.
			if got := len(card.Authentication.TLS.Certificate); got != 3 {
				t.Errorf("tls.Certificate has %d certificates, want 3", got)
			}
			if _, err := card.Authentication.Certificate.Verify(x509.VerifyOptions{
				Roots: p.ClientCAs(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			}); err != nil {
				t.Errorf("does not verify against ClientCAs: %v", err)
			}
		})
	}
}

func TestExpiredCard(t *testing.T) {
	p := sharedPKI(t)
	card := mustCard(t, p, CardExpired)
	c := card.Authentication.Certificate
	now := time.Now()
	if !c.NotAfter.Before(now.Add(-23*time.Hour)) || c.NotAfter.Before(now.Add(-25*time.Hour)) {
		t.Errorf("NotAfter = %v, want about 24 hours ago", c.NotAfter)
	}
	if got := c.NotAfter.Sub(c.NotBefore); got < 3*364*24*time.Hour {
		t.Errorf("validity = %v, want about 3 years", got)
	}
	opts := x509.VerifyOptions{Roots: p.ClientCAs(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	_, err := c.Verify(opts)
	var inv x509.CertificateInvalidError
	if !errors.As(err, &inv) || inv.Reason != x509.Expired {
		t.Errorf("Verify now = %v, want Expired", err)
	}
	opts.CurrentTime = c.NotAfter.Add(-time.Hour)
	if _, err := c.Verify(opts); err != nil {
		t.Errorf("does not verify inside its validity: %v", err)
	}
	for _, u := range Usages {
		if card.Credential(u).Certificate.NotAfter.After(now) {
			t.Errorf("%s certificate not expired", u)
		}
	}
}

func TestServerCertificate(t *testing.T) {
	p := sharedPKI(t)
	tc, err := p.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	leaf := tc.Leaf
	if k, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("server key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	if len(tc.Certificate) != 2 {
		t.Errorf("server.pem has %d certificates, want leaf and server CA", len(tc.Certificate))
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.ServerCA())
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		t.Run(name, func(t *testing.T) {
			_, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
			if err != nil {
				t.Errorf("does not verify for %s: %v", name, err)
			}
		})
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "example.org", Roots: roots}); err == nil {
		t.Error("verifies for example.org")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("server certificate verifies for clientAuth")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: p.ClientCAs()}); err == nil {
		t.Error("server certificate verifies against the UZI client CAs")
	}
}

// TestMutualTLS runs the real handshake the portal runs: server certificate from the server CA, client
// certificates required and verified against the client CA bundle file.
func TestMutualTLS(t *testing.T) {
	p := sharedPKI(t)
	serverCert, err := p.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := readCerts(p.Paths().ClientCABundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(bundle) != 4 {
		t.Fatalf("client CA bundle has %d certificates, want 4", len(bundle))
	}
	clientCAs := x509.NewCertPool()
	for _, c := range bundle {
		clientCAs.AddCert(c)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		cn  string
		err error
	}
	results := make(chan result, 1)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			tc := conn.(*tls.Conn)
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			err = tc.Handshake()
			var cn string
			if err == nil {
				cn = tc.ConnectionState().PeerCertificates[0].Subject.CommonName
			}
			_ = conn.Close()
			results <- result{cn, err}
		}
	}()

	serverRoots := x509.NewCertPool()
	serverRoots.AddCert(p.ServerCA())
	card := mustCard(t, p, CardGP)
	tests := []struct {
		usage  Usage
		wantOK bool
	}{
		{UsageAuthentication, true},
		{UsageSigning, false},
		{UsageEncryption, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.usage), func(t *testing.T) {
			cred := card.Credential(tt.usage)
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), &tls.Config{
				RootCAs:      serverRoots,
				ServerName:   "localhost",
				Certificates: []tls.Certificate{cred.TLS},
				MinVersion:   tls.VersionTLS12,
			})
			if err == nil {
				// With TLS 1.3 the client learns of a rejected certificate on its first read.
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				_, err = conn.Read(make([]byte, 1))
				_ = conn.Close()
			}
			r := <-results
			if tt.wantOK {
				if r.err != nil {
					t.Fatalf("server refused the authentication certificate: %v", r.err)
				}
				if r.cn != card.Spec.CommonName() {
					t.Errorf("server saw %q", r.cn)
				}
				return
			}
			// Go's server verifies client chains for clientAuth, as the portal does.
			if r.err == nil || !strings.Contains(r.err.Error(), "incompatible key usage") {
				t.Errorf("server accepted the %s certificate (server error %v)", tt.usage, r.err)
			}
		})
	}
}
