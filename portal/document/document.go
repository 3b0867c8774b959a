// Package document shows letters and reports from the hospital's systems without letting their content
// act on the portal. They arrive as PDF, plain text or HTML (FHIR attachments, DiagnosticReport
// presentedForm), written by other software and imported as they are:
//
//   - HTML is reduced to a strict allow-list of structure (headings, paragraphs, lists, tables,
//     emphasis) by bluemonday; nothing that runs, styles, loads or submits survives. Links survive only
//     as absolute http, https or mailto links that open outside the portal.
//   - Plain text is escaped and shown with its line breaks.
//   - PDF is never put into a page: ServePDF answers with the file itself, under headers that keep
//     browsers from sniffing it, caching it, framing it or treating it as anything but a PDF.
//
// The route that serves a document comes with the dossier screens; this package gives them the one way
// to do it.
package document

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Errors.
var (
	// ErrUnsupported means a content type the portal cannot show safely (images, Word files, XML, ...).
	ErrUnsupported = errors.New("document: unsupported content type")
	// ErrNotPDF means content labelled as PDF that does not start like one: a mislabelled HTML file
	// would otherwise reach the browser as "application/pdf" and be trusted by nobody, so it is refused.
	ErrNotPDF = errors.New("document: content is not a PDF")
	// ErrServeAsFile means Display was asked to put a PDF into a page; PDFs go through ServePDF.
	ErrServeAsFile = errors.New("document: a PDF is served as a file, not shown in a page")
)

// Kind is how a document is shown.
type Kind int

// Kinds of document.
const (
	KindText Kind = iota + 1
	KindHTML
	KindPDF
)

// String names the kind for logs and templates.
func (k Kind) String() string {
	switch k {
	case KindText:
		return "text"
	case KindHTML:
		return "html"
	case KindPDF:
		return "pdf"
	}
	return "unknown"
}

// KindOf classifies a stored content type ("text/html; charset=windows-1252") and returns the charset
// parameter, lower case, or "" when none is given.
func KindOf(contentType string) (Kind, string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %q: %v", ErrUnsupported, contentType, err)
	}
	charset := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch mediaType {
	case "text/plain":
		return KindText, charset, nil
	case "text/html", "application/xhtml+xml":
		return KindHTML, charset, nil
	case "application/pdf":
		return KindPDF, charset, nil
	}
	return 0, "", fmt.Errorf("%w: %q", ErrUnsupported, mediaType)
}

// decode turns stored bytes into UTF-8 text. The charset of the content type decides; without one the
// bytes are taken as UTF-8, and when they are not valid UTF-8 as Windows-1252, what older Dutch hospital
// systems write. Invalid sequences become U+FFFD, so nothing downstream sees broken UTF-8.
func decode(data []byte, charset string) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark is not text
	switch charset {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if charset == "" && !utf8.Valid(data) {
			return charmap.Windows1252.NewDecoder().String(string(data))
		}
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().String(string(data))
	case "iso-8859-1", "latin1", "iso_8859-1":
		return charmap.ISO8859_1.NewDecoder().String(string(data))
	case "iso-8859-15", "latin9":
		return charmap.ISO8859_15.NewDecoder().String(string(data))
	}
	return "", fmt.Errorf("%w: charset %q", ErrUnsupported, charset)
}
