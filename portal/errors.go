package portal

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

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
}

// classify is the one place where an error becomes an HTTP status and a message. Handlers return errors;
// they never write error responses themselves.
func (s *Server) classify(err error) problem {
	var refusal *auth.Refusal
	var he *echo.HTTPError
	switch {
	case errors.As(err, &refusal):
		key := "refusal." + refusal.Reason
		if !s.views.catalog.Has(key + ".title") {
			key = "refusal.generic"
		}
		// Missing revocation information or an unreachable AGB register is not a "no": try again later.
		if errors.Is(err, auth.ErrRevocationUnavailable) || errors.Is(err, agb.ErrUnavailable) {
			return problem{http.StatusServiceUnavailable, key}
		}
		return problem{http.StatusForbidden, key}
	case errors.Is(err, audit.ErrNotWritten), errors.Is(err, store.ErrLogNotWritten):
		return problem{http.StatusServiceUnavailable, "error.audit_unavailable"}
	case errors.Is(err, errNotAdministrator):
		return problem{http.StatusForbidden, "admin.forbidden"}
	case errors.Is(err, errCSRF):
		return problem{http.StatusForbidden, "security.csrf"}
	case errors.Is(err, errCrossSiteResource):
		return problem{http.StatusForbidden, "security.cross_site"}
	case errors.Is(err, errTooManyRefusals):
		return problem{http.StatusTooManyRequests, "security.refused_logins"}
	case errors.Is(err, errSearchRateLimited):
		return problem{http.StatusTooManyRequests, "search.too_many"}
	case errors.Is(err, errNoRoleScope):
		return problem{http.StatusForbidden, "search.no_scope"}
	case errors.Is(err, store.ErrNotFound):
		return problem{http.StatusNotFound, "error.not_found"}
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return problem{http.StatusNotFound, "error.not_found"}
		case http.StatusForbidden:
			return problem{http.StatusForbidden, "error.forbidden"}
		case http.StatusRequestEntityTooLarge:
			return problem{he.Code, "error.too_large"}
		case http.StatusUnsupportedMediaType:
			return problem{he.Code, "security.unsupported_form"}
		case http.StatusTooManyRequests:
			return problem{he.Code, "error.too_many"}
		case http.StatusBadRequest:
			return problem{he.Code, "error.bad_request"}
		}
		if he.Code < 500 {
			return problem{he.Code, "error.bad_request"}
		}
	}
	return problem{http.StatusInternalServerError, "error.internal"}
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
