//go:build browser

package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserStartPageLanguageLogoutAndLogin walks the whole frame in Chromium over mutual TLS with the
// gp card: the start page names the card holder, the English switch, logging out and logging in again.
// Each page is screenshotted and checked with axe-core.
func TestBrowserStartPageLanguageLogoutAndLogin(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)

	if status := b.Visit("/"); status != http.StatusOK {
		t.Fatalf("start page: status %d", status)
	}
	main := b.Text("main")
	for _, want := range []string{"Welkom", "Anna de Vries", "900100001", "Huisarts"} {
		if !strings.Contains(main, want) {
			t.Errorf("start page lacks %q:\n%s", want, main)
		}
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "nl" {
		t.Errorf("html lang = %q, want nl", lang)
	}
	b.Screenshot("start-nl")
	b.Axe(t)

	if status := b.Follow("a.lang-switch"); status != http.StatusOK {
		t.Fatalf("English: status %d", status)
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("after the switch html lang = %q, want en", lang)
	}
	if got := b.Text("main h1"); got != "Welcome" {
		t.Errorf("English heading = %q", got)
	}
	if main := b.Text("main"); !strings.Contains(main, "General practitioner") || !strings.Contains(main, "900100001") {
		t.Errorf("English start page:\n%s", main)
	}
	b.Screenshot("start-en")
	b.Axe(t)

	if status := b.Follow("form.logout button"); status != http.StatusOK {
		t.Fatalf("logout: status %d", status)
	}
	if got := b.Text("main h1"); got != "You are logged out" {
		t.Errorf("after logout the heading is %q", got)
	}
	if n := b.Count(".who__name"); n != 0 {
		t.Errorf("the logged-out page still names the provider")
	}
	b.Screenshot("logged-out")
	b.Axe(t)
	// The language switch of a page that answered a form still leads somewhere sensible.
	if status := b.Follow("a.lang-switch"); status != http.StatusUnauthorized {
		t.Errorf("language switch on the logged-out page: status %d, want 401", status)
	}
	if got := b.Text("main h1"); got != "U bent uitgelogd" {
		t.Errorf("Dutch logged-out page heading = %q", got)
	}
	b.Screenshot("logged-out-nl")
	b.Axe(t)
	b.Follow("a.lang-switch")
	// A reload of the start page does not log the card straight in again.
	if status := b.Visit("/"); status != http.StatusUnauthorized {
		t.Errorf("start page after logout: status %d, want 401", status)
	}

	if status := b.Follow("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("log in again: status %d", status)
	}
	if !strings.HasSuffix(b.Location(), "/") || !strings.Contains(b.Text("main"), "Anna de Vries") {
		t.Errorf("after logging in again: %s\n%s", b.Location(), b.Text("main"))
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("the language choice was not remembered across the login: lang %q", lang)
	}
	b.Screenshot("logged-in-again")
	b.Axe(t)
}

// TestBrowserWithoutCardGetsNoPage: a browser whose certificate store has no card cannot complete the
// handshake, so it never sees a page of the portal.
func TestBrowserWithoutCardGetsNoPage(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, browser.NoCard)
	status, err := b.TryVisit("/")
	if err == nil {
		t.Fatalf("a browser without a card got status %d:\n%s", status, b.Text("body"))
	}
	t.Logf("browser without a card: %v", err)
	if strings.Contains(browser.Eval[string](b, `document.documentElement ? document.documentElement.outerHTML : ""`), "Zorgverlenersportaal") {
		t.Error("the browser shows a page of the portal")
	}
	if !strings.Contains(env.Logs.String(), "didn't provide a certificate") {
		t.Errorf("the server did not refuse the handshake for a missing certificate:\n%s", env.Logs.String())
	}
}

// TestBrowserSkipLinkIsFirstTabStop: from the top of the page, the first Tab lands on the skip link, which
// then shows on screen with a visible focus ring, and following it moves focus to the main content.
func TestBrowserSkipLinkIsFirstTabStop(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	b.Press(kb.Tab)
	focused := b.Focused()
	if focused.Class != "skip-link" || focused.Href != "#main" {
		t.Fatalf("first Tab stop is %+v, want the skip link", focused)
	}
	if focused.Text != "Direct naar de inhoud" {
		t.Errorf("skip link text %q", focused.Text)
	}
	if focused.OutlineStyle == "none" || focused.OutlineWidth < 2 {
		t.Errorf("skip link has no visible focus ring: outline %s %.1fpx %s", focused.OutlineStyle, focused.OutlineWidth, focused.OutlineColor)
	}
	if !focused.InViewport {
		t.Error("the focused skip link is not on screen")
	}
	b.Screenshot("skip-link-focused")
	b.Press(kb.Enter)
	if f := b.Focused(); f.ID != "main" {
		t.Errorf("after following the skip link focus is on %+v, want main", f)
	}
}
