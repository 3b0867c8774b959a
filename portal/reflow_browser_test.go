//go:build browser

package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// overflowing lists what sticks out of the viewport sideways: every element whose right edge passes the
// window, unless it sits inside a box that scrolls sideways on its own (a wide data table may scroll in
// its wrapper, WCAG 1.4.10's exception for two-dimensional content); and the page itself must not scroll
// sideways.
const overflowing = `(() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w + 1) out.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + w);
  const seen = new Set();
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll") return true; } return false; };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if ((r.right > w + 1 || r.left < -1) && !scrolls(el) && !seen.has(el.parentElement)) {
      seen.add(el);
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " [" + Math.round(r.left) + "," + Math.round(r.right) + "] " + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 30));
    }
  }
  return out.slice(0, 12);
})()`

// TestBrowserScreensReflow: every main screen of the GP, the pharmacist and the administrator, in Dutch
// and English, at a phone's 390 px and at 640 px (a 1280-pixel window at 200 % zoom, WCAG 1.4.10): nothing
// sticks out sideways and the page does not scroll sideways; each is saved as a screenshot at 1280 and
// 390 px and checked with axe.
func TestBrowserScreensReflow(t *testing.T) {
	env := demoEnv(t)
	berg := env.Patient(t, bsnVanDenBerg)
	labTrend := portaltest.PatientPath(berg, "lab", latestLab(t, env, berg).PublicID)
	screens := []struct {
		card, name, path string
	}{
		{devpki.CardGP, "start", "/"},
		{devpki.CardGP, "search", "/patients/search"},
		{devpki.CardGP, "summary", portaltest.PatientPath(berg)},
		{devpki.CardGP, "encounters", portaltest.PatientPath(berg, "encounters")},
		{devpki.CardGP, "problems", portaltest.PatientPath(berg, "problems")},
		{devpki.CardGP, "allergies", portaltest.PatientPath(berg, "allergies")},
		{devpki.CardGP, "medication", portaltest.PatientPath(berg, "medication")},
		{devpki.CardGP, "lab", portaltest.PatientPath(berg, "lab")},
		{devpki.CardGP, "lab-trend", labTrend},
		{devpki.CardGP, "reports", portaltest.PatientPath(berg, "reports")},
		{devpki.CardGP, "letters", portaltest.PatientPath(berg, "letters")},
		{devpki.CardGP, "access", portaltest.PatientPath(berg, "access")},
		{devpki.CardGP, "xdm", portaltest.PatientPath(berg, "documents", "xdm")},
		{devpki.CardGP, "my-accesses", "/mijn-inzages"},
		{devpki.CardPharmacist, "pharmacist-medication", portaltest.PatientPath(berg, "medication")},
		{devpki.CardAdmin, "admin", "/admin"},
		{devpki.CardAdmin, "admin-patient", portaltest.AdminPatientPath(berg)},
		{devpki.CardAdmin, "admin-emergencies", "/admin/emergencies"},
		{devpki.CardAdmin, "admin-log", "/admin/log"},
	}
	browsers := map[string]*browser.Browser{}
	for _, s := range screens {
		b := browsers[s.card]
		if b == nil {
			b = browser.Open(t, env, s.card)
			browsers[s.card] = b
		}
		for _, lang := range []string{"nl", "en"} {
			path := s.path + sep(s.path) + "lang=" + lang
			b.Viewport(0, 0)
			if status := b.Visit(path); status != http.StatusOK {
				t.Errorf("%s %s: status %d", s.name, lang, status)
				continue
			}
			b.Axe(t)
			b.Screenshot(fmt.Sprintf("%s-%s-1280", s.name, lang))
			for _, width := range []int{390, 640} {
				b.Viewport(width, 844)
				if out := browser.Eval[[]string](b, overflowing); len(out) > 0 {
					t.Errorf("%s (%s) at %d px sticks out sideways:\n  %s", s.name, lang, width, strings.Join(out, "\n  "))
				}
				if width == 390 {
					b.Axe(t) // a table that scrolls in its box must be reachable by keyboard
					b.Screenshot(fmt.Sprintf("%s-%s-390", s.name, lang))
				}
			}
		}
		b.Viewport(0, 0)
	}
}

// sep is the separator before a query parameter added to path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
