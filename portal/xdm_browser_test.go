//go:build browser

package portal_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

// TestBrowserXDMIndexOpensWithoutThePortal: the gp's XDM page in a real Chromium is accessible, and the
// INDEX.HTM of the package she downloads, unpacked into a folder and opened from there (file://), lists
// the documents in Dutch with working links, runs no script, asks nothing from any server, and axe
// finds nothing serious.
func TestBrowserXDMIndexOpensWithoutThePortal(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	patient := env.Patient(t, "999993847")
	page := portaltest.PatientPath(patient, "documents", "xdm")

	b := browser.Open(t, env, devpki.CardGP)
	if status := b.Visit(page); status != http.StatusOK {
		t.Fatalf("XDM page: %d", status)
	}
	b.Axe(t)
	b.Screenshot("xdm-page")

	gp := env.Client(t, devpki.CardGP)
	var choices []string
	for _, m := range xdmChoice.FindAllStringSubmatch(gp.Get(t, page).Body, -1) {
		choices = append(choices, m[1])
	}
	resp := gp.Post(t, page, url.Values{"doc": choices})
	if resp.Status != http.StatusOK {
		t.Fatalf("download: %d", resp.Status)
	}
	dir := t.TempDir()
	zr, err := zip.NewReader(bytes.NewReader([]byte(resp.Body)), int64(len(resp.Body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if strings.HasSuffix(f.Name, "/") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	b.OpenFile(filepath.Join(dir, "INDEX.HTM"))
	if h := b.Text("h1"); !strings.HasPrefix(h, "Documenten van ") {
		t.Errorf("INDEX.HTM heading %q", h)
	}
	if n := b.Count("tbody tr"); n != len(choices) {
		t.Errorf("INDEX.HTM lists %d documents, the package holds %d", n, len(choices))
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "nl" {
		t.Errorf("INDEX.HTM lang %q", lang)
	}
	if n := browser.Eval[int](b, `document.scripts.length + performance.getEntriesByType("resource").length`); n != 0 {
		t.Errorf("INDEX.HTM runs scripts or fetches %d resources", n)
	}
	b.Axe(t)
	b.Screenshot("xdm-index")
	// Every link leads to a file of the package.
	hrefs := browser.Eval[[]string](b, `Array.from(document.querySelectorAll("a")).map(a => a.getAttribute("href"))`)
	for _, h := range hrefs {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(h))); err != nil {
			t.Errorf("INDEX.HTM links to %s, which is not in the package", h)
		}
	}
}
