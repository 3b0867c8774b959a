package portal

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// limitBody caps every request body at limits.max_body_bytes: a declared length beyond it is refused at
// once (413), an undeclared one is cut off when reading passes it.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := int64(s.cfg.Limits.MaxBodyBytes)
		if r.ContentLength > limit {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "request body too large")
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// formContentType is the only body the portal accepts: its forms are plain HTML forms without uploads.
const formContentType = "application/x-www-form-urlencoded"

// readForm parses a state-changing request's form under the limits: the content type must be a plain
// form (415 otherwise; an empty body may come without one), the body within limits.max_body_bytes (413)
// and the fields, query included, at most limits.max_form_fields (413). Handlers read the parsed body
// through formValue, never the URL.
func (s *Server) readForm(c echo.Context) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" || r.ContentLength != 0 {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || mediaType != formContentType {
			return echo.NewHTTPError(http.StatusUnsupportedMediaType, "only "+formContentType+" is accepted")
		}
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "request body too large")
		}
		return echo.NewHTTPError(http.StatusBadRequest, "the form cannot be read")
	}
	fields := 0
	for _, vs := range r.Form {
		fields += len(vs)
	}
	if fields > s.cfg.Limits.MaxFormFields {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "too many form fields")
	}
	return nil
}

// errCrossSiteResource refuses a request another site made the browser send for a resource (an image, a
// script, a frame, a fetch).
var errCrossSiteResource = errors.New("cross-site resource request refused")

// isolateResources refuses, before anything else happens, what another site makes a provider's browser
// fetch from the portal without the provider navigating there: <img>, <script>, <iframe>, fetch(). The
// browser presents the UZI card in the TLS handshake of such a request too, and the card logs itself in,
// so without this a page elsewhere could make the portal log views of patient data its reader never
// opened (the SameSite=Strict session cookie does not help: the card starts a new session). Browsers say
// where a request comes from and what it is for (Fetch Metadata: Sec-Fetch-Site, -Mode, -Dest); a client
// that does not send them is not a browser that can be tricked this way. Top-level navigations from other
// sites (a link in an e-mail) still work: the provider sees what opens.
func (s *Server) isolateResources(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		site := r.Header.Get("Sec-Fetch-Site")
		if site == "" || site == "same-origin" || site == "none" {
			return next(c)
		}
		mode, dest := r.Header.Get("Sec-Fetch-Mode"), r.Header.Get("Sec-Fetch-Dest")
		if mode == "navigate" && safeMethod(r.Method) && (dest == "" || dest == "document") {
			return next(c)
		}
		s.logger.LogAttrs(r.Context(), slog.LevelWarn, "cross-site resource request refused",
			slog.String("site", site), slog.String("mode", mode), slog.String("dest", dest),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("remote", c.RealIP()),
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)))
		return errCrossSiteResource
	}
}

// cleanPath returns the request path when it is one of the portal's own addresses in plain form (a
// single leading slash, then letters, digits, "-", "_", "." and "/"), else "/". Pages link back to their
// own address (the language switch); an address like "//evil.example/" or "/\evil.example" would make
// that link lead to another site.
func cleanPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "//") || strings.Contains(p, "..") {
		return "/"
	}
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '/', r == '-', r == '_', r == '.':
		default:
			return "/"
		}
	}
	return p
}
