package portal_test

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

func TestStartPageShowsTheCardHolder(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	resp := env.Client(t, devpki.CardGP).Get(t, "/")
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d, body:\n%s", resp.Status, resp.Body)
	}
	for _, want := range []string{"900100001", "Anna de Vries", "Huisarts", "90000101", `lang="nl"`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") || strings.Contains(got, "unsafe-inline") {
		t.Errorf("Content-Security-Policy = %q", got)
	}
}

func TestEnglishSwitch(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	c := env.Client(t, devpki.CardGP)
	resp := c.Get(t, "/?lang=en")
	if !strings.Contains(resp.Body, `lang="en"`) || !strings.Contains(resp.Body, "General practitioner") {
		t.Fatalf("English page expected, got:\n%s", resp.Body)
	}
	// The choice is remembered.
	if resp := c.Get(t, "/"); !strings.Contains(resp.Body, `lang="en"`) {
		t.Fatal("language choice not remembered")
	}
}

func TestClientWithoutCertificateGetsThePageThatAsksForTheCard(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	resp := env.ClientWith(t, nil).Get(t, "/")
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Plaats uw UZI-pas") {
		t.Fatalf("a client without a certificate: %d\n%s", resp.Status, resp.Body)
	}
	if !strings.Contains(env.Logs.String(), `msg="request without a card: asked to insert one" reason=tls.no-certificate`) {
		t.Errorf("the server log does not record the request without a card:\n%s", env.Logs.String())
	}
	// The page needs its stylesheet, and the browser asks for the favicon by itself.
	for _, path := range []string{"/favicon.ico", "/static/css/portal.css"} {
		if resp := env.ClientWith(t, nil).Get(t, path); resp.Status != http.StatusOK {
			t.Errorf("%s without a card: %d", path, resp.Status)
		}
	}
}

func TestCertificateFromUnknownCAGetsThePageThatSaysSo(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	// The server certificate is signed by a CA outside the UZI bundle: as a client certificate it must fail.
	server, err := env.PKI.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	resp := env.ClientWith(t, &tls.Certificate{Certificate: server.Certificate, PrivateKey: server.PrivateKey}).Get(t, "/?lang=en")
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "This is not a UZI card the portal knows") {
		t.Fatalf("a certificate from an unknown CA: %d\n%s", resp.Status, resp.Body)
	}
}

func TestLoginAndRefusalAreLogged(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	env.Client(t, devpki.CardGP).Get(t, "/")
	signing := env.Card(t, devpki.CardGP).Signing.TLS
	// The card's signing certificate does not pass the door (no clientAuth usage).
	if resp := env.ClientWith(t, &signing).Get(t, "/"); resp.Status != http.StatusForbidden {
		t.Fatalf("the signing certificate passed the door: %d", resp.Status)
	}
	recs := waitForRecords(t, env, 2)
	if recs[0].Event != "login" || recs[0].UserUZI != "900100001" || recs[0].CertFingerprint == "" {
		t.Fatalf("access log = %+v", recs)
	}
	if recs[1].Event != "login_refused" || recs[1].Reason != "tls.key-usage" || recs[1].UserUZI != "" {
		t.Fatalf("refusal at the door logged as %+v", recs[1])
	}
}

func TestSessionSurvivesRequestsAndLogoutAsksToLogInAgain(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	c := env.Client(t, devpki.CardGP)
	c.Get(t, "/")
	c.Get(t, "/")
	recs, _ := env.Store.AccessRecordsAfter(t.Context(), 0, 10)
	if len(recs) != 1 {
		t.Fatalf("two pages in one session logged %d logins", len(recs))
	}
	if resp := c.Post(t, "/logout", nil); resp.Status != http.StatusOK || !strings.Contains(resp.Body, "uitgelogd") {
		t.Fatalf("logout: %d\n%s", resp.Status, resp.Body)
	}
	if resp := c.Get(t, "/"); resp.Status != http.StatusUnauthorized {
		t.Fatalf("after logout the start page answered %d", resp.Status)
	}
	if resp := c.Post(t, "/login", nil); resp.Status != http.StatusSeeOther {
		t.Fatalf("login again: %d\n%s", resp.Status, resp.Body)
	}
	if resp := c.Get(t, "/"); resp.Status != http.StatusOK {
		t.Fatalf("after logging in again: %d", resp.Status)
	}
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	c := env.Client(t, devpki.CardGP)
	c.Get(t, "/")
	resp, err := c.Do(http.MethodPost, "/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status == http.StatusOK {
		t.Fatal("logout without CSRF token was accepted")
	}
}
