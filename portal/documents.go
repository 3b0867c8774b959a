package portal

import (
	"errors"
	"fmt"
	"html/template"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/document"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// Reports and letters: the lists, one document with its content, and a PDF as a file. Plain text is
// shown as text and HTML only after sanitising (portal/document); a PDF never goes into a page but is
// served on its own address by document.ServePDF, inline or as a download. Every address carries the
// patient's public id and the document's, and every read takes the patient, so an id from another
// patient's page finds nothing.

// reportKinds are the kinds the reports tab lists; laboratory panels show as lab results.
var reportKinds = []dossier.ReportKind{dossier.ReportRadiology, dossier.ReportPathology, dossier.ReportECG,
	dossier.ReportSpirometry, dossier.ReportHolter, dossier.ReportOther}

// reportsBody is the reports tab.
type reportsBody struct {
	Reports []dossier.Report
}

func (s *Server) showReports(c echo.Context) error {
	v, err := s.openDossier(c, access.Reports)
	if v == nil {
		return err
	}
	reports, err := s.store.Reports(c.Request().Context(), v.patientID(), reportKinds...)
	if err != nil {
		return err
	}
	for _, r := range reports {
		v.show(access.Reports, itemID("report", r.ID))
	}
	return s.renderDossier(c, v, "dossier_reports", "dossier.reports.title", reportsBody{Reports: reports})
}

// attachmentView is one attachment of a document as the document page offers it: text and HTML in the
// page, a PDF by link.
type attachmentView struct {
	ID      int64
	Title   string
	Kind    string // "text", "html", "pdf" or "unsupported"
	Content template.HTML
	Href    string
	Size    int64
}

// documentBody is the page of one report or letter.
type documentBody struct {
	Report      *dossier.Report
	Letter      *dossier.Letter
	Attachments []attachmentView
}

func (s *Server) showReport(c echo.Context) error {
	v, err := s.openDossier(c, access.Reports)
	if v == nil {
		return err
	}
	rid, err := pathPublicID(c, "rid")
	if err != nil {
		return s.itemNotFound(c, v, access.Reports, err)
	}
	r, err := s.store.Report(c.Request().Context(), v.patientID(), rid)
	if err != nil || r.Kind == dossier.ReportLaboratory {
		return s.itemNotFound(c, v, access.Reports, errors.Join(err, store.ErrNotFound))
	}
	v.show(access.Reports, itemID("report", r.ID))
	base := patientPath(v.facts.Patient) + "/reports/" + r.PublicID
	atts, err := s.attachmentViews(c, v, access.Reports, r.Attachments, base)
	if err != nil {
		return err
	}
	return s.renderDossier(c, v, "dossier_document", "dossier.reports.document_title", documentBody{Report: &r, Attachments: atts})
}

// lettersBody is the letters tab: discharge letters first, then the others, each newest first.
type lettersBody struct {
	Letters []dossier.Letter
}

func (s *Server) showLetters(c echo.Context) error {
	v, err := s.openDossier(c, access.Letters)
	if v == nil {
		return err
	}
	letters, err := s.store.Letters(c.Request().Context(), v.patientID())
	if err != nil {
		return err
	}
	slices.SortStableFunc(letters, func(a, b dossier.Letter) int {
		ad, bd := a.Kind == dossier.LetterDischarge, b.Kind == dossier.LetterDischarge
		switch {
		case ad && !bd:
			return -1
		case bd && !ad:
			return 1
		}
		return 0 // the store lists them newest first
	})
	for _, l := range letters {
		v.show(access.Letters, itemID("letter", l.ID))
	}
	return s.renderDossier(c, v, "dossier_letters", "dossier.letters.title", lettersBody{Letters: letters})
}

func (s *Server) showLetter(c echo.Context) error {
	v, err := s.openDossier(c, access.Letters)
	if v == nil {
		return err
	}
	lid, err := pathPublicID(c, "lid")
	if err != nil {
		return s.itemNotFound(c, v, access.Letters, err)
	}
	l, err := s.store.Letter(c.Request().Context(), v.patientID(), lid)
	if err != nil {
		return s.itemNotFound(c, v, access.Letters, err)
	}
	v.show(access.Letters, itemID("letter", l.ID))
	base := patientPath(v.facts.Patient) + "/letters/" + l.PublicID
	atts, err := s.attachmentViews(c, v, access.Letters, l.Attachments, base)
	if err != nil {
		return err
	}
	return s.renderDossier(c, v, "dossier_document", "dossier.letters.document_title", documentBody{Letter: &l, Attachments: atts})
}

// attachmentViews prepares the attachments of a document: text and HTML are read and made safe for the
// page, a PDF gets the address of its file. Content that cannot be shown safely is named, not shown.
func (s *Server) attachmentViews(c echo.Context, v *dossierView, cat access.Category, infos []dossier.AttachmentInfo, base string) ([]attachmentView, error) {
	var out []attachmentView
	for _, info := range infos {
		av := attachmentView{ID: info.ID, Title: info.Title, Size: info.Size, Kind: "unsupported"}
		kind, _, err := document.KindOf(info.ContentType)
		switch {
		case err != nil:
		case kind == document.KindPDF:
			av.Kind, av.Href = "pdf", base+"/attachments/"+info.PublicID
		default:
			a, err := s.store.Attachment(c.Request().Context(), v.patientID(), info.ID)
			if err != nil {
				return nil, err
			}
			content, err := s.documents.Display(a.ContentType, a.Data)
			if err != nil {
				s.logger.Warn("attachment cannot be shown", "attachment", info.ID, "content_type", info.ContentType, "err", err)
				break
			}
			av.Kind, av.Content = kind.String(), content
		}
		v.show(cat, itemID("attachment", info.ID))
		out = append(out, av)
	}
	return out, nil
}

// showReportFile serves a report's PDF attachment.
func (s *Server) showReportFile(c echo.Context) error {
	v, err := s.openDossier(c, access.Reports)
	if v == nil {
		return err
	}
	rid, err := pathPublicID(c, "rid")
	if err != nil {
		return s.itemNotFound(c, v, access.Reports, err)
	}
	r, err := s.store.Report(c.Request().Context(), v.patientID(), rid)
	if err != nil || r.Kind == dossier.ReportLaboratory {
		return s.itemNotFound(c, v, access.Reports, errors.Join(err, store.ErrNotFound))
	}
	at := r.IssuedAt
	if r.EffectiveAt != nil {
		at = r.EffectiveAt
	}
	return s.servePDF(c, v, access.Reports, "report", r.ID, r.Title, timeOr(at))
}

// showLetterFile serves a letter's PDF attachment.
func (s *Server) showLetterFile(c echo.Context) error {
	v, err := s.openDossier(c, access.Letters)
	if v == nil {
		return err
	}
	lid, err := pathPublicID(c, "lid")
	if err != nil {
		return s.itemNotFound(c, v, access.Letters, err)
	}
	l, err := s.store.Letter(c.Request().Context(), v.patientID(), lid)
	if err != nil {
		return s.itemNotFound(c, v, access.Letters, err)
	}
	return s.servePDF(c, v, access.Letters, "letter", l.ID, l.Title, l.WrittenAt)
}

// servePDF serves one PDF attachment of a document, after checking that the attachment belongs to that
// very document of that patient and after logging the view. ?download=1 asks for a download instead of
// the browser's viewer.
func (s *Server) servePDF(c echo.Context, v *dossierView, cat access.Category, kind string, ownerID int64, title string, date time.Time) error {
	ctx := c.Request().Context()
	aid, err := pathPublicID(c, "aid")
	if err != nil {
		return s.itemNotFound(c, v, cat, err)
	}
	a, err := s.store.AttachmentByPublicID(ctx, v.patientID(), aid)
	owner := a.LetterID
	if kind == "report" {
		owner = a.ReportID
	}
	if err == nil && (owner == nil || *owner != ownerID) {
		err = fmt.Errorf("attachment %d is not of %s %d: %w", a.ID, kind, ownerID, store.ErrNotFound)
	}
	if err == nil {
		if k, _, kerr := document.KindOf(a.ContentType); kerr != nil || k != document.KindPDF {
			err = fmt.Errorf("attachment %d is not a PDF: %w", a.ID, store.ErrNotFound)
		}
	}
	if err != nil {
		return s.itemNotFound(c, v, cat, err)
	}
	if !document.IsPDF(a.Data) {
		// Stored as a PDF but not one: a fault of the data, not of the request; nothing is sent.
		return fmt.Errorf("attachment %d of patient %d: %w", a.ID, v.patientID(), document.ErrNotPDF)
	}
	download := c.QueryParam("download") == "1"
	rec := s.actor(c).View(audit.PatientOf(v.facts.Patient), cat, itemID(kind, ownerID)+","+itemID("attachment", a.ID), auditBasis(v.main.Basis))
	rec.Detail = c.Request().URL.Path + " (PDF, inline)"
	if download {
		rec.Detail = c.Request().URL.Path + " (PDF, download)"
	}
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	return document.ServePDF(c.Response(), c.Request(), document.PDF{Data: a.Data, Title: title, Date: date, Download: download})
}
