package portal

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
)

// agbCodePath is the first-entry page that asks a provider whose card carries no AGB code for it.
const agbCodePath = "/agb-code"

// agbCodeForm is the data of the first-entry page: what was typed and, after a refusal, its reason
// (a refusal.<reason> message key suffix); Pending is the claim that waits for the hospital's
// administrator (the page then says so instead of asking), Refused the code of the card's last claim
// when the administrator refused it.
type agbCodeForm struct {
	Value   string
	Reason  string
	Pending *auth.AGBClaim
	Refused string
}

// reasonAGBClaimPending is the access log's reason for a typed AGB code that waits for the
// administrator: the provider is not admitted until it is confirmed.
const reasonAGBClaimPending = "agb.awaiting-administrator"

// claimState fills in what became of the card's latest typed code.
func (s *Server) claimState(c echo.Context, p *auth.Provider, form agbCodeForm) (agbCodeForm, error) {
	claim, ok, err := s.admission.LatestClaim(c.Request().Context(), p.UZINumber)
	if err != nil || !ok {
		return form, err
	}
	switch claim.Status {
	case auth.ClaimStatusPending:
		form.Pending = &claim
	case auth.ClaimStatusRefused:
		form.Refused = claim.Code
	}
	return form, nil
}

// agbCode shows the first-entry page, but only to a card that needs it: one that passes the admission
// policy, carries no AGB code and has none linked. Everybody else goes to the start page, where admission
// decides.
func (s *Server) agbCode(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	_, chain, _ := auth.ClientCertificate(c.Request())
	needed, err := s.admission.NeedsAGBEntry(c.Request().Context(), p, chain)
	if err != nil {
		return s.refuseLogin(c, *p, err)
	}
	if !needed {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	form, err := s.claimState(c, p, agbCodeForm{})
	if err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "agb_code", s.page(c, "agbcode.title", form))
}

// submitAGBCode checks the code the provider typed against the register. Accepted, the code is linked
// to the UZI number, the login is logged and a session starts. A refused code shows the form again with
// the reason and what to do (the provider may have mistyped); the register being unreachable, too many
// attempts and the admission policy give the refusal page. Every outcome goes to the access log.
func (s *Server) submitAGBCode(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	typed := formValue(c, "agb")
	_, chain, _ := auth.ClientCertificate(c.Request())
	err := s.admission.AcceptAGB(c.Request().Context(), p, chain, typed)
	var refusal *auth.Refusal
	switch {
	case err == nil:
		if err := s.openSession(c, p, "AGB code "+p.AGB+" entered by the provider and accepted"); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	case errors.Is(err, auth.ErrAGBEntryNotAllowed):
		return c.Redirect(http.StatusSeeOther, "/")
	case errors.Is(err, auth.ErrAGBClaimPending):
		if err := s.audit.Append(c.Request().Context(), audit.Record{
			Event:   audit.EventLoginRefused,
			Outcome: audit.Refused,
			Reason:  reasonAGBClaimPending,
			User:    auditUser(*p),
			Source:  s.auditSource(c, p.Fingerprint),
			Detail:  "AGB code " + strconv.Quote(limitText(typed, 20)) + " entered by the provider waits for the hospital's administrator: " + err.Error(),
		}); err != nil {
			return err
		}
		form, err := s.claimState(c, p, agbCodeForm{})
		if err != nil {
			return err
		}
		return s.views.render(c, http.StatusAccepted, "agb_code", s.page(c, "agbcode.title", form))
	case errors.As(err, &refusal) && correctable(refusal.Reason):
		if err := s.audit.Append(c.Request().Context(), audit.Record{
			Event:   audit.EventLoginRefused,
			Outcome: audit.Refused,
			Reason:  refusal.Reason,
			User:    auditUser(*p),
			Source:  s.auditSource(c, p.Fingerprint),
			Detail:  "AGB code " + strconv.Quote(limitText(typed, 20)) + " entered by the provider: " + refusal.Error(),
		}); err != nil {
			return err
		}
		form := agbCodeForm{Value: limitText(typed, 20), Reason: refusal.Reason}
		return s.views.render(c, http.StatusUnprocessableEntity, "agb_code", s.page(c, "agbcode.title", form))
	}
	return s.refuseLogin(c, *p, err)
}

// correctable reports the AGB refusals the provider can put right by typing another code; the others
// (register unavailable, too many attempts) and the policy's refusals end in the refusal page.
func correctable(reason string) bool {
	return strings.HasPrefix(reason, "agb.") && reason != "agb.register-unavailable" && reason != auth.ReasonAGBTooManyAttempts
}

// limitText shortens what is echoed back into the form.
func limitText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
