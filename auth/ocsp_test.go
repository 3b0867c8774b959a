package auth

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// ocspResponder answers OCSP requests for a test CA: "revoked" for the listed serials, "good" otherwise,
// signed by the CA itself (or by forger, to test the signature check).
type ocspResponder struct {
	ca      *testCA
	mu      sync.Mutex
	revoked map[string]bool
	down    bool
	forger  *testCA
}

func (o *ocspResponder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	tmpl := ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: req.SerialNumber,
		ThisUpdate:   time.Now().Add(-time.Minute),
		NextUpdate:   time.Now().Add(time.Hour),
	}
	if o.revoked[req.SerialNumber.String()] {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, time.Now().Add(-time.Hour), ocsp.KeyCompromise
	}
	signer := o.ca
	if o.forger != nil {
		signer = o.forger
	}
	der, err := ocsp.CreateResponse(o.ca.cert, signer.cert, tmpl, signer.key)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	_, _ = w.Write(der)
}

func TestOCSPCheck(t *testing.T) {
	ctx := context.Background()
	ca := newTestCA(t, "Test CA")
	ca.good(t)
	responder := &ocspResponder{ca: ca, revoked: map[string]bool{"7": true}}
	srv := httptest.NewServer(responder)
	defer srv.Close()
	leafAt := func(serial int64) *x509.Certificate {
		l := ca.leaf(t, serial)
		l.OCSPServer = []string{srv.URL}
		return l
	}
	r := NewRevocation(RevocationOptions{OCSP: true})
	good, revoked := leafAt(5), leafAt(7)

	if err := r.CheckOnline(ctx, []*x509.Certificate{good, ca.cert}); err != nil {
		t.Fatalf("good: %v", err)
	}
	if got := reasonOf(r.CheckOnline(ctx, []*x509.Certificate{revoked, ca.cert})); got != ReasonRevoked {
		t.Fatalf("revoked by OCSP: %q", got)
	}
	// The CRL does not list it, but the OCSP answer is enforced on every request from now on.
	if got := reasonOf(r.Check(ctx, []*x509.Certificate{revoked, ca.cert})); got != ReasonRevoked {
		t.Fatalf("per-request check after OCSP said revoked: %q", got)
	}

	t.Run("a forged answer is not believed", func(t *testing.T) {
		responder.mu.Lock()
		responder.forger = newTestCA(t, "Forger")
		responder.mu.Unlock()
		defer func() { responder.mu.Lock(); responder.forger = nil; responder.mu.Unlock() }()
		checker := newOCSPChecker(http.DefaultClient, time.Second, time.Now)
		if _, err := checker.check(ctx, leafAt(8), ca.cert); err == nil {
			t.Fatal("an answer signed by another key was accepted")
		}
	})

	t.Run("an unreachable responder leaves the decision to the CRL", func(t *testing.T) {
		responder.mu.Lock()
		responder.down = true
		responder.mu.Unlock()
		if err := NewRevocation(RevocationOptions{OCSP: true}).CheckOnline(ctx, []*x509.Certificate{leafAt(9), ca.cert}); err != nil {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("off means no request", func(t *testing.T) {
		if err := NewRevocation(RevocationOptions{}).CheckOnline(ctx, []*x509.Certificate{revoked, ca.cert}); err != nil {
			t.Fatalf("OCSP off still refused: %v", err)
		}
	})
}
