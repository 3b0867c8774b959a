package portal

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// errNotAdministrator refuses the hospital's administration screens to anyone not named in
// hospital.administrators.
var errNotAdministrator = errors.New("not an administrator of the hospital")

// requireAdministrator lets only hospital staff named as administrators into /admin; anyone else gets a
// 403 page and the attempt is logged.
func (s *Server) requireAdministrator(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Get(ctxProvider).(*auth.Provider)
		if !p.Administrator {
			if err := s.audit.Append(c.Request().Context(), audit.Record{
				Event:   audit.EventAdminAction,
				Outcome: audit.Refused,
				Reason:  "not-administrator",
				User:    auditUser(*p),
				Source:  s.auditSource(c, p.Fingerprint),
				Detail:  c.Request().Method + " " + c.Request().URL.Path,
			}); err != nil {
				return err
			}
			return errNotAdministrator
		}
		return next(c)
	}
}

// adminHome is the start of the administration: find a patient, and the emergency accesses to review.
type adminHome struct {
	BSN       string
	BirthDate string
	Errors    fieldErrors
	NotFound  bool
	ToReview  int
	// AGBClaims counts the typed AGB codes that wait for an administrator.
	AGBClaims int
}

func (s *Server) showAdminHome(c echo.Context) error {
	return s.renderAdminHome(c, adminHome{}, http.StatusOK)
}

func (s *Server) renderAdminHome(c echo.Context, page adminHome, status int) error {
	list, err := s.store.EmergencyAccesses(c.Request().Context(), false)
	if err != nil {
		return err
	}
	page.ToReview = len(list)
	claims, err := s.store.AGBClaims(c.Request().Context(), false, maxAGBClaimsShown)
	if err != nil {
		return err
	}
	page.AGBClaims = len(claims)
	return s.views.render(c, status, "admin_home", s.page(c, "admin.title", page))
}

// findPatient looks a patient up by BSN and birth date (both exactly), logs the search — a miss too —
// and opens the patient's consent and relationships.
func (s *Server) findPatient(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	page := adminHome{BSN: bsnValue(c, "bsn"), BirthDate: formValue(c, "birth_date"), Errors: fieldErrors{}}
	birth, ok := parseDay(page.BirthDate)
	if !access.ValidBSN(page.BSN) {
		page.Errors["bsn"] = "admin.error.bsn"
	}
	if !ok {
		page.Errors["birth_date"] = "admin.error.birth_date"
	}
	if page.Errors.Any() {
		return s.renderAdminHome(c, page, http.StatusUnprocessableEntity)
	}
	patient, err := s.store.PatientByBSNAndBirthDate(ctx, page.BSN, birth)
	rec := audit.Record{Event: audit.EventSearch, Outcome: audit.Success, User: auditUser(*p), PatientBSN: page.BSN,
		Source: s.auditSource(c, p.Fingerprint), Detail: "administration: find patient by BSN and birth date"}
	if errors.Is(err, store.ErrNotFound) {
		rec.Outcome, rec.Reason = audit.Refused, "not-found"
		if err := s.audit.Append(ctx, rec); err != nil {
			return err
		}
		page.NotFound = true
		return s.renderAdminHome(c, page, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	rec.PatientNumber = patient.PatientNumber
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminPatientPath(patient))
}

// adminEntry is the access-log record of a change made on an administration screen: who made it, from
// where, what.
func (s *Server) adminEntry(c echo.Context, event audit.Event, detail string) store.LogEntry {
	p := c.Get(ctxProvider).(*auth.Provider)
	return s.audit.Entry(audit.Record{Event: event, Outcome: audit.Success, User: auditUser(*p),
		Source: s.auditSource(c, p.Fingerprint), Detail: detail})
}

// logAdminRefusal writes a change the rules refused: the attempt, the reason, data unchanged.
func (s *Server) logAdminRefusal(c echo.Context, event audit.Event, patient access.Patient, reason access.Reason, detail string) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	return s.audit.Append(c.Request().Context(), audit.Record{Event: event, Outcome: audit.Refused, Reason: string(reason),
		User: auditUser(*p), PatientBSN: patient.BSN, PatientNumber: patient.PatientNumber,
		Source: s.auditSource(c, p.Fingerprint), Detail: detail})
}
