package xdm

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
	_ "time/tzdata" // INDEX.HTM's dates need Amsterdam's calendar on any machine
)

// readme is README.TXT (ITI TF-1 §16.1.1): who made the package, with which software, how it is laid
// out, and how to read it. Plain ASCII lines with CRLF, as the media it came from expected.
func readme(s Submission) []byte {
	product := s.Product
	if product == "" {
		product = "Zorgverlenersportaal"
	}
	lines := []string{
		"IHE XDM package / IHE XDM-pakket",
		"",
		"Institution / Instelling: " + ascii(s.Hospital.Name) + " (URA " + ascii(s.Hospital.URA) + ")",
		"Made by / Gemaakt met: " + ascii(product),
		"Made on / Gemaakt op: " + s.Time.UTC().Format("2006-01-02 15:04:05") + " UTC",
		fmt.Sprintf("Made for / Gemaakt voor: %s (URA %s)", ascii(s.RecipientOrganisation.Name), ascii(s.RecipientOrganisation.URA)),
		"",
		"Layout / Indeling:",
		"  INDEX.HTM                   list of the documents (open in a web browser)",
		"  IHE_XDM/SUBSET01/METADATA.XML  XDS metadata (ebRS 3.0 SubmitObjectsRequest)",
		"  IHE_XDM/SUBSET01/DOCnnnnn.*    the documents (PDF, TXT, HTM)",
		"",
		"Any XDS-aware system reads IHE_XDM/SUBSET01/METADATA.XML and the documents beside it.",
		"Each document's SHA-1 hash and size are in its DocumentEntry.",
		"",
		"This package contains medical data of one patient. Keep it as you keep a patient record,",
		"and delete it when you have taken it into your own system.",
		"Dit pakket bevat medische gegevens van een patient. Bewaar het zoals een dossier en",
		"verwijder het als u de documenten in uw eigen systeem heeft opgenomen.",
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// ascii keeps README.TXT plain ASCII: letters with accents lose them, anything else becomes '?'.
func ascii(s string) string {
	r := strings.NewReplacer("é", "e", "ë", "e", "è", "e", "ï", "i", "ö", "o", "ü", "u", "á", "a", "ó", "o", "É", "E", "Ö", "O")
	s = r.Replace(s)
	var b strings.Builder
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// indexTemplate is INDEX.HTM: XHTML that opens in a browser without the portal, without script and
// without any outside request (a Content-Security-Policy forbids both), listing the documents in Dutch.
var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML Basic 1.1//EN" "http://www.w3.org/TR/xhtml-basic/xhtml-basic11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="nl" xml:lang="nl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'" />
<title>Documenten van {{.Patient}}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #1a1a1a; background: #fff; line-height: 1.5; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.3em 0.8em; border-bottom: 1px solid #767676; }
a { color: #0b4f8a; }
a:focus { outline: 3px solid #1a1a1a; }
</style>
</head>
<body>
<main>
<h1>Documenten van {{.Patient}}</h1>
<p>Geboren {{.Birth}}, BSN {{.BSN}}. Uit het Zorgverlenersportaal van {{.Hospital}} (URA {{.URA}}), gemaakt op {{.Made}} voor {{.Recipient}}.</p>
<table>
<caption>{{len .Rows}} documenten</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Datum</th><th scope="col">Auteur</th><th scope="col">Soort bestand</th><th scope="col">Grootte</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td><a href="{{.Href}}">{{.Title}}</a></td><td>{{.Date}}</td><td>{{.Author}}</td><td>{{.Kind}}</td><td>{{.Size}}</td></tr>
{{end}}</tbody>
</table>
<p>De gegevens voor een ander informatiesysteem staan in <a href="IHE_XDM/SUBSET01/METADATA.XML">IHE_XDM/SUBSET01/METADATA.XML</a> (IHE XDM); meer uitleg in <a href="README.TXT">README.TXT</a>.</p>
</main>
</body>
</html>
`))

type indexRow struct {
	Href, Title, Date, Author, Kind, Size string
}

// index writes INDEX.HTM for the documents stored under the file names given.
func index(s Submission, files []string) []byte {
	data := struct {
		Patient, Birth, BSN, Hospital, URA, Made, Recipient string
		Rows                                                []indexRow
	}{
		Patient:   strings.TrimSpace(s.Patient.GivenName + " " + s.Patient.FamilyName),
		Birth:     dutchDate(s.Patient.BirthDate),
		BSN:       s.Patient.BSN,
		Hospital:  s.Hospital.Name,
		URA:       s.Hospital.URA,
		Made:      dutchDate(s.Time),
		Recipient: s.Recipient.Name,
	}
	for i, d := range s.Documents {
		kind := map[string]string{"PDF": "PDF", "TXT": "tekst", "HTM": "HTML", "XML": "XML"}[extension(d.MimeType)]
		if kind == "" {
			kind = d.MimeType
		}
		data.Rows = append(data.Rows, indexRow{
			Href: subsetFolder + files[i], Title: d.Title, Date: dutchDate(d.Created), Author: d.Author.Name,
			Kind: kind, Size: dutchSize(len(d.Data)),
		})
	}
	var buf bytes.Buffer
	// The XML declaration of XHTML, written as it is: html/template would escape it as text.
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if err := indexTemplate.Execute(&buf, data); err != nil {
		// The template is fixed and its data plain strings: an error here is a programming error.
		panic(err)
	}
	return buf.Bytes()
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// amsterdam is the calendar of the dates in INDEX.HTM; the package leaves the portal, so it formats its
// own dates.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// dutchDate writes "3 december 2026"; the zero time is no date.
func dutchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(amsterdam)
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}

// dutchSize writes a file size the way a Dutch reader expects: "12,3 kB", "512 bytes".
func dutchSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return strings.Replace(fmt.Sprintf("%.1f kB", float64(n)/1000), ".", ",", 1)
	}
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/1e6), ".", ",", 1)
}
