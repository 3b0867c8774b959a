package portal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// accessPageSize is how many records one page of an access list shows.
const accessPageSize = 50

// actor is the access log's view of the request: the provider behind the card and the access point.
func (s *Server) actor(c echo.Context) audit.Actor {
	p := c.Get(ctxProvider).(*auth.Provider)
	return audit.Actor{User: auditUser(*p), Source: s.auditSource(c, p.Fingerprint)}
}

// pageBefore reads the ?voor= paging parameter: the id below which the next page starts.
func pageBefore(c echo.Context) (int64, error) {
	v := c.QueryParam("voor")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "voor must be a record number")
	}
	return n, nil
}

// ownAccessesPage is the data of /mijn-inzages.
type ownAccessesPage struct {
	Lines  []accessLine
	Older  int64
	Paging bool // not the first page
}

// ownAccesses shows the provider everything the access log holds of their own card, newest first, with
// paging: a provider can check that nobody used their card. Reading it is logged first.
func (s *Server) ownAccesses(c echo.Context) error {
	before, err := pageBefore(c)
	if err != nil {
		return err
	}
	page, err := s.audit.OwnAccesses(c.Request().Context(), s.actor(c), before, accessPageSize)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	lines := describeEntries(s.views.catalog, lang, page.Entries)
	if err := s.namePatientsSeen(c.Request().Context(), lang, lines); err != nil {
		return err
	}
	data := ownAccessesPage{Lines: lines, Older: page.Older, Paging: before > 0}
	return s.views.render(c, http.StatusOK, "access_log_mine", s.page(c, "audit.mine.title", data))
}

// namePatientsSeen puts the name and birth date beside the BSN of every record in which the provider saw
// the patient (a view, an emergency access, an export that went ahead), so that Mijn inzages reads as
// "whom did I look at". A refused or missed search keeps the bare BSN: naming the patient would tell the
// provider what the refusal withheld.
func (s *Server) namePatientsSeen(ctx context.Context, lang string, lines []accessLine) error {
	known := map[string]*access.Patient{}
	for i := range lines {
		l := &lines[i]
		if l.PatientBSN == "" || l.Refused || l.RawEvent == string(audit.EventSearch) {
			continue
		}
		p, ok := known[l.PatientBSN]
		if !ok {
			found, err := s.store.PatientByBSN(ctx, l.PatientBSN)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return err
			default:
				p = &found
			}
			known[l.PatientBSN] = p
		}
		if p != nil {
			l.PatientName, l.PatientBorn = p.DisplayName(), formatDate(lang, p.BirthDate)
		}
	}
	return nil
}

// lang is the language of the request.
func (s *Server) lang(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok && l != "" {
		return l
	}
	return s.cfg.Language
}

// reportForm is the patient-report form as typed, with a message key per field that is wrong.
type reportForm struct {
	BSN, From, To, By string
	Errors            map[string]string
}

// accessLogAdminPage is the data of /admin/log: the form and, after a search, the report.
type accessLogAdminPage struct {
	Form   reportForm
	Report *audit.PatientReport
	Lines  []accessLine
	From   string
	To     string
}

// accessLogAdmin shows the administrator's start of the access log: the patient-report form (the last
// year by default) and the way to the emergency accesses.
func (s *Server) accessLogAdmin(c echo.Context) error {
	today := s.now().In(amsterdam)
	form := reportForm{From: today.AddDate(-1, 0, 0).Format(time.DateOnly), To: today.Format(time.DateOnly)}
	return s.views.render(c, http.StatusOK, "access_log_admin", s.page(c, "audit.admin.title", accessLogAdminPage{Form: form}))
}

// patientAccessReport answers the form: the report on screen, as CSV or as the printable document. The
// BSN travels in a POST body, never in a URL (URLs end up in browser histories). The report is logged
// before it is shown.
func (s *Server) patientAccessReport(c echo.Context) error {
	form := reportForm{
		BSN:  bsnValue(c, "bsn"),
		From: formValue(c, "from"),
		To:   formValue(c, "to"),
		By:   formValue(c, "by"),
	}
	format := formValue(c, "format")
	if format == "" {
		format = FormatScreen
	}
	if format != FormatScreen && format != FormatCSV && format != FormatHTML {
		return echo.NewHTTPError(http.StatusBadRequest, "format must be screen, csv or html")
	}
	q, err := audit.ParseReportQuery(form.BSN, form.From, form.To, form.By)
	var qe *audit.QueryError
	if errors.As(err, &qe) {
		form.Errors = map[string]string{qe.Field: "audit.form.error." + qe.Field}
		s.logger.Info("access report refused", "field", qe.Field, "problem", qe.Problem, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return s.views.render(c, http.StatusBadRequest, "access_log_admin", s.page(c, "audit.admin.title", accessLogAdminPage{Form: form}))
	}
	if err != nil {
		return err
	}
	rep, err := s.audit.PatientReport(c.Request().Context(), s.actor(c), q, format)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	switch format {
	case FormatCSV, FormatHTML:
		var buf bytes.Buffer
		if err := writePatientReport(&buf, s.views.catalog, rep, format, lang, s.cfg.Hospital.Name); err != nil {
			return err
		}
		// No BSN in the file name: download lists and recent-file menus show it to anyone at the screen.
		name := fmt.Sprintf("inzageoverzicht-%s-%s.%s", q.From.Format("20060102"), q.To.Format("20060102"), format)
		if format == FormatCSV {
			c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="`+name+`"`)
		c.Response().Header().Set("Content-Security-Policy", reportCSP)
		return c.HTMLBlob(http.StatusOK, buf.Bytes())
	}
	data := accessLogAdminPage{Form: form, Report: &rep, Lines: describeEntries(s.views.catalog, lang, rep.Entries),
		From: formatDate(lang, q.From), To: formatDate(lang, q.To)}
	return s.views.render(c, http.StatusOK, "access_log_admin", s.page(c, "audit.admin.title", data))
}

// emergencyPage is the data of /admin/log/emergency.
type emergencyPage struct {
	Lines  []accessLine
	Older  int64
	Paging bool
}

// emergencyAccesses lists what the log recorded under the emergency procedure (the start of each
// emergency access and every view on that basis), newest first, so that the review of an emergency access
// (/admin/emergencies) can see what was looked at. Reading the list is logged first.
func (s *Server) emergencyAccesses(c echo.Context) error {
	before, err := pageBefore(c)
	if err != nil {
		return err
	}
	page, err := s.audit.EmergencyAccesses(c.Request().Context(), s.actor(c), before, accessPageSize)
	if err != nil {
		return err
	}
	data := emergencyPage{Lines: describeEntries(s.views.catalog, s.lang(c), page.Entries), Older: page.Older, Paging: before > 0}
	return s.views.render(c, http.StatusOK, "access_log_emergency", s.page(c, "audit.emergency.title", data))
}
