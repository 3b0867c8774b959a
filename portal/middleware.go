package portal

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/views"
)

// requestID gives every request a fresh random id, shown on error pages and written to both logs. An id
// sent by the client is ignored: it would let a caller choose what appears in the access log.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		c.Response().Header().Set(echo.HeaderXRequestID, hex.EncodeToString(b))
		return next(c)
	}
}

// logRequests writes one structured line per request: method, path, status, duration and request id.
// Query strings are left out: no patient data belongs in a server log.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		s.logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		)
		return nil
	}
}

// contentSecurityPolicy allows nothing but the portal's own files: no inline script, no inline style, no
// framing by anyone.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers of DESIGN.md §7 on every response. Every response is "no-store" (a
// page with patient data must never land in a browser or proxy cache); only a static file that is found
// replaces it with public caching (staticFile), so that not even an error under /static/ is cached.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		return next(c)
	}
}

// langCookie remembers the provider's language choice.
const langCookie = "zvp_lang"

// language picks the screen language: an explicit ?lang= switch (remembered in a cookie), else the
// cookie, else the configured default (Dutch).
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := s.cfg.Language
		if ck, err := c.Cookie(langCookie); err == nil && validLang(ck.Value) {
			lang = ck.Value
		}
		if q := c.QueryParam("lang"); validLang(q) {
			lang = q
			c.SetCookie(&http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
		}
		c.Set(ctxLang, lang)
		return next(c)
	}
}

func validLang(l string) bool {
	for _, v := range views.Languages {
		if l == v {
			return true
		}
	}
	return false
}

// Keys of values that middleware hands to handlers through the echo context.
const (
	ctxLang     = "lang"
	ctxCSRF     = "csrf"
	ctxProvider = "provider"
	ctxSession  = "session"
)
