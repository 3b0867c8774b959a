package xdm

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// samplePDF is a minimal PDF: the package treats documents as bytes, but a real-looking one keeps the
// test honest about binary content.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func sampleSubmission() Submission {
	written := time.Date(2026, 11, 30, 14, 5, 0, 0, time.UTC)
	return Submission{
		Hospital: Organisation{Name: "Ziekenhuis Rivierenland", URA: "90000001"},
		Patient: Patient{BSN: "999993847", FamilyName: "van den Berg", GivenName: "Johanna",
			BirthDate: time.Date(1948, 3, 2, 0, 0, 0, 0, time.UTC), Sex: "F"},
		Documents: []Document{
			{Key: "letter/1/1", Title: "Ontslagbrief interne geneeskunde", MimeType: "application/pdf", Data: samplePDF,
				Created: written, Class: Code{"51852-2", OIDLOINC, "Letter"}, Type: Code{"18842-5", OIDLOINC, "Discharge summary"},
				Author: Person{Name: "L. van Dijk"}},
			{Key: "report/7/2", Title: "Thoraxfoto <links> & \"rechts\"", MimeType: "text/plain", Data: []byte("Geen afwijkingen.\n"),
				Created: written.Add(-24 * time.Hour), ServiceStart: &written, Class: Code{"47045-0", OIDLOINC, "Study report"},
				Type: Code{"18748-4", OIDLOINC, "Diagnostic imaging study"}},
		},
		Recipient:             Person{UZI: "900100001", Name: "Anna de Vries"},
		RecipientOrganisation: Organisation{Name: "Huisartsenpraktijk De Linde", URA: "90000101"},
		Time:                  time.Date(2026, 12, 8, 9, 30, 0, 0, time.UTC),
	}
}

func build(t *testing.T, s Submission) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPackageReadsBackAsXDM: the package has the XDM layout, and every DocumentEntry matches its file
// (hash, size, mime type), carries the metadata XDS requires with the IHE scheme UUIDs, the BSN with its
// OID as patientId, and belongs to the submission set.
func TestPackageReadsBackAsXDM(t *testing.T) {
	s := sampleSubmission()
	data := build(t, s)
	c, err := Verify(data)
	if err != nil {
		t.Fatal(err)
	}
	if c.PatientID != "999993847^^^&2.16.840.1.113883.2.4.6.3&ISO" {
		t.Errorf("patientId %q", c.PatientID)
	}
	wantFiles := []string{"README.TXT", "INDEX.HTM", "IHE_XDM/", "IHE_XDM/SUBSET01/", "IHE_XDM/SUBSET01/METADATA.XML",
		"IHE_XDM/SUBSET01/DOC00001.PDF", "IHE_XDM/SUBSET01/DOC00002.TXT"}
	if strings.Join(c.Files, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("files %v, want %v", c.Files, wantFiles)
	}
	if len(c.Entries) != 2 {
		t.Fatalf("%d entries", len(c.Entries))
	}
	for i, e := range c.Entries {
		d := s.Documents[i]
		sum := sha1.Sum(d.Data)
		if !bytes.Equal(e.Data, d.Data) || e.Hash != hex.EncodeToString(sum[:]) || e.Size != len(d.Data) || e.MimeType != d.MimeType {
			t.Errorf("entry %d does not match its document: %+v", i, e)
		}
		if e.Title != d.Title {
			t.Errorf("entry %d title %q", i, e.Title)
		}
		if e.Classifications[schemeDEType] != d.Type.Code || e.Classifications[schemeDEClass] != d.Class.Code ||
			e.Classifications[schemeDEFormat] != "urn:ihe:iti:xds:2017:mimeTypeSufficient" || e.Classifications[schemeDEConfidentiality] != "N" {
			t.Errorf("entry %d classifications %v", i, e.Classifications)
		}
		if !regexp.MustCompile(`^2\.25\.[1-9][0-9]*$`).MatchString(e.UniqueID) {
			t.Errorf("entry %d uniqueId %q is no 2.25 OID", i, e.UniqueID)
		}
		if got := e.Slots["creationTime"]; len(got) != 1 || got[0] != d.Created.UTC().Format("20060102150405") {
			t.Errorf("entry %d creationTime %v", i, got)
		}
		if e.Slots["languageCode"][0] != "nl-NL" || !strings.Contains(strings.Join(e.Slots["sourcePatientInfo"], "|"), "PID-7|19480302") {
			t.Errorf("entry %d slots %v", i, e.Slots)
		}
	}
	// The same document gives the same uniqueId in another package; other bytes another one.
	again, _ := Verify(build(t, s))
	changed := sampleSubmission()
	changed.Documents[0].Data = append([]byte{}, samplePDF...)
	changed.Documents[0].Data[5] = '7'
	other, _ := Verify(build(t, changed))
	if again.Entries[0].UniqueID != c.Entries[0].UniqueID || other.Entries[0].UniqueID == c.Entries[0].UniqueID {
		t.Errorf("uniqueIds: first %s, again %s, changed bytes %s", c.Entries[0].UniqueID, again.Entries[0].UniqueID, other.Entries[0].UniqueID)
	}
}

// TestVerifyFindsBrokenPackages: each rule of Verify catches its breaking, so that the check the portal
// makes before sending a package is worth something.
func TestVerifyFindsBrokenPackages(t *testing.T) {
	good := build(t, sampleSubmission())
	rewrite := func(change func(name string, data []byte) (string, []byte)) []byte {
		zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			rc, _ := f.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			name, data := change(f.Name, b.Bytes())
			if name == "" {
				continue
			}
			w, _ := zw.Create(name)
			_, _ = w.Write(data)
		}
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name   string
		change func(string, []byte) (string, []byte)
		says   string
	}{
		{"document bytes changed", func(n string, d []byte) (string, []byte) {
			if strings.HasSuffix(n, ".TXT") && strings.HasPrefix(n, "IHE_XDM") {
				return n, []byte("Wel afwijkingen.\n")
			}
			return n, d
		}, "hash"},
		{"document missing", func(n string, d []byte) (string, []byte) {
			if strings.HasSuffix(n, ".PDF") {
				return "", nil
			}
			return n, d
		}, "no file"},
		{"lower-case name", func(n string, d []byte) (string, []byte) { return strings.Replace(n, "INDEX.HTM", "index.htm", 1), d }, "ISO 9660"},
		{"no directory entries", func(n string, d []byte) (string, []byte) {
			if strings.HasSuffix(n, "/") {
				return "", nil
			}
			return n, d
		}, "IHE_XDM/"},
		{"entry of another patient", func(n string, d []byte) (string, []byte) {
			if strings.HasSuffix(n, "METADATA.XML") {
				i := bytes.Index(d, []byte(`XDSDocumentEntry.patientId`))
				j := bytes.LastIndex(d[:i], []byte("999993847"))
				d = append(append(append([]byte{}, d[:j]...), []byte("999990111")...), d[j+9:]...)
			}
			return n, d
		}, "submission set of"},
		{"classification without coding scheme", func(n string, d []byte) (string, []byte) {
			if strings.HasSuffix(n, "METADATA.XML") {
				d = bytes.Replace(d, []byte(`name="codingScheme"`), []byte(`name="codeSystem"`), 1)
			}
			return n, d
		}, "codingScheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(rewrite(tt.change))
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Verify = %v, want an error about %q", err, tt.says)
			}
		})
	}
	if _, err := Verify([]byte("not a zip")); err == nil {
		t.Error("Verify accepted bytes that are no ZIP")
	}
}

// TestIndexOpensWithoutThePortal: INDEX.HTM lists every document in Dutch with a link to its file, and
// has no script and no request to anywhere (a receiving provider opens it from a USB stick or a mail).
func TestIndexOpensWithoutThePortal(t *testing.T) {
	s := sampleSubmission()
	data := build(t, s)
	if _, err := Verify(data); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var index string
	for _, f := range zr.File {
		if f.Name == "INDEX.HTM" {
			rc, _ := f.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			index = b.String()
		}
	}
	if !strings.HasPrefix(index, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<!DOCTYPE html") {
		t.Errorf("INDEX.HTM does not start as XHTML: %.80q", index)
	}
	for _, want := range []string{`lang="nl"`, "Documenten van Johanna van den Berg", "Ontslagbrief interne geneeskunde",
		`href="IHE_XDM/SUBSET01/DOC00001.PDF"`, "Thoraxfoto &lt;links&gt; &amp; &#34;rechts&#34;", "30 november 2026", "2 maart 1948"} {
		if !strings.Contains(index, want) {
			t.Errorf("INDEX.HTM lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "http://example", "https:", "@import", "url("} {
		if strings.Contains(index, bad) {
			t.Errorf("INDEX.HTM contains %q", bad)
		}
	}
	if !strings.Contains(index, "default-src 'none'") {
		t.Error("INDEX.HTM has no policy that forbids outside requests")
	}
}

// TestMetadataIsValidEbRS validates METADATA.XML against the OASIS ebRS 3.0 schemas with xmllint. The
// schemas are shared reference material beside the repository (ZVP_SHARED_DIR); the test says so and
// skips when they or xmllint (Debian's libxml2-utils, which CI installs) are absent.
func TestMetadataIsValidEbRS(t *testing.T) {
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared")
	}
	schema := filepath.Join(shared, "reference", "xdm-schemas", "lcm.xsd")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("the ebRS 3.0 schemas are not here (%s): shared reference material absent", schema)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint (Debian package libxml2-utils) is not installed")
	}
	data := build(t, sampleSubmission())
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != metadataFile {
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
		out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput()
		if err != nil {
			t.Fatalf("METADATA.XML is not valid ebRS 3.0: %v\n%s\n%s", err, out, b.String())
		}
		return
	}
	t.Fatal("no METADATA.XML")
}
