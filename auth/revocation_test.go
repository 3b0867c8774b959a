package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testCA is an issuing CA with a CRL distribution point served by an httptest server, so that every
// path of the revocation check can be driven: a good CRL, a revoked serial, a forged or stale CRL, an
// unreachable distribution point.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	srv  *httptest.Server

	mu     sync.Mutex
	crl    []byte // what the distribution point serves
	status int    // HTTP status of the distribution point
	number int64
	hits   atomic.Int64
}

func newTestCA(t testing.TB, name string) *testCA {
	t.Helper()
	key := mustKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &testCA{cert: cert, key: key, status: http.StatusOK}
	ca.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ca.hits.Add(1)
		ca.mu.Lock()
		defer ca.mu.Unlock()
		w.WriteHeader(ca.status)
		_, _ = w.Write(ca.crl)
	}))
	t.Cleanup(ca.srv.Close)
	return ca
}

func mustKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// leaf issues a client certificate naming the CA's distribution point.
func (ca *testCA) leaf(t testing.TB, serial int64) *x509.Certificate {
	t.Helper()
	key := mustKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: "card"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		CRLDistributionPoints: []string{ca.srv.URL + "/ca.crl"},
		OCSPServer:            []string{ca.srv.URL + "/ocsp"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// publish makes the distribution point serve a CRL signed by signer (the CA unless forging), valid from
// thisUpdate for validity, listing the revoked serials.
func (ca *testCA) publish(t testing.TB, signer crypto.Signer, issuer *x509.Certificate, thisUpdate time.Time, validity time.Duration, revoked ...int64) {
	t.Helper()
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.number++
	list := &x509.RevocationList{
		Number:     big.NewInt(ca.number),
		ThisUpdate: thisUpdate,
		NextUpdate: thisUpdate.Add(validity),
	}
	for _, s := range revoked {
		list.RevokedCertificateEntries = append(list.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: thisUpdate})
	}
	der, err := x509.CreateRevocationList(rand.Reader, list, issuer, signer)
	if err != nil {
		t.Fatal(err)
	}
	ca.crl = der
}

func (ca *testCA) setStatus(code int) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.status = code
}

func (ca *testCA) setCRL(b []byte) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.crl = b
}

func (ca *testCA) good(t testing.TB, revoked ...int64) {
	t.Helper()
	ca.publish(t, ca.key, ca.cert, time.Now().Add(-time.Minute), 48*time.Hour, revoked...)
}

// clock is a settable clock for the checker.
type clock struct{ at atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.at.Store(time.Now().UnixNano())
	return c
}
func (c *clock) now() time.Time          { return time.Unix(0, c.at.Load()) }
func (c *clock) advance(d time.Duration) { c.at.Add(int64(d)) }

func reasonOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return ""
}

func TestRevocationCheck(t *testing.T) {
	ctx := context.Background()
	ca := newTestCA(t, "Test Zorgverlener CA")
	ca.good(t, 7)
	clk := newClock()
	r := NewRevocation(RevocationOptions{Refresh: time.Hour, GracePeriod: 4 * time.Hour, Now: clk.now})

	good, revoked := ca.leaf(t, 5), ca.leaf(t, 7)
	if got := reasonOf(r.Check(ctx, []*x509.Certificate{good, ca.cert})); got != "" {
		t.Fatalf("good card: %s", got)
	}
	if got := reasonOf(r.Check(ctx, []*x509.Certificate{revoked, ca.cert})); got != ReasonRevoked {
		t.Fatalf("revoked card: %q", got)
	}
	if n := ca.hits.Load(); n != 1 {
		t.Errorf("%d downloads for two checks, want one (cached per issuer)", n)
	}
	if err := r.Check(ctx, []*x509.Certificate{revoked, ca.cert}); !errors.Is(err, ErrRevoked) {
		t.Errorf("revoked refusal does not wrap ErrRevoked: %v", err)
	}

	t.Run("revoked later, seen after refresh", func(t *testing.T) {
		ca.good(t, 7, 5)
		if got := reasonOf(r.Check(ctx, []*x509.Certificate{good, ca.cert})); got != "" {
			t.Fatalf("before refresh the cached CRL answers: %q", got)
		}
		if err := r.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(r.Check(ctx, []*x509.Certificate{good, ca.cert})); got != ReasonRevoked {
			t.Fatalf("after refresh: %q", got)
		}
	})

	t.Run("an older CRL is not taken back", func(t *testing.T) {
		ca.mu.Lock()
		ca.number = 0 // the next CRL has number 1: a replay of an old list without serial 5
		ca.mu.Unlock()
		ca.good(t, 7)
		if err := r.Refresh(ctx); err == nil {
			t.Fatal("an older CRL was accepted")
		}
		if got := reasonOf(r.Check(ctx, []*x509.Certificate{good, ca.cert})); got != ReasonRevoked {
			t.Fatalf("the replayed CRL un-revoked the card: %q", got)
		}
	})

	t.Run("fails closed after nextUpdate plus grace", func(t *testing.T) {
		st := r.Status()
		if len(st) != 1 || !st[0].Usable || st[0].NextUpdate.IsZero() || st[0].Revoked != 2 {
			t.Fatalf("status %+v", st)
		}
		ca.setStatus(http.StatusServiceUnavailable)
		clk.advance(time.Until(st[0].NextUpdate) + 3*time.Hour)
		if got := reasonOf(r.Check(ctx, []*x509.Certificate{ca.leaf(t, 9), ca.cert})); got != "" {
			t.Fatalf("within the grace period: %q", got)
		}
		clk.advance(2 * time.Hour)
		err := r.Check(ctx, []*x509.Certificate{ca.leaf(t, 9), ca.cert})
		if reasonOf(err) != ReasonRevocationUnavailable || !errors.Is(err, ErrRevocationUnavailable) {
			t.Fatalf("past the grace period: %v", err)
		}
		if st := r.Status(); st[0].Usable {
			t.Errorf("status still usable: %+v", st[0])
		}
	})
}

func TestRevocationFailsClosedWithoutACRL(t *testing.T) {
	ctx := context.Background()
	ca := newTestCA(t, "Test CA")
	other := newTestCA(t, "Other CA")
	ca.good(t)
	// A CRL that is no good in each way: the card's CA must be refused, never admitted.
	tests := []struct {
		name    string
		prepare func(t *testing.T)
	}{
		{"distribution point unreachable", func(t *testing.T) { ca.good(t); ca.setStatus(http.StatusNotFound) }},
		{"not a CRL", func(t *testing.T) { ca.setCRL([]byte("<html>maintenance</html>")) }},
		{"signed by another CA", func(t *testing.T) {
			ca.publish(t, other.key, ca.cert, time.Now().Add(-time.Minute), 48*time.Hour)
		}},
		{"issued by another CA", func(t *testing.T) {
			ca.publish(t, other.key, other.cert, time.Now().Add(-time.Minute), 48*time.Hour)
		}},
		{"thisUpdate in the future", func(t *testing.T) {
			ca.publish(t, ca.key, ca.cert, time.Now().Add(time.Hour), 48*time.Hour)
		}},
		{"expired beyond the grace period", func(t *testing.T) {
			ca.publish(t, ca.key, ca.cert, time.Now().Add(-72*time.Hour), 48*time.Hour)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca.setStatus(http.StatusOK)
			tt.prepare(t)
			r := NewRevocation(RevocationOptions{GracePeriod: 4 * time.Hour})
			err := r.Check(ctx, []*x509.Certificate{ca.leaf(t, 3), ca.cert})
			if reasonOf(err) != ReasonRevocationUnavailable {
				t.Fatalf("got %v, want %s", err, ReasonRevocationUnavailable)
			}
		})
	}

	t.Run("no distribution point", func(t *testing.T) {
		leaf := ca.leaf(t, 4)
		leaf.CRLDistributionPoints = []string{"ldap://ldap.example/cn=crl"}
		if got := reasonOf(NewRevocation(RevocationOptions{}).Check(ctx, []*x509.Certificate{leaf, ca.cert})); got != ReasonRevocationUnavailable {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("no issuer in the chain", func(t *testing.T) {
		if got := reasonOf(NewRevocation(RevocationOptions{}).Check(ctx, []*x509.Certificate{ca.leaf(t, 4)})); got != ReasonRevocationUnavailable {
			t.Fatalf("got %q", got)
		}
	})
}

// TestRevocationRecoversAfterAFailedFirstDownload: a failed first download refuses, is not retried on
// every request, and the background loop fetches the CRL once the distribution point is back.
func TestRevocationRecoversAfterAFailedFirstDownload(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ca := newTestCA(t, "Test CA")
	ca.setStatus(http.StatusBadGateway)
	r := NewRevocation(RevocationOptions{Refresh: 20 * time.Millisecond})
	leaf := ca.leaf(t, 2)
	for range 3 {
		if got := reasonOf(r.Check(ctx, []*x509.Certificate{leaf, ca.cert})); got != ReasonRevocationUnavailable {
			t.Fatalf("got %q", got)
		}
	}
	if n := ca.hits.Load(); n != 1 {
		t.Errorf("%d downloads for three requests within the retry pause, want 1", n)
	}
	ca.setStatus(http.StatusOK)
	ca.good(t)
	go r.Run(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for reasonOf(r.Check(ctx, []*x509.Certificate{leaf, ca.cert})) != "" {
		if time.Now().After(deadline) {
			t.Fatalf("the background loop never fetched the CRL: %+v", r.Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRevocationDownloadsOnceForABurst: many first requests of one CA at once share one download.
func TestRevocationDownloadsOnceForABurst(t *testing.T) {
	ca := newTestCA(t, "Test CA")
	ca.good(t)
	r := NewRevocation(RevocationOptions{})
	leaf := ca.leaf(t, 2)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if got := reasonOf(r.Check(context.Background(), []*x509.Certificate{leaf, ca.cert})); got != "" {
				t.Errorf("got %q", got)
			}
		})
	}
	wg.Wait()
	if n := ca.hits.Load(); n != 1 {
		t.Errorf("%d downloads, want 1", n)
	}
}

func BenchmarkRevocationCheck(b *testing.B) {
	ca := newTestCA(b, "Bench CA")
	serials := make([]int64, 10000)
	for i := range serials {
		serials[i] = int64(i + 1000)
	}
	ca.good(b, serials...)
	r := NewRevocation(RevocationOptions{})
	chain := []*x509.Certificate{ca.leaf(b, 3), ca.cert}
	if err := r.Check(context.Background(), chain); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := r.Check(context.Background(), chain); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRefreshSchedule: when the next download is due — and that a CA that keeps serving an old CRL (or a
// clock far ahead of it) is not asked again and again.
func TestRefreshSchedule(t *testing.T) {
	clk := newClock()
	now := clk.now()
	r := NewRevocation(RevocationOptions{Refresh: time.Hour, Now: clk.now})
	crl := func(thisUpdate, nextUpdate time.Time) *issuerCRL {
		return &issuerCRL{crl: &crlSnapshot{thisUpdate: thisUpdate, nextUpdate: nextUpdate, fetchedAt: now}, lastTry: now}
	}
	tests := []struct {
		name string
		e    *issuerCRL
		want time.Time
	}{
		{"fresh CRL: after the refresh interval", crl(now.Add(-time.Hour), now.Add(47*time.Hour)), now.Add(time.Hour)},
		{"past nextUpdate (old CRL, or clock ahead): not before the retry pause", crl(now.Add(-50*time.Hour), now.Add(-2*time.Hour)), now.Add(time.Minute)},
		{"never downloaded: after the retry pause", &issuerCRL{lastTry: now}, now.Add(time.Minute)},
	}
	for _, tt := range tests {
		if got := r.due(tt.e); !got.Equal(tt.want) {
			t.Errorf("%s: due %s, want %s", tt.name, got.Sub(now), tt.want.Sub(now))
		}
	}
	// A CRL valid for 48 hours, 40 hours old: due 4.8 hours before its nextUpdate.
	e := crl(now.Add(-40*time.Hour), now.Add(8*time.Hour))
	r2 := NewRevocation(RevocationOptions{Refresh: 24 * time.Hour, Now: clk.now})
	if got, want := r2.due(e), now.Add(8*time.Hour-48*time.Hour/10); !got.Equal(want) {
		t.Errorf("early refresh: due %s, want %s", got.Sub(now), want.Sub(now))
	}
}
