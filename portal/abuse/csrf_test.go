package abuse

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// TestCSRF: another site, or a copied token, makes a provider's browser change something: log out,
// search, open an emergency access, withdraw a consent. Every state-changing request needs the same
// origin and the token of the form (portal/csrf.go); what another site makes the browser fetch is refused
// before the card logs in (isolateResources).
func TestCSRF(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	ctx := context.Background()
	jong, schouten := env.Patient(t, bsnDeJong), env.Patient(t, bsnSchouten)
	admin := env.Client(t, devpki.CardAdmin)
	want(t, "admin", get(t, admin, "/admin"), http.StatusOK)

	// postForm sends a form with extra headers; the form's token is whatever the caller puts in it.
	postForm := func(t *testing.T, c *portaltest.Client, path string, form url.Values, header map[string]string) *portaltest.Response {
		t.Helper()
		req := c.NewRequest(t, http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return send(t, c, req)
	}
	// refused fails unless the answer is a refusal that changed nothing the access log would show.
	refused := func(t *testing.T, what string, resp *portaltest.Response, before int64) {
		t.Helper()
		forgeryRefused(t, what, resp)
		if recs := recordsAfter(t, env, before); len(recs) > 0 {
			t.Errorf("%s: the refused request wrote %d access-log records (first: %s %s)", what, len(recs), recs[0].Event, recs[0].Outcome)
		}
	}
	consents := func(t *testing.T, p access.Patient) int {
		t.Helper()
		h, err := env.Store.ConsentHistory(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(h)
	}
	emergencies := func(t *testing.T, p access.Patient) int {
		t.Helper()
		rels, err := env.Store.Relationships(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rels {
			if r.Kind == access.Emergency {
				n++
			}
		}
		return n
	}
	withdrawal := url.Values{"category": {"huisartsen"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {"2026-01-01"}}
	emergency := url.Values{"bsn": {schouten.BSN}, "birth_date": {schouten.BirthDate.Format("2006-01-02")},
		"category": {"out-of-hours"}, "reason": {"patiënt acuut benauwd op de huisartsenpost, geen eigen huisarts bereikbaar"}}

	// postRoutes are the portal's state-changing routes with their parameters filled in.
	postRoutes := func(t *testing.T) []string {
		t.Helper()
		rels, err := env.Store.Relationships(ctx, jong.ID)
		if err != nil || len(rels) == 0 {
			t.Fatal("no relationship to fill in")
		}
		fill := strings.NewReplacer(":id", fmt.Sprint(jong.ID), ":rid", fmt.Sprint(rels[0].ID))
		var paths []string
		for _, r := range env.Server.Handler().(*echo.Echo).Routes() {
			if r.Method == http.MethodPost {
				paths = append(paths, fill.Replace(r.Path))
			}
		}
		if len(paths) < 10 {
			t.Fatalf("only %d POST routes found: %v", len(paths), paths)
		}
		return paths
	}

	runAttacks(t, []attack{
		{
			name:    "logout without the form's token",
			defence: "csrf: every state-changing request needs the token of the form",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				want(t, "start", get(t, gp, "/"), http.StatusOK)
				resp := postForm(t, gp, "/logout", url.Values{}, nil)
				forgeryRefused(t, "logout", resp)
				want(t, "still logged in", get(t, gp, "/"), http.StatusOK)
			},
		},
		{
			name:    "search with another session's token",
			defence: "csrf: the token must equal this browser's own __Host- cookie",
			try: func(t *testing.T) {
				victim, attacker := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardGP)
				get(t, victim, "/patients/search")
				get(t, attacker, "/patients/search")
				if attacker.CSRF() == "" || attacker.CSRF() == victim.CSRF() {
					t.Fatal("no distinct tokens to try")
				}
				before := lastRecordID(t, env)
				resp := postForm(t, victim, "/patients/search", url.Values{"bsn": {jong.BSN},
					"birth_date": {jong.BirthDate.Format("2006-01-02")}, "_csrf": {attacker.CSRF()}}, nil)
				refused(t, "search", resp, before)
			},
		},
		{
			name:    "token in the address instead of the form",
			defence: "csrf reads the token from the form body only: a token in a URL leaks through histories and logs",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				get(t, gp, "/")
				resp := postForm(t, gp, "/logout?_csrf="+url.QueryEscape(gp.CSRF()), url.Values{}, nil)
				forgeryRefused(t, "logout", resp)
				want(t, "still logged in", get(t, gp, "/"), http.StatusOK)
			},
		},
		{
			name:    "emergency access opened by a forged form",
			defence: "csrf guards the emergency procedure: no relationship is created without the token",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				get(t, gp, "/")
				n := emergencies(t, schouten)
				resp := postForm(t, gp, portaltest.PatientPath(schouten, "emergency"), emergency, nil)
				forgeryRefused(t, "emergency", resp)
				if emergencies(t, schouten) != n {
					t.Fatal("an emergency relationship was created")
				}
				// The very same form with the page's token goes through: the refusal was the token's.
				get(t, gp, portaltest.PatientPath(schouten, "access"))
				if resp := gp.Post(t, portaltest.PatientPath(schouten, "emergency"), emergency); resp.Status != http.StatusSeeOther {
					t.Fatalf("the genuine form: %d (the attack proves nothing)", resp.Status)
				}
			},
		},
		{
			name:    "consent withdrawn from another site with a valid token",
			defence: "fetch metadata: a state-changing request whose Sec-Fetch-Site is cross-site is refused whatever it carries",
			try: func(t *testing.T) {
				get(t, admin, portaltest.AdminPatientPath(jong))
				n := consents(t, jong)
				form := url.Values{"_csrf": {admin.CSRF()}}
				for k, v := range withdrawal {
					form[k] = v
				}
				resp := postForm(t, admin, portaltest.AdminPatientPath(jong, "consents", "withdraw"), form,
					map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
				forgeryRefused(t, "withdraw", resp)
				if consents(t, jong) != n {
					t.Fatal("the consent changed")
				}
			},
		},
		{
			name:    "form posted from a sibling host of the hospital's domain",
			defence: "csrf: only Sec-Fetch-Site same-origin is accepted, not same-site",
			try: func(t *testing.T) {
				get(t, admin, portaltest.AdminPatientPath(jong))
				n := consents(t, jong)
				form := url.Values{"_csrf": {admin.CSRF()}}
				for k, v := range withdrawal {
					form[k] = v
				}
				resp := postForm(t, admin, portaltest.AdminPatientPath(jong, "consents", "withdraw"), form,
					map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
				forgeryRefused(t, "withdraw", resp)
				if consents(t, jong) != n {
					t.Fatal("the consent changed")
				}
			},
		},
		{
			name:    "form posted with a foreign Origin by a browser without fetch metadata",
			defence: "csrf: an Origin header must be the portal's own",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				get(t, gp, "/")
				resp := postForm(t, gp, "/logout", url.Values{"_csrf": {gp.CSRF()}}, map[string]string{"Origin": "https://evil.example"})
				forgeryRefused(t, "logout", resp)
				want(t, "still logged in", get(t, gp, "/"), http.StatusOK)
			},
		},
		{
			name:    "planted second CSRF cookie with a token to match",
			defence: "csrf refuses a request with two token cookies (the __Host- prefix keeps other hosts from planting one)",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				get(t, gp, "/")
				real := gp.Cookie(portal.CSRFCookie)
				planted := strings.Repeat("A", 43)
				// Both orders: a server that took the first cookie, or the last, would meet the planted one.
				for _, cookies := range [][2]string{{planted, real}, {real, planted}} {
					req := gp.NewRequest(t, http.MethodPost, "/logout", strings.NewReader(url.Values{"_csrf": {planted}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Cookie", portal.CSRFCookie+"="+cookies[0]+"; "+portal.CSRFCookie+"="+cookies[1])
					resp, err := gp.HTTP.Transport.RoundTrip(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusForbidden {
						t.Fatalf("status %d, want 403", resp.StatusCode)
					}
				}
			},
		},
		{
			name:    "every POST route without a token",
			defence: "csrf sits in front of every route that changes anything (routes.go: the card group)",
			try: func(t *testing.T) {
				for _, path := range postRoutes(t) {
					get(t, admin, "/admin")
					before := lastRecordID(t, env)
					refused(t, path, postForm(t, admin, path, url.Values{}, nil), before)
				}
			},
		},
		{
			name:    "every POST route from another site with a valid token",
			defence: "fetch metadata on every route that changes anything",
			try: func(t *testing.T) {
				for _, path := range postRoutes(t) {
					get(t, admin, "/admin")
					before := lastRecordID(t, env)
					resp := postForm(t, admin, path, url.Values{"_csrf": {admin.CSRF()}},
						map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
					refused(t, path, resp, before)
				}
			},
		},
		{
			name:    "patient page loaded as an image by another site",
			defence: "isolateResources: another site's <img> is refused before the card logs in, so no view is logged in the provider's name",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP) // no session cookie: SameSite=Strict keeps it from cross-site requests
				before := lastRecordID(t, env)
				req := gp.NewRequest(t, http.MethodGet, dossierPath(jong, access.Letters), nil)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Sec-Fetch-Mode", "no-cors")
				req.Header.Set("Sec-Fetch-Dest", "image")
				refused(t, "image", send(t, gp, req), before)
			},
		},
		{
			name:    "start page framed by another site",
			defence: "isolateResources refuses cross-site frames (and frame-ancestors 'none' keeps browsers from showing one)",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				before := lastRecordID(t, env)
				req := gp.NewRequest(t, http.MethodGet, "/", nil)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Sec-Fetch-Mode", "navigate")
				req.Header.Set("Sec-Fetch-Dest", "iframe")
				refused(t, "frame", send(t, gp, req), before)
			},
		},
		{
			name:    "own-accesses page fetched by another site's script",
			defence: "isolateResources refuses cross-site fetch() (mode cors), and no CORS header would let the script read it",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				before := lastRecordID(t, env)
				req := gp.NewRequest(t, http.MethodGet, "/mijn-inzages", nil)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Sec-Fetch-Mode", "cors")
				req.Header.Set("Sec-Fetch-Dest", "empty")
				req.Header.Set("Origin", "https://evil.example")
				resp := send(t, gp, req)
				refused(t, "fetch", resp, before)
				if resp.Header.Get("Access-Control-Allow-Origin") != "" {
					t.Error("the portal answers with a CORS header")
				}
			},
		},
	})
}

// forgeryRefused fails unless the answer is the portal's refusal of a forged or cross-site request: 403
// with the page that says so (and not some other refusal that would hide a missing defence).
func forgeryRefused(t *testing.T, what string, resp *portaltest.Response) {
	t.Helper()
	want(t, what, resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, "Formulier niet verwerkt") && !strings.Contains(resp.Body, "Verzoek van een andere website geweigerd") {
		t.Errorf("%s: refused, but not as a forged or cross-site request:\n%s", what, resp.Body[:min(len(resp.Body), 600)])
	}
}
