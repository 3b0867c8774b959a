// Package xdm writes a patient's documents as an IHE XDM package (IHE ITI TF-1 §16, ITI-32; metadata
// per ITI TF-3 §4.2 with the XDM requirements of Table 4.3.1-3): a ZIP with README.TXT, INDEX.HTM and
// IHE_XDM/SUBSET01/ holding METADATA.XML (an ebRS 3.0 SubmitObjectsRequest with one XDS DocumentEntry per
// document and one SubmissionSet) beside the documents. Any XDS-aware system can read it, so that a
// provider takes a patient's letters and reports into their own system in one step instead of
// downloading PDFs one by one. The package knows nothing of the portal: it gets the documents and their
// metadata and writes the bytes.
package xdm

import (
	"archive/zip"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// Dutch identifier systems and code systems as XDS metadata names them (Nictiz XDS metadata; HL7 OIDs).
const (
	OIDBSN             = "2.16.840.1.113883.2.4.6.3"
	OIDURA             = "2.16.528.1.1007.3.3"
	OIDUZI             = "2.16.528.1.1007.3.1"
	OIDLOINC           = "2.16.840.1.113883.6.1"
	OIDConfidentiality = "2.16.840.1.113883.5.25"
	OIDRoleCode        = "2.16.840.1.113883.5.111"
	OIDFormatCode      = "1.3.6.1.4.1.19376.1.2.3"
)

// Code is a coded value of the metadata: code, the OID of its code system, and its display name.
type Code struct {
	Code    string
	Scheme  string
	Display string
}

// Organisation is a care organisation identified by its URA number (XON in the metadata).
type Organisation struct {
	Name string
	URA  string
}

// Person is a care provider identified by UZI number when known (XCN in the metadata).
type Person struct {
	UZI  string
	Name string
}

// Patient is whom the package is about: BSN (the patientId in the Dutch affinity domain) and what
// sourcePatientInfo carries.
type Patient struct {
	BSN string
	// SourceID is the patient's id in the hospital's own system as a CX (number^^^&OID&ISO); empty: the
	// BSN stands in, as the hospital's patient numbers have no OID configured.
	SourceID   string
	FamilyName string
	GivenName  string
	BirthDate  time.Time
	// Sex is F, M or U (HL7 administrative sex).
	Sex string
}

// Document is one file of the package with its DocumentEntry metadata.
type Document struct {
	// Key identifies the document in the hospital's store ("letter/12/3"); the uniqueId is derived from
	// it and the bytes, so the same document is the same entry in every package and new bytes get a new
	// uniqueId, as XDS requires.
	Key      string
	Title    string
	MimeType string
	Data     []byte
	Created  time.Time
	// ServiceStart is when the care the document describes took place, when known.
	ServiceStart *time.Time
	Class        Code
	Type         Code
	// Author is the writer when known; the hospital is always the author institution.
	Author Person
}

// Submission is the package: the hospital that exports, the patient, the documents, the provider it is
// made for, and when.
type Submission struct {
	Hospital  Organisation
	Patient   Patient
	Documents []Document
	// Recipient is the provider who downloads the package (intendedRecipient), with the organisation they
	// act for.
	Recipient             Person
	RecipientOrganisation Organisation
	Time                  time.Time
	// Product names the exporting software in README.TXT.
	Product string
}

// ErrNoDocuments is returned for a submission without documents: XDM packages carry at least one.
var ErrNoDocuments = errors.New("xdm: no documents to package")

// Folder names of the package: ISO 9660 level 1 (upper case, 8.3), as ITI-32 requires even off CD.
const (
	rootFolder   = "IHE_XDM/"
	subsetFolder = "IHE_XDM/SUBSET01/"
	metadataFile = subsetFolder + "METADATA.XML"
)

// Write writes the package as a ZIP to w. Every DocumentEntry's hash (SHA-1) and size are those of the
// file's bytes as stored in the package.
func Write(w io.Writer, s Submission) error {
	if len(s.Documents) == 0 {
		return ErrNoDocuments
	}
	if s.Patient.BSN == "" || s.Hospital.URA == "" {
		return errors.New("xdm: a package needs the patient's BSN and the hospital's URA")
	}
	files := make([]string, len(s.Documents))
	for i, d := range s.Documents {
		files[i] = fmt.Sprintf("DOC%05d.%s", i+1, extension(d.MimeType))
	}
	meta, err := metadata(s, files)
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	modified := s.Time.UTC()
	add := func(name string, data []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified}
		if strings.HasSuffix(name, "/") {
			h.Method = zip.Store
		}
		f, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	// Directory entries first: readers find the submission sets only through them (NIST XDM validator).
	for _, e := range []struct {
		name string
		data []byte
	}{
		{"README.TXT", readme(s)},
		{"INDEX.HTM", index(s, files)},
		{rootFolder, nil},
		{subsetFolder, nil},
		{metadataFile, meta},
	} {
		if err := add(e.name, e.data); err != nil {
			return fmt.Errorf("xdm: %s: %w", e.name, err)
		}
	}
	for i, d := range s.Documents {
		if err := add(subsetFolder+files[i], d.Data); err != nil {
			return fmt.Errorf("xdm: %s: %w", files[i], err)
		}
	}
	return z.Close()
}

// extension gives the 8.3 extension of a document's file by its mime type.
func extension(mime string) string {
	switch mime {
	case "application/pdf":
		return "PDF"
	case "text/plain":
		return "TXT"
	case "text/html":
		return "HTM"
	case "text/xml", "application/xml":
		return "XML"
	}
	return "BIN"
}

// uniqueOID makes an OID under 2.25 (an OID from a UUID's integer value, ITU-T X.667) from the SHA-256
// of the parts: the same parts give the same OID, others another. 2.25 plus at most 39 digits stays
// within XDS's 64 characters.
func uniqueOID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s|", len(p), p)
	}
	sum := h.Sum(nil)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50 // a name-based UUID (version 5 layout)
	u[8] = u[8]&0x3f | 0x80
	return "2.25." + new(big.Int).SetBytes(u).String()
}

// randomOID is a fresh 2.25 OID from a random UUID: every package is a submission set of its own.
func randomOID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return "2.25." + new(big.Int).SetBytes(u[:]).String()
}

// uuidURN is a fresh entryUUID in the lower-case urn:uuid form XDS requires.
func uuidURN() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// sha1Hex is the XDS hash of a document: SHA-1 of the exact bytes, in hex. XDS fixes SHA-1; it is a
// checksum here, not a signature.
func sha1Hex(data []byte) string {
	sum := sha1.Sum(data)
	return hex.EncodeToString(sum[:])
}

// dtm writes a time as HL7 DTM in UTC, to the second: YYYYMMDDhhmmss.
func dtm(t time.Time) string { return t.UTC().Format("20060102150405") }

// hl7Escape escapes the HL7 v2 delimiters in a component value (^ & ~ \ |), so that a name cannot break
// the CX, XON or XCN it is placed in.
func hl7Escape(s string) string {
	r := strings.NewReplacer(`\`, `\E\`, `^`, `\S\`, `&`, `\T\`, `~`, `\R\`, `|`, `\F\`)
	return r.Replace(strings.TrimSpace(s))
}

// PatientCX is the patientId of the Dutch affinity domain: the BSN with its OID.
func PatientCX(bsn string) string { return hl7Escape(bsn) + "^^^&" + OIDBSN + "&ISO" }

// xon is an organisation with its URA (Nictiz XDS metadata): Name^^^^^&OID&ISO^^^^URA.
func xon(o Organisation) string {
	return hl7Escape(o.Name) + "^^^^^&" + OIDURA + "&ISO^^^^" + hl7Escape(o.URA)
}

// xcn is a person, with the UZI number as id when known: UZI^Name^^^^^^^&OID&ISO, or ^Name.
func xcn(p Person) string {
	if p.UZI == "" {
		return "^" + hl7Escape(p.Name)
	}
	return hl7Escape(p.UZI) + "^" + hl7Escape(p.Name) + "^^^^^^^&" + OIDUZI + "&ISO"
}
