package fhir

import (
	"bytes"
	"encoding/base64"
	"errors"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// binaryContent is the decoded content of a Binary resource.
type binaryContent struct {
	contentType string
	data        []byte
}

// importBinary keeps a Binary's content for the DocumentReference and DiagnosticReport attachments that
// point at it, in this bundle or a later one.
func (r *run) importBinary(e *entry) (bool, error) {
	var b Binary
	if err := decode(e, &b); err != nil {
		return false, err
	}
	data, err := decodeBase64(b.Data)
	if err != nil {
		return false, reject("Binary.data is not valid base64: %v", err)
	}
	if b.ContentType == "" {
		return false, reject("a Binary needs a contentType")
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetContent, 0, found, b.ContentType, data); err != nil {
		return false, err
	}
	e.binary = &binaryContent{contentType: b.ContentType, data: data}
	return !found, nil
}

// decodeBase64 accepts standard base64 with or without padding and with line breaks.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if data, err := base64.StdEncoding.DecodeString(s); err == nil {
		return data, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// attachment turns a FHIR attachment into stored content: inline data, or a url pointing at a Binary (in
// the bundle or imported before; required, so a url that resolves nowhere breaks the bundle). Only PDF,
// plain text and HTML are kept; a PDF must look like one and text must be UTF-8.
func (r *run) attachment(a Attachment, field string) (dossier.Attachment, error) {
	contentType := a.ContentType
	var data []byte
	switch {
	case a.Data != "":
		d, err := decodeBase64(a.Data)
		if err != nil {
			return dossier.Attachment{}, reject("%s.data is not valid base64: %v", field, err)
		}
		data = d
	case a.URL != "":
		t, err := r.require(&Reference{Reference: a.URL}, field+".url", "Binary")
		if err != nil {
			return dossier.Attachment{}, err
		}
		var bin binaryContent
		if t.entry != nil && t.entry.binary != nil {
			bin = *t.entry.binary
		} else {
			bin = binaryContent{contentType: t.ident.ContentType, data: t.ident.Content}
		}
		data = bin.data
		if contentType == "" {
			contentType = bin.contentType
		}
	default:
		return dossier.Attachment{}, reject("%s has neither data nor url", field)
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return dossier.Attachment{}, reject("%s.contentType %q is not a media type", field, contentType)
	}
	switch mediaType {
	case dossier.ContentPDF:
		if !bytes.HasPrefix(bytes.TrimLeft(data, "\r\n\t "), []byte("%PDF-")) {
			return dossier.Attachment{}, reject("%s says application/pdf but its content is not a PDF", field)
		}
	case dossier.ContentText, dossier.ContentHTML:
		if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
			return dossier.Attachment{}, reject("%s has charset %s; the portal takes UTF-8 text", field, cs)
		}
		if !utf8.Valid(data) {
			return dossier.Attachment{}, reject("%s is not valid UTF-8 text", field)
		}
	default:
		// Not wrong, only not shown: the rest of the report or letter can still be.
		return dossier.Attachment{}, skip("an attachment of content type %s is not shown (the portal shows PDF, plain text and HTML)", mediaType)
	}
	return dossier.Attachment{AttachmentInfo: dossier.AttachmentInfo{ContentType: mediaType, Title: a.Title}, Data: data}, nil
}

// attachments reads n attachments (at gives each with its field name). An attachment the portal does not
// show (another content type) is left out and counted among the skipped; a wrong one rejects the
// resource. unshown says what was left out, for the reason when nothing is left.
func (r *run) attachments(n int, at func(i int) (Attachment, string)) ([]dossier.Attachment, string, error) {
	var atts []dossier.Attachment
	var left []string
	for i := range n {
		a, field := at(i)
		att, err := r.attachment(a, field)
		var se *skipError
		switch {
		case errors.As(err, &se):
			left = append(left, field+": "+se.reason)
			if r.res.Skipped == nil {
				r.res.Skipped = map[string]int{}
			}
			r.res.Skipped[se.reason]++
			continue
		case err != nil:
			return nil, "", err
		}
		atts = append(atts, att)
	}
	if len(left) == 0 {
		return atts, "no attachment", nil
	}
	return atts, strings.Join(left, "; "), nil
}

// importDiagnosticReport maps a DiagnosticReport to a report (kind from code and category, see codes.go)
// with its presentedForm as attachments, and links its laboratory results to it.
func (r *run) importDiagnosticReport(e *entry) (bool, error) {
	var d DiagnosticReport
	if err := decode(e, &d); err != nil {
		return false, err
	}
	pat, err := r.patientOf(d.Subject, "subject")
	if err != nil {
		return false, err
	}
	code := primaryCoding(d.Code)
	row := dossier.Report{
		PatientID:  pat.ID,
		Kind:       reportKind(d.Category, d.Code),
		CodeSystem: code.System,
		Code:       code.Code,
		Title:      conceptText(d.Code),
		Status:     orDefault(d.Status, "unknown"),
		FHIRID:     &e.id,
	}
	if row.Title == "" {
		return false, reject("a DiagnosticReport needs a code")
	}
	author := r.firstParty(d.ResultsInterpreter)
	if author.name == "" {
		author = r.firstParty(d.Performer)
	}
	row.Author = author.name
	row.Conclusion = strings.TrimSpace(d.Conclusion)
	if cc := conceptsText(d.ConclusionCode); cc != "" {
		row.Conclusion = strings.TrimSpace(strings.Join([]string{row.Conclusion, cc}, "\n"))
	}
	if row.EffectiveAt, err = timeOf("effective", d.EffectiveDateTime, periodStart(d.EffectivePeriod)); err != nil {
		return false, err
	}
	if row.IssuedAt, err = timeOf("issued", d.Issued); err != nil {
		return false, err
	}
	atts, unshown, err := r.attachments(len(d.PresentedForm), func(i int) (Attachment, string) {
		return d.PresentedForm[i], "presentedForm[" + strconv.Itoa(i) + "]"
	})
	if err != nil {
		return false, err
	}
	var results []string
	for i := range d.Result {
		if t, ok := r.optional(&d.Result[i], "Observation"); ok && t.ident.Target == store.TargetLabResults {
			results = append(results, t.id)
		}
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	row.ID = knownRow(prev, found)
	if len(atts) == 0 && row.Conclusion == "" && len(results) == 0 {
		// A report is listed only with something to show: a questionnaire or exam whose results the
		// portal skips would otherwise be an empty document in the list.
		if !found || row.ID == 0 {
			return false, skip("DiagnosticReport with nothing the portal shows: no conclusion, %s and no laboratory result", unshown)
		}
		// Shown before, empty now: it leaves the list.
		if err := r.tx.DeleteReport(row.ID); err != nil {
			return false, err
		}
		return false, r.record(e, store.TargetContent, 0, found, "", nil)
	}
	if err := r.tx.PutReport(&row, atts); err != nil {
		return false, err
	}
	if err := r.tx.LinkLabResults(e.id, results); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetReports, row.ID, found, "", nil)
}

// importDocumentReference maps a DocumentReference to a letter (kind from the LOINC type, see codes.go)
// with its content as attachments. A document entered in error is skipped.
func (r *run) importDocumentReference(e *entry) (bool, error) {
	var d DocumentReference
	if err := decode(e, &d); err != nil {
		return false, err
	}
	pat, err := r.patientOf(d.Subject, "subject")
	if err != nil {
		return false, err
	}
	if d.Status == "entered-in-error" {
		return false, skip("DocumentReference entered in error is not shown")
	}
	kind, typeCode := letterKind(d.Type)
	row := dossier.Letter{
		PatientID: pat.ID,
		Kind:      kind,
		TypeCode:  typeCode,
		Title:     strings.TrimSpace(d.Description),
		Status:    orDefault(d.DocStatus, orDefault(d.Status, "current")),
		FHIRID:    &e.id,
	}
	if row.Title == "" {
		row.Title = conceptText(d.Type)
	}
	if row.Title == "" {
		row.Title = "Brief"
	}
	author := r.firstParty(d.Author)
	row.Author, row.AuthorSpecialism = author.name, author.specialism
	var ctxStart, creation string
	if d.Context != nil && d.Context.Period != nil {
		ctxStart = d.Context.Period.Start
	}
	if len(d.Content) > 0 {
		creation = d.Content[0].Attachment.Creation
	}
	written, err := timeOf("date", d.Date, creation, ctxStart)
	if err != nil {
		return false, err
	}
	if written == nil {
		return false, reject("a DocumentReference needs a date (date, attachment.creation or context.period.start)")
	}
	row.WrittenAt = *written
	if len(d.Content) == 0 {
		return false, reject("a DocumentReference needs content")
	}
	atts, unshown, err := r.attachments(len(d.Content), func(i int) (Attachment, string) {
		return d.Content[i].Attachment, "content[" + strconv.Itoa(i) + "].attachment"
	})
	if err != nil {
		return false, err
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	row.ID = knownRow(prev, found)
	if len(atts) == 0 {
		// A letter is listed only with content to show.
		if !found || row.ID == 0 {
			return false, skip("DocumentReference with nothing the portal shows: %s", unshown)
		}
		if err := r.tx.DeleteLetter(row.ID); err != nil {
			return false, err
		}
		return false, r.record(e, store.TargetContent, 0, found, "", nil)
	}
	if err := r.tx.PutLetter(&row, atts); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetLetters, row.ID, found, "", nil)
}
