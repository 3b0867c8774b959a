package abuse

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// TestTLSResumption: a copied TLS session must not stand in for the card. Whoever obtains a browser's
// resumption state (the session ticket and its secret, both in the browser's memory) could resume the
// session without the card's key; crypto/tls would then hand the request the chain verified in the first
// handshake, and the portal would log the copier in as the card holder.
func TestTLSResumption(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{})
	card := env.Card(t, devpki.CardGP)
	holder := card.Spec.CommonName()

	// resumeWithoutCard lets the card holder's browser make a full handshake and one request (so that
	// any session ticket arrives), then resumes the saved session state from a client without any
	// certificate or key, and fails when that client is answered as the card holder.
	resumeWithoutCard := func(version uint16) func(t *testing.T) {
		return func(t *testing.T) {
			cache := tls.NewLRUClientSessionCache(8)
			sameSession := func(c *tls.Config) {
				c.ClientSessionCache = cache
				c.MinVersion, c.MaxVersion = version, version
			}
			browser, err := dialCard(t, env, &card.Authentication.TLS, sameSession)
			if err != nil {
				t.Fatalf("the card holder's own handshake: %v", err)
			}
			first, err := exchangeOn(browser, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			if err != nil || first.Status != http.StatusOK || !strings.Contains(first.Body, holder) {
				t.Fatalf("the card holder's own request: %v (status %d)", err, first.Status)
			}
			// Read once more, briefly, so that a ticket sent after the answer is taken in as well.
			_ = browser.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			_, _ = browser.Read(make([]byte, 1))
			browser.Close()

			copier, err := dialCard(t, env, nil, sameSession)
			if err != nil {
				return // refused in the handshake: the card is needed
			}
			defer copier.Close()
			resumed := copier.ConnectionState().DidResume
			resp, err := exchangeOn(copier, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			if resumed {
				t.Errorf("the portal resumed the copied TLS session (answer: %v, status %d)", err, resp.Status)
			}
			if err == nil && (resp.Status == http.StatusOK || strings.Contains(resp.Body, holder)) {
				t.Fatalf("a client without the card was answered as %s (status %d)", holder, resp.Status)
			}
		}
	}

	runAttacks(t, []attack{
		{
			name:    "copied TLS 1.3 session resumed without the card",
			defence: "auth.ServerTLSConfig: SessionTicketsDisabled, every connection makes a full handshake with the card",
			try:     resumeWithoutCard(tls.VersionTLS13),
		},
		{
			name:    "copied TLS 1.2 session ticket resumed without the card",
			defence: "auth.ServerTLSConfig: SessionTicketsDisabled (crypto/tls keeps no server-side session cache)",
			try:     resumeWithoutCard(tls.VersionTLS12),
		},
	})
}

// exchangeOn sends one raw HTTP/1.1 request on an open connection and reads the answer.
func exchangeOn(conn *tls.Conn, request string) (rawResponse, error) {
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		return rawResponse{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return rawResponse{}, fmt.Errorf("reading the answer: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	_ = conn.SetDeadline(time.Time{})
	return rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}, nil
}
