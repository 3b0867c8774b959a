package portal_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/xdm"
)

// xdmChoices reads the document choices (checkbox values) of the XDM page.
var xdmChoice = regexp.MustCompile(`name="doc" value="([a-z0-9]+)"`)

// TestXDMPackageHoldsWhatTheProviderMaySee: the gp downloads the demo patient's letters and reports as an
// IHE XDM package; every DocumentEntry matches its file (hash, size, mime type) and the stored document,
// METADATA.XML is valid ebRS 3.0 (when the schemas are at hand), the download is one access-log record
// that names every document, and a provider who may see no letters or reports (the pharmacist) gets no
// package, not even by naming the documents.
func TestXDMPackageHoldsWhatTheProviderMaySee(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	patient := env.Patient(t, "999993847")
	page := portaltest.PatientPath(patient, "documents", "xdm")
	gp := env.Client(t, devpki.CardGP)
	resp := gp.Get(t, page)
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "toegangslog") {
		t.Fatalf("XDM page: %d\n%s", resp.Status, resp.Body)
	}
	var choices []string
	for _, m := range xdmChoice.FindAllStringSubmatch(resp.Body, -1) {
		choices = append(choices, m[1])
	}
	if len(choices) < 2 {
		t.Fatalf("the page offers %d documents", len(choices))
	}
	if !strings.Contains(gp.Get(t, portaltest.PatientPath(patient, "letters")).Body, page) {
		t.Error("the letters tab does not offer the package")
	}
	before := len(records(t, env))
	resp = gp.Post(t, page, url.Values{"doc": choices})
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("download: %d %v\n%.600s", resp.Status, resp.Header, resp.Body)
	}
	c, err := xdm.Verify([]byte(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	if c.PatientID != xdm.PatientCX(patient.BSN) || len(c.Entries) != len(choices) {
		t.Fatalf("package of %s with %d entries, want %s with %d", c.PatientID, len(c.Entries), patient.BSN, len(choices))
	}
	for i, e := range c.Entries {
		a, err := env.Store.AttachmentByPublicID(t.Context(), patient.ID, choices[i])
		if err != nil {
			t.Fatal(err)
		}
		if e.MimeType != a.ContentType && e.MimeType != "text/html" {
			t.Errorf("entry %d: mime %s, stored %s", i, e.MimeType, a.ContentType)
		}
		if a.ContentType == "application/pdf" && !bytes.Equal(e.Data, a.Data) {
			t.Errorf("entry %d: the PDF in the package differs from the stored one", i)
		}
	}
	recs := waitForRecords(t, env, before+1)
	var exports int
	for _, r := range recs[before:] {
		if r.Event != "export" {
			continue
		}
		exports++
		if r.PatientBSN != patient.BSN || r.UserUZI != "900100001" || r.Basis == "" {
			t.Errorf("export record %+v", r)
		}
		for _, pub := range choices {
			a, err := env.Store.AttachmentByPublicID(t.Context(), patient.ID, pub)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.ObjectIDs, fmt.Sprintf("attachment/%d", a.ID)) {
				t.Errorf("the export record does not name attachment %d: %s", a.ID, r.ObjectIDs)
			}
		}
	}
	if exports != 1 {
		t.Errorf("%d export records for one package", exports)
	}
	validateMetadata(t, []byte(resp.Body))

	// The pharmacist may see neither letters nor reports: no page, and naming the documents gets nothing.
	ph := env.Client(t, devpki.CardPharmacist)
	if resp := ph.Get(t, page); resp.Status != http.StatusForbidden {
		t.Errorf("pharmacist's XDM page: %d", resp.Status)
	}
	ph.Get(t, "/")
	if resp := ph.Post(t, page, url.Values{"doc": choices}); resp.Status == http.StatusOK || bytes.HasPrefix([]byte(resp.Body), []byte("PK")) {
		t.Errorf("the pharmacist got a package: %d", resp.Status)
	}
	// A document of another patient, named in this patient's form, gets nothing either.
	other := env.Patient(t, "999993653")
	otherChoices := xdmChoice.FindAllStringSubmatch(gp.Get(t, portaltest.PatientPath(other, "documents", "xdm")).Body, -1)
	if len(otherChoices) == 0 {
		t.Fatal("the other patient has no documents")
	}
	gp.Get(t, page)
	if resp := gp.Post(t, page, url.Values{"doc": {otherChoices[0][1]}}); resp.Status != http.StatusNotFound {
		t.Errorf("another patient's document in this patient's package: %d", resp.Status)
	}
	if resp := gp.Post(t, page, url.Values{}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("no document chosen: %d", resp.Status)
	}
}

// validateMetadata checks METADATA.XML of a package against the ebRS 3.0 schemas with xmllint; it says so
// and returns when the shared schemas or xmllint (libxml2-utils, which CI installs) are absent.
func validateMetadata(t *testing.T, pkg []byte) {
	t.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		shared = filepath.Join("..", "..", "shared")
	}
	schema := filepath.Join(shared, "reference", "xdm-schemas", "lcm.xsd")
	xmllint, err := exec.LookPath("xmllint")
	if _, serr := os.Stat(schema); serr != nil || err != nil {
		t.Logf("METADATA.XML not validated against ebRS 3.0: schemas (%s) or xmllint absent", schema)
		return
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "IHE_XDM/SUBSET01/METADATA.XML" {
			continue
		}
		rc, _ := f.Open()
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		file := filepath.Join(t.TempDir(), "METADATA.XML")
		if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput(); err != nil {
			t.Fatalf("METADATA.XML is not valid ebRS 3.0: %v\n%s", err, out)
		}
	}
}
