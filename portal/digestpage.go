package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/digest"
	"zorgverlenersportaal/portal/store"
)

// The optional e-mail digest (digest.enabled): a provider registers an address on a page of their own,
// confirms it through a link with a random token that expires, and then gets at most one mail a day that
// says how many new items wait, with the link to the portal and nothing else. The portal/digest package
// writes and sends the mail; this file holds the page, and the two things only the portal knows: how
// much is new for a provider under the access rules now, and the access-log record of a digest sent.

// errDigestOff means the hospital has not switched the digest on: its forms do not exist.
var errDigestOff = errors.New("the e-mail digest is not switched on")

// digestPath is the provider's own page of the e-mail digest.
const digestPath = "/meldingen"

// digestPage is that page.
type digestPage struct {
	Enabled bool
	// State is "none", "pending" (registered, not confirmed) or "confirmed".
	State   string
	Address string
	// Until is when the pending confirmation link expires; Since when the address was confirmed.
	Until *time.Time
	Since *time.Time
	// Done confirms what the last form did: "registered", "confirmed", "stopped".
	Done string
	// Input and Error are the form's value and the message key of what is wrong with it.
	Input string
	Error string
	// Code is the confirmation token on the page that confirms it.
	Code string
	CSRF string
}

// newDigestWorker builds the background worker from the configuration.
func (s *Server) newDigestWorker(poll time.Duration) *digest.Worker {
	d := s.cfg.Digest
	backoff := time.Minute
	if poll < 30*time.Second {
		backoff = poll
	}
	return &digest.Worker{
		Outbox:      s.store,
		Sender:      digest.Relay{Addr: d.SMTPAddr, From: d.From, RequireTLS: d.RequireTLS, Timeout: 30 * time.Second},
		Count:       s.digestCount,
		Notified:    s.digestNotified,
		Logger:      s.logger.With("component", "digest"),
		Now:         s.now,
		From:        d.From,
		Hospital:    s.cfg.Hospital.Name,
		PortalURL:   d.PortalURL,
		SendAt:      d.SendAt,
		Poll:        poll,
		Backoff:     backoff,
		MaxBackoff:  time.Hour,
		MaxAttempts: 8,
	}
}

// digestCount is how many lines of news the "Nieuw" page would show the provider now: the same query and
// the same access decisions, so a digest never counts what the provider may not see.
func (s *Server) digestCount(ctx context.Context, sub store.DigestSubscription, now time.Time) (int, error) {
	who := access.Provider{UZI: sub.UZI, Name: sub.Name, AGB: sub.AGB, URA: sub.URA, Role: sub.RoleCode}
	if s.policy.ScopeOf(who.Role).Empty() {
		return 0, nil
	}
	items, err := s.store.NewsFor(ctx, sub.UZI, sub.AGB, sub.URA, newsWindowStart(now), now, NewsPageLimit)
	if err != nil {
		return 0, err
	}
	patients, err := s.decideNews(ctx, who, nil, items, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range patients {
		n += len(p.Entries)
	}
	return n, nil
}

// digestNotified writes the access-log record of a delivered digest: the provider as user, the number
// of items, the address; no patient.
func (s *Server) digestNotified(ctx context.Context, m store.OutboxMail) error {
	user := audit.User{UZI: m.UZI}
	if sub, err := s.store.DigestSubscriptionOf(ctx, m.UZI); err == nil {
		user = audit.User{UZI: sub.UZI, Name: sub.Name, Role: sub.RoleCode, AGB: sub.AGB, URA: sub.URA, Organisation: sub.Organisation}
	}
	actor := audit.Actor{User: user, Source: audit.Source{ClientIP: "local"}}
	return s.audit.Append(ctx, actor.Notification(m.Items, m.Recipient))
}

// showDigest is the provider's page of the e-mail digest: what is registered, and the form.
func (s *Server) showDigest(c echo.Context) error {
	page, err := s.digestState(c)
	if err != nil {
		return err
	}
	switch d := c.QueryParam("gedaan"); d {
	case "registered", "confirmed", "stopped":
		page.Done = d
	}
	return s.views.render(c, http.StatusOK, "digest", s.page(c, "digest.title", page))
}

func (s *Server) digestState(c echo.Context) (digestPage, error) {
	prov := c.Get(ctxProvider).(*auth.Provider)
	page := digestPage{Enabled: s.cfg.Digest.Enabled, State: "none"}
	page.CSRF, _ = c.Get(ctxCSRF).(string)
	if !page.Enabled {
		return page, nil
	}
	sub, err := s.store.DigestSubscriptionOf(c.Request().Context(), prov.UZINumber)
	if errors.Is(err, store.ErrNotFound) {
		return page, nil
	}
	if err != nil {
		return page, err
	}
	page.Address = sub.Address
	switch {
	case sub.ConfirmedAt != nil:
		page.State, page.Since = "confirmed", sub.ConfirmedAt
	case sub.TokenExpiresAt != nil && s.now().Before(*sub.TokenExpiresAt):
		page.State, page.Until = "pending", sub.TokenExpiresAt
	default:
		page.State = "expired"
	}
	return page, nil
}

// registerDigest records the address the provider typed, unconfirmed, and queues the mail with the
// confirmation link. A bad address is said next to the field (422), logged, and changes nothing.
func (s *Server) registerDigest(c echo.Context) error {
	if !s.cfg.Digest.Enabled {
		return errDigestOff
	}
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	input := c.FormValue("address")
	address, err := digest.ParseAddress(input)
	if err != nil {
		s.logger.Warn("e-mail digest: address refused", "uzi", prov.UZINumber, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		page, serr := s.digestState(c)
		if serr != nil {
			return serr
		}
		page.Input, page.Error = input, "digest.error.address"
		return s.views.render(c, http.StatusUnprocessableEntity, "digest", s.page(c, "digest.title", page))
	}
	token, hash, err := newDigestToken()
	if err != nil {
		return err
	}
	now := s.now()
	expires := now.Add(s.cfg.Digest.ConfirmWithin.Duration)
	link := strings.TrimSuffix(s.cfg.Digest.PortalURL, "/") + digestPath + "/bevestig?code=" + token
	subject, body := digest.ConfirmText(s.cfg.Hospital.Name, link, expires)
	sub := store.DigestSubscription{UZI: prov.UZINumber, Name: prov.DisplayName(), RoleCode: prov.RoleCode, AGB: prov.AGB,
		URA: prov.SubscriberNumber, Organisation: prov.Organisation, Address: address, TokenHash: &hash,
		TokenExpiresAt: &expires, RegisteredAt: now}
	mail := store.OutboxMail{UZI: prov.UZINumber, Kind: "confirm", Recipient: address, Subject: subject, Body: body, CreatedAt: now}
	if err := s.store.RegisterDigestAddress(ctx, sub, mail); err != nil {
		return fmt.Errorf("register e-mail digest of %s: %w", prov.UZINumber, err)
	}
	s.logger.Info("e-mail digest: address registered, confirmation queued", "uzi", prov.UZINumber, "expires", expires)
	return c.Redirect(http.StatusSeeOther, digestPath+"?gedaan=registered")
}

// showDigestConfirm is the page the mail's link opens: one button that confirms. The link itself changes
// nothing, so that a mail scanner that follows links confirms no address.
func (s *Server) showDigestConfirm(c echo.Context) error {
	if !s.cfg.Digest.Enabled {
		return errDigestOff
	}
	code := c.QueryParam("code")
	if !validDigestToken(code) {
		return store.ErrTokenInvalid
	}
	page, err := s.digestState(c)
	if err != nil {
		return err
	}
	page.Code = code
	return s.views.render(c, http.StatusOK, "digest_confirm", s.page(c, "digest.confirm.title", page))
}

// confirmDigest confirms the provider's own pending address; a token of someone else, a used or an expired
// one is refused (410) and logged.
func (s *Server) confirmDigest(c echo.Context) error {
	if !s.cfg.Digest.Enabled {
		return errDigestOff
	}
	prov := c.Get(ctxProvider).(*auth.Provider)
	code := c.FormValue("code")
	if !validDigestToken(code) {
		return store.ErrTokenInvalid
	}
	sum := sha256.Sum256([]byte(code))
	if _, err := s.store.ConfirmDigestAddress(c.Request().Context(), prov.UZINumber, hex.EncodeToString(sum[:]), s.now()); err != nil {
		return fmt.Errorf("confirm e-mail digest of %s: %w", prov.UZINumber, err)
	}
	s.logger.Info("e-mail digest: address confirmed", "uzi", prov.UZINumber)
	return c.Redirect(http.StatusSeeOther, digestPath+"?gedaan=confirmed")
}

// stopDigest removes the provider's address; nothing more is sent to it.
func (s *Server) stopDigest(c echo.Context) error {
	if !s.cfg.Digest.Enabled {
		return errDigestOff
	}
	prov := c.Get(ctxProvider).(*auth.Provider)
	if err := s.store.StopDigest(c.Request().Context(), prov.UZINumber, s.now()); err != nil {
		return err
	}
	s.logger.Info("e-mail digest: stopped", "uzi", prov.UZINumber)
	return c.Redirect(http.StatusSeeOther, digestPath+"?gedaan=stopped")
}

// newDigestToken is 32 random bytes for the confirmation link, and the hash the store keeps of it.
func newDigestToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:]), nil
}

// validDigestToken checks the shape of a confirmation token before anything is looked up.
func validDigestToken(code string) bool {
	b, err := base64.RawURLEncoding.DecodeString(code)
	return err == nil && len(b) == 32
}
