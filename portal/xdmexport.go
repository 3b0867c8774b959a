package portal

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/document"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/xdm"
)

// A patient's letters and reports as one IHE XDM package (portal/xdm): the page lists what the provider
// may see now and lets them choose; the download is one access-log event that names every document in it.

// xdmFile is one file a package can hold: an attachment of a letter or a report, with what its
// DocumentEntry needs.
type xdmFile struct {
	Category   access.Category
	OwnerKind  string // "letter" or "report"
	OwnerID    int64
	Attachment dossier.AttachmentInfo
	Title      string
	Date       time.Time
	Author     string
	Class      xdm.Code
	Type       xdm.Code
}

// Value is the form value that selects the file: the attachment's public id, like every item id the pages
// carry.
func (f xdmFile) Value() string { return f.Attachment.PublicID }

// xdmBody is the page before the download.
type xdmBody struct {
	Files []xdmFile
}

// xdmCategory is the category whose decision opens the page: letters, or reports for a role that may see
// reports but no letters. Consent and relationship apply to all categories alike; the role decides which
// of the two the package holds.
func (s *Server) xdmCategory(role string) access.Category {
	scope := s.policy.ScopeOf(role)
	if !scope.Permits(access.Letters) && scope.Permits(access.Reports) {
		return access.Reports
	}
	return access.Letters
}

// xdmFiles lists the files of the documents the provider may see now, letters first.
func (s *Server) xdmFiles(c echo.Context, v *dossierView) ([]xdmFile, error) {
	ctx := c.Request().Context()
	var out []xdmFile
	if v.allows(access.Letters) {
		letters, err := s.store.Letters(ctx, v.patientID())
		if err != nil {
			return nil, err
		}
		for _, l := range letters {
			for _, a := range l.Attachments {
				out = append(out, xdmFile{Category: access.Letters, OwnerKind: "letter", OwnerID: l.ID, Attachment: a,
					Title: documentTitle(l.Title, a, len(l.Attachments)), Date: l.WrittenAt, Author: l.Author,
					Class: loinc("51852-2", "Letter"), Type: letterType(l)})
			}
		}
	}
	if v.allows(access.Reports) {
		reports, err := s.store.Reports(ctx, v.patientID(), reportKinds...)
		if err != nil {
			return nil, err
		}
		for _, r := range reports {
			date := timeOr(r.IssuedAt)
			if r.EffectiveAt != nil {
				date = *r.EffectiveAt
			}
			for _, a := range r.Attachments {
				out = append(out, xdmFile{Category: access.Reports, OwnerKind: "report", OwnerID: r.ID, Attachment: a,
					Title: documentTitle(r.Title, a, len(r.Attachments)), Date: date, Author: r.Author,
					Class: loinc("47045-0", "Study report"), Type: reportType(r)})
			}
		}
	}
	return out, nil
}

// documentTitle names one file: the document's title, and the attachment's own when it has several.
func documentTitle(title string, a dossier.AttachmentInfo, n int) string {
	if n > 1 && a.Title != "" && a.Title != title {
		return title + " – " + a.Title
	}
	return title
}

// loinc is a LOINC code of the document ontology as XDS metadata names it.
func loinc(code, display string) xdm.Code {
	return xdm.Code{Code: code, Scheme: xdm.OIDLOINC, Display: display}
}

// letterTypes are the XDS typeCodes of letters: discharge summary, consult note, referral note; any other
// letter is a letter.
var letterTypes = map[dossier.LetterKind]xdm.Code{
	dossier.LetterDischarge:  loinc("18842-5", "Discharge summary"),
	dossier.LetterSpecialist: loinc("11488-4", "Consult note"),
	dossier.LetterReferral:   loinc("57133-1", "Referral note"),
}

// letterType is the XDS typeCode of a letter.
func letterType(l dossier.Letter) xdm.Code {
	if c, ok := letterTypes[l.Kind]; ok {
		return c
	}
	return loinc("51852-2", "Letter")
}

// reportTypes are the LOINC studies of the report kinds.
var reportTypes = map[dossier.ReportKind]xdm.Code{
	dossier.ReportRadiology:  loinc("18748-4", "Diagnostic imaging study"),
	dossier.ReportPathology:  loinc("11526-1", "Pathology study"),
	dossier.ReportECG:        loinc("11524-6", "EKG study"),
	dossier.ReportHolter:     loinc("18754-2", "Ambulatory cardiac rhythm monitor (Holter) study"),
	dossier.ReportSpirometry: loinc("18759-1", "Spirometry study"),
}

// reportType is the XDS typeCode of a report: its own LOINC code when the hospital sent one, else the
// LOINC study of its kind.
func reportType(r dossier.Report) xdm.Code {
	if r.CodeSystem == "http://loinc.org" && r.Code != "" {
		return loinc(r.Code, orDefault(r.Title, r.Code))
	}
	if c, ok := reportTypes[r.Kind]; ok {
		return c
	}
	return loinc("47045-0", "Study report")
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// showXDM is the page before the download: the documents the provider may see now, each to be chosen,
// and the notice that the download is recorded as one access with every document in it.
func (s *Server) showXDM(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	v, err := s.openDossier(c, s.xdmCategory(prov.EffectiveRole()))
	if v == nil {
		return err
	}
	files, err := s.xdmFiles(c, v)
	if err != nil {
		return err
	}
	for _, f := range files {
		v.show(f.Category, itemID(f.OwnerKind, f.OwnerID))
	}
	return s.renderDossier(c, v, "dossier_xdm", "xdm.title", xdmBody{Files: files})
}

// downloadXDM builds the package of the chosen documents, checks it as a receiving system would, writes
// one access-log record that lists every document in it, and only then sends it.
func (s *Server) downloadXDM(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	v, err := s.openDossier(c, s.xdmCategory(prov.EffectiveRole()))
	if v == nil {
		return err
	}
	ctx := c.Request().Context()
	files, err := s.xdmFiles(c, v)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the form cannot be read")
	}
	chosen := map[string]bool{}
	for _, id := range form["doc"] {
		chosen[id] = true
	}
	if len(chosen) == 0 {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "no document chosen")
	}
	patient := v.facts.Patient
	sub := xdm.Submission{
		Hospital: xdm.Organisation{Name: s.cfg.Hospital.Name, URA: s.cfg.Hospital.URA},
		Patient: xdm.Patient{BSN: patient.BSN, FamilyName: strings.TrimSpace(patient.FamilyPrefix + " " + patient.FamilyName),
			GivenName: patient.GivenNames, BirthDate: patient.BirthDate, Sex: hl7Sex(patient.Sex)},
		Recipient:             xdm.Person{UZI: prov.UZINumber, Name: prov.DisplayName()},
		RecipientOrganisation: xdm.Organisation{Name: prov.Organisation, URA: prov.SubscriberNumber},
		Time:                  s.now(),
		Product:               "Zorgverlenersportaal",
	}
	var items []string
	for _, f := range files {
		if !chosen[f.Value()] {
			continue
		}
		delete(chosen, f.Value())
		a, err := s.store.Attachment(ctx, v.patientID(), f.Attachment.ID)
		if err != nil {
			return err
		}
		data, mime := a.Data, a.ContentType
		if kind, _, kerr := document.KindOf(a.ContentType); kerr == nil && kind == document.KindHTML {
			// HTML leaves the portal as the portal shows it: sanitised, so that a package opened from
			// a USB stick cannot run what the hospital's system let through.
			safe, derr := s.documents.Display(a.ContentType, a.Data)
			if derr != nil {
				continue
			}
			data, mime = []byte(safe), "text/html"
		}
		date := f.Date
		sub.Documents = append(sub.Documents, xdm.Document{
			Key: fmt.Sprintf("%s/%d/%d", f.OwnerKind, f.OwnerID, a.ID), Title: f.Title, MimeType: mime, Data: data,
			Created: date, ServiceStart: &date, Class: f.Class, Type: f.Type, Author: xdm.Person{Name: f.Author},
		})
		items = append(items, itemID(f.OwnerKind, f.OwnerID)+"/"+itemID("attachment", a.ID))
	}
	if len(chosen) > 0 {
		// A value that is not one of the documents this provider may see now: another patient's, or one
		// whose category the role may not see. Nothing is sent, and the attempt is logged.
		return s.itemNotFound(c, v, v.category, echo.ErrNotFound)
	}
	var buf bytes.Buffer
	if err := xdm.Write(&buf, sub); err != nil {
		return err
	}
	if _, err := xdm.Verify(buf.Bytes()); err != nil {
		return fmt.Errorf("portal: the XDM package of patient %d fails its own check: %w", v.patientID(), err)
	}
	rec := s.actor(c).Export(audit.PatientOf(patient), strings.Join(items, ","), auditBasis(v.main.Basis))
	rec.Detail = fmt.Sprintf("%s (IHE XDM package, %d documents, %d bytes)", c.Request().URL.Path, len(items), buf.Len())
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="XDM-%s.zip"`, sub.Time.In(amsterdam).Format("20060102-1504")))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/zip", buf.Bytes())
}

// hl7Sex maps the stored administrative sex to HL7's F, M or U.
func hl7Sex(sex string) string {
	switch strings.ToLower(sex) {
	case "female", "f", "v", "vrouw":
		return "F"
	case "male", "m", "man":
		return "M"
	}
	return "U"
}
