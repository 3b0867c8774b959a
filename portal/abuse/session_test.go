package abuse

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// TestSessions: stolen, forged, replayed and moved session cookies. A session is bound to the card's
// fingerprint, signed and encrypted with the portal's keys, ended on the server by a logout, and ends by
// itself after the idle and absolute timeouts.
func TestSessions(t *testing.T) {
	t.Parallel()
	clk := portaltest.NewClock(time.Now())
	env := portaltest.Start(t, portaltest.Options{DemoData: true, DemoNow: clk.Now().Add(-time.Minute),
		Server: []portal.Option{portal.WithClock(clk.Now)}})
	ctx := context.Background()
	gpUZI := uziOf(t, devpki.CardGP)
	jong := env.Patient(t, bsnDeJong)
	medication := dossierPath(jong, access.Medication)

	// loggedIn is a client of the card with a live session.
	loggedIn := func(t *testing.T, card string) *portaltest.Client {
		t.Helper()
		c := env.Client(t, card)
		want(t, "login", get(t, c, "/"), http.StatusOK)
		return c
	}
	sessionOf := func(t *testing.T, c *portaltest.Client) string {
		t.Helper()
		v := c.Cookie(auth.SessionCookie)
		if v == "" {
			t.Fatal("the client holds no session cookie")
		}
		return v
	}
	withSession := func(c *portaltest.Client, value string) {
		c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: value, Path: "/"})
	}
	// signedOut fails unless the answer is the signed-out page, without anything of the patient.
	signedOut := func(t *testing.T, what string, resp *portaltest.Response) {
		t.Helper()
		want(t, what, resp, http.StatusUnauthorized)
		if strings.Contains(resp.Body, jong.FamilyName) || strings.Contains(resp.Body, "Anna de Vries") {
			t.Errorf("%s: the signed-out page shows the patient or the provider", what)
		}
	}
	// loginsOf counts the login records of a UZI number after a record id.
	loginsOf := func(t *testing.T, uzi string, after int64) int {
		t.Helper()
		n := 0
		for _, r := range recordsAfter(t, env, after) {
			if r.Event == "login" && r.UserUZI == uzi {
				n++
			}
		}
		return n
	}
	// forged makes a session cookie with keys of the attacker's own, claiming what the attacker wants.
	forged := func(t *testing.T, v auth.Session) string {
		t.Helper()
		keys, err := auth.LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "attacker.keys"))
		if err != nil {
			t.Fatal(err)
		}
		s := auth.NewSessions(keys, time.Hour, 12*time.Hour)
		s.Now = clk.Now
		rec := httptest.NewRecorder()
		if _, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), v); err != nil {
			t.Fatal(err)
		}
		for _, ck := range rec.Result().Cookies() {
			if ck.Name == auth.SessionCookie {
				return ck.Value
			}
		}
		t.Fatal("no cookie forged")
		return ""
	}
	card := func(name string) *devpki.Card { return env.Card(t, name) }

	runAttacks(t, []attack{
		{
			name:    "session cookie with a forged signature",
			defence: "gorilla/securecookie checks the HMAC of every cookie: a changed MAC is no session",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				raw, err := base64.URLEncoding.DecodeString(sessionOf(t, gp))
				if err != nil {
					t.Fatal(err)
				}
				raw[len(raw)-1] ^= 0x01 // the last byte is the MAC's
				withSession(gp, base64.URLEncoding.EncodeToString(raw))
				before := lastRecordID(t, env)
				want(t, "start page", get(t, gp, "/"), http.StatusOK)
				if loginsOf(t, gpUZI, before) != 1 {
					t.Error("a cookie with a forged MAC was taken as the session (no new login)")
				}
			},
		},
		{
			name:    "cookie from another portal's keys claiming another provider's AGB code",
			defence: "sessions are signed and encrypted with this portal's keys only: the AGB code in a cookie is believed only when the portal wrote it",
			try: func(t *testing.T) {
				// A patient the gp holds a relationship with personally (by her AGB code), which gp-other's
				// practice does not have.
				rels, err := env.Store.RelationshipsForProvider(ctx, card(devpki.CardGP).Spec.AGB, "", clk.Now())
				if err != nil {
					t.Fatal(err)
				}
				path := ""
				honest, self := env.Client(t, devpki.CardGPOther), loggedIn(t, devpki.CardGP)
				for _, r := range rels {
					p := portaltest.PatientPath(r.Patient)
					if r.Relationship.HolderAGB != nil && get(t, honest, p).Status == http.StatusNotFound && get(t, self, p).Status == http.StatusOK {
						path = p
						break
					}
				}
				if path == "" {
					t.Fatal("no patient that only the gp's own AGB code opens: the attack proves nothing")
				}
				other := card(devpki.CardGPOther)
				attacker := env.Client(t, devpki.CardGPOther)
				withSession(attacker, forged(t, auth.Session{UZI: other.Spec.UZINumber,
					Fingerprint: auth.Fingerprint(other.Authentication.Certificate), AGB: card(devpki.CardGP).Spec.AGB}))
				resp := get(t, attacker, path)
				want(t, "patient of the other provider", resp, http.StatusNotFound)
			},
		},
		{
			name:    "reading the session cookie",
			defence: "the session cookie is encrypted (block key), not only signed: it gives nothing away",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				raw, err := base64.URLEncoding.DecodeString(sessionOf(t, gp))
				if err != nil {
					t.Fatal(err)
				}
				parts := bytes.Split(raw, []byte("|"))
				var plain []byte
				for _, p := range parts {
					if d, err := base64.URLEncoding.DecodeString(string(p)); err == nil {
						plain = append(plain, d...)
					}
				}
				for _, secret := range []string{gpUZI, card(devpki.CardGP).Spec.AGB, "uzi", "agb"} {
					if bytes.Contains(raw, []byte(secret)) || bytes.Contains(plain, []byte(secret)) {
						t.Errorf("the cookie shows %q", secret)
					}
				}
			},
		},
		{
			name:    "session cookie moved to another card",
			defence: "the session is bound to the certificate fingerprint; a cookie that turns up with another card is ended",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				stolen := sessionOf(t, gp)
				thief := env.Client(t, devpki.CardGPOther)
				withSession(thief, stolen)
				resp := get(t, thief, medication)
				if strings.Contains(resp.Body, "Anna de Vries") {
					t.Fatal("the other card got the gp's session")
				}
				if resp.Status == http.StatusOK {
					t.Fatal("the other card opened the gp's patient")
				}
				signedOut(t, "the gp's own cookie after it was used with another card", get(t, gp, "/"))
			},
		},
		{
			name:    "logged-out session cookie replayed",
			defence: "logout ends the session on the server (ended_sessions): every copy of the cookie is refused",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				want(t, "dossier", get(t, gp, medication), http.StatusOK)
				copied := sessionOf(t, gp)
				want(t, "logout", gp.Post(t, "/logout", nil), http.StatusOK)
				replay := env.Client(t, devpki.CardGP)
				withSession(replay, copied)
				signedOut(t, "replayed cookie", get(t, replay, medication))
			},
		},
		{
			name:    "session id reused after logging in again",
			defence: "every login issues a new session id (auth.Sessions.Start): the old cookie stays dead, the new one works",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				old := sessionOf(t, gp)
				want(t, "logout", gp.Post(t, "/logout", nil), http.StatusOK)
				if resp := gp.Post(t, "/login", nil); resp.Status != http.StatusSeeOther {
					t.Fatalf("login again: %d", resp.Status)
				}
				if sessionOf(t, gp) == old {
					t.Fatal("the new session has the old cookie")
				}
				want(t, "new session", get(t, gp, medication), http.StatusOK)
				replay := env.Client(t, devpki.CardGP)
				withSession(replay, old)
				signedOut(t, "the old session", get(t, replay, medication))
			},
		},
		{
			name:    "copy of a session cookie kept while its holder logs in again",
			defence: "logging in ends the session the browser held (login revokes it) before a new one starts",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				copied := sessionOf(t, gp)
				if resp := gp.Post(t, "/login", nil); resp.Status != http.StatusSeeOther {
					t.Fatalf("login again: %d", resp.Status)
				}
				want(t, "new session", get(t, gp, medication), http.StatusOK)
				replay := env.Client(t, devpki.CardGP)
				withSession(replay, copied)
				signedOut(t, "the copy of the old session", get(t, replay, medication))
			},
		},
		{
			name:    "planted session cookie (session fixation)",
			defence: "a cookie of another card is never taken over: the card in the reader gets a session of its own, the planted one ends",
			try: func(t *testing.T) {
				attacker := loggedIn(t, devpki.CardGPOther)
				planted := sessionOf(t, attacker)
				victim := env.Client(t, devpki.CardGP)
				withSession(victim, planted)
				resp := get(t, victim, "/")
				want(t, "victim's start page", resp, http.StatusOK)
				if !strings.Contains(resp.Body, "Anna de Vries") || strings.Contains(resp.Body, "Carla Bakker") {
					t.Fatal("the victim is not shown as herself")
				}
				if sessionOf(t, victim) == planted {
					t.Fatal("the victim kept the planted session")
				}
				signedOut(t, "the attacker's cookie after the victim used it", get(t, attacker, "/"))
			},
		},
		{
			name:    "session cookie replayed after the idle timeout",
			defence: "session.idle_timeout: a cookie not used for 15 minutes is dead, however often it is copied",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				copied := sessionOf(t, gp)
				clk.Advance(16 * time.Minute)
				replay := env.Client(t, devpki.CardGP)
				withSession(replay, copied)
				resp := get(t, replay, medication)
				signedOut(t, "idle cookie", resp)
				if !strings.Contains(resp.Body, "te lang niet actief") {
					t.Error("not the idle page")
				}
			},
		},
		{
			name:    "session kept alive past the absolute timeout",
			defence: "session.absolute_timeout: 12 hours after login the session ends, however active",
			try: func(t *testing.T) {
				gp := loggedIn(t, devpki.CardGP)
				var resp *portaltest.Response
				for range 12*6 + 1 {
					clk.Advance(10 * time.Minute)
					if resp = get(t, gp, medication); resp.Status != http.StatusOK {
						break
					}
				}
				signedOut(t, "after 12 hours", resp)
				if !strings.Contains(resp.Body, "maximale sessieduur") {
					t.Error("not the absolute-timeout page")
				}
			},
		},
		{
			name:    "cookie attributes that let a script or another site read or send the cookies",
			defence: "session, CSRF and language cookies are HttpOnly, Secure, SameSite=Strict, Path=/ without Domain; session and CSRF cookies carry the __Host- prefix",
			try: func(t *testing.T) {
				resp := get(t, env.Client(t, devpki.CardGP), "/?lang=en")
				seen := map[string]bool{}
				for _, line := range resp.Header.Values("Set-Cookie") {
					ck, err := http.ParseSetCookie(line)
					if err != nil {
						t.Fatal(err)
					}
					seen[ck.Name] = true
					if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Domain != "" {
						t.Errorf("cookie %s: %s", ck.Name, line)
					}
				}
				for _, name := range []string{auth.SessionCookie, portal.CSRFCookie} {
					if !seen[name] || !strings.HasPrefix(name, "__Host-") {
						t.Errorf("cookie %s missing or without the __Host- prefix (got %v)", name, seen)
					}
				}
			},
		},
		{
			name:    "two session cookies in one request",
			defence: "auth.Sessions.Load trusts no session when the request carries two session cookies (one of them planted)",
			try: func(t *testing.T) {
				attacker := loggedIn(t, devpki.CardGPOther)
				victim := loggedIn(t, devpki.CardGP)
				req := victim.NewRequest(t, http.MethodGet, "/", nil)
				// A server that took the first would carry on with the victim's session, one that took the
				// last would meet the attacker's: both are guesses about which cookie is real.
				req.Header.Set("Cookie", auth.SessionCookie+"="+sessionOf(t, victim)+"; "+auth.SessionCookie+"="+sessionOf(t, attacker))
				before := lastRecordID(t, env)
				resp, err := victim.HTTP.Transport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || loginsOf(t, gpUZI, before) != 1 {
					t.Errorf("status %d; two cookies should count as none and log the card in afresh", resp.StatusCode)
				}
				for _, r := range recordsAfter(t, env, before) {
					if r.Event == "login" && r.UserUZI != gpUZI {
						t.Errorf("login recorded for %s", r.UserUZI)
					}
				}
			},
		},
	})
}
