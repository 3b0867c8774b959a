package portal

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
)

// identify reads the UZI card of the request and checks it against the CRL of its issuing CA, on every
// request, so that a card revoked during its session is stopped at the first request after the CRL
// refresh. A certificate that is not a UZI authentication certificate (or not one the portal accepts), a
// revoked card and a missing CRL (fail closed) become a refusal page, and the refusal is logged.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := auth.Identify(c.Request(), s.profile)
		if err != nil {
			return s.refuseCertificate(c, p, err)
		}
		_, chain, _ := auth.ClientCertificate(c.Request())
		if err := s.revocation.Check(c.Request().Context(), chain); err != nil {
			return s.refuseCertificate(c, p, err)
		}
		c.Set(ctxProvider, &p)
		return next(c)
	}
}

// requireSession lets a request through only with a live session of the presenting card. Without one it
// logs the card in (admission); after a timeout or a logout it shows a page that asks the provider to log
// in again, so that walking away from a screen ends the session for real.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Get(ctxProvider).(*auth.Provider)
		sess, state := s.sessions.Load(c.Request(), p.Fingerprint)
		switch state {
		case auth.Active:
			if sess.UZI != p.UZINumber {
				return s.startSession(c, p, next)
			}
			// A code the provider typed is theirs only while the link holds: when the administrator gives it
			// to somebody else, or a later login's register check refused it, this session ends now.
			holds, err := s.admission.LinkStillHolds(c.Request().Context(), p, sess.AGB)
			if err != nil {
				return err
			}
			if !holds {
				return s.endChangedLink(c, p, sess)
			}
			p.AGB = sess.AGB
			p.Administrator = s.admission.Policy().IsAdministrator(p.Identity)
			c.Set(ctxSession, &sess)
			// An employee card acts on its session's mandate, checked again on every request.
			if isDelegate(p) {
				if ok, err := s.actOnMandate(c, p, &sess); !ok {
					return err
				}
			}
			if err := s.sessions.Touch(c.Response(), c.Request(), sess); err != nil {
				return err
			}
			return next(c)
		case auth.IdleExpired, auth.AbsoluteExpired:
			if err := s.sessions.End(c.Response(), c.Request(), true); err != nil {
				return err
			}
			key := "session.idle"
			if state == auth.AbsoluteExpired {
				key = "session.absolute"
			}
			return s.views.render(c, http.StatusUnauthorized, "signed_out", s.page(c, key+".title", key))
		case auth.LoggedOut:
			return s.views.render(c, http.StatusUnauthorized, "signed_out", s.page(c, "session.logged_out.title", "session.logged_out"))
		case auth.OtherCard:
			// The cookie was issued to another card: the card in the reader changed, or the cookie was
			// copied. Either way that session must not live on; the card present logs in afresh.
			s.logger.Warn("session cookie presented with another card: session ended", "session_fingerprint", sess.Fingerprint,
				"card_fingerprint", p.Fingerprint, "uzi", p.UZINumber, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			if err := s.sessions.Revoke(c.Request().Context(), sess); err != nil {
				return err
			}
			return s.startSession(c, p, next)
		default: // NoSession: a card without a session of its own logs in afresh.
			return s.startSession(c, p, next)
		}
	}
}

// endChangedLink ends a session whose AGB link no longer holds, on the server too, logs it, and tells the
// provider to log in again (admission then decides afresh).
func (s *Server) endChangedLink(c echo.Context, p *auth.Provider, sess auth.Session) error {
	if err := s.sessions.Revoke(c.Request().Context(), sess); err != nil {
		return err
	}
	if err := s.sessions.End(c.Response(), c.Request(), false); err != nil {
		return err
	}
	who := audit.Actor{User: auditUser(*p), Source: s.auditSource(c, p.Fingerprint)}
	rec := who.LoginRefused(reasonAGBLinkChanged, fmt.Sprintf("session ended: AGB code %s is no longer linked to UZI %s", sess.AGB, p.UZINumber))
	if err := s.audit.Append(c.Request().Context(), rec); err != nil {
		return err
	}
	return s.views.render(c, http.StatusUnauthorized, "signed_out", s.page(c, "session.agb_changed.title", "session.agb_changed"))
}

// reasonAGBLinkChanged is the access log's reason for a session ended because its AGB link changed.
const reasonAGBLinkChanged = "agb.link-changed"

// startSession admits the card (the admission rules decide), logs the login and issues a new session. A
// card without an AGB code (on the card or linked earlier) is sent to the first-entry page.
func (s *Server) startSession(c echo.Context, p *auth.Provider, next echo.HandlerFunc) error {
	// A card refused again and again within the minute is not admitted anew until the minute is over.
	if s.refusedByCard.over(p.Fingerprint, s.now()) {
		return s.tooManyRefusals(c, auditUser(*p), p.Fingerprint, "", false)
	}
	if err := s.admit(c, p); err != nil {
		if errors.Is(err, auth.ErrAGBNeeded) {
			return c.Redirect(http.StatusSeeOther, agbCodePath)
		}
		return s.refuseLogin(c, *p, err)
	}
	// An employee card is admitted only to act on a mandate in force: with one, on that; with several, the
	// colleague first chooses whom they act for; without one, the page says how to get one.
	choose := false
	if isDelegate(p) {
		ms, err := s.mandatesInForce(c.Request().Context(), p, s.now())
		if err != nil {
			return err
		}
		switch len(ms) {
		case 0:
			return s.refuseLogin(c, *p, &auth.Refusal{Reason: reasonNoMandate, Detail: "employee card without a mandate in force"})
		case 1:
			p.Delegation = delegationOf(ms[0])
			c.Set(ctxMandate, &ms[0])
		default:
			choose = true
		}
	}
	if err := s.openSession(c, p, ""); err != nil {
		return err
	}
	if choose {
		return c.Redirect(http.StatusSeeOther, choosePath)
	}
	return next(c)
}

// openSession logs the login of an admitted provider and issues a new session: no log, no entry.
func (s *Server) openSession(c echo.Context, p *auth.Provider, detail string) error {
	rec := audit.Actor{User: auditUser(*p), Source: s.auditSource(c, p.Fingerprint)}.Login()
	rec.Detail = detail
	if err := s.audit.Append(c.Request().Context(), rec); err != nil {
		return err
	}
	v := auth.Session{UZI: p.UZINumber, Fingerprint: p.Fingerprint, AGB: p.AGB}
	if p.Delegation != nil {
		v.MandateID = p.Delegation.MandateID
	}
	sess, err := s.sessions.Start(c.Response(), c.Request(), v)
	if err != nil {
		return err
	}
	c.Set(ctxSession, &sess)
	return nil
}

// admit applies the admission rules (auth.Admission) to a card that has no session yet and fills in what
// admission establishes: the accepted AGB code and the administrator flag.
func (s *Server) admit(c echo.Context, p *auth.Provider) error {
	_, chain, _ := auth.ClientCertificate(c.Request())
	return s.admission.Admit(c.Request().Context(), p, chain)
}

// refuseLogin writes the refusal to the access log and returns it for the error page. When even the log
// cannot be written, that failure is what the provider sees.
//
// Refusals are counted per certificate and per client address (limits.refused_logins_per_minute and
// limits.refused_logins_per_address_per_minute): each is a durable write, and a client that repeats a
// refused request must not be able to fill the append-only log. Beyond the limit the client gets the
// "too many refused logins" page (429); the first refusal beyond it is written as `rate-limited`, the rest
// only to the server log, until the minute is over.
func (s *Server) refuseLogin(c echo.Context, p auth.Provider, refusal error) error {
	return s.refuse(c, auditUser(p), p.Fingerprint, refusal, refusal.Error())
}

// refuseCertificate is refuseLogin for a certificate the portal does not accept as the card of the
// person it names: one that chains to a UZI CA but is not a UZI authentication certificate as the
// portal accepts it, a revoked card, a card whose revocation cannot be checked. What it says about its
// holder is a claim (a revoked card may be a stolen one): the access log records nobody as the user and
// keeps the claim apart, as the JSON key "claimed" of the detail, so that no report counts the attempt
// as the named person's.
func (s *Server) refuseCertificate(c echo.Context, p auth.Provider, refusal error) error {
	s.logger.Info("certificate refused", "claimed_uzi", p.UZINumber, "claimed_ura", p.SubscriberNumber, "err", refusal,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	return s.refuse(c, audit.User{}, p.Fingerprint, refusal, claimDetail(p.Identity, "", refusal.Error()))
}

// refuse writes a refused login under user (the card holder, or nobody when the certificate's identity is
// only a claim) and returns the refusal for the error page, within the refused-login limits.
func (s *Server) refuse(c echo.Context, user audit.User, fingerprint string, refusal error, detail string) error {
	reason := refusal.Error()
	if r, ok := refusal.(*auth.Refusal); ok {
		reason = r.Reason
	}
	if leaf, _, err := auth.ClientCertificate(c.Request()); err == nil {
		fingerprint = auth.Fingerprint(leaf)
	}
	now := s.now()
	byCard := s.refusedByCard.count(fingerprint, now)
	byAddr := s.refusedByAddr.count(c.RealIP(), now)
	if byCard > s.refusedByCard.max || byAddr > s.refusedByAddr.max {
		first := byCard == s.refusedByCard.max+1 || byAddr == s.refusedByAddr.max+1
		return s.tooManyRefusals(c, user, fingerprint, reason, first)
	}
	who := audit.Actor{User: user, Source: s.auditSource(c, fingerprint)}
	if err := s.audit.Append(c.Request().Context(), who.LoginRefused(reason, detail)); err != nil {
		return err
	}
	return refusal
}

// errTooManyRefusals answers a card or address that was refused too often within the minute.
var errTooManyRefusals = errors.New("too many refused logins")

// tooManyRefusals answers 429 to a card or address over its refusal limit. The first refusal beyond the
// limit goes to the access log (reason rate-limited, with the refusal it replaced), so that the attempt
// leaves a trace there; every one goes to the server log.
func (s *Server) tooManyRefusals(c echo.Context, user audit.User, fingerprint, reason string, first bool) error {
	s.logger.Warn("login refused: too many refused logins", "reason", reason, "fingerprint", fingerprint,
		"remote", c.RealIP(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	if first {
		who := audit.Actor{User: user, Source: s.auditSource(c, fingerprint)}
		detail := fmt.Sprintf("more than %d refused logins of this card or %d of this address within a minute; last refusal: %s",
			s.refusedByCard.max, s.refusedByAddr.max, reason)
		if err := s.audit.Append(c.Request().Context(), who.LoginRefused(reasonRateLimited, detail)); err != nil {
			return err
		}
	}
	return errTooManyRefusals
}

// reasonRateLimited is the access log's reason for a request refused by a rate limit.
const reasonRateLimited = "rate-limited"

// login starts a new session on the provider's explicit request (after a logout or a timeout). A session
// the browser still holds is ended first: logging in renews the session, and a copy of the old cookie must
// not outlive it.
func (s *Server) login(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if sess, _ := s.sessions.Load(c.Request(), p.Fingerprint); sess.ID != "" {
		if err := s.sessions.Revoke(c.Request().Context(), sess); err != nil {
			return err
		}
	}
	return s.startSession(c, p, func(c echo.Context) error {
		return c.Redirect(http.StatusSeeOther, "/")
	})
}

// logout ends the session, on the server too: a copy of the cookie taken before is worthless afterwards.
// The browser keeps a marker so that the card is not logged straight in again.
func (s *Server) logout(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	if sess, _ := s.sessions.Load(c.Request(), p.Fingerprint); sess.ID != "" {
		if err := s.sessions.Revoke(c.Request().Context(), sess); err != nil {
			return err
		}
	}
	if err := s.sessions.End(c.Response(), c.Request(), true); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "signed_out", s.page(c, "session.logged_out.title", "session.logged_out"))
}

// auditUser is the access log's view of a provider.
func auditUser(p auth.Provider) audit.User {
	u := audit.User{UZI: p.UZINumber, Name: p.DisplayName(), Role: p.RoleCode, AGB: p.AGB, URA: p.SubscriberNumber, Organisation: p.Organisation}
	if d := p.Delegation; d != nil {
		u.OnBehalfOf = fmt.Sprintf("%s (UZI %s, AGB %s)", d.GrantorName, d.GrantorUZI, d.GrantorAGB)
	}
	return u
}

// auditSource is the access point of the request: client address, certificate and request id.
func (s *Server) auditSource(c echo.Context, fingerprint string) audit.Source {
	return audit.Source{
		ClientIP:        c.RealIP(),
		CertFingerprint: fingerprint,
		RequestID:       c.Response().Header().Get(echo.HeaderXRequestID),
	}
}
