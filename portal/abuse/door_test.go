package abuse

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// routeParam is a parameter in a route pattern (":id"), filled with a value that would name a real
// patient, item or review in the demo data.
var routeParam = regexp.MustCompile(`:[a-z]+`)

// TestDoor: every route of the portal, asked for over a connection whose card the door refused (no card,
// an expired card, the card's signing certificate, a lookalike from another CA), answers with the door's
// page and nothing else: no data, no session cookie, no state change, no record but the refusal. Only
// the static files and the favicon, which the door's page itself needs, are served.
func TestDoor(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	gp := env.Card(t, devpki.CardGP)
	refused := map[string]*tls.Certificate{
		"no card":         nil,
		"expired card":    &env.Card(t, devpki.CardExpired).Authentication.TLS,
		"signing cert":    &gp.Signing.TLS,
		"encryption cert": &gp.Encryption.TLS,
	}
	names := make([]string, 0, len(refused))
	for name := range refused {
		names = append(names, name)
	}
	sort.Strings(names)
	// A real patient's id, so that a route that slipped past the door would show real data.
	patientID := env.Patient(t, bsnVanDenBerg).PublicID

	var attacks []attack
	for _, r := range env.Server.Routes() {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			continue
		}
		path := strings.ReplaceAll(r.Path, "*", "css/portal.css")
		path = routeParam.ReplaceAllString(path, patientID)
		free := r.Path == "/static/*" || r.Path == "/favicon.ico"
		attacks = append(attacks, attack{
			name:    fmt.Sprintf("%s %s without a verified card", r.Method, r.Path),
			defence: "the door middleware (door.go) runs after routing and before every handler but the static files",
			try: func(t *testing.T) {
				for _, name := range names {
					before := lastRecordID(t, env)
					c := env.ClientWith(t, refused[name])
					resp, err := c.Do(r.Method, path, nil)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if free {
						want(t, name, resp, http.StatusOK)
						continue
					}
					want(t, name+" "+path, resp, http.StatusForbidden)
					if !strings.Contains(resp.Body, `id="problem-title"`) {
						t.Fatalf("%s %s: not the door's page:\n%s", name, path, resp.Body[:min(len(resp.Body), 400)])
					}
					for _, ck := range resp.Header.Values("Set-Cookie") {
						if !strings.HasPrefix(ck, "zvp_lang=") {
							t.Errorf("%s %s: a cookie was set behind the door: %s", name, path, ck)
						}
					}
					for _, rec := range recordsAfter(t, env, before) {
						if rec.Event != "login_refused" {
							t.Errorf("%s %s: the access log got a %s/%s record behind the door", name, path, rec.Event, rec.Outcome)
						}
					}
				}
			},
		})
	}
	if len(attacks) < 30 {
		t.Fatalf("only %d routes found: the route listing is broken", len(attacks))
	}
	runAttacks(t, attacks)

	// The same client with a valid card passes the door: the test above would notice nothing otherwise.
	if resp := get(t, env.Client(t, devpki.CardGP), "/"); resp.Status != http.StatusOK {
		t.Fatalf("the gp card does not pass the door: %d", resp.Status)
	}
}
