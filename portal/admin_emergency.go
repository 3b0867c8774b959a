package portal

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
)

// emergencyReviewPage lists uses of the emergency procedure for the hospital's review.
type emergencyReviewPage struct {
	All   bool
	Items []access.EmergencyAccess
	Form  reviewForm
	Saved bool
}

// reviewForm is the review form of one emergency access that came back with an error.
type reviewForm struct {
	ID    int64
	Note  string
	Error string
}

// showEmergencies lists the emergency accesses still to review (or all with ?all=1); the report is
// logged, as every report out of the access log is.
func (s *Server) showEmergencies(c echo.Context) error {
	page := emergencyReviewPage{All: c.QueryParam("all") == "1", Saved: c.QueryParam("saved") == "1"}
	return s.renderEmergencies(c, page, http.StatusOK)
}

func (s *Server) renderEmergencies(c echo.Context, page emergencyReviewPage, status int) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	items, err := s.store.EmergencyAccesses(ctx, page.All)
	if err != nil {
		return err
	}
	page.Items = items
	if err := s.audit.Append(ctx, audit.Record{Event: audit.EventReport, Outcome: audit.Success, User: auditUser(*p),
		Source: s.auditSource(c, p.Fingerprint), Detail: "administration: emergency accesses to review"}); err != nil {
		return err
	}
	return s.views.render(c, status, "admin_emergencies", s.page(c, "admin.emergencies.title", page))
}

// reviewEmergency marks one emergency access as reviewed, with the reviewer's note.
func (s *Server) reviewEmergency(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	relID, err := pathID(c, "rid")
	if err != nil {
		return err
	}
	form := reviewForm{ID: relID, Note: formValue(c, "note")}
	if form.Note == "" || len(form.Note) > 2000 {
		form.Error = "admin.error.review_note"
		return s.renderEmergencies(c, emergencyReviewPage{Form: form}, http.StatusUnprocessableEntity)
	}
	review := access.EmergencyReview{RelationshipID: relID, ReviewedAt: s.now(), ReviewedBy: access.OperatorName(accessProvider(*p)), Note: form.Note}
	err = s.store.ReviewEmergency(ctx, review, s.adminEntry(c, audit.EventAdminAction, "emergency access reviewed: "+form.Note))
	if reason := access.ReasonOf(err); reason != "" {
		rel, rerr := s.store.Relationship(ctx, relID)
		if rerr != nil {
			return rerr
		}
		patient, perr := s.store.Patient(ctx, rel.PatientID)
		if perr != nil {
			return perr
		}
		if err := s.logAdminRefusal(c, audit.EventAdminAction, patient, reason, "emergency review"); err != nil {
			return err
		}
		form.Error = "access.reason." + string(reason)
		return s.renderEmergencies(c, emergencyReviewPage{Form: form}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/emergencies?saved=1")
}
