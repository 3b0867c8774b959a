package portal

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// problem is what the error page shows: a status and message keys for the title, what is wrong and what
// to do, in the provider's language.
type problem struct {
	Status int
	Key    string // messages <Key>.title, <Key>.what, <Key>.todo
	// At fills the date into <Key>.what when set (the day a card expired).
	At time.Time
}

// classify is the one place where an error becomes an HTTP status and a message. Handlers return errors;
// they never write error responses themselves.
func (s *Server) classify(err error) problem {
	var refusal *auth.Refusal
	var door *doorRefusal
	var he *echo.HTTPError
	switch {
	case errors.As(err, &door):
		return door.problem()
	case errors.As(err, &refusal):
		key := "refusal." + refusal.Reason
		if !s.views.catalog.Has(key + ".title") {
			key = "refusal.generic"
		}
		// Missing revocation information or an unreachable AGB register is not a "no": try again later.
		if errors.Is(err, auth.ErrRevocationUnavailable) || errors.Is(err, agb.ErrUnavailable) {
			return problem{Status: http.StatusServiceUnavailable, Key: key}
		}
		return problem{Status: http.StatusForbidden, Key: key}
	case errors.Is(err, audit.ErrNotWritten), errors.Is(err, store.ErrLogNotWritten):
		return problem{Status: http.StatusServiceUnavailable, Key: "error.audit_unavailable"}
	case errors.Is(err, errNotAdministrator):
		return problem{Status: http.StatusForbidden, Key: "admin.forbidden"}
	case errors.Is(err, errCSRF):
		return problem{Status: http.StatusForbidden, Key: "security.csrf"}
	case errors.Is(err, errCrossSiteResource):
		return problem{Status: http.StatusForbidden, Key: "security.cross_site"}
	case errors.Is(err, errTooManyRefusals):
		return problem{Status: http.StatusTooManyRequests, Key: "security.refused_logins"}
	case errors.Is(err, errSearchRateLimited):
		return problem{Status: http.StatusTooManyRequests, Key: "search.too_many"}
	case errors.Is(err, errNoRoleScope):
		return problem{Status: http.StatusForbidden, Key: "search.no_scope"}
	case errors.Is(err, errDigestOff):
		return problem{Status: http.StatusNotFound, Key: "digest.off"}
	case errors.Is(err, store.ErrTooManyConfirmations):
		return problem{Status: http.StatusTooManyRequests, Key: "digest.too_many"}
	case errors.Is(err, store.ErrTokenInvalid):
		return problem{Status: http.StatusGone, Key: "digest.token_invalid"}
	case errors.Is(err, store.ErrNotFound):
		return problem{Status: http.StatusNotFound, Key: "error.not_found"}
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return problem{Status: http.StatusNotFound, Key: "error.not_found"}
		case http.StatusForbidden:
			return problem{Status: http.StatusForbidden, Key: "error.forbidden"}
		case http.StatusRequestEntityTooLarge:
			return problem{Status: he.Code, Key: "error.too_large"}
		case http.StatusUnsupportedMediaType:
			return problem{Status: he.Code, Key: "security.unsupported_form"}
		case http.StatusTooManyRequests:
			return problem{Status: he.Code, Key: "error.too_many"}
		case http.StatusBadRequest:
			return problem{Status: he.Code, Key: "error.bad_request"}
		}
		if he.Code < 500 {
			return problem{Status: he.Code, Key: "error.bad_request"}
		}
	}
	return problem{Status: http.StatusInternalServerError, Key: "error.internal"}
}

// retryAfterSeconds is the Retry-After of a 429: the length of the limits' one-minute windows, the
// longest a client has to wait.
const retryAfterSeconds = "60"

// handleError renders the error page. Server errors are logged with the request id, which the page shows
// so that a provider can quote it to the service desk; the error text itself never reaches the browser.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed || errors.Is(err, context.Canceled) {
		return
	}
	p := s.classify(err)
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	level := slog.LevelInfo
	if p.Status >= 500 {
		level = slog.LevelError
	}
	s.logger.Log(c.Request().Context(), level, "request failed",
		"status", p.Status, "key", p.Key, "err", err, "request_id", rid, "path", c.Request().URL.Path)
	// Every limit is a window of one minute: a client told to slow down is told for how long, on every
	// 429 whichever limit answered it.
	if p.Status == http.StatusTooManyRequests && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", retryAfterSeconds)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	page := s.page(c, p.Key+".title", p)
	if rerr := s.views.render(c, p.Status, "error", page); rerr != nil {
		s.logger.Error("render error page", "err", rerr, "request_id", rid)
		_ = c.String(http.StatusInternalServerError, "Internal error / Interne fout: "+rid)
	}
}
