package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/uzi"
)

// Mandates (machtigingen): a provider lets a named colleague of the same organisation with an employee card
// (N card, such as the doktersassistent) read the data of the provider's patients on their behalf. The
// colleague logs in with their own card, chooses whom they act for when they hold several mandates, sees
// exactly what the mandate allows of what the provider may see, and every record of the access log names
// the colleague as user and the provider as "on behalf of". A mandate is checked again on every request:
// ended, expired, or the provider no longer admitted (their AGB registration ended), and the colleague's
// next request is refused. uzi.admit_employee_cards off means no delegation at all.

// Reasons of the refusal pages of a colleague's card.
const (
	// reasonNoMandate: an employee card without a mandate in force.
	reasonNoMandate = "no-mandate"
	// reasonMandateEnded: the mandate of an open session ended, expired, or its provider lost access.
	reasonMandateEnded = "mandate-ended"
)

// choosePath is where a colleague with several mandates chooses whom they act for.
const choosePath = "/namens"

// isDelegate reports whether the card is a named employee's that acts only on mandates: an N card that is
// not one of the hospital's administrators.
func isDelegate(p *auth.Provider) bool {
	return p.CardType == uzi.CardMedewerkerOpNaam && !p.Administrator
}

// mandatesInForce lists the colleague's mandates that hold now: within their period, not ended, of the
// colleague's own organisation, and of a provider who is still admitted.
func (s *Server) mandatesInForce(ctx context.Context, p *auth.Provider, now time.Time) ([]access.Mandate, error) {
	all, err := s.store.MandatesOfDelegate(ctx, p.UZINumber, p.SubscriberNumber)
	if err != nil {
		return nil, err
	}
	var out []access.Mandate
	for _, m := range all {
		ok, err := s.mandateHolds(ctx, m, p, now)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// mandateHolds is whether one mandate may be acted on now by this card: it is the colleague's, of their
// organisation, in force, and its provider is still admitted: the provider's AGB registration is active
// today. A mandate never outlives the provider's own access.
func (s *Server) mandateHolds(ctx context.Context, m access.Mandate, p *auth.Provider, now time.Time) (bool, error) {
	if m.DelegateUZI != p.UZINumber || m.URA != p.SubscriberNumber || m.StateAt(now) != access.MandateActive {
		return false, nil
	}
	reg, err := s.register.Lookup(ctx, agb.Code(m.GrantorAGB))
	switch {
	case errors.Is(err, agb.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err // the register cannot answer: fail closed (the caller refuses with 503)
	}
	return reg.ActiveOn(agb.Today(now)), nil
}

// delegationOf is the card's delegation under a mandate.
func delegationOf(m access.Mandate) *auth.Delegation {
	return &auth.Delegation{MandateID: m.ID, GrantorUZI: m.GrantorUZI, GrantorName: m.GrantorName, GrantorAGB: m.GrantorAGB, GrantorRole: m.GrantorRole}
}

// ctxMandate holds the mandate a colleague's request acts on.
const ctxMandate = "mandate"

// actOnMandate checks the session's mandate on every request of a colleague's card and makes the request
// act for its provider; it ends the session when the mandate no longer holds. A colleague who holds
// several mandates and has not chosen yet may only reach the page that asks whom they act for.
func (s *Server) actOnMandate(c echo.Context, p *auth.Provider, sess *auth.Session) (bool, error) {
	if sess.MandateID == 0 {
		if c.Path() == choosePath || c.Path() == "/logout" {
			return true, nil
		}
		return false, c.Redirect(http.StatusSeeOther, choosePath)
	}
	ctx := c.Request().Context()
	m, err := s.store.Mandate(ctx, sess.MandateID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	holds := err == nil
	if holds {
		if holds, err = s.mandateHolds(ctx, m, p, s.now()); err != nil {
			return false, err
		}
	}
	if !holds {
		if err := s.sessions.Revoke(ctx, *sess); err != nil {
			return false, err
		}
		if err := s.sessions.End(c.Response(), c.Request(), false); err != nil {
			return false, err
		}
		return false, s.refuseLogin(c, *p, &auth.Refusal{Reason: reasonMandateEnded,
			Detail: fmt.Sprintf("mandate %d no longer holds", sess.MandateID)})
	}
	p.Delegation = delegationOf(m)
	c.Set(ctxMandate, &m)
	return true, nil
}

// decideAll is the access decision for every category, and, for a colleague acting on a mandate, only the
// categories the mandate covers: the colleague sees what the provider may see, and of that only what the
// mandate names.
func (s *Server) decideAll(c echo.Context, who access.Provider, facts access.PatientFacts, now time.Time) []access.Decision {
	ds := s.policy.DecideAll(who, facts, now)
	if m, ok := c.Get(ctxMandate).(*access.Mandate); ok && m != nil {
		return access.LimitToMandate(ds, *m)
	}
	return ds
}

// chooseMandatePage is the page where a colleague chooses whom they act for.
type chooseMandatePage struct {
	Mandates []access.Mandate
	Current  int64
}

func (s *Server) showChooseMandate(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if !isDelegate(p) {
		return echo.ErrNotFound
	}
	ms, err := s.mandatesInForce(c.Request().Context(), p, s.now())
	if err != nil {
		return err
	}
	sess, _ := c.Get(ctxSession).(*auth.Session)
	page := chooseMandatePage{Mandates: ms}
	if sess != nil {
		page.Current = sess.MandateID
	}
	return s.views.render(c, http.StatusOK, "mandate_choose", s.page(c, "mandate.choose_title", page))
}

// chooseMandate starts a session that acts on the chosen mandate: choosing whom one acts for is a login
// on their behalf (a new session, logged), and the old session ends.
func (s *Server) chooseMandate(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if !isDelegate(p) {
		return echo.ErrNotFound
	}
	id, err := strconv.ParseInt(formValue(c, "mandate"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "no mandate chosen")
	}
	ms, err := s.mandatesInForce(c.Request().Context(), p, s.now())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ms, func(m access.Mandate) bool { return m.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	if sess, ok := c.Get(ctxSession).(*auth.Session); ok && sess != nil {
		if err := s.sessions.Revoke(c.Request().Context(), *sess); err != nil {
			return err
		}
	}
	p.Delegation = delegationOf(ms[i])
	if err := s.openSession(c, p, "acting on mandate "+strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// mandatesPage is the provider's page of the mandates they gave, with the form for a new one.
type mandatesPage struct {
	Mandates   []mandateRow
	Categories []access.Category
	Form       mandateForm
	Saved      bool
	Ended      bool
}

// mandateRow is one mandate with its state now.
type mandateRow struct {
	access.Mandate
	State string
}

// mandateForm is the form as typed, with the refusal's reason when the rules said no.
type mandateForm struct {
	DelegateUZI  string
	DelegateName string
	Categories   []string
	From, Until  string
	Reason       access.Reason
}

// canGrantMandates is whether the card may give mandates: a care provider's own card (Z) whose role sees
// patient data.
func (s *Server) canGrantMandates(p *auth.Provider) bool {
	return p.CardType == uzi.CardZorgverlener && p.Delegation == nil && !s.policy.ScopeOf(p.RoleCode).Empty()
}

func (s *Server) showMandates(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if !s.canGrantMandates(p) {
		return echo.ErrNotFound
	}
	now := s.now().In(amsterdam)
	form := mandateForm{From: now.Format(time.DateOnly), Until: now.AddDate(0, 3, 0).Format(time.DateOnly)}
	return s.renderMandates(c, p, form, http.StatusOK, c.QueryParam("saved") == "1", c.QueryParam("ended") == "1")
}

func (s *Server) renderMandates(c echo.Context, p *auth.Provider, form mandateForm, status int, saved, ended bool) error {
	ms, err := s.store.MandatesOfGrantor(c.Request().Context(), p.UZINumber)
	if err != nil {
		return err
	}
	now := s.now()
	page := mandatesPage{Form: form, Saved: saved, Ended: ended}
	for _, m := range ms {
		page.Mandates = append(page.Mandates, mandateRow{Mandate: m, State: m.StateAt(now)})
	}
	for _, cat := range access.Categories {
		if s.policy.ScopeOf(p.RoleCode).Permits(cat) {
			page.Categories = append(page.Categories, cat)
		}
	}
	return s.views.render(c, status, "mandates", s.page(c, "mandate.title", page))
}

// grantMandate records a mandate the provider gives, checked by the access rules, with its access-log
// record in the same transaction.
func (s *Server) grantMandate(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if !s.canGrantMandates(p) {
		return echo.ErrNotFound
	}
	form, err := readMandateForm(c)
	if err != nil {
		return err
	}
	now := s.now()
	m := access.Mandate{URA: p.SubscriberNumber, GrantorUZI: p.UZINumber, GrantorName: p.DisplayName(), GrantorAGB: p.AGB,
		GrantorRole: p.RoleCode, DelegateUZI: form.DelegateUZI, DelegateName: form.DelegateName, CreatedAt: now}
	for _, name := range form.Categories {
		m.Categories = append(m.Categories, access.Category(name))
	}
	from, okFrom := parseDay(form.From)
	until, okUntil := parseDay(form.Until)
	if !okFrom || !okUntil {
		form.Reason = access.ReasonDelegatePeriod
		return s.renderMandates(c, p, form, http.StatusUnprocessableEntity, false, false)
	}
	// "Until and including" a day: the mandate holds through that day in Amsterdam.
	m.ValidFrom, m.ValidUntil = from, until.AddDate(0, 0, 1)
	if err := s.policy.CheckMandate(m, ""); err != nil {
		form.Reason = access.ReasonOf(err)
		return s.renderMandates(c, p, form, http.StatusUnprocessableEntity, false, false)
	}
	rec := s.actor(c).AdminAction("mandate-grant", audit.Patient{}, "mandate", fmt.Sprintf("mandate for UZI %s (%s), categories %s, %s until %s",
		m.DelegateUZI, m.DelegateName, m.Categories, form.From, form.Until))
	if _, err := s.store.CreateMandate(c.Request().Context(), m, s.audit.Entry(rec)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/machtigingen?saved=1")
}

// endMandate ends one of the provider's mandates now; the colleague's next request is refused.
func (s *Server) endMandate(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if !s.canGrantMandates(p) {
		return echo.ErrNotFound
	}
	id, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	rec := s.actor(c).AdminAction("mandate-end", audit.Patient{}, "mandate", fmt.Sprintf("mandate %d ended by its provider", id))
	if err := s.store.EndMandate(c.Request().Context(), id, p.UZINumber, p.DisplayName(), s.now(), s.audit.Entry(rec)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/machtigingen?ended=1")
}

// readMandateForm reads the mandate form.
func readMandateForm(c echo.Context) (mandateForm, error) {
	params, err := c.FormParams()
	if err != nil {
		return mandateForm{}, echo.NewHTTPError(http.StatusBadRequest, "the form cannot be read")
	}
	return mandateForm{
		DelegateUZI:  strings.TrimSpace(params.Get("delegate_uzi")),
		DelegateName: strings.TrimSpace(params.Get("delegate_name")),
		Categories:   params["categories"],
		From:         strings.TrimSpace(params.Get("from")),
		Until:        strings.TrimSpace(params.Get("until")),
	}, nil
}

// adminMandatesPage lists every mandate for the hospital's administrators.
type adminMandatesPage struct {
	Mandates []mandateRow
}

func (s *Server) showAdminMandates(c echo.Context) error {
	ms, err := s.store.AllMandates(c.Request().Context())
	if err != nil {
		return err
	}
	now := s.now()
	page := adminMandatesPage{}
	for _, m := range ms {
		page.Mandates = append(page.Mandates, mandateRow{Mandate: m, State: m.StateAt(now)})
	}
	if err := s.audit.Append(c.Request().Context(), s.actor(c).AdminAction("mandates-listed", audit.Patient{}, "mandate", fmt.Sprintf("%d mandates", len(ms)))); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "admin_mandates", s.page(c, "mandate.admin_title", page))
}
