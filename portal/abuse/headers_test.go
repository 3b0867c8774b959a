package abuse

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/html"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// checkHeaders fails unless a response carries the headers of DESIGN.md §7: a CSP without inline script
// that forbids framing, HSTS for at least a year, X-Frame-Options DENY, nosniff, no referrer; and
// no-store unless it is a static file.
func checkHeaders(t *testing.T, what string, resp *portaltest.Response) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "default-src 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
	if m := regexp.MustCompile(`max-age=(\d+)`).FindStringSubmatch(h.Get("Strict-Transport-Security")); m == nil || len(m[1]) < 8 {
		t.Errorf("%s: Strict-Transport-Security %q", what, h.Get("Strict-Transport-Security"))
	}
	for name, value := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if h.Get(name) != value {
			t.Errorf("%s: %s %q, want %q", what, name, h.Get(name), value)
		}
	}
	if h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("%s: CORS headers", what)
	}
	if resp.Status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/css") && !strings.HasPrefix(h.Get("Content-Type"), "image/") {
		if !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", what, h.Get("Cache-Control"))
		}
	}
}

// links returns every URL a page points at: href, src, action and formaction values.
func links(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "href", "src", "action", "formaction":
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// onSite reports whether a URL stays on the portal: a path with a single leading slash (no "//", no
// backslash that browsers read as a slash), or a fragment.
func onSite(u string) bool {
	if strings.HasPrefix(u, "#") {
		return true
	}
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.Contains(u, `\`) &&
		!strings.ContainsAny(u, "\t\r\n") && !strings.HasPrefix(u, "/%2f") && !strings.HasPrefix(u, "/%2F") && !strings.HasPrefix(u, "/%5c")
}

// patientDataInURL finds what must never be in an address: a BSN (nine digits) or a date.
var patientDataInURL = regexp.MustCompile(`\d{9}|\d{4}-\d{2}-\d{2}|\d{4}\.\d{2}\.\d{3}`)

// TestResponseHeaders: framing, sniffing, caching, open redirects and method tricks, against every kind
// of answer the portal gives.
func TestResponseHeaders(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	ctx := context.Background()
	jong, schouten := env.Patient(t, bsnDeJong), env.Patient(t, bsnSchouten)
	gp := env.Client(t, devpki.CardGP)
	gpCard := &env.Card(t, devpki.CardGP).Authentication.TLS
	admin := env.Client(t, devpki.CardAdmin)
	want(t, "gp", get(t, gp, "/"), http.StatusOK)
	want(t, "admin", get(t, admin, "/admin"), http.StatusOK)
	letter, pdf := letterWithPDF(t, env, jong)
	pdfPath := portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", pdf.PublicID)
	rawRequest := func(t *testing.T, c *portaltest.Client, method, path string, header map[string]string) *portaltest.Response {
		t.Helper()
		req := c.NewRequest(t, method, path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return send(t, c, req)
	}
	// patientPages are every address that shows data of de Jong.
	patientPages := func(t *testing.T) []string {
		t.Helper()
		var paths []string
		for _, cat := range access.Categories {
			paths = append(paths, dossierPath(jong, cat))
		}
		paths = append(paths, portaltest.PatientPath(jong, "summary"), portaltest.PatientPath(jong, "access"),
			portaltest.PatientPath(jong, "letters", letter.PublicID), pdfPath, pdfPath+"?download=1",
			portaltest.PatientPath(jong, "lab", anyLabResult(t, env, jong).PublicID),
			portaltest.PatientPath(jong, "reports", anyReport(t, env, jong).PublicID),
			portaltest.AdminPatientPath(jong), "/mijn-inzages", "/admin/log/emergency")
		return paths
	}

	runAttacks(t, []attack{
		{
			name:    "a kind of answer without the security headers",
			defence: "securityHeaders runs before everything (routes.go), error pages included; PDFs and reports set stricter ones",
			try: func(t *testing.T) {
				answers := map[string]*portaltest.Response{
					"page 200":         get(t, gp, "/"),
					"not found 404":    get(t, gp, "/nothing-here"),
					"access page 403":  get(t, gp, dossierPath(schouten, access.Summary)),
					"static file":      get(t, gp, "/static/css/portal.css"),
					"static 404":       get(t, gp, "/static/nothing.css"),
					"PDF":              get(t, gp, pdfPath),
					"HEAD":             rawRequest(t, gp, http.MethodHead, "/", nil),
					"OPTIONS":          rawRequest(t, gp, http.MethodOptions, "/", nil),
					"TRACE":            rawRequest(t, gp, http.MethodTrace, "/", nil),
					"forged form 403":  rawRequest(t, gp, http.MethodPost, "/logout", nil),
					"cross-site 403":   rawRequest(t, gp, http.MethodGet, "/", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"}),
					"refused card 403": get(t, env.Client(t, devpki.CardCompanyDoctor), "/"),
				}
				get(t, gp, "/patients/search")
				answers["form error 422"] = gp.Post(t, "/patients/search", url.Values{"bsn": {"123"}})
				get(t, gp, "/patients/search")
				answers["redirect 303"] = gp.Post(t, "/patients/search", url.Values{"bsn": {jong.BSN}, "birth_date": {jong.BirthDate.Format("2006-01-02")}})
				get(t, admin, "/admin/log")
				for _, format := range []string{"csv", "html"} {
					get(t, admin, "/admin/log")
					answers["report "+format] = admin.Post(t, "/admin/log/patient", url.Values{"bsn": {jong.BSN}, "from": {"2000-01-01"},
						"to": {"2100-01-01"}, "format": {format}})
				}
				leaver := env.Client(t, devpki.CardGP)
				get(t, leaver, "/")
				leaver.Post(t, "/logout", nil)
				answers["signed out 401"] = get(t, leaver, "/")
				for what, resp := range answers {
					noLeak(t, what, resp)
					checkHeaders(t, what, resp)
				}
			},
		},
		{
			name:    "patient pages, PDFs and reports kept in a browser or proxy cache",
			defence: "Cache-Control: no-store on every answer but static files (securityHeaders, document.ServePDF)",
			try: func(t *testing.T) {
				for _, path := range patientPages(t) {
					c := gp
					if strings.HasPrefix(path, "/admin") {
						c = admin
					}
					resp := get(t, c, path)
					want(t, path, resp, http.StatusOK)
					if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || strings.Contains(cc, "public") {
						t.Errorf("%s: Cache-Control %q", path, cc)
					}
				}
			},
		},
		{
			name:    "patient pages framed by another site (clickjacking)",
			defence: "X-Frame-Options DENY and CSP frame-ancestors 'none' on every page and file",
			try: func(t *testing.T) {
				for _, path := range patientPages(t) {
					c := gp
					if strings.HasPrefix(path, "/admin") {
						c = admin
					}
					resp := get(t, c, path)
					if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
						t.Errorf("%s can be framed: %q / %q", path, resp.Header.Get("X-Frame-Options"), resp.Header.Get("Content-Security-Policy"))
					}
				}
			},
		},
		{
			name:    "content sniffing of pages, files and documents",
			defence: "nosniff on every answer, each with its exact content type; a PDF is sandboxed and never rendered as HTML",
			try: func(t *testing.T) {
				types := map[string]string{
					"/":                       "text/html; charset=utf-8",
					"/static/css/portal.css":  "text/css; charset=utf-8",
					"/static/img/favicon.svg": "image/svg+xml",
					pdfPath:                   "application/pdf",
				}
				for path, ctype := range types {
					resp := get(t, gp, path)
					want(t, path, resp, http.StatusOK)
					if !strings.EqualFold(resp.Header.Get("Content-Type"), ctype) || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
						t.Errorf("%s: Content-Type %q (want %q), X-Content-Type-Options %q", path, resp.Header.Get("Content-Type"), ctype, resp.Header.Get("X-Content-Type-Options"))
					}
				}
				if csp := get(t, gp, pdfPath).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
					t.Errorf("PDF without sandbox: %q", csp)
				}
			},
		},
		{
			name:    "open redirect through an address starting with //",
			defence: "cleanPath: a page links back to its own address only when that is a plain path of the portal",
			try: func(t *testing.T) {
				for _, path := range []string{"//evil.example/", "//evil.example/patients", "/%2F%2Fevil.example/", "///evil.example/"} {
					resp := rawExchange(t, env, gpCard, "GET "+path+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					for _, u := range links(t, resp.Body) {
						if !onSite(u) {
							t.Errorf("%s: the page links to %q", path, u)
						}
					}
				}
			},
		},
		{
			name:    "open redirect through backslashes and control characters in the address",
			defence: "cleanPath: only letters, digits, - _ . and / in a path the page links back to",
			try: func(t *testing.T) {
				for _, path := range []string{`/%5Cevil.example/`, `/%5C%5Cevil.example`, `/%09/evil.example`, `/.%2F%2Fevil.example`, `/\evil.example/`} {
					resp := rawExchange(t, env, gpCard, "GET "+path+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					for _, u := range links(t, resp.Body) {
						if !onSite(u) || strings.Contains(strings.ToLower(u), "evil") {
							t.Errorf("%s: the page links to %q", path, u)
						}
					}
				}
			},
		},
		{
			name:    "a redirect that leaves the portal or carries patient data",
			defence: "every redirect is a fixed relative path with opaque ids (search, emergency, administration, login)",
			try: func(t *testing.T) {
				var locations []string
				collect := func(resp *portaltest.Response) {
					if l := resp.Header.Get("Location"); l != "" {
						locations = append(locations, l)
					}
				}
				get(t, gp, "/patients/search")
				collect(gp.Post(t, "/patients/search", url.Values{"bsn": {jong.BSN}, "birth_date": {jong.BirthDate.Format("2006-01-02")}}))
				get(t, admin, "/admin")
				collect(admin.Post(t, "/admin/patients/find", url.Values{"bsn": {jong.BSN}, "birth_date": {jong.BirthDate.Format("2006-01-02")}}))
				get(t, admin, portaltest.AdminPatientPath(jong))
				collect(admin.Post(t, portaltest.AdminPatientPath(jong, "relationships"), url.Values{"kind": {"referrer"},
					"holder_kind": {"provider"}, "holder_code": {"03012345"}, "valid_from": {"2026-01-01"}, "reason": {"verwijzing"}}))
				noAGB := env.Client(t, devpki.CardGPNoAGB)
				collect(get(t, noAGB, "/"))
				other := env.Client(t, devpki.CardGPOther)
				get(t, other, "/")
				other.Post(t, "/logout", nil)
				collect(other.Post(t, "/login", nil))
				if len(locations) < 5 {
					t.Fatalf("only %d redirects seen: %v", len(locations), locations)
				}
				for _, l := range locations {
					if !onSite(l) || patientDataInURL.MatchString(l) {
						t.Errorf("redirect to %q", l)
					}
				}
			},
		},
		{
			name:    "patient data in the address of a page",
			defence: "every GET route takes opaque ids only (routes.go), and the search form ignores a BSN in its address",
			try: func(t *testing.T) {
				opaque := map[string]bool{"id": true, "rid": true, "lid": true, "aid": true, "*": true}
				param := regexp.MustCompile(`:([a-z_]+)|\*`)
				n := 0
				for _, r := range env.Server.Handler().(*echo.Echo).Routes() {
					if r.Method != http.MethodGet {
						continue
					}
					n++
					for _, m := range param.FindAllStringSubmatch(r.Path, -1) {
						if name := strings.TrimPrefix(m[0], ":"); !opaque[name] {
							t.Errorf("GET %s takes %q in its address", r.Path, name)
						}
					}
				}
				if n < 20 {
					t.Fatalf("only %d GET routes found", n)
				}
				before := lastRecordID(t, env)
				resp := get(t, gp, "/patients/search?bsn="+jong.BSN+"&birth_date="+jong.BirthDate.Format("2006-01-02"))
				want(t, "search form", resp, http.StatusOK)
				for _, r := range recordsAfter(t, env, before) {
					if r.PatientBSN != "" {
						t.Errorf("a BSN in the address was looked up (%s)", r.Event)
					}
				}
			},
		},
		{
			name:    "GET on routes that change something",
			defence: "state changes are registered for POST only (routes.go); a GET changes nothing",
			try: func(t *testing.T) {
				n := emergencyCount(t, env, schouten)
				for _, path := range []string{"/logout", portaltest.PatientPath(schouten, "emergency"), "/login",
					portaltest.AdminPatientPath(jong, "consents", "withdraw")} {
					resp := get(t, gp, path)
					if resp.Status < 400 {
						t.Errorf("GET %s: %d", path, resp.Status)
					}
				}
				want(t, "still logged in", get(t, gp, "/"), http.StatusOK)
				if emergencyCount(t, env, schouten) != n {
					t.Error("a GET created an emergency relationship")
				}
			},
		},
		{
			name:    "HEAD on a patient page",
			defence: "HEAD is no route of the portal: no body, and no view is logged for a page nobody saw",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				resp := rawRequest(t, gp, http.MethodHead, dossierPath(jong, access.Letters), nil)
				if resp.Status < 400 || resp.Body != "" {
					t.Errorf("HEAD: %d with %d bytes", resp.Status, len(resp.Body))
				}
				for _, r := range recordsAfter(t, env, before) {
					if r.Event == "view" && r.Outcome == "success" {
						t.Error("HEAD logged a view")
					}
				}
			},
		},
		{
			name:    "CORS preflight and credentialed read from another origin",
			defence: "the portal answers no CORS: no Access-Control-Allow-* header on OPTIONS or GET",
			try: func(t *testing.T) {
				for _, m := range []string{http.MethodOptions, http.MethodGet} {
					resp := rawRequest(t, gp, m, dossierPath(jong, access.Medication), map[string]string{"Origin": "https://evil.example",
						"Access-Control-Request-Method": "GET"})
					for k := range resp.Header {
						if strings.HasPrefix(k, "Access-Control-") {
							t.Errorf("%s: %s: %s", m, k, resp.Header.Get(k))
						}
					}
					if m == http.MethodOptions && resp.Status < 400 {
						t.Errorf("OPTIONS: %d", resp.Status)
					}
				}
			},
		},
		{
			name:    "TRACE reflecting the request (cross-site tracing)",
			defence: "TRACE is no route: the request, cookies included, is never echoed",
			try: func(t *testing.T) {
				resp := rawRequest(t, gp, http.MethodTrace, "/", map[string]string{"X-Trace-Marker": "abuse-trace-marker"})
				session := gp.Cookie("__Host-zvp_session")
				if resp.Status < 400 || strings.Contains(resp.Body, "abuse-trace-marker") || (session != "" && strings.Contains(resp.Body, session)) ||
					strings.HasPrefix(resp.Header.Get("Content-Type"), "message/http") {
					t.Errorf("TRACE: %d, %s", resp.Status, resp.Header.Get("Content-Type"))
				}
			},
		},
		{
			name:    "method override by header or form field",
			defence: "no method-override middleware: a GET stays a GET",
			try: func(t *testing.T) {
				n := emergencyCount(t, env, schouten)
				path := portaltest.PatientPath(schouten, "emergency") + "?_method=POST"
				resp := rawRequest(t, gp, http.MethodGet, path, map[string]string{"X-HTTP-Method-Override": "POST", "X-Method-Override": "POST"})
				if resp.Status < 400 {
					t.Errorf("status %d", resp.Status)
				}
				if emergencyCount(t, env, schouten) != n {
					t.Error("an emergency relationship was created")
				}
			},
		},
	})
	_ = ctx
}

// emergencyCount is the number of emergency relationships of a patient.
func emergencyCount(t *testing.T, env *portaltest.Env, p access.Patient) int {
	t.Helper()
	rels, err := env.Store.Relationships(context.Background(), p.ID)
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
