package portal_test

import (
	"context"
	"crypto/tls"
	"encoding/asn1"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.step.sm/crypto/x509util"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/command"
	"zorgverlenersportaal/portal/devagb"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/views"
)

// catalog is the portal's message catalogue, to find the text a refusal page must show.
var catalog = func() *views.Catalog {
	c, err := views.LoadCatalog()
	if err != nil {
		panic(err)
	}
	return c
}()

// title is the (HTML-escaped) title of the refusal page of a reason, in a language.
func title(lang, reason string) string {
	return html.EscapeString(catalog.T(lang, "refusal."+reason+".title"))
}

// waitFor polls until cond holds. It synchronises with work the server finishes after the client already
// has its answer (a refused handshake is logged after the TLS alert went out); it asserts nothing about
// speed, and the generous deadline only stops a broken build from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// records returns the whole access log.
func records(t *testing.T, env *portaltest.Env) []store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// waitForRecords waits until the access log holds n records and returns them.
func waitForRecords(t *testing.T, env *portaltest.Env, n int) []store.AccessRecord {
	t.Helper()
	var recs []store.AccessRecord
	waitFor(t, "the access log holds the records", func() bool {
		recs = records(t, env)
		return len(recs) >= n
	})
	return recs
}

// lastOf returns the newest access record of a UZI number.
func lastOf(t *testing.T, env *portaltest.Env, uziNumber string) store.AccessRecord {
	t.Helper()
	recs := records(t, env)
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].UserUZI == uziNumber {
			return recs[i]
		}
	}
	t.Fatalf("no access record of UZI %s", uziNumber)
	return store.AccessRecord{}
}

func uziOf(t *testing.T, card string) string {
	t.Helper()
	spec, err := devpki.CardByName(card)
	if err != nil {
		t.Fatal(err)
	}
	return spec.UZINumber
}

// TestAdmissionOfTheDemoCards runs every demo card that completes the TLS handshake against the default
// configuration and the demo register: who enters, who is refused with which page, and that each
// outcome is in the access log with its reason.
func TestAdmissionOfTheDemoCards(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	tests := []struct {
		card   string
		status int
		reason string // refusal reason; "" when admitted
		agb    string // the AGB code admission accepted
	}{
		{devpki.CardGP, http.StatusOK, "", "01012345"},
		{devpki.CardGPOther, http.StatusOK, "", "01034567"},
		{devpki.CardPharmacist, http.StatusOK, "", "02045678"},
		{devpki.CardElderlyCarePhysician, http.StatusOK, "", "84056789"},
		{devpki.CardNurse, http.StatusOK, "", "91067890"},
		{devpki.CardSpecialist, http.StatusOK, "", "03012345"},
		{devpki.CardAdmin, http.StatusSeeOther, "", ""}, // an administrator's N card: hospital staff, no AGB code; starts at /admin
		{devpki.CardCompanyDoctor, http.StatusForbidden, auth.ReasonRoleNeverAdmitted, ""},
		{devpki.CardInsuranceDoctor, http.StatusForbidden, auth.ReasonRoleNeverAdmitted, ""},
		{devpki.CardEmployee, http.StatusForbidden, auth.ReasonCardTypeRefused, ""},
		{devpki.CardRevoked, http.StatusForbidden, auth.ReasonRevoked, ""},
	}
	for _, tt := range tests {
		t.Run(tt.card, func(t *testing.T) {
			c := env.Client(t, tt.card)
			resp := c.Get(t, "/")
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.Status, tt.status, resp.Body)
			}
			var rec store.AccessRecord
			if tt.reason == auth.ReasonRevoked {
				// A revoked card (perhaps a stolen one) only claims its holder: nobody is the user.
				rec = lastRecord(t, env)
				if rec.UserUZI != "" || !strings.Contains(rec.Detail, `"claimed":{"uzi":"`+uziOf(t, tt.card)+`"`) {
					t.Errorf("revoked card logged as user %q, detail %s", rec.UserUZI, rec.Detail)
				}
			} else {
				rec = lastOf(t, env, uziOf(t, tt.card))
			}
			if tt.reason == "" {
				if rec.Event != "login" || rec.UserAGB != tt.agb {
					t.Fatalf("access log: %s %q with AGB %q, want login with AGB %q", rec.Event, rec.Reason, rec.UserAGB, tt.agb)
				}
				if tt.agb != "" && !strings.Contains(resp.Body, "<dd>"+tt.agb+"</dd>") {
					t.Errorf("start page does not show AGB code %s", tt.agb)
				}
				return
			}
			if !strings.Contains(resp.Body, title("nl", tt.reason)) {
				t.Errorf("page lacks the Dutch title %q:\n%s", title("nl", tt.reason), resp.Body)
			}
			if rec.Event != "login_refused" || rec.Reason != tt.reason {
				t.Errorf("access log: %s %q, want login_refused %q", rec.Event, rec.Reason, tt.reason)
			}
			// The English switch on the refusal page leads to the same refusal in English.
			if !strings.Contains(resp.Body, `href="/?lang=en"`) {
				t.Error("refusal page has no English switch")
			}
			if en := c.Get(t, "/?lang=en"); en.Status != tt.status || !strings.Contains(en.Body, title("en", tt.reason)) {
				t.Errorf("English refusal: %d, lacks %q", en.Status, title("en", tt.reason))
			}
		})
	}
}

// TestConfigurationCannotAdmitCompanyInsuranceOrPublicHealthDoctors lists the refused roles explicitly in
// uzi.admitted_roles, with every prefix that covers them: they are still refused.
func TestConfigurationCannotAdmitCompanyInsuranceOrPublicHealthDoctors(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) {
		c.UZI.AdmittedRoles = []string{"01.008", "01.048", "01.055", "01.*", "01.0*", "01.00*", "01.04*"}
		c.UZI.AdmitEmployeeCards = true
	}})
	for _, card := range []string{devpki.CardCompanyDoctor, devpki.CardInsuranceDoctor} {
		resp := env.Client(t, card).Get(t, "/")
		if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, title("nl", auth.ReasonRoleNeverAdmitted)) {
			t.Errorf("%s: status %d\n%s", card, resp.Status, resp.Body)
		}
	}
	// The same configuration does admit the roles it names that may be admitted.
	if resp := env.Client(t, devpki.CardSpecialist).Get(t, "/"); resp.Status != http.StatusOK {
		t.Errorf("specialist: status %d", resp.Status)
	}
}

// TestRolesAndEmployeeCardsFollowTheConfiguration: a role left out of uzi.admitted_roles is refused;
// uzi.admit_employee_cards admits N cards (without an AGB code: employees are not care providers).
func TestRolesAndEmployeeCardsFollowTheConfiguration(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) {
		c.UZI.AdmittedRoles = []string{"01.015", "17.*"}
		c.UZI.AdmitEmployeeCards = true
	}})
	if resp := env.Client(t, devpki.CardNurse).Get(t, "/"); resp.Status != http.StatusForbidden ||
		!strings.Contains(resp.Body, title("nl", auth.ReasonRoleNotAdmitted)) {
		t.Errorf("nurse without 30.* admitted: %d", resp.Status)
	}
	if resp := env.Client(t, devpki.CardPharmacist).Get(t, "/"); resp.Status != http.StatusOK {
		t.Errorf("pharmacist under 17.*: %d", resp.Status)
	}
	// An employee card is admitted to act on a mandate (TestMandateLetsTheAssistantActForTheGP); without
	// one it gets the page that says how to get one.
	if resp := env.Client(t, devpki.CardEmployee).Get(t, "/"); resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "U heeft (nog) geen machtiging") {
		t.Errorf("employee card without a mandate: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastOf(t, env, uziOf(t, devpki.CardEmployee)); rec.Event != "login_refused" || rec.Reason != "no-mandate" || rec.UserAGB != "" {
		t.Errorf("employee login logged as %+v", rec)
	}
}

// TestRefusedCardsGetTheDoorsPageAndAreLogged: a card the door refuses gets the page of its reason in
// Dutch and English, the server log names the reason, and the access log gets a login_refused record with
// the certificate's fingerprint and its claim in the detail, never as the user.
func TestRefusedCardsGetTheDoorsPageAndAreLogged(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	server, err := env.PKI.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := views.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	gp := env.Card(t, devpki.CardGP)
	tests := []struct {
		name   string
		cert   *tls.Certificate
		reason string
	}{
		{"no certificate", nil, auth.HandshakeNoCertificate},
		{"unknown CA", &tls.Certificate{Certificate: server.Certificate, PrivateKey: server.PrivateKey}, auth.HandshakeUnknownCA},
		{"expired card", &env.Card(t, devpki.CardExpired).Authentication.TLS, auth.HandshakeExpired},
		{"signing certificate of the gp card", &gp.Signing.TLS, auth.HandshakeKeyUsage},
		{"encryption certificate of the gp card", &gp.Encryption.TLS, auth.HandshakeKeyUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(records(t, env))
			for _, lang := range []string{"nl", "en"} {
				resp := env.ClientWith(t, tt.cert).Get(t, "/?lang="+lang)
				title := catalog.T(lang, "door."+tt.reason+".title")
				if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, html.EscapeString(title)) {
					t.Fatalf("%s: %d, want 403 with %q\n%s", lang, resp.Status, title, resp.Body)
				}
			}
			if !strings.Contains(env.Logs.String(), "reason="+tt.reason) {
				t.Errorf("the server log does not name %s", tt.reason)
			}
			recs := waitForRecords(t, env, before+2)
			rec := recs[len(recs)-1]
			if rec.Event != "login_refused" || rec.Reason != tt.reason || rec.UserUZI != "" || (tt.cert != nil) != (rec.CertFingerprint != "") {
				t.Errorf("access record %+v", rec)
			}
		})
	}
	if t.Failed() {
		return
	}
	// The expired card's claim is recorded as such, not as the user.
	for _, rec := range records(t, env) {
		if rec.Reason == auth.HandshakeExpired && (rec.UserUZI != "" || !strings.Contains(rec.Detail, `"claimed":{"uzi":"900100010"`)) {
			t.Errorf("expired card's claim missing from %q", rec.Detail)
		}
	}
}

// TestSpareConnectionsAreNoWarning: a browser opens connections ahead of need and closes some unused;
// that is routine, not a refusal, and must not read like an attack in the server log. A handshake that
// fails for a real reason still is a warning.
func TestSpareConnectionsAreNoWarning(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	for range 3 {
		c, err := net.Dial("tcp", strings.TrimPrefix(env.URL, "https://"))
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	waitFor(t, "the spare connections are logged at debug level", func() bool {
		return strings.Count(env.Logs.String(), `level=DEBUG msg="TLS handshake ended by the client" reason=tls.abandoned`) == 3
	})
	if strings.Contains(env.Logs.String(), "level=WARN") {
		t.Errorf("spare connections gave warnings:\n%s", env.Logs.String())
	}
	// An old protocol version is a real failure.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(env.URL, "https://"), &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10})
	if err == nil {
		conn.Close()
		t.Fatal("a TLS 1.1 client completed the handshake")
	}
	waitFor(t, "the failed handshake is a warning", func() bool {
		return strings.Contains(env.Logs.String(), `level=WARN msg="TLS handshake failed" reason=tls.handshake`)
	})
}

// TestMaxVersionCapsTheHandshake: tls.max_version 1.2 makes a client that offers TLS 1.3 speak 1.2, so
// that a smartcard whose middleware cannot sign RSA-PSS can still log in; without it TLS 1.3 is chosen.
func TestMaxVersionCapsTheHandshake(t *testing.T) {
	for _, tt := range []struct {
		max  string
		want uint16
	}{{"", tls.VersionTLS13}, {"1.2", tls.VersionTLS12}} {
		t.Run("max "+tt.max, func(t *testing.T) {
			env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) { c.TLS.MaxVersion = tt.max }})
			cfg := env.ClientTLS(&env.Card(t, devpki.CardGP).Authentication.TLS)
			conn, err := tls.Dial("tcp", strings.TrimPrefix(env.URL, "https://"), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if got := conn.ConnectionState().Version; got != tt.want {
				t.Fatalf("negotiated %x, want %x", got, tt.want)
			}
			if resp := env.Client(t, devpki.CardGP).Get(t, "/"); resp.Status != http.StatusOK {
				t.Fatalf("the gp card under max_version %q: %d", tt.max, resp.Status)
			}
		})
	}
}

// TestCertificateWithABrokenUZIProfileFromATrustedCAGetsAPage: the chain is good, so TLS completes and
// the provider is told what is wrong with the certificate.
func TestCertificateWithABrokenUZIProfileFromATrustedCAGetsAPage(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	ctx := context.Background()
	gp := env.Card(t, devpki.CardGP)
	key := gp.Authentication.Key

	wrongPolicy, err := env.PKI.CardTemplate(devpki.CardGP, devpki.UsageAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	wrongPolicy.Policies = nil
	wrongPolicy.PolicyIdentifiers = []asn1.ObjectIdentifier{{2, 16, 528, 1, 1007, 99, 212}} // the signing policy
	policyCert, err := env.PKI.IssueCustom(ctx, devpki.ZorgverlenerCA, wrongPolicy, key.Public())
	if err != nil {
		t.Fatal(err)
	}

	const sixFields = `{
		"subject": {"country": "NL", "commonName": "Anna de Vries", "serialNumber": "900100001"},
		"sans": [{"type": "2.5.5.5", "value": {{ toJson (print "ia5:" .Insecure.User.uzi) }}}],
		"keyUsage": ["digitalSignature"],
		"extKeyUsage": ["clientAuth"],
		"policyIdentifiers": ["2.16.528.1.1007.99.211"],
		"crlDistributionPoints": [{{ toJson .Insecure.User.crl }}]
	}`
	data := x509util.NewTemplateData()
	data.SetUserData(map[string]any{"uzi": uziString6(), "crl": env.PKI.CRLURL(devpki.ZorgverlenerCA)})
	sixCert, err := env.PKI.IssueCustomTemplate(ctx, devpki.ZorgverlenerCA, sixFields, data, key.Public())
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, reason string
		cert         func() (tls.Certificate, error)
	}{
		{"policy of the signing certificate", "uzi.policy", func() (tls.Certificate, error) { return env.PKI.TLSCertificate(policyCert, key) }},
		{"UZI string of six fields", "uzi.field-count", func() (tls.Certificate, error) { return env.PKI.TLSCertificate(sixCert, key) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := tt.cert()
			if err != nil {
				t.Fatal(err)
			}
			resp := env.ClientWith(t, &tc).Get(t, "/")
			if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, title("nl", tt.reason)) {
				t.Fatalf("status %d, want the page of %s:\n%s", resp.Status, tt.reason, resp.Body)
			}
			recs := records(t, env)
			if rec := recs[len(recs)-1]; rec.Event != "login_refused" || rec.Reason != tt.reason {
				t.Errorf("access record %s %q", rec.Event, rec.Reason)
			}
		})
	}
}

func uziString6() string {
	return devpki.ZorgverlenerCA.OIDCA() + "-1-900100001-Z-90000101-01.015"
}

// TestCardRevokedDuringItsSessionIsStoppedAfterTheCRLRefresh revokes a card while the portal runs and its
// holder is logged in: the next request after the CRL refresh is refused, and the other card is not.
func TestCardRevokedDuringItsSessionIsStoppedAfterTheCRLRefresh(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{PrivatePKI: []string{devpki.CardGP, devpki.CardGPOther}})
	gp, other := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardGPOther)
	for _, c := range []*portaltest.Client{gp, other} {
		if resp := c.Get(t, "/"); resp.Status != http.StatusOK {
			t.Fatalf("before revocation: %d", resp.Status)
		}
	}
	if err := env.PKI.Revoke(context.Background(), devpki.CardGP); err != nil {
		t.Fatal(err)
	}
	if err := env.Server.Revocation().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp := gp.Get(t, "/")
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, title("nl", auth.ReasonRevoked)) {
		t.Fatalf("revoked card inside its session: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastRecord(t, env); rec.Event != "login_refused" || rec.Reason != auth.ReasonRevoked || rec.UserUZI != "" ||
		!strings.Contains(rec.Detail, `"claimed":{"uzi":"`+uziOf(t, devpki.CardGP)+`"`) {
		t.Errorf("access log: %s %q user %q: %s", rec.Event, rec.Reason, rec.UserUZI, rec.Detail)
	}
	if resp := other.Get(t, "/"); resp.Status != http.StatusOK {
		t.Errorf("the other card: %d", resp.Status)
	}
	status := env.Server.Revocation().Status()
	if len(status) != 1 || !status[0].Usable || status[0].Revoked == 0 {
		t.Errorf("CRL status %+v", status)
	}
}

// TestBackgroundRefreshStopsARevokedCard: with a short revocation.refresh the background loop picks up
// the revocation by itself.
func TestBackgroundRefreshStopsARevokedCard(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{
		PrivatePKI: []string{devpki.CardGP},
		Configure:  func(c *config.Config) { c.Revocation.Refresh = config.Duration{Duration: 50 * time.Millisecond} },
	})
	gp := env.Client(t, devpki.CardGP)
	if resp := gp.Get(t, "/"); resp.Status != http.StatusOK {
		t.Fatalf("before revocation: %d", resp.Status)
	}
	if err := env.PKI.Revoke(context.Background(), devpki.CardGP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the background refresh stops the revoked card", func() bool {
		resp, err := gp.Do(http.MethodGet, "/", nil)
		return err == nil && resp.Status == http.StatusForbidden && strings.Contains(resp.Body, title("nl", auth.ReasonRevoked))
	})
}

// TestStaleCRLRefusesEveryone moves the portal's clock past the CRL's nextUpdate plus the grace period:
// nobody is admitted, not even inside an open session, and the page says why. Back on time, the portal
// admits again.
func TestStaleCRLRefusesEveryone(t *testing.T) {
	var shift atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	env := portaltest.Start(t, portaltest.Options{Server: []portal.Option{portal.WithClock(clock)}})
	gp := env.Client(t, devpki.CardGP)
	if resp := gp.Get(t, "/"); resp.Status != http.StatusOK {
		t.Fatalf("fresh CRL: %d", resp.Status)
	}
	status := env.Server.Revocation().Status()
	if len(status) != 1 || status[0].NextUpdate.IsZero() {
		t.Fatalf("CRL status %+v", status)
	}
	past := time.Until(status[0].NextUpdate) + env.Config.Revocation.GracePeriod.Duration + time.Minute
	shift.Store(int64(past))

	for _, c := range []*portaltest.Client{gp, env.Client(t, devpki.CardGPOther), env.Client(t, devpki.CardAdmin)} {
		resp := c.Get(t, "/")
		if resp.Status != http.StatusServiceUnavailable || !strings.Contains(resp.Body, title("nl", auth.ReasonRevocationUnavailable)) {
			t.Fatalf("stale CRL: %d\n%s", resp.Status, resp.Body)
		}
	}
	// Without revocation information the card only claims its holder.
	if rec := lastRecord(t, env); rec.Reason != auth.ReasonRevocationUnavailable || rec.UserUZI != "" ||
		!strings.Contains(rec.Detail, `"claimed":{"uzi":"`+uziOf(t, devpki.CardAdmin)+`"`) {
		t.Errorf("access log reason %q, user %q: %s", rec.Reason, rec.UserUZI, rec.Detail)
	}
	if s := env.Server.Revocation().Status(); s[0].Usable {
		t.Errorf("status says usable: %+v", s[0])
	}

	// Within the grace period the CRL still counts.
	shift.Store(int64(time.Until(status[0].NextUpdate) + env.Config.Revocation.GracePeriod.Duration/2))
	if resp := env.Client(t, devpki.CardGP).Get(t, "/"); resp.Status != http.StatusOK {
		t.Errorf("within the grace period: %d", resp.Status)
	}
}

// TestFirstEntryAsksForTheAGBCode walks Bram Jansen (gp-no-agb, no AGB code on his card) through the
// first-entry page: each wrong code is refused with its own message, the right one admits him and is
// remembered.
func TestFirstEntryAsksForTheAGBCode(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	bram := env.Client(t, devpki.CardGPNoAGB)
	resp := bram.Get(t, "/")
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/agb-code" {
		t.Fatalf("start page without AGB code: %d %s", resp.Status, resp.Header.Get("Location"))
	}
	form := bram.Get(t, "/agb-code")
	for _, want := range []string{`<label for="agb">`, `aria-describedby="agb-hint"`, `name="_csrf"`, html.EscapeString(catalog.T("nl", "agbcode.hint"))} {
		if form.Status != http.StatusOK || !strings.Contains(form.Body, want) {
			t.Fatalf("first-entry page (%d) lacks %q:\n%s", form.Status, want, form.Body)
		}
	}
	if en := bram.Get(t, "/agb-code?lang=en"); !strings.Contains(en.Body, html.EscapeString(catalog.T("en", "agbcode.label"))) {
		t.Errorf("no English first-entry page")
	}
	bram.Get(t, "/agb-code?lang=nl")

	for _, tt := range []struct{ code, reason string }{
		{"1234", "agb.invalid-code"},
		{devagb.CodeUnknown, "agb.not-found"},
		{devagb.CodeEnded, "agb.ended"},
		{devagb.CodePharmacistJansen, "agb.no-fitting-qualification"},
		{devagb.CodeOtherSurname, "agb.surname-mismatch"},
		{devagb.CodePractice, "agb.not-zorgverlener"},
	} {
		t.Run(tt.reason, func(t *testing.T) {
			resp := bram.Post(t, "/agb-code", url.Values{"agb": {tt.code}})
			if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, title("nl", tt.reason)) ||
				!strings.Contains(resp.Body, `aria-invalid="true"`) || !strings.Contains(resp.Body, `value="`+tt.code+`"`) {
				t.Fatalf("code %s: %d, want the form with %q:\n%s", tt.code, resp.Status, title("nl", tt.reason), resp.Body)
			}
			if rec := lastOf(t, env, uziOf(t, devpki.CardGPNoAGB)); rec.Event != "login_refused" || rec.Reason != tt.reason ||
				!strings.Contains(rec.Detail, tt.code) {
				t.Errorf("access log: %s %q %q", rec.Event, rec.Reason, rec.Detail)
			}
		})
	}
	if _, err := env.Store.AGBLink(context.Background(), uziOf(t, devpki.CardGPNoAGB)); err == nil {
		t.Fatal("a refused code was linked")
	}

	resp = bram.Post(t, "/agb-code", url.Values{"agb": {" " + devagb.CodeGPNoAGB + " "}})
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("right code: %d\n%s", resp.Status, resp.Body)
	}
	if home := bram.Get(t, "/"); home.Status != http.StatusOK || !strings.Contains(home.Body, "<dd>"+devagb.CodeGPNoAGB+"</dd>") {
		t.Fatalf("after the right code: %d\n%s", home.Status, home.Body)
	}
	link, err := env.Store.AGBLink(context.Background(), uziOf(t, devpki.CardGPNoAGB))
	if err != nil || link.AGBCode != devagb.CodeGPNoAGB || link.Source != store.AGBLinkEntered || link.Outcome != auth.OutcomeAdmitted {
		t.Fatalf("link %+v, %v", link, err)
	}
	if rec := lastOf(t, env, uziOf(t, devpki.CardGPNoAGB)); rec.Event != "login" || rec.UserAGB != devagb.CodeGPNoAGB {
		t.Errorf("login logged as %s with AGB %q", rec.Event, rec.UserAGB)
	}
	// A new session (another browser) goes straight in with the linked code.
	if resp := env.Client(t, devpki.CardGPNoAGB).Get(t, "/"); resp.Status != http.StatusOK {
		t.Errorf("second login: %d", resp.Status)
	}
}

// TestEndedRegistrationLocksTheProviderOut: after Bram Jansen's code is linked, the hospital imports a
// register file in which his registration has ended; his next login (a new session) is refused with a
// page that says so, and the first-entry page cannot be used to link another code.
func TestEndedRegistrationLocksTheProviderOut(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	bram := env.Client(t, devpki.CardGPNoAGB)
	bram.Get(t, "/agb-code")
	if resp := bram.Post(t, "/agb-code", url.Values{"agb": {devagb.CodeGPNoAGB}}); resp.Status != http.StatusSeeOther {
		t.Fatalf("linking: %d", resp.Status)
	}

	yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
	file := filepath.Join(t.TempDir(), "register.csv")
	writeFile(t, file, registerHeader+
		"ZV;"+devagb.CodeGPNoAGB+";2015-09-01;"+yesterday+";beeindigd;Jansen;;B.;Bram;;;;;\n"+
		"KWAL;"+devagb.CodeGPNoAGB+";2015-09-01;"+yesterday+";;;;;;;0101;;;\n")
	if code, out := runCommand(t, "agb", "import", "--data", env.Config.DataDir, file); code != 0 {
		t.Fatalf("agb import: exit %d\n%s", code, out)
	}

	again := env.Client(t, devpki.CardGPNoAGB)
	resp := again.Get(t, "/")
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, title("nl", "agb.ended")) {
		t.Fatalf("login after the registration ended: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastOf(t, env, uziOf(t, devpki.CardGPNoAGB)); rec.Event != "login_refused" || rec.Reason != "agb.ended" {
		t.Errorf("access log: %s %q", rec.Event, rec.Reason)
	}
	link, err := env.Store.AGBLink(context.Background(), uziOf(t, devpki.CardGPNoAGB))
	if err != nil || link.Outcome != "agb.ended" {
		t.Errorf("link %+v, %v", link, err)
	}
	if resp := again.Get(t, "/agb-code"); resp.Status != http.StatusSeeOther {
		t.Errorf("first-entry page for a locked-out provider: %d", resp.Status)
	}
	// The refusal page has no form; take the CSRF token from its cookie, as a crafted request would.
	token := ""
	for _, ck := range again.Cookies() {
		if ck.Name == portal.CSRFCookie {
			token = ck.Value
		}
	}
	if resp := again.Post(t, "/agb-code", url.Values{"agb": {devagb.CodeGPNoAGB}, "_csrf": {token}}); resp.Status != http.StatusSeeOther {
		t.Errorf("another code for a locked-out provider: %d", resp.Status)
	}
	if resp := again.Get(t, "/"); resp.Status != http.StatusForbidden {
		t.Errorf("still locked out expected, got %d", resp.Status)
	}
}

// TestAGBRegisterUnavailableRefuses: a register that cannot answer admits nobody who needs it.
func TestAGBRegisterUnavailableRefuses(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{Server: []portal.Option{portal.WithAGBLookup(downRegister{})}})
	resp := env.Client(t, devpki.CardGP).Get(t, "/")
	if resp.Status != http.StatusServiceUnavailable || !strings.Contains(resp.Body, title("nl", "agb.register-unavailable")) {
		t.Fatalf("status %d\n%s", resp.Status, resp.Body)
	}
	if resp := env.Client(t, devpki.CardAdmin).Get(t, "/"); resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("administrator (no AGB needed): %d", resp.Status)
	}
}

// TestTooManyWrongAGBCodes stops guessing on the first-entry page.
func TestTooManyWrongAGBCodes(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	bram := env.Client(t, devpki.CardGPNoAGB)
	bram.Get(t, "/agb-code")
	for range 10 {
		if resp := bram.Post(t, "/agb-code", url.Values{"agb": {devagb.CodeUnknown}}); resp.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code: %d", resp.Status)
		}
	}
	resp := bram.Post(t, "/agb-code", url.Values{"agb": {devagb.CodeGPNoAGB}})
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, title("nl", auth.ReasonAGBTooManyAttempts)) {
		t.Fatalf("after ten wrong codes: %d\n%s", resp.Status, resp.Body)
	}
}

// TestEveryRefusalReasonHasItsMessages: a title, an explanation and advice in Dutch and English for every
// reason a refusal page can show, the door's included.
func TestEveryRefusalReasonHasItsMessages(t *testing.T) {
	for _, reason := range auth.RefusalReasons() {
		for _, part := range []string{"title", "what", "todo"} {
			if key := "refusal." + reason + "." + part; !catalog.Has(key) {
				t.Errorf("no message %s", key)
			}
		}
	}
	for _, reason := range auth.DoorReasons() {
		for _, part := range []string{"title", "what", "todo"} {
			if key := "door." + reason + "." + part; !catalog.Has(key) {
				t.Errorf("no message %s", key)
			}
		}
	}
}

// downRegister is an AGB register that never answers.
type downRegister struct{}

func (downRegister) Lookup(context.Context, agb.Code) (agb.Registration, error) {
	return agb.Registration{}, fmt.Errorf("%w: the test register is down", agb.ErrUnavailable)
}

const registerHeader = "recordtype;agbcode;begindatum;einddatum;status;achternaam;voorvoegsel;voorletters;voornaam;naam;kwalificatie;relatie_agbcode;relatiesoort;rol\n"

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runCommand runs a subcommand as the command line would, and returns its exit status and output.
func runCommand(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out strings.Builder
	code := command.Main(context.Background(), args, &command.Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
	return code, out.String()
}
