package document

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// PDF is a stored PDF as the dossier offers it.
type PDF struct {
	Data []byte
	// Title and Date name the file the browser shows or saves: "ontslagbrief-2026-02-03.pdf".
	Title string
	Date  time.Time
	// Download asks the browser to save the file (Content-Disposition: attachment) instead of showing
	// it in its own PDF viewer (inline).
	Download bool
}

// PDFContentSecurityPolicy governs the PDF response. The file is shown by the browser's own viewer as a
// page of its own, never inside a portal page: default-src 'none' and sandbox give the response no
// script, no requests and an opaque origin (so even a file that some browser mistook for HTML could not
// reach the portal's cookies or pages), and frame-ancestors 'none' keeps any page — the portal's
// included — from framing it. Chromium's PDF viewer works under this policy; the browser tests check
// that in a real Chromium.
const PDFContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// ServePDF answers with a PDF under headers that make it a PDF and nothing else: the exact content
// type, nosniff, the sandboxing policy above, no framing, no caching anywhere (it is patient data), no
// referrer, and a file name built only from safe characters. It refuses content that does not start
// like a PDF (ErrNotPDF) before writing anything. Range requests, which PDF viewers use for large files,
// are answered by http.ServeContent. The headers are set last, so they replace the portal-wide ones of
// the middleware for this response.
func ServePDF(w http.ResponseWriter, r *http.Request, doc PDF) error {
	if !IsPDF(doc.Data) {
		return ErrNotPDF
	}
	h := w.Header()
	for name, value := range PDFHeaders(doc) {
		h[name] = value
	}
	// No validators: nothing may be revalidated from a cache that must not exist.
	h.Del("Last-Modified")
	h.Del("ETag")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(doc.Data))
	return nil
}

// PDFHeaders are the response headers of ServePDF, for tests and for a HEAD answer.
func PDFHeaders(doc PDF) http.Header {
	disposition := "inline"
	if doc.Download {
		disposition = "attachment"
	}
	h := http.Header{}
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": PDFFileName(doc.Title, doc.Date)}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", PDFContentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	return h
}

// IsPDF reports whether data starts with the PDF header. The check is strict (no leading bytes), which
// every PDF writer of the hospital's systems satisfies and which a disguised HTML file does not.
func IsPDF(data []byte) bool {
	return bytes.HasPrefix(data, []byte("%PDF-"))
}

// maxFileNameStem bounds the title part of a file name; file systems and browsers cut longer names in
// unhelpful places.
const maxFileNameStem = 60

// PDFFileName builds a file name from a title and a date using only a-z, 0-9 and '-': accents are
// folded ("Verpleegkundige overdracht Zoë" -> "verpleegkundige-overdracht-zoe"), everything else
// becomes a dash, so no quote, slash, semicolon or line break can reach the Content-Disposition header
// or a file system.
func PDFFileName(title string, date time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a folded letter
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= maxFileNameStem {
			break
		}
	}
	stem := strings.Trim(b.String(), "-")
	if len(stem) > maxFileNameStem {
		stem = strings.Trim(stem[:maxFileNameStem], "-")
	}
	if stem == "" {
		stem = "document"
	}
	if !date.IsZero() {
		stem += "-" + date.Format("2006-01-02")
	}
	return stem + ".pdf"
}
