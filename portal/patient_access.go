package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// accessPage is the provider's answer to "why may I see this patient, and until when": the decision per
// data category with its basis, and whether the emergency procedure is open to them. To a stranger (no
// treatment relationship in force) it says only that: see Stranger.
type accessPage struct {
	// PatientPublicID is the patient's id in the page's links and form.
	PatientPublicID string
	// Stranger is set when the provider holds no treatment relationship with the patient now, and for an
	// address that names no patient at all: the page then says only that there is no relationship and
	// points to the search, where whoever knows the BSN and birth date learns whether the emergency
	// procedure is open. Consent and its history (who registered it, a lapse at the twelfth birthday,
	// hence the patient's age) are not a stranger's business, and the page is the same whether the
	// address names a patient or not.
	Stranger bool
	// Patient is shown only when the provider may see something of them: an id in a URL must not tell
	// a stranger whose record it is.
	Patient   *access.Patient
	Age       int
	Decisions []access.Decision
	// Main is the decision that explains the page: the first allowed category, else the first the role
	// may see (its refusal is about consent or relationship), else the first.
	Main      access.Decision
	Allowed   bool
	Emergency access.EmergencyCheck
	Form      emergencyForm
	Created   bool
	// EmergencyPart is the emergency procedure's form as the shared partial shows it.
	EmergencyPart emergencyPart
	// Groups are the decisions grouped by their outcome and reason, so that one reason is said once with
	// the categories it applies to, not once per category.
	Groups []decisionGroup
	// TodoKey is the message that says what the provider can do about the main refusal.
	TodoKey string
}

// decisionGroup is the categories that share one outcome and one reason.
type decisionGroup struct {
	Allowed    bool
	Reason     access.Reason
	Categories []access.Category
}

// groupDecisions puts decisions with the same outcome and reason together, in the order they first
// appear (the order of access.Categories).
func groupDecisions(ds []access.Decision) []decisionGroup {
	var out []decisionGroup
	for _, d := range ds {
		reason := d.Reason
		if d.Allowed {
			reason = ""
		}
		found := false
		for i := range out {
			if out[i].Allowed == d.Allowed && out[i].Reason == reason {
				out[i].Categories = append(out[i].Categories, d.Category)
				found = true
				break
			}
		}
		if !found {
			out = append(out, decisionGroup{Allowed: d.Allowed, Reason: reason, Categories: []access.Category{d.Category}})
		}
	}
	return out
}

// todoKey is the advice for a refusal: the reason's own, else the general one.
func (s *Server) todoKey(reason access.Reason) string {
	if key := "access.todo." + string(reason); s.views.catalog.Has(key) {
		return key
	}
	return "access.todo.default"
}

// emergencyForm is the emergency procedure's form: the provider confirms whom they mean (BSN and birth
// date) and states why.
type emergencyForm struct {
	BSN       string
	BirthDate string
	Category  string
	Reason    string
	// AckPrior is the provider's confirmation that they know their own relationship ended or has not
	// started (asked only when there is one).
	AckPrior bool
	Errors   fieldErrors
	Rule     access.Reason
	// IdentityConfirmed is set once the BSN and birth date typed match the patient of the address: only
	// then does a stranger's page show the emergency procedure's verdict.
	IdentityConfirmed bool
}

// showPatientAccess shows the provider's access to a patient per data category, with the basis and its
// expiry. Every look is logged, a refusal too.
func (s *Server) showPatientAccess(c echo.Context) error {
	return s.renderPatientAccess(c, emergencyForm{}, http.StatusOK)
}

func (s *Server) renderPatientAccess(c echo.Context, form emergencyForm, status int) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	facts, err := s.patientOfPath(c)
	if errors.Is(err, store.ErrNotFound) {
		if lerr := s.audit.Append(ctx, audit.Record{Event: audit.EventView, Outcome: audit.Refused, Reason: "not-found",
			User: auditUser(*prov), Source: s.auditSource(c, prov.Fingerprint), Detail: "access basis of patient id " + loggedID(c.Param("id"))}); lerr != nil {
			return lerr
		}
		return s.closedPatientPage(c, accessPage{Stranger: true, Form: form}, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return s.accessPage(c, facts, form, status, "")
}

// patientOfPath reads the facts of the patient whose public id the address carries; a malformed id is
// ErrNotFound like an unknown one.
func (s *Server) patientOfPath(c echo.Context) (access.PatientFacts, error) {
	pub, err := pathPublicID(c, "id")
	if err != nil {
		return access.PatientFacts{}, err
	}
	return s.store.PatientFactsByPublicID(c.Request().Context(), pub)
}

// loggedID is an id from an address as the access log's detail records it: quoted and cut short, since
// whatever a client typed there ends up in the log.
func loggedID(s string) string {
	const max = 40
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// closedPatientPage is the answer for a patient the provider has no relationship with, and, in exactly
// the same words and status, for an address that names no patient: nothing tells the two apart, so an
// address says nothing about whether it belongs to someone. The page's form carries the errors of an
// emergency request whose BSN and birth date did not match; once they did match, the page also shows
// the emergency procedure's verdict, which the search would have given for the same BSN and birth date.
func (s *Server) closedPatientPage(c echo.Context, page accessPage, status int) error {
	closed := accessPage{Stranger: true, Form: page.Form}
	if page.Form.IdentityConfirmed {
		closed.PatientPublicID, closed.EmergencyPart = page.PatientPublicID, page.EmergencyPart
	}
	return s.views.render(c, status, "patient_access", s.page(c, "access.title", closed))
}

// accessPage renders the access page of a patient whose facts are read, and logs the look. The dossier
// answers with it (status 403) when nothing of the patient is open to the provider; category is then
// the part of the dossier that was asked for, recorded with the refusal.
func (s *Server) accessPage(c echo.Context, facts access.PatientFacts, form emergencyForm, status int, category access.Category) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	now := s.now()
	who := accessProvider(*prov)
	check, err := s.emergencyCheck(ctx, who, facts, now)
	if err != nil {
		return err
	}
	page := accessPage{PatientPublicID: facts.Patient.PublicID, Decisions: s.decideAll(c, who, facts, now), Form: form,
		Emergency: check, Created: c.QueryParam("emergency") == "created",
		Stranger: !access.HasCurrentRelationship(who, facts, now)}
	page.Main = mainDecision(page.Decisions)
	page.Groups = groupDecisions(page.Decisions)
	page.TodoKey = s.todoKey(page.Main.Reason)
	csrf, _ := c.Get(ctxCSRF).(string)
	page.EmergencyPart = emergencyPart{PatientPublicID: facts.Patient.PublicID, Check: page.Emergency, Form: form, CSRF: csrf}
	var allowed []string
	for _, d := range page.Decisions {
		if d.Allowed {
			allowed = append(allowed, string(d.Category))
		}
	}
	page.Allowed = len(allowed) > 0
	if page.Allowed {
		page.Patient = &facts.Patient
		page.Age = facts.Patient.AgeAt(now)
	}
	rec := audit.Record{
		Event:         audit.EventView,
		Outcome:       audit.Success,
		User:          auditUser(*prov),
		PatientBSN:    facts.Patient.BSN,
		PatientNumber: facts.Patient.PatientNumber,
		Basis:         page.Main.Basis.String(),
		Emergency:     page.Main.Basis.Emergency,
		Source:        s.auditSource(c, prov.Fingerprint),
		Detail:        "access basis; allowed: " + strings.Join(allowed, ","),
	}
	if !page.Allowed {
		rec.Outcome, rec.Reason, rec.Detail = audit.Refused, string(page.Main.Reason), "access basis; nothing allowed"
		if category != "" {
			rec.Category, rec.Detail = string(category), c.Request().URL.Path+"; nothing allowed"
		}
		if status == http.StatusOK {
			status = http.StatusForbidden
		}
	}
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	if page.Stranger {
		// The same answer as for an address that names no patient (the log above says which it was).
		if status == http.StatusForbidden && !form.IdentityConfirmed {
			status = http.StatusNotFound
		}
		return s.closedPatientPage(c, page, status)
	}
	return s.views.render(c, status, "patient_access", s.page(c, "access.title", page))
}

// emergencyCheck is whether the emergency procedure is open to the provider for this patient, the daily
// cap included: a provider who reached it is told so before typing a reason.
func (s *Server) emergencyCheck(ctx context.Context, who access.Provider, facts access.PatientFacts, now time.Time) (access.EmergencyCheck, error) {
	check := s.policy.CanRequestEmergency(who, facts, now)
	if !check.Allowed {
		return check, nil
	}
	recent, err := s.store.RecentEmergencies(ctx, who.AGB, now)
	if err != nil {
		return check, err
	}
	if err := s.policy.CheckEmergencyCap(len(recent)); err != nil {
		check.Allowed, check.Reason = false, access.ReasonOf(err)
	}
	return check, nil
}

// emergencyRetryAfter is how many seconds until the provider may open an emergency again: until enough
// of their emergencies of the last 24 hours have aged out to leave a place under the cap.
func (s *Server) emergencyRetryAfter(ctx context.Context, agb string, now time.Time) (int, error) {
	recent, err := s.store.RecentEmergencies(ctx, agb, now)
	if err != nil {
		return 0, err
	}
	over := len(recent) - s.policy.Emergency.MaxPerDay
	if over < 0 {
		return 1, nil
	}
	wait := recent[over].Add(24 * time.Hour).Sub(now)
	return max(1, int(wait.Seconds()+0.999)), nil
}

// emergencyDetail is the access-log detail of an emergency request: the category, the provider's own
// relationship it stands in for (if any) and the stated reason.
func emergencyDetail(form emergencyForm, check access.EmergencyCheck) string {
	var b strings.Builder
	category := form.Category
	if !access.EmergencyCategory(category).Valid() {
		category = "(none of the list)" // what the form sent is the attacker's, and not worth a log line
	}
	b.WriteString("category=" + category)
	if check.Prior != nil {
		b.WriteString("; prior=" + string(check.PriorState) + " " + string(check.Prior.Kind))
		if at := check.PriorAt(); at != nil {
			b.WriteString(" " + at.UTC().Format(time.RFC3339))
		}
	}
	b.WriteString("; reason=" + form.Reason)
	return b.String()
}

// mainDecision picks the decision that explains the whole page.
func mainDecision(ds []access.Decision) access.Decision {
	for _, d := range ds {
		if d.Allowed {
			return d
		}
	}
	for _, d := range ds {
		if d.Reason != access.ReasonRoleNotPermitted {
			return d
		}
	}
	return ds[0]
}

// requestEmergency runs the emergency procedure for a provider without a relationship. The provider
// confirms the patient's BSN and birth date (an id in a URL is not knowing whom you treat) and states a
// reason; the store re-checks consent in the same transaction that creates the short-lived relationship
// and its access-log record, flagged as emergency. A missing or refused consent is never overridden.
func (s *Server) requestEmergency(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	// The form confirms a BSN and birth date against a patient id, so it could be used to try them: it
	// counts against the provider's searches (screens.searches_per_minute).
	if !s.searches.allow(prov.UZINumber, s.now()) {
		if err := s.audit.Append(ctx, audit.Record{Event: audit.EventEmergencyAccess, Outcome: audit.Refused, Reason: reasonRateLimited,
			Emergency: true, User: auditUser(*prov), Source: s.auditSource(c, prov.Fingerprint),
			Detail: "emergency procedure for patient id " + loggedID(c.Param("id"))}); err != nil {
			return err
		}
		s.logger.Warn("emergency procedure refused: rate limit", "uzi", prov.UZINumber, "limit_per_minute", s.cfg.Screens.SearchesPerMinute)
		return errSearchRateLimited
	}
	facts, err := s.patientOfPath(c)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := s.now()
	who := accessProvider(*prov)
	form := emergencyForm{BSN: bsnValue(c, "bsn"), BirthDate: formValue(c, "birth_date"), Category: formValue(c, "category"),
		Reason: formValue(c, "reason"), AckPrior: formValue(c, "ack_prior") == "1", Errors: fieldErrors{}}
	birth, ok := parseDay(form.BirthDate)
	if !access.ValidBSN(form.BSN) {
		form.Errors["bsn"] = "access.emergency.error.bsn"
	}
	if !ok {
		form.Errors["birth_date"] = "access.emergency.error.birth_date"
	}
	// A mismatch is reported on both fields alike: saying which of the two is wrong would let the BSN and
	// the birth date be guessed one at a time.
	if !form.Errors.Any() && (!found || form.BSN != facts.Patient.BSN || dayValue(birth) != facts.Patient.BirthDate.Format(time.DateOnly)) {
		form.Errors["bsn"] = "access.emergency.error.mismatch"
		form.Errors["birth_date"] = "access.emergency.error.mismatch"
	}
	// Who the patient is comes first: until the BSN and birth date match, the answer says nothing of the
	// patient's consent (nor whether the address names a patient at all).
	if form.Errors.Any() {
		rec := audit.Record{Event: audit.EventEmergencyAccess, Outcome: audit.Refused, Reason: "not-found", Emergency: true,
			User: auditUser(*prov), Source: s.auditSource(c, prov.Fingerprint),
			Detail: "emergency procedure for patient id " + loggedID(c.Param("id")) + ": BSN and birth date do not confirm it"}
		if !found {
			if err := s.audit.Append(ctx, rec); err != nil {
				return err
			}
			return s.closedPatientPage(c, accessPage{Form: form}, http.StatusUnprocessableEntity)
		}
		rec.Reason, rec.PatientBSN, rec.PatientNumber = string(access.ReasonEmergencyPatientMismatch), facts.Patient.BSN, facts.Patient.PatientNumber
		if err := s.audit.Append(ctx, rec); err != nil {
			return err
		}
		return s.renderPatientAccess(c, form, http.StatusUnprocessableEntity)
	}
	form.IdentityConfirmed = true
	if !access.EmergencyCategory(form.Category).Valid() {
		form.Errors["category"] = "access.emergency.error.category"
	}
	if problem := s.policy.CheckEmergencyText(form.Reason); problem != access.ReasonProblemNone {
		form.Errors["reason"] = "access.emergency.error.reason_" + string(problem)
	}
	check := s.policy.CanRequestEmergency(who, facts, now)
	if check.Prior != nil && !form.AckPrior {
		form.Errors["ack_prior"] = "access.emergency.error.ack_prior"
	}
	basis := access.Basis{Consent: check.Consent, ConsentState: check.ConsentState, Emergency: true}
	record := audit.Record{
		Event:         audit.EventEmergencyAccess,
		Outcome:       audit.Success,
		User:          auditUser(*prov),
		PatientBSN:    facts.Patient.BSN,
		PatientNumber: facts.Patient.PatientNumber,
		Basis:         basis.String(),
		Emergency:     true,
		Source:        s.auditSource(c, prov.Fingerprint),
		Detail:        emergencyDetail(form, check),
	}
	refuse := func(reason access.Reason, status int) error {
		form.Rule = reason
		rec := record
		rec.Outcome, rec.Reason = audit.Refused, string(reason)
		if err := s.audit.Append(ctx, rec); err != nil {
			return err
		}
		return s.renderPatientAccess(c, form, status)
	}
	if !check.Allowed {
		return refuse(check.Reason, http.StatusForbidden)
	}
	if form.Errors.Any() {
		reason := access.ReasonEmergencyPatientMismatch
		switch {
		case form.Errors["bsn"] != "" || form.Errors["birth_date"] != "":
		case form.Errors["category"] != "":
			reason = access.ReasonEmergencyCategory
		case form.Errors["reason"] != "":
			reason = access.ReasonEmergencyReasonTooShort
		default:
			reason = access.ReasonEmergencyPriorNotAcknowledged
		}
		return refuse(reason, http.StatusUnprocessableEntity)
	}
	req := access.EmergencyRequest{Category: access.EmergencyCategory(form.Category), Reason: form.Reason, AcknowledgedPrior: form.AckPrior}
	_, err = s.store.CreateEmergencyRelationship(ctx, s.policy, who, facts.Patient.ID, req, now, s.audit.Entry(record))
	switch reason := access.ReasonOf(err); reason {
	case "":
	case access.ReasonEmergencyCapReached:
		s.logger.Warn("emergency procedure refused: daily cap reached", "uzi", prov.UZINumber, "agb", who.AGB, "max_per_day", s.cfg.Access.Emergency.MaxPerDay)
		if retry, rerr := s.emergencyRetryAfter(ctx, who.AGB, now); rerr == nil {
			c.Response().Header().Set("Retry-After", strconv.Itoa(retry))
		}
		return refuse(reason, http.StatusTooManyRequests)
	default:
		return refuse(reason, http.StatusForbidden)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, patientPath(facts.Patient)+"?emergency=created")
}
