package browser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeFile is axe-core as npm installs it from the repository's package.json (`npm ci`). It is a test
// tool only: it is injected into the page by the test, never shipped or served by the portal.
const axeFile = "node_modules/axe-core/axe.min.js"

// axeSource reads axe-core once per test binary.
var axeSource = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(filepath.Join(root, axeFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s is missing: run `npm ci` in the repository root (package.json pins axe-core)", axeFile)
	}
	return string(data), err
})

// Violation is one axe-core rule that the page breaks, with the elements that break it.
type Violation struct {
	Rule    string   `json:"rule"`
	Impact  string   `json:"impact"` // minor, moderate, serious or critical
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Nodes   []Target `json:"nodes"`
}

// Target is one offending element: its CSS path, its HTML and axe's explanation.
type Target struct {
	Selector string `json:"selector"`
	HTML     string `json:"html"`
	Summary  string `json:"summary"`
}

// Blocking reports whether a violation fails the test: serious and critical problems keep people out
// (no name on a button, unreadable contrast, a missing language); minor and moderate ones are logged.
func (v Violation) Blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

// String is a readable report of the violation for a test log.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s (%s)", v.Impact, v.Rule, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    at %s\n      %s", n.Selector, n.HTML)
		for _, line := range strings.Split(strings.TrimSpace(n.Summary), "\n") {
			fmt.Fprintf(&b, "\n      %s", strings.TrimSpace(line))
		}
	}
	return b.String()
}

// axeRun runs every axe-core rule on the whole document and returns the violations in a flat form.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	rule: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		selector: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : String(t)).join(" "),
		html: n.html, summary: n.failureSummary || "",
	})),
})))`

// AxeViolations runs axe-core inside the current page and returns every violation. axe-core is injected
// through the DevTools protocol, which the page's Content-Security-Policy (no inline script) does not
// govern; the portal's CSP stays exactly as in production during the check.
func (b *Browser) AxeViolations() ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	loaded, err := run(b, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := run(b, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	return run(b, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
}

// Axe checks the current page for accessibility problems and fails t on every serious or critical
// violation, with the rule, the elements and axe's advice; minor and moderate ones are logged. t is a
// parameter so that the check can report under a subtest.
func (b *Browser) Axe(t testing.TB) {
	t.Helper()
	violations, err := b.AxeViolations()
	if err != nil {
		t.Fatalf("axe on %s: %v", b.Location(), err)
	}
	var blocking, other []string
	for _, v := range violations {
		if v.Blocking() {
			blocking = append(blocking, v.String())
		} else {
			other = append(other, v.String())
		}
	}
	if len(other) > 0 {
		t.Logf("axe on %s: %d minor or moderate finding(s):\n  %s", b.Location(), len(other), strings.Join(other, "\n  "))
	}
	if len(blocking) > 0 {
		t.Errorf("axe on %s: %d serious or critical accessibility violation(s):\n  %s", b.Location(), len(blocking), strings.Join(blocking, "\n  "))
	}
}
