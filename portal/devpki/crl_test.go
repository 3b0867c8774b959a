package devpki

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkedCRL parses a CRL and checks it the way the portal will: signature of the issuing CA, issuer name,
// nextUpdate in the future.
func checkedCRL(t *testing.T, p *PKI, n IssuerName, der []byte) *x509.RevocationList {
	t.Helper()
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatalf("ParseRevocationList: %v", err)
	}
	ca, err := p.IssuingCA(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(ca); err != nil {
		t.Fatalf("CRL signature does not check against %s: %v", ca.Subject.CommonName, err)
	}
	if crl.Issuer.String() != ca.Subject.String() {
		t.Errorf("CRL issuer = %s", crl.Issuer)
	}
	if !crl.NextUpdate.After(time.Now()) || crl.NextUpdate.Sub(crl.ThisUpdate) != crlValidity {
		t.Errorf("CRL validity %v .. %v", crl.ThisUpdate, crl.NextUpdate)
	}
	return crl
}

// listed reports which of the certificates are on the CRL.
func listed(crl *x509.RevocationList, certs ...*x509.Certificate) []bool {
	out := make([]bool, len(certs))
	for i, c := range certs {
		out[i] = slices.ContainsFunc(crl.RevokedCertificateEntries, func(e x509.RevocationListEntry) bool {
			return e.SerialNumber.Cmp(c.SerialNumber) == 0
		})
	}
	return out
}

func cardCerts(c *Card) []*x509.Certificate {
	return []*x509.Certificate{c.Authentication.Certificate, c.Signing.Certificate, c.Encryption.Certificate}
}

func TestRevokedCardOnCRL(t *testing.T) {
	p := sharedPKI(t)
	ctx := context.Background()
	der, err := p.CRL(ctx, ZorgverlenerCA)
	if err != nil {
		t.Fatal(err)
	}
	crl := checkedCRL(t, p, ZorgverlenerCA, der)
	if got := listed(crl, cardCerts(mustCard(t, p, CardRevoked))...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("revoked card on CRL: %v, want all three certificates", got)
	}
	if got := listed(crl, cardCerts(mustCard(t, p, CardGP))...); slices.Contains(got, true) {
		t.Errorf("gp card on CRL: %v", got)
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.ReasonCode != revocationReason {
			t.Errorf("reason code %d", e.ReasonCode)
		}
	}

	der, err = p.CRL(ctx, MedewerkerOpNaamCA)
	if err != nil {
		t.Fatal(err)
	}
	if crl := checkedCRL(t, p, MedewerkerOpNaamCA, der); len(crl.RevokedCertificateEntries) != 0 {
		t.Errorf("Medewerker op naam CRL lists %d certificates", len(crl.RevokedCertificateEntries))
	}
	if _, err := p.CRL(ctx, "server-ca"); !errors.Is(err, ErrUnknownIssuer) {
		t.Errorf("CRL(unknown) error = %v", err)
	}
}

// fetchCRL downloads a CRL through a handler the way the portal does.
func fetchCRL(t *testing.T, srv *httptest.Server, path string) []byte {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pkix-crl" {
		t.Fatalf("GET %s: %s, Content-Type %q: %s", path, resp.Status, resp.Header.Get("Content-Type"), body)
	}
	return body
}

// TestRevokeThroughSecondPKI is the demo situation: a server holds one PKI and serves the CRLs, a "pki
// revoke" command opens the same folder and revokes; the server's handler must serve the new CRL.
func TestRevokeThroughSecondPKI(t *testing.T) {
	dir := privateCopy(t)
	ctx := context.Background()
	server, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards})
	if err != nil {
		t.Fatal(err)
	}
	command, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.CRLHandler())
	defer srv.Close()

	gp := cardCerts(mustCard(t, server, CardGP))
	before := checkedCRL(t, server, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl"))
	if slices.Contains(listed(before, gp...), true) {
		t.Fatal("gp already revoked")
	}

	if err := command.Revoke(ctx, CardGP); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	after := checkedCRL(t, server, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl"))
	if got := listed(after, gp...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("gp on served CRL: %v, want all three certificates", got)
	}
	if got := listed(after, cardCerts(mustCard(t, server, CardRevoked))...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("earlier revocations lost: %v", got)
	}
	if after.Number.Cmp(before.Number) <= 0 {
		t.Errorf("CRL number %v not above %v", after.Number, before.Number)
	}

	// Revoking again, through either PKI, is not an error and changes nothing on the CRL.
	for _, p := range []*PKI{command, server} {
		if err := p.Revoke(ctx, CardGP); err != nil {
			t.Errorf("second Revoke: %v", err)
		}
	}
	again := checkedCRL(t, server, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl"))
	if len(again.RevokedCertificateEntries) != len(after.RevokedCertificateEntries) {
		t.Errorf("second revocation changed the CRL: %d entries, was %d", len(again.RevokedCertificateEntries), len(after.RevokedCertificateEntries))
	}
}

// TestConcurrentOperations runs revocations, renewals and downloads through two PKI values at once; the
// lock file must serialise the authorities' bbolt databases without deadlock or error.
func TestConcurrentOperations(t *testing.T) {
	dir := privateCopy(t)
	ctx := context.Background()
	a, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.CRLHandler())
	defer srv.Close()

	ops := []func() error{
		func() error { return a.Revoke(ctx, CardGP) },
		func() error { return b.Revoke(ctx, CardEmployee) },
		func() error { return b.Revoke(ctx, CardGP) },
		func() error { return a.RefreshCRL(ctx, MedewerkerOpNaamCA) },
		func() error { return b.RefreshCRL(ctx, ZorgverlenerCA) },
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ops))
	for i, op := range ops {
		wg.Go(func() { errs[i] = op() })
	}
	for range 5 {
		fetchCRL(t, srv, "/crl/medewerker-op-naam-ca.crl")
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	crl := checkedCRL(t, a, MedewerkerOpNaamCA, fetchCRL(t, srv, "/crl/medewerker-op-naam-ca.crl"))
	if got := listed(crl, cardCerts(mustCard(t, a, CardEmployee))...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("employee on CRL: %v", got)
	}
	crl = checkedCRL(t, b, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl"))
	if got := listed(crl, cardCerts(mustCard(t, a, CardGP))...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("gp on CRL: %v", got)
	}
}

func TestCRLHandlerRoutes(t *testing.T) {
	p := sharedPKI(t)
	srv := httptest.NewServer(p.CRLHandler())
	defer srv.Close()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/crl/zorgverlener-ca.crl", http.StatusOK},
		{http.MethodGet, "/crl/medewerker-op-naam-ca.crl", http.StatusOK},
		{http.MethodHead, "/crl/zorgverlener-ca.crl", http.StatusOK},
		{http.MethodGet, "/crl/server-ca.crl", http.StatusNotFound},
		{http.MethodGet, "/zorgverlener-ca.crl", http.StatusNotFound},
		{http.MethodPost, "/crl/zorgverlener-ca.crl", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	// Every card's distribution point is a path this handler serves.
	for _, name := range fixtureCards {
		dp := mustCard(t, p, name).Authentication.Certificate.CRLDistributionPoints[0]
		fetchCRL(t, srv, strings.TrimPrefix(dp, "http://localhost:8480"))
	}
}

// writeFakeCRL replaces the CRL file of the Zorgverlener CA with a validly signed one of the given
// validity, as if it had been issued long ago.
func writeFakeCRL(t *testing.T, p *PKI, thisUpdate, nextUpdate time.Time) {
	t.Helper()
	ca, _ := p.issuingCA(ZorgverlenerCA)
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.paths.crl(ZorgverlenerCA), der, modePublic); err != nil {
		t.Fatal(err)
	}
}

func TestCRLRenewedNearNextUpdate(t *testing.T) {
	p := openCopy(t)
	now := time.Now()
	writeFakeCRL(t, p, now.Add(-23*time.Hour), now.Add(time.Hour))
	der, err := p.CRL(context.Background(), ZorgverlenerCA)
	if err != nil {
		t.Fatal(err)
	}
	crl := checkedCRL(t, p, ZorgverlenerCA, der)
	if crl.Number.Cmp(big.NewInt(1)) <= 0 || crl.NextUpdate.Before(now.Add(crlValidity-time.Minute)) {
		t.Errorf("CRL not renewed: number %v, nextUpdate %v", crl.Number, crl.NextUpdate)
	}
	if got := listed(crl, cardCerts(mustCard(t, p, CardRevoked))...); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("renewed CRL lost the revoked card: %v", got)
	}
}

// TestLockedFolder holds the folder's lock the way a long-running other process would.
func TestLockedFolder(t *testing.T) {
	dir := privateCopy(t)
	ctx := context.Background()
	p, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards, LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	release, err := acquireLock(ctx, p.paths.lockFile(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	released := false
	defer func() {
		if !released {
			_ = release()
		}
	}()

	if err := p.Revoke(ctx, CardGP); !errors.Is(err, ErrLocked) {
		t.Errorf("Revoke while locked: %v, want ErrLocked", err)
	}
	if _, err := Ensure(ctx, Options{Dir: dir, Cards: []string{CardNurse}, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("Ensure of a new card while locked: %v, want ErrLocked", err)
	}
	if _, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards}); err != nil {
		t.Errorf("re-open while locked: %v", err)
	}

	srv := httptest.NewServer(p.CRLHandler())
	defer srv.Close()
	// A CRL close to its nextUpdate that cannot be renewed is still served while it is valid.
	now := time.Now()
	writeFakeCRL(t, p, now.Add(-23*time.Hour), now.Add(time.Hour))
	if crl := checkedCRL(t, p, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl")); crl.Number.Int64() != 1 {
		t.Errorf("served CRL number %v, want the existing one", crl.Number)
	}
	// An expired one is not: the portal must see that no fresh revocation information exists.
	writeFakeCRL(t, p, now.Add(-48*time.Hour), now.Add(-time.Hour))
	resp, err := srv.Client().Get(srv.URL + "/crl/zorgverlener-ca.crl")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("expired CRL while locked: status %d, want 503", resp.StatusCode)
	}
	released = true
	if err := release(); err != nil {
		t.Fatal(err)
	}
	// Once the lock is free the next request renews it.
	checkedCRL(t, p, ZorgverlenerCA, fetchCRL(t, srv, "/crl/zorgverlener-ca.crl"))
}
