//go:build browser

package browser_test

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// TestAxeFindsViolationsAndFailsTheTest proves that the accessibility check can fail: a nameless button
// and an unlabelled field put into the real start page are reported with rule, impact and element, and
// Axe fails its test for them.
func TestAxeFindsViolationsAndFailsTheTest(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	browser.Eval[bool](b, `(document.querySelector("main").insertAdjacentHTML("beforeend",
		'<button class="nameless"></button><input type="text" id="unlabelled">'), true)`)

	violations, err := b.AxeViolations()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]browser.Violation{}
	for _, v := range violations {
		found[v.Rule] = v
	}
	button, ok := found["button-name"]
	if !ok || !button.Blocking() || len(button.Nodes) == 0 || !strings.Contains(button.Nodes[0].Selector, "nameless") {
		t.Fatalf("button-name violation not reported as blocking on .nameless: %+v", violations)
	}
	if report := button.String(); !strings.Contains(report, "button-name") || !strings.Contains(report, `<button class="nameless">`) {
		t.Errorf("report does not name the rule and the element:\n%s", report)
	}
	if _, ok := found["label"]; !ok {
		t.Errorf("the unlabelled field was not reported: %+v", violations)
	}

	rec := &recorder{TB: t}
	b.Axe(rec)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "button-name") || !strings.Contains(rec.errors[0], "label") {
		t.Fatalf("Axe did not fail the test with a readable report: %q", rec.errors)
	}
}

// recorder stands in for a test to see whether Axe fails it.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}

// TestDevToolsEvaluationIsNotSubjectToThePageCSP verifies the premise of injecting axe-core: the
// portal's Content-Security-Policy blocks an inline script that the page itself would add, while an
// evaluation through the DevTools protocol runs.
func TestDevToolsEvaluationIsNotSubjectToThePageCSP(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	type outcome struct {
		InlineRan  bool
		Violations []string
		Evaluated  bool
	}
	got := browser.Eval[outcome](b, `new Promise(resolve => {
		const violations = [];
		document.addEventListener("securitypolicyviolation", e => violations.push(e.effectiveDirective));
		const s = document.createElement("script");
		s.textContent = "window.inlineRan = true";
		document.head.appendChild(s);
		window.evaluated = true;
		setTimeout(() => resolve({InlineRan: window.inlineRan === true, Violations: violations, Evaluated: window.evaluated === true}), 100);
	})`)
	if got.InlineRan {
		t.Error("an inline script ran: the page's CSP is not in force")
	}
	if len(got.Violations) == 0 || got.Violations[0] != "script-src-elem" {
		t.Errorf("CSP violations = %q, want script-src-elem", got.Violations)
	}
	if !got.Evaluated {
		t.Error("the DevTools evaluation did not run")
	}
	if _, err := b.AxeViolations(); err != nil {
		t.Errorf("axe-core could not be injected under the CSP: %v", err)
	}
}

// TestScreenshotSavesAFullPagePNG checks that a screenshot lands in $ZVP_ARTIFACTS under the test's name,
// as a PNG of the whole page (taller than the window when the page is).
func TestScreenshotSavesAFullPagePNG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ZVP_ARTIFACTS", dir)
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	browser.Eval[bool](b, `(document.querySelector("main").style.minHeight = "2000px", true)`)
	file := b.Screenshot("tall page")
	if want := filepath.Join(dir, "TestScreenshotSavesAFullPagePNG", "01-tall_page.png"); file != want {
		t.Errorf("screenshot at %s, want %s", file, want)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if size := img.Bounds().Size(); size.X != 1280 || size.Y < 2000 {
		t.Errorf("screenshot is %v, want the full 1280-wide page of at least 2000 px", size)
	}
}

// TestEachBrowserPresentsItsOwnCard runs two browsers at once with different cards against one portal:
// each certificate store holds one card and the shared policy selects whatever is there.
func TestEachBrowserPresentsItsOwnCard(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	gp := browser.Open(t, env, devpki.CardGP)
	pharmacist := browser.Open(t, env, devpki.CardPharmacist)
	gp.Visit("/")
	pharmacist.Visit("/")
	if got := gp.Text(".who__name"); got != "Anna de Vries" {
		t.Errorf("gp browser shows %q", got)
	}
	if got := pharmacist.Text(".who__name"); got != "Dirk Visser" {
		t.Errorf("pharmacist browser shows %q", got)
	}
}

// TestFillAndCount exercise the form helpers on the logged-out page's form and a field added to it.
func TestFillAndCount(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	browser.Eval[bool](b, `(document.querySelector("main").insertAdjacentHTML("beforeend",
		'<label for="q">Zoek</label><input type="text" id="q" value="oud">'), true)`)
	b.Fill("#q", "123456782")
	if got := browser.Eval[string](b, `document.querySelector("#q").value`); got != "123456782" {
		t.Errorf("field value %q", got)
	}
	if n := b.Count("#q"); n != 1 {
		t.Errorf("Count = %d", n)
	}
	if n := b.Count(".does-not-exist"); n != 0 {
		t.Errorf("Count of nothing = %d", n)
	}
	if href, ok := b.Attribute("a.lang-switch", "href"); !ok || href != "/?lang=en" {
		t.Errorf("lang switch href %q %v", href, ok)
	}
}
