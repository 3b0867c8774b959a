//go:build browser

package document_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/document"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// minimalPDF writes a valid one-page PDF showing text.
func minimalPDF(text string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(s string) { offsets = append(offsets, b.Len()); b.WriteString(s) }
	b.WriteString("%PDF-1.4\n")
	stream := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", text)
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	obj("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n")
	obj(fmt.Sprintf("4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", len(stream), stream))
	obj("5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 6\n0000000000 65535 f \n")
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// documentServer serves the document helpers over TLS with the portal's development server certificate,
// beside the test portal, until the test ends. The page of sanitised payloads deliberately has no
// Content-Security-Policy: the sanitiser alone must keep them from running.
func documentServer(t *testing.T, env *portaltest.Env) string {
	cert, err := env.PKI.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	s := document.NewSanitizer()
	var letters strings.Builder
	for i, p := range xssPayloads {
		out, err := s.HTML([]byte(p), "")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&letters, "<section><h2>payload %d</h2>%s</section>\n", i+1, out)
	}
	pdf := minimalPDF("Ontslagbrief")
	mux := http.NewServeMux()
	mux.HandleFunc("/letters.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html><html lang=nl><head><title>payloads</title><link rel=icon href=data:,></head><body><main>%s</main></body></html>", letters.String())
	})
	mux.HandleFunc("/letter.pdf", func(w http.ResponseWriter, r *http.Request) {
		if err := document.ServePDF(w, r, document.PDF{Data: pdf, Title: "Ontslagbrief", Date: time.Now()}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/download.pdf", func(w http.ResponseWriter, r *http.Request) {
		if err := document.ServePDF(w, r, document.PDF{Data: pdf, Title: "Ontslagbrief", Download: true}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ReadHeaderTimeout: 5 * time.Second}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })
	return "https://localhost:" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// TestBrowserSanitisedPayloadsDoNotRun loads every classic XSS payload, sanitised, into one page that has
// no Content-Security-Policy, in a real Chromium: no dialog opens, no handler fires, nothing is fetched
// from elsewhere.
func TestBrowserSanitisedPayloadsDoNotRun(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	base := documentServer(t, env)
	b := browser.Open(t, env, devpki.CardGP)

	var mu sync.Mutex
	var dialogs []string
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			chromedp.Run(ctx, chromedp.Action[cdp.Empty](func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return cdp.Empty{}, err
			}))
		}
	}()

	if status := b.Visit(base + "/letters.html"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	// Give timers, error events of images and toggles a moment; then click every link and hover every
	// element, which fires what an onclick or onmouseover would.
	browser.Eval[bool](b, `new Promise(r => setTimeout(() => r(true), 300))`)
	browser.Eval[bool](b, `(() => {
		for (const el of document.querySelectorAll("main *")) {
			el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
			if (el.tagName !== "A") el.click();
		}
		return true;
	})()`)
	browser.Eval[bool](b, `new Promise(r => setTimeout(() => r(true), 300))`)
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("payloads ran: dialogs %q", dialogs)
	}
	resources := browser.Eval[[]string](b, `performance.getEntriesByType("resource").map(e => e.name)`)
	if len(resources) > 0 {
		t.Errorf("the sanitised page fetched %q", resources)
	}
	if n := b.Count("main section"); n != len(xssPayloads) {
		t.Errorf("%d sections for %d payloads: the markup of one swallowed the next", n, len(xssPayloads))
	}
	b.Screenshot("sanitised-payloads")
}

// TestBrowserServesPDFInItsViewer: under ServePDF's headers (sandboxing CSP included) Chromium shows the
// PDF in its own viewer when inline, and saves it when it is a download.
func TestBrowserServesPDFInItsViewer(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	base := documentServer(t, env)
	b := browser.Open(t, env, devpki.CardGP)

	if status := b.Visit(base + "/letter.pdf"); status != http.StatusOK {
		t.Fatalf("inline PDF: status %d", status)
	}
	if ct := browser.Eval[string](b, `document.contentType`); ct != "application/pdf" {
		t.Errorf("document.contentType = %q", ct)
	}
	viewer := false
	for range 20 {
		for _, u := range b.Targets() {
			if strings.HasPrefix(u, "chrome-extension://") && strings.HasSuffix(u, "/index.html") {
				viewer = true
			}
		}
		if viewer {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !viewer {
		t.Errorf("Chromium's PDF viewer did not open; targets %q", b.Targets())
	}
	time.Sleep(500 * time.Millisecond) // let the viewer paint for the screenshot
	b.Screenshot("pdf-inline")

	if status, err := b.TryVisit(base + "/download.pdf"); err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
		t.Errorf("download PDF: status %d, err %v; want the navigation aborted for a download", status, err)
	}
}
