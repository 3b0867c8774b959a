package abuse

import (
	"context"
	"encoding/base64"
	"encoding/json"
	stdhtml "html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// The payloads of the malicious import file: a patient and a dossier whose every text is an attack.
const (
	bsnMallory     = "999980002" // the patient of the malicious import file
	xssGiven       = `<script>alert("voornaam")</script>`
	xssFamily      = `"><img src=x onerror=alert("achternaam")>`
	xssProblem     = `<script>alert("probleem")</script>Diabetes`
	xssMedication  = `<img src=x onerror=alert("medicatie")>Metformine`
	xssConclusion  = `</p><script>alert("conclusie")</script>`
	xssLetterTitle = `<svg onload=alert("titel")>Ontslagbrief`
	xssLabName     = `<b onmouseover=alert("lab")>Kalium</b>`
	xssTextLetter  = "</div><script>alert('platte tekst')</script>\nMet vriendelijke groet"
	// xssHTMLLetter is a letter in HTML with the classic payloads; the sanitiser must leave none of them.
	xssHTMLLetter = `<h1>Ontslagbrief</h1><p>Beste collega,</p>` +
		`<script>alert('script')</script>` +
		`<img src=x onerror=alert('img')>` +
		`<a href="javascript:alert('link')">klik</a>` +
		`<a href="JaVaScRiPt:alert('case')">klik</a>` +
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>` +
		`<iframe src="https://evil.example/"></iframe>` +
		`<svg onload=alert('svg')></svg>` +
		`<p style="background:url(javascript:alert('css'))" onclick="alert('click')">tekst</p>` +
		`<form action="https://evil.example/"><input name="q"><button>verstuur</button></form>` +
		`<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">` +
		`<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>` +
		`<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">` +
		`<p>Met vriendelijke groet</p>`
)

// maliciousBundle is the import file: the patient, registered with the gp's practice, who consented to
// sharing with GPs, and a dossier of attacks.
func maliciousBundle(t *testing.T) []byte {
	t.Helper()
	ref := func(r string) map[string]any { return map[string]any{"reference": r} }
	text := func(s string) map[string]any { return map[string]any{"text": s} }
	coding := func(system, code, display string) map[string]any {
		return map[string]any{"coding": []any{map[string]any{"system": system, "code": code, "display": display}}, "text": display}
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	patient := "urn:uuid:8f0c6a52-0000-4000-8000-000000000001"
	entries := []map[string]any{
		{"fullUrl": patient, "resource": map[string]any{
			"resourceType": "Patient", "id": "mallory",
			"identifier": []any{map[string]any{"system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": bsnMallory}},
			"name":       []any{map[string]any{"use": "official", "family": xssFamily, "given": []string{xssGiven}}},
			"gender":     "female", "birthDate": "1970-02-03",
			"generalPractitioner": []any{map[string]any{"identifier": map[string]any{
				"system": "http://fhir.nl/fhir/NamingSystem/ura", "value": "90000101"}}},
		}},
		{"resource": map[string]any{
			"resourceType": "Consent", "id": "mallory-consent", "status": "active",
			"scope":    coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy"),
			"category": []any{coding("http://loinc.org", "59284-0", "Consent")},
			"patient":  ref(patient), "dateTime": "2020-06-01T10:00:00Z",
			"performer": []any{ref(patient)},
			"provision": map[string]any{"type": "permit", "actor": []any{map[string]any{
				"role":      coding("https://zorgverlenersportaal.nl/fhir/CodeSystem/recipient-category", "huisartsen", "Huisartsen"),
				"reference": map[string]any{"display": "Huisartsen"}}}},
		}},
		{"resource": map[string]any{
			"resourceType": "Condition", "id": "mallory-problem", "subject": ref(patient),
			"clinicalStatus": coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
			"code":           text(xssProblem), "onsetDateTime": "2019-01-01",
		}},
		{"resource": map[string]any{
			"resourceType": "MedicationStatement", "id": "mallory-med", "status": "active", "subject": ref(patient),
			"medicationCodeableConcept": text(xssMedication), "effectivePeriod": map[string]any{"start": "2020-01-01"},
			"dosage": []any{map[string]any{"text": `<script>alert("dosering")</script>`}},
		}},
		{"resource": map[string]any{
			"resourceType": "Observation", "id": "mallory-lab", "status": "final", "subject": ref(patient),
			"category":          []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")},
			"code":              map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": "2823-3"}}, "text": xssLabName},
			"effectiveDateTime": "2026-01-10T08:00:00Z",
			"valueQuantity":     map[string]any{"value": 4.2, "unit": `"><script>alert("eenheid")</script>`},
		}},
		{"resource": map[string]any{
			"resourceType": "DiagnosticReport", "id": "mallory-report", "status": "final", "subject": ref(patient),
			"category":          []any{coding("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "Radiology")},
			"code":              coding("http://loinc.org", "18748-4", `<script>alert("rapport")</script>X-thorax`),
			"effectiveDateTime": "2026-01-11T08:00:00Z", "conclusion": xssConclusion,
			"presentedForm": []any{map[string]any{"contentType": "text/html", "data": b64(xssHTMLLetter)}},
		}},
		{"resource": map[string]any{
			"resourceType": "DocumentReference", "id": "mallory-letter-html", "status": "current", "subject": ref(patient),
			"type": coding("http://loinc.org", "18842-5", "Discharge summary"), "date": "2026-01-12T08:00:00Z",
			"description": xssLetterTitle,
			"content":     []any{map[string]any{"attachment": map[string]any{"contentType": "text/html", "data": b64(xssHTMLLetter)}}},
		}},
		{"resource": map[string]any{
			"resourceType": "DocumentReference", "id": "mallory-letter-text", "status": "current", "subject": ref(patient),
			"type": coding("http://loinc.org", "51852-2", "Letter"), "date": "2026-01-13T08:00:00Z",
			"description": "Brief in platte tekst",
			"content":     []any{map[string]any{"attachment": map[string]any{"contentType": "text/plain", "data": b64(xssTextLetter)}}},
		}},
	}
	data, err := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// activeContent finds what would run or load in a browser, in the page as a browser parses it: script,
// frame, object, embed, base, style and refresh elements, event-handler and style attributes, and
// javascript:, vbscript: and data: URLs. The portal's own pages have none of these (CSP: script-src 'self'
// without any script, style-src 'self'); text that merely looks like them, escaped, is inert.
// ownScript reports whether n is the portal's own script file in the page's head: an empty <script> whose
// src is one of the portal's static scripts (the page's Content-Security-Policy admits nothing else), the
// progressive enhancement every page loads. Anything else that is a script is active content.
func ownScript(n *html.Node) bool {
	if n.DataAtom != atom.Script || n.FirstChild != nil || n.Parent == nil || n.Parent.DataAtom != atom.Head {
		return false
	}
	src := ""
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "src":
			src = a.Val
		case "defer":
		default:
			return false
		}
	}
	return ownScriptSrc.MatchString(src)
}

// ownScriptSrc is the address of one of the portal's static scripts, with its content hash.
var ownScriptSrc = regexp.MustCompile(`^/static/js/[a-z]+\.js\?v=[0-9a-f]{8}$`)

func activeContent(page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "unparsable page: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			if ownScript(n) {
				return
			}
			switch n.DataAtom {
			case atom.Script, atom.Iframe, atom.Frame, atom.Object, atom.Embed, atom.Base, atom.Style, atom.Applet:
				found = "<" + n.Data + ">"
				return
			case atom.Meta:
				for _, a := range n.Attr {
					if strings.EqualFold(a.Key, "http-equiv") {
						found = "<meta http-equiv>"
						return
					}
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "formaction" {
					found = "<" + n.Data + " " + a.Key + "=...>"
					return
				}
				if key == "href" || key == "src" || key == "action" || key == "xlink:href" {
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, a.Val))
					if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:") ||
						(key == "action" && !strings.HasPrefix(v, "/")) {
						found = "<" + n.Data + " " + a.Key + "=" + a.Val + ">"
						return
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// inert fails when a page holds active content.
func inert(t *testing.T, what string, resp *portaltest.Response) {
	t.Helper()
	if m := activeContent(resp.Body); m != "" {
		t.Errorf("%s: active content %s survives", what, m)
	}
}

// TestInjection: a malicious import file (FHIR bundle) full of script, and SQL typed into every input of
// the portal. Text from the hospital's systems is escaped by html/template; letters in HTML pass the
// bluemonday allow-list; every query takes its values as ? placeholders, and input is checked before it
// is looked up.
func TestInjection(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Bundles: [][]byte{maliciousBundle(t)}})
	ctx := context.Background()
	mallory := env.Patient(t, bsnMallory)
	gp := env.Client(t, devpki.CardGP)
	admin := env.Client(t, devpki.CardAdmin)
	want(t, "gp", get(t, gp, "/"), http.StatusOK)
	want(t, "admin", get(t, admin, "/admin"), http.StatusOK)
	patients, err := env.Store.PatientCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// intact fails when the database lost patients or the access log's chain broke: what an injection
	// that reached the SQL would do.
	intact := func(t *testing.T) {
		t.Helper()
		if n, err := env.Store.PatientCount(ctx); err != nil || n != patients {
			t.Fatalf("patients: %d (%v), want %d", n, err, patients)
		}
		if _, err := audit.Verify(ctx, env.Store, audit.VerifyOptions{}); err != nil {
			t.Fatalf("access log: %v", err)
		}
	}
	escapedName := stdhtml.EscapeString("<script>")
	letterOf := func(t *testing.T, kind string) string {
		t.Helper()
		letters, err := env.Store.Letters(ctx, mallory.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range letters {
			for _, a := range l.Attachments {
				if a.ContentType == kind {
					return l.PublicID
				}
			}
		}
		t.Fatalf("no %s letter imported", kind)
		return ""
	}
	searchForm := func(bsn, birth string) url.Values { return url.Values{"bsn": {bsn}, "birth_date": {birth}} }

	runAttacks(t, []attack{
		{
			name:    "script in an imported patient's name on the start page",
			defence: "html/template escapes every name from the import",
			try: func(t *testing.T) {
				resp := get(t, gp, "/?toon=alle")
				want(t, "start page", resp, http.StatusOK)
				inert(t, "start page", resp)
				if !strings.Contains(resp.Body, escapedName) {
					t.Error("the malicious patient is not listed (escaped) at all: the attack proves nothing")
				}
			},
		},
		{
			name:    "script in an imported patient's name in the dossier banner",
			defence: "html/template escapes the banner (NewPatientBanner)",
			try: func(t *testing.T) {
				for _, cat := range access.Categories {
					resp := get(t, gp, dossierPath(mallory, cat))
					want(t, string(cat), resp, http.StatusOK)
					inert(t, string(cat), resp)
				}
			},
		},
		{
			name:    "script and handlers in imported problems, medication, lab and report texts",
			defence: "html/template escapes every coded text and value from the import",
			try: func(t *testing.T) {
				for _, cat := range []access.Category{access.Problems, access.Medication, access.Lab, access.Reports, access.Summary} {
					resp := get(t, gp, dossierPath(mallory, cat))
					inert(t, string(cat), resp)
				}
				resp := get(t, gp, dossierPath(mallory, access.Problems))
				if !strings.Contains(resp.Body, "Diabetes") {
					t.Error("the problem is not shown: the attack proves nothing")
				}
			},
		},
		{
			name:    "classic XSS payloads in an imported HTML letter",
			defence: "portal/document: bluemonday allow-list, then re-parsed (no script, handler, javascript:/data: URL, frame, form, style, svg, base)",
			try: func(t *testing.T) {
				resp := get(t, gp, portaltest.PatientPath(mallory, "letters", letterOf(t, "text/html")))
				want(t, "HTML letter", resp, http.StatusOK)
				inert(t, "HTML letter", resp)
				if !strings.Contains(resp.Body, "Beste collega") {
					t.Error("the letter's text is not shown: the attack proves nothing")
				}
			},
		},
		{
			name:    "markup in an imported plain-text letter",
			defence: "document.Text escapes plain text (line breaks kept)",
			try: func(t *testing.T) {
				resp := get(t, gp, portaltest.PatientPath(mallory, "letters", letterOf(t, "text/plain")))
				want(t, "text letter", resp, http.StatusOK)
				inert(t, "text letter", resp)
				if !strings.Contains(resp.Body, "platte tekst") {
					t.Error("the letter's text is not shown")
				}
			},
		},
		{
			name:    "XSS payloads in an imported report's HTML and conclusion",
			defence: "the report page sanitises its HTML and escapes its conclusion",
			try: func(t *testing.T) {
				reports, err := env.Store.Reports(ctx, mallory.ID)
				if err != nil || len(reports) == 0 {
					t.Fatalf("reports: %v", err)
				}
				resp := get(t, gp, portaltest.PatientPath(mallory, "reports", reports[0].PublicID))
				want(t, "report", resp, http.StatusOK)
				inert(t, "report", resp)
			},
		},
		{
			name:    "script in an imported name on the administration's patient page",
			defence: "html/template escapes the administration's pages too",
			try: func(t *testing.T) {
				resp := get(t, admin, portaltest.AdminPatientPath(mallory))
				want(t, "admin patient", resp, http.StatusOK)
				inert(t, "admin patient", resp)
			},
		},
		{
			name:    "script in the query string and path reflected into a page",
			defence: "query values are never echoed, and the language switch links only to clean paths",
			try: func(t *testing.T) {
				for _, path := range []string{`/?toon=<script>alert(1)</script>`, `/patients/search?bsn=<script>alert(1)</script>`,
					`/<script>alert(1)</script>`, `/mijn-inzages?lang="><script>alert(1)</script>`, `/"onmouseover="alert(1)`} {
					req := gp.NewRequest(t, http.MethodGet, "/", nil)
					req.URL.Opaque = "" // send the path as typed
					req.URL, _ = url.Parse(env.URL + strings.ReplaceAll(path, " ", "%20"))
					resp := send(t, gp, req)
					noLeak(t, path, resp)
					inert(t, path, resp)
				}
			},
		},
		{
			name:    "SQL in the search's BSN",
			defence: "the elfproef is checked before anything is looked up; queries use ? placeholders",
			try: func(t *testing.T) {
				for _, bsn := range []string{mallory.BSN + "' OR '1'='1", "' OR 1=1 --", "0 UNION SELECT bsn FROM patients--", mallory.BSN + "; DROP TABLE patients"} {
					get(t, gp, "/patients/search")
					resp := gp.Post(t, "/patients/search", searchForm(bsn, "1970-02-03"))
					want(t, bsn, resp, http.StatusUnprocessableEntity)
					if strings.Contains(resp.Body, escapedName) {
						t.Errorf("%s: a patient was found", bsn)
					}
				}
				intact(t)
			},
		},
		{
			name:    "SQL in the search's birth date",
			defence: "the date is parsed before anything is looked up",
			try: func(t *testing.T) {
				for _, d := range []string{"1970-02-03' OR '1'='1", "1970-02-03 OR 1=1", "date('now')"} {
					get(t, gp, "/patients/search")
					want(t, d, gp.Post(t, "/patients/search", searchForm(mallory.BSN, d)), http.StatusUnprocessableEntity)
				}
				intact(t)
			},
		},
		{
			name:    "SQL in the first-entry AGB code",
			defence: "agb.ParseCode: 8 digits or refused, before the register is asked",
			try: func(t *testing.T) {
				bram := env.Client(t, devpki.CardGPNoAGB)
				get(t, bram, "/agb-code")
				resp := bram.Post(t, "/agb-code", url.Values{"agb": {"01023456' OR '1'='1"}})
				want(t, "agb code", resp, http.StatusUnprocessableEntity)
				if _, err := env.Store.AGBLink(ctx, uziOf(t, devpki.CardGPNoAGB)); err == nil {
					t.Error("an AGB code was linked")
				}
				intact(t)
			},
		},
		{
			name:    "SQL in the administration's patient search",
			defence: "the administration checks BSN and date before the lookup",
			try: func(t *testing.T) {
				get(t, admin, "/admin")
				resp := admin.Post(t, "/admin/patients/find", searchForm("' OR 1=1 --", "1970-02-03"))
				want(t, "find", resp, http.StatusUnprocessableEntity)
				if strings.Contains(resp.Body, escapedName) {
					t.Error("a patient was found")
				}
			},
		},
		{
			name:    "SQL in the relationship form's free text, stored",
			defence: "store.AddRelationship binds every value: the text is stored and shown literally, escaped",
			try: func(t *testing.T) {
				name := `Praktijk'); DROP TABLE patients; --`
				reason := `x' OR '1'='1"; DELETE FROM consents; --`
				get(t, admin, portaltest.AdminPatientPath(mallory))
				resp := admin.Post(t, portaltest.AdminPatientPath(mallory, "relationships"), url.Values{
					"kind": {"referrer"}, "holder_kind": {"organisation"}, "holder_code": {"90000102"}, "holder_name": {name},
					"valid_from": {time.Now().Format("2006-01-02")}, "reason": {reason}})
				want(t, "add relationship", resp, http.StatusSeeOther)
				rels, err := env.Store.Relationships(ctx, mallory.ID)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, r := range rels {
					found = found || (r.HolderName == name && r.Reason == reason)
				}
				if !found {
					t.Error("the text was not stored literally")
				}
				page := get(t, admin, portaltest.AdminPatientPath(mallory))
				if !strings.Contains(page.Body, stdhtml.EscapeString(name)) {
					t.Error("the stored text is not shown literally")
				}
				intact(t)
			},
		},
		{
			name:    "SQL in the consent form's note and category",
			defence: "the category is checked against the list; the note is bound as a value",
			try: func(t *testing.T) {
				history := func() []access.Consent {
					h, err := env.Store.ConsentHistory(ctx, mallory.ID)
					if err != nil {
						t.Fatal(err)
					}
					return h
				}
				n := len(history())
				get(t, admin, portaltest.AdminPatientPath(mallory))
				bad := admin.Post(t, portaltest.AdminPatientPath(mallory, "consents"), url.Values{"category": {"huisartsen' OR '1'='1"},
					"status": {"granted"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {time.Now().Format("2006-01-02")}})
				want(t, "bad category", bad, http.StatusUnprocessableEntity)
				note := `'); UPDATE consents SET status='granted'; --`
				get(t, admin, portaltest.AdminPatientPath(mallory))
				ok := admin.Post(t, portaltest.AdminPatientPath(mallory, "consents"), url.Values{"category": {"apotheken"},
					"status": {"refused"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {time.Now().Format("2006-01-02")}, "note": {note}})
				want(t, "note", ok, http.StatusSeeOther)
				h := history()
				stored := false
				for _, c := range h {
					stored = stored || c.Note == note
				}
				if len(h) != n+1 || !stored {
					t.Errorf("consent history %d records (want %d), the note stored literally: %v", len(h), n+1, stored)
				}
				intact(t)
			},
		},
		{
			name:    "SQL in the access report form",
			defence: "audit.ParseReportQuery checks BSN, dates and UZI number before the report is read",
			try: func(t *testing.T) {
				get(t, admin, "/admin/log")
				resp := admin.Post(t, "/admin/log/patient", url.Values{"bsn": {mallory.BSN}, "from": {"2000-01-01"}, "to": {"2100-01-01"},
					"by": {"900100001' OR '1'='1"}})
				want(t, "report by", resp, http.StatusBadRequest)
				get(t, admin, "/admin/log")
				want(t, "report bsn", admin.Post(t, "/admin/log/patient", url.Values{"bsn": {"' OR 1=1 --"}, "from": {"2000-01-01"},
					"to": {"2100-01-01"}}), http.StatusBadRequest)
			},
		},
		{
			name:    "SQL and garbage in query parameters",
			defence: "query parameters are matched against fixed values or parsed as numbers; nothing reaches SQL as text",
			try: func(t *testing.T) {
				for path, status := range map[string]int{
					"/?toon=" + url.QueryEscape("alle' OR '1'='1"):                 http.StatusOK,
					"/mijn-inzages?voor=" + url.QueryEscape("1 OR 1=1"):            http.StatusBadRequest,
					"/mijn-inzages?voor=-1":                                        http.StatusBadRequest,
					"/mijn-inzages?voor=99999999999999999999999":                   http.StatusBadRequest,
					dossierPath(mallory, access.Letters) + "?emergency=created'--": http.StatusOK,
				} {
					want(t, path, get(t, gp, path), status)
				}
				want(t, "emergencies", get(t, admin, "/admin/emergencies?all="+url.QueryEscape("1; DROP TABLE relationships")), http.StatusOK)
				intact(t)
			},
		},
		{
			name:    "SQL and garbage in path parameters",
			defence: "pathPublicID: 32 lowercase hexadecimal characters or not found; store reads take the patient id",
			try: func(t *testing.T) {
				for _, path := range []string{"/patients/1%20OR%201=1", "/patients/1;DROP%20TABLE%20patients", "/patients/-1",
					"/patients/0", "/patients/99999999999999999999999", "/patients/0x1F", "/patients/1e3",
					"/patients/" + mallory.PublicID + "%27%20OR%20%271%27=%271", "/patients/" + strings.ToUpper(mallory.PublicID),
					"/patients/%27%20OR%20public_id%20LIKE%20%27%25", portaltest.PatientPath(mallory) + "/letters/1%27%20OR%20%271%27=%271",
					portaltest.PatientPath(mallory, "lab", "..%2f..%2fetc")} {
					resp := get(t, gp, path)
					want(t, path, resp, http.StatusNotFound)
				}
				intact(t)
			},
		},
	})
}
