package demodata

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// simplePDF writes a small, valid one-page PDF (PDF 1.4, A4) with a bold title and lines of text in
// Helvetica, so that the demo's letters and reports have real PDF attachments without a PDF library. Text
// is WinAnsi-encoded (Dutch accents work); long lines are wrapped and a page holds what fits.
func simplePDF(title string, lines []string) []byte {
	var content bytes.Buffer
	fmt.Fprintf(&content, "BT /F2 14 Tf 56 790 Td (%s) Tj ET\n", pdfString(title))
	content.WriteString("BT /F1 10 Tf 56 764 Td 14 TL\n")
	const maxLines = 50
	n := 0
	for _, line := range lines {
		for _, part := range wrap(line, 95) {
			if n == maxLines {
				break
			}
			fmt.Fprintf(&content, "(%s) Tj T*\n", pdfString(part))
			n++
		}
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfString escapes text for a PDF literal string and encodes it as WinAnsi (Latin-1 for the letters
// Dutch needs); characters outside it become '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '€':
			b.WriteByte(0x80)
		case r == '–' || r == '—':
			b.WriteByte('-')
		case r < 0x20:
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteRune(r)
		case r >= 0xA0 && r <= 0xFF:
			b.WriteByte(byte(r))
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// wrap breaks a line at spaces into parts of at most width characters.
func wrap(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	var parts []string
	var cur strings.Builder
	for _, w := range strings.Fields(line) {
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(w) > width {
			parts = append(parts, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		parts = append(parts, cur.String())
	}
	return parts
}
