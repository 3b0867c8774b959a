// Package browser drives a real Chromium through the portal's real mutual-TLS handshake, so that tests see
// the screens the way a provider does: with a UZI card in the browser's certificate store, the portal's
// own stylesheets, keyboard focus and the accessibility tree.
//
// Every Browser gets a throw-away NSS database (a temporary HOME) holding one development card and the
// portal's server CA, a fresh Chromium profile, and a managed Chromium policy that selects the card
// without a dialog. Chromium reads managed policies only from /etc/chromium/policies/managed, so the
// tests must be able to write there (CI runs as root); a test that cannot fails and says what to do. The
// browser tests carry the build tag "browser": `go test -tags browser ./...`. Without the tag nothing
// here needs Chromium.
//
//	func TestStartPage(t *testing.T) {
//		env := portaltest.Start(t, portaltest.Options{})
//		b := browser.Open(t, env, devpki.CardGP)
//		if status := b.Visit("/"); status != http.StatusOK {
//			t.Fatalf("status %d", status)
//		}
//		if got := b.Text("main h1"); got != "Welkom" {
//			t.Errorf("heading %q", got)
//		}
//		b.Screenshot("start")
//		b.Axe(t)
//	}
package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zorgverlenersportaal/portal/portaltest"
)

// ChromiumPath is Debian's chromium package. The tests never download a browser: CI and developers
// install the distribution's build (`apt-get install chromium libnss3-tools`).
const ChromiumPath = "/usr/bin/chromium"

// actionTimeout bounds every single browser action, so that a missing element or a hung page fails the
// test with a message instead of waiting for the go test deadline.
const actionTimeout = 30 * time.Second

// NoCard opens a browser without any client certificate, the way a provider without a card reader
// arrives; the portal must not answer it.
const NoCard = ""

// Browser is one Chromium, with one card, on one test portal.
type Browser struct {
	t    testing.TB
	card string
	// base is the portal's URL under the name its server certificate carries, https://localhost:PORT.
	base   string
	tab    context.Context
	output *portaltest.SyncBuffer
	shots  int
}

// Open starts Chromium with the given development card (NoCard for none) for the test portal env. The
// browser is closed and its files removed when the test ends.
func Open(t testing.TB, env *portaltest.Env, card string) *Browser {
	t.Helper()
	for _, tool := range []string{"certutil", "pk12util"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("browser: %s is missing; install it with `apt-get install libnss3-tools`", tool)
		}
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("browser: %s is missing; install it with `apt-get install chromium` (the browser tests never download a browser)", ChromiumPath)
	}
	base, err := localhostURL(env.URL)
	if err != nil {
		t.Fatalf("browser: portal URL %q: %v", env.URL, err)
	}
	if err := installPolicy(t); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	if err := newNSSDatabase(home, env, card); err != nil {
		t.Fatalf("browser: certificate store for card %q: %v", card, err)
	}
	profile := t.TempDir()

	output := &portaltest.SyncBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Env("HOME=" + home),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the tests run as root in CI, where the sandbox cannot start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("force-color-profile", "srgb"),
		// The server certificate names localhost; the test portal listens on 127.0.0.1 only.
		chromedp.Flag("host-resolver-rules", "MAP localhost 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(output),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	// Cleanups run last-registered first: the browser is gone before t.TempDir removes its folders.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	b := &Browser{t: t, card: card, base: base, tab: tab, output: output}
	// The first action starts the browser and binds its lifetime to the context it runs with, so it runs
	// on the tab context itself, without the per-action time limit. A failure here is a broken
	// installation, shown with the browser's own words.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("browser: start %s: %v\nbrowser output:\n%s", ChromiumPath, err, output.String())
	}
	return b
}

// localhostURL turns the test portal's https://127.0.0.1:PORT into https://localhost:PORT, the name on
// its server certificate; the browser maps localhost back to 127.0.0.1.
func localhostURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Port() == "" {
		return "", errors.New("no port")
	}
	return "https://localhost:" + u.Port(), nil
}

// URL is the absolute address of a portal path as the browser uses it.
func (b *Browser) URL(path string) string { return b.base + path }

// do runs actions with the per-action time limit.
func (b *Browser) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.tab, actionTimeout*time.Duration(max(1, len(actions))))
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// run runs one action that returns a value, with the per-action time limit.
func run[T any](b *Browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.tab, actionTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// fatalf fails the test with the browser's location, which is usually the first thing one wants to know.
func (b *Browser) fatalf(format string, args ...any) {
	b.t.Helper()
	loc, _ := run(b, chromedp.Location())
	b.t.Fatalf("browser (card %q, at %s): %s", b.card, loc, fmt.Sprintf(format, args...))
}

// Visit loads a portal path and returns the HTTP status of the document; a page that cannot load at
// all (a refused handshake) fails the test. Use TryVisit to expect that.
func (b *Browser) Visit(path string) int {
	b.t.Helper()
	status, err := b.TryVisit(path)
	if err != nil {
		b.fatalf("visit %s: %v", path, err)
	}
	return status
}

// TryVisit loads a portal path and returns the HTTP status, or the browser's network error (such as
// net::ERR_BAD_SSL_CLIENT_AUTH_CERT) when no page arrived. An absolute https://localhost URL is loaded
// as it is, for tests that run a helper server beside the portal.
func (b *Browser) TryVisit(path string) (int, error) {
	target := b.URL(path)
	if strings.HasPrefix(path, "https://") {
		target = path
	}
	resp, err := run(b, chromedp.NavigateResponse(target))
	if err != nil {
		return 0, err
	}
	if resp == nil {
		return 0, errors.New("no response")
	}
	return int(resp.Status), nil
}

// OpenFile loads a file of this machine (file://), as a provider opens a page from a package they
// downloaded, without the portal; the absolute path is the file's.
func (b *Browser) OpenFile(path string) {
	b.t.Helper()
	if err := b.do(chromedp.Navigate("file://" + path)); err != nil {
		b.fatalf("open %s: %v", path, err)
	}
}

// Follow clicks an element that starts a navigation (a link, a form's submit button) and waits for the
// new page; it returns that page's HTTP status, after redirects.
func (b *Browser) Follow(selector string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.fatalf("follow %s: %v", selector, err)
	}
	if resp == nil {
		b.fatalf("follow %s: no response", selector)
	}
	return int(resp.Status)
}

// Click clicks a visible element that changes the page without loading a new one.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	if err := b.do(chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)); err != nil {
		b.fatalf("click %s: %v", selector, err)
	}
}

// Fill replaces the value of a form field by typing, so that the page's input events fire as for a
// person.
func (b *Browser) Fill(selector, value string) {
	b.t.Helper()
	sel := chromedp.CSS(selector)
	clear := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).value = ""`, jsString(selector)))
	if err := b.do(chromedp.WaitVisible(sel), clear, chromedp.SendKeys(sel, value, chromedp.NodeVisible)); err != nil {
		b.fatalf("fill %s: %v", selector, err)
	}
}

// Press sends keys to the focused element as real key events, e.g. kb.Tab or "\t".
func (b *Browser) Press(keys string) {
	b.t.Helper()
	if err := b.do(chromedp.KeyEvent(keys)); err != nil {
		b.fatalf("press %q: %v", keys, err)
	}
}

// Text is the rendered text (innerText) of the first element matching a CSS selector.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	text, err := run(b, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		b.fatalf("text of %s: %v", selector, err)
	}
	return strings.TrimSpace(text)
}

// Attribute is the value of an attribute of the first element matching a CSS selector, and whether the
// element has it.
func (b *Browser) Attribute(selector, name string) (string, bool) {
	b.t.Helper()
	res, err := run(b, chromedp.AttributeValue(chromedp.CSS(selector), name))
	if err != nil {
		b.fatalf("attribute %s of %s: %v", name, selector, err)
	}
	return res.Value, res.Exists
}

// Count is the number of elements matching a CSS selector right now, without waiting: the way to assert
// that something is absent.
func (b *Browser) Count(selector string) int {
	b.t.Helper()
	return Eval[int](b, fmt.Sprintf("document.querySelectorAll(%s).length", jsString(selector)))
}

// Location is the address of the current page.
func (b *Browser) Location() string {
	b.t.Helper()
	loc, err := run(b, chromedp.Location())
	if err != nil {
		b.fatalf("location: %v", err)
	}
	return loc
}

// Context is the chromedp context of the browser's tab, for what the helpers do not cover (events,
// protocol commands). Actions run on it have no time limit of their own.
func (b *Browser) Context() context.Context { return b.tab }

// Targets lists the URLs of the browser's targets (pages, frames, workers), e.g. to see that Chromium's
// PDF viewer opened for a document.
func (b *Browser) Targets() []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, actionTimeout)
	defer cancel()
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		b.fatalf("targets: %v", err)
	}
	urls := make([]string, 0, len(infos))
	for _, info := range infos {
		urls = append(urls, info.URL)
	}
	return urls
}

// Media switches the CSS media type the page is laid out for: "print" shows the print stylesheet (for
// checks and screenshots of the paper version), "" goes back to the screen.
func (b *Browser) Media(media string) {
	b.t.Helper()
	set := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
	if err := b.do(set); err != nil {
		b.fatalf("media %q: %v", media, err)
	}
}

// Viewport lays the page out for a screen width in CSS pixels: 390 is a phone, 640 is a 1280-pixel
// window at 200 % zoom (WCAG 1.4.10 reflow). Zero width goes back to the window's own size.
func (b *Browser) Viewport(width, height int) {
	b.t.Helper()
	set := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if width == 0 {
			_, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: width < 600})
		return err
	})
	if err := b.do(set); err != nil {
		b.fatalf("viewport %dx%d: %v", width, height, err)
	}
	// The page's resize handlers run before the next frame; wait for two, so that checks see the result.
	Eval[bool](b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

// Do runs chromedp actions for what the helpers above do not cover.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := b.do(actions...); err != nil {
		b.fatalf("%v", err)
	}
}

// Eval evaluates a JavaScript expression in the page through the DevTools protocol and decodes its
// JSON value into T. The page's Content-Security-Policy does not apply to this evaluation: it is the
// browser's debugger speaking, not a script of the page.
func Eval[T any](b *Browser, expression string) T {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("evaluate %.80q: %v", expression, err)
	}
	return v
}

// Element describes an element as a person perceives it: what it is, what it says, and how its focus
// ring is drawn.
type Element struct {
	Tag, ID, Class, Text, Href string
	// OutlineStyle, OutlineWidth (in CSS pixels) and OutlineColor are the computed outline.
	OutlineStyle string
	OutlineWidth float64
	OutlineColor string
	BoxShadow    string
	// InViewport is true when the element's box lies inside the visible window.
	InViewport bool
}

// Focused describes the element that has keyboard focus (the body when nothing has).
func (b *Browser) Focused() Element {
	b.t.Helper()
	return Eval[Element](b, `(() => {
		const el = document.activeElement || document.body;
		const cs = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		return {
			Tag: el.tagName.toLowerCase(), ID: el.id || "", Class: el.className || "",
			Text: (el.innerText || "").trim(), Href: el.getAttribute("href") || "",
			OutlineStyle: cs.outlineStyle, OutlineWidth: parseFloat(cs.outlineWidth) || 0,
			OutlineColor: cs.outlineColor, BoxShadow: cs.boxShadow,
			InViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 &&
				r.bottom <= window.innerHeight && r.right <= window.innerWidth,
		};
	})()`)
}

// jsString quotes a Go string as a JavaScript string literal.
func jsString(s string) string {
	var buf bytes.Buffer
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029 || r == '<' || r == '>':
			fmt.Fprintf(&buf, `\u%04x`, r)
		default:
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
	return buf.String()
}

// artifactsDir is where screenshots go: $ZVP_ARTIFACTS, or test-artifacts/ at the repository root
// (git-ignored), so that CI can keep them and a developer can look at them.
func artifactsDir() (string, error) {
	if dir := os.Getenv("ZVP_ARTIFACTS"); dir != "" {
		return dir, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "test-artifacts"), nil
}

// repoRoot is the folder holding go.mod, found upwards from the working directory (go test runs in the
// package's folder).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// safeName turns a test name into a file name: letters, digits, '-' and '_' only.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Screenshot saves a full-page PNG as <artifacts>/<test name>/<NN>-<name>.png, numbered in the order
// taken, and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := run(b, fullPagePNG())
	if err != nil {
		b.fatalf("screenshot %s: %v", name, err)
	}
	dir, err := artifactsDir()
	if err != nil {
		b.t.Fatalf("browser: artifacts folder: %v", err)
	}
	dir = filepath.Join(dir, safeName(b.t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	b.shots++
	file := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", b.shots, safeName(name)))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	b.t.Logf("screenshot %s", file)
	return file
}

// fullPagePNG captures the whole document, not only the window: chromedp's FullScreenshot stops at the
// viewport, and a dossier page is longer than that.
func fullPagePNG() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		metrics, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		size := metrics.CSSContentSize
		if size == nil {
			return nil, errors.New("no layout metrics")
		}
		shot, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
			Clip:                  &page.Viewport{X: 0, Y: 0, Width: size.Width, Height: size.Height, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return shot.Data, nil
	}
}
