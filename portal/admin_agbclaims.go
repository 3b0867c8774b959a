package portal

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// agbClaimsPage is the administrator's queue of typed AGB codes: each claim with what the register holds
// under the code and who holds the code now, so that a conflict is decided with both holders in view.
type agbClaimsPage struct {
	All   bool
	Saved string // "confirmed" or "refused" after a decision
	Error string // a message key when a decision could not be made
	Items []agbClaimItem
}

// agbClaimItem is one claim as the queue shows it.
type agbClaimItem struct {
	Claim store.AGBClaim
	// Register is the registration of the code (zero when the register no longer has it).
	Register agb.Registration
	// Holders are the UZI numbers the code is linked to now, other than the claimant's.
	Holders []store.AGBLink
}

// maxAGBClaimsShown bounds the decided claims the queue lists with ?all=1.
const maxAGBClaimsShown = 200

// showAGBClaims lists the typed AGB codes that wait for an administrator (all claims with ?all=1). The
// list names providers and their codes, so reading it is logged.
func (s *Server) showAGBClaims(c echo.Context) error {
	page := agbClaimsPage{All: c.QueryParam("all") == "1"}
	switch c.QueryParam("saved") {
	case store.AGBClaimConfirmed, store.AGBClaimRefused:
		page.Saved = c.QueryParam("saved")
	}
	return s.renderAGBClaims(c, page, http.StatusOK)
}

func (s *Server) renderAGBClaims(c echo.Context, page agbClaimsPage, status int) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	claims, err := s.store.AGBClaims(ctx, page.All, maxAGBClaimsShown)
	if err != nil {
		return err
	}
	for _, cl := range claims {
		item := agbClaimItem{Claim: cl}
		reg, err := s.register.Lookup(ctx, agb.Code(cl.AGBCode))
		if err != nil && !errors.Is(err, agb.ErrNotFound) {
			return fmt.Errorf("portal: register record of %s: %w", cl.AGBCode, err)
		}
		item.Register = reg
		links, err := s.store.AGBLinksOfCode(ctx, cl.AGBCode)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.UZINumber != cl.UZINumber {
				item.Holders = append(item.Holders, l)
			}
		}
		page.Items = append(page.Items, item)
	}
	if err := s.audit.Append(ctx, audit.Record{Event: audit.EventReport, Outcome: audit.Success, User: auditUser(*p),
		Source: s.auditSource(c, p.Fingerprint), Detail: "administration: typed AGB codes to confirm"}); err != nil {
		return err
	}
	return s.views.render(c, status, "admin_agb_claims", s.page(c, "admin.agbclaims.title", page))
}

// decideAGBClaim confirms or refuses one claim. Confirming links the code to the claimant and takes it
// from whoever typed it before (their session ends at its next request); the decision and its access-log
// record are written together. A claim decided already, or a code on another person's card, changes
// nothing and says why.
func (s *Server) decideAGBClaim(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	id, err := pathID(c, "cid")
	if err != nil {
		return err
	}
	decision := formValue(c, "decision")
	if decision != "confirm" && decision != "refuse" {
		return s.renderAGBClaims(c, agbClaimsPage{Error: "admin.agbclaims.error.decision"}, http.StatusUnprocessableEntity)
	}
	claim, err := s.store.AGBClaim(ctx, id)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("AGB code %s typed by UZI %s (%s, URA %s): %s", claim.AGBCode, claim.UZINumber, claim.HolderName, claim.HolderURA, decision)
	if claim.OtherUZI != "" && decision == "confirm" {
		detail += "; taken from UZI " + claim.OtherUZI
	}
	entry := s.audit.Entry(audit.Actor{User: auditUser(*p), Source: s.auditSource(c, p.Fingerprint)}.
		AdminAction("agb-claim-"+decision, audit.Patient{}, "agb_claim", detail))
	decided, err := s.store.DecideAGBClaim(ctx, id, decision == "confirm", deciderName(p), s.now(), entry)
	var key string
	switch {
	case errors.Is(err, store.ErrClaimDecided):
		key = "admin.agbclaims.error.decided"
	case errors.Is(err, store.ErrClaimCardLinked):
		key = "admin.agbclaims.error.on_card"
	case err != nil:
		return err
	}
	if key != "" {
		if err := s.audit.Append(ctx, audit.Record{Event: audit.EventAdminAction, Outcome: audit.Refused, Reason: "agb-claim-" + decision,
			User: auditUser(*p), Source: s.auditSource(c, p.Fingerprint), Detail: detail + ": " + err.Error()}); err != nil {
			return err
		}
		return s.renderAGBClaims(c, agbClaimsPage{Error: key}, http.StatusConflict)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/agb-claims?saved="+decided.Status)
}

// deciderName is the name under which an administrator's decision is stored: the card's name and UZI number.
func deciderName(p *auth.Provider) string {
	return p.DisplayName() + " (UZI " + p.UZINumber + ")"
}
