package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkHandshake measures what switching off TLS resumption costs: a full mutual-TLS handshake with
// an RSA-2048 client certificate (as UZI cards have), against the abbreviated handshake that a resumed
// session would make, with the portal's TLS configuration (ServerTLSConfig) and tickets switched back on
// for the comparison. Both ends run in this process, so the figures are the CPU of server and client
// together over loopback TCP: no network latency, no smartcard.
func BenchmarkHandshake(b *testing.B) {
	dir := b.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		b.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(name string, pub any, usage x509.ExtKeyUsage) []byte {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name}, DNSNames: []string{"localhost"},
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
		if err != nil {
			b.Fatal(err)
		}
		return der
	}
	serverKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serverDER := issue("localhost", &serverKey.PublicKey, x509.ExtKeyUsageServerAuth)
	clientKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	clientDER := issue("card", &clientKey.PublicKey, x509.ExtKeyUsageClientAuth)

	write := func(name, kind string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			b.Fatal(err)
		}
		return path
	}
	serverKeyDER, _ := x509.MarshalECPrivateKey(serverKey)
	cfg, err := ServerTLSConfig(write("server.pem", "CERTIFICATE", serverDER), write("server.key", "EC PRIVATE KEY", serverKeyDER),
		write("ca.pem", "CERTIFICATE", caDER), "1.2", "")
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	client := &tls.Config{RootCAs: roots, ServerName: "localhost",
		Certificates: []tls.Certificate{{Certificate: [][]byte{clientDER}, PrivateKey: clientKey}}}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	handshake := func(b *testing.B, server, client *tls.Config) bool {
		done := make(chan error, 1)
		go func() {
			raw, err := ln.Accept()
			if err != nil {
				done <- err
				return
			}
			defer raw.Close()
			srv := tls.Server(raw, server)
			if err := srv.Handshake(); err != nil {
				done <- err
				return
			}
			// TLS 1.3 sends tickets after the handshake: one byte of data behind them lets the client
			// take them in.
			_, err = srv.Write([]byte{0})
			done <- err
		}()
		cl, err := tls.Dial("tcp", ln.Addr().String(), client)
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		_, _ = cl.Read(make([]byte, 1))
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		return cl.ConnectionState().DidResume
	}
	b.Run("full, as the portal does", func(b *testing.B) {
		for b.Loop() {
			if handshake(b, cfg, client) {
				b.Fatal("resumed")
			}
		}
	})
	b.Run("resumed, were tickets on", func(b *testing.B) {
		tickets := cfg.Clone()
		tickets.SessionTicketsDisabled = false
		resuming := client.Clone()
		resuming.ClientSessionCache = tls.NewLRUClientSessionCache(1)
		handshake(b, tickets, resuming)
		for b.Loop() {
			if !handshake(b, tickets, resuming) {
				b.Fatal("not resumed")
			}
		}
	})
}
