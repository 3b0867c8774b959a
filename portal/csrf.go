package portal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// CSRFCookie is the name of the cookie that holds a browser's CSRF token. The __Host- prefix makes the
// browser accept it only when it is Secure, has Path=/ and no Domain: no other host under the hospital's
// domain can plant a token of its own, which is what would defeat the double submit below.
const CSRFCookie = "__Host-zvp_csrf"

// csrfFormField is the hidden form field that carries the token back.
const csrfFormField = "_csrf"

// errCSRF refuses a state-changing request that came from another site or without the form's token.
var errCSRF = errors.New("state-changing request refused: cross-site or without a valid form token")

// csrf protects every state-changing request (everything but GET, HEAD, OPTIONS and TRACE). Two
// independent checks must both pass:
//
//   - Fetch metadata and origin: a browser that sends Sec-Fetch-Site must say "same-origin", and an Origin
//     header, when sent and not "null", must be this portal. A form on another site, even one under the hospital's own
//     domain, is refused whatever it carries.
//   - The token (double submit): the form field _csrf must equal the token in the __Host- cookie, compared
//     in constant time. It is read from the form body only, never from the URL; a request with two token
//     cookies, or two token fields, is refused as ambiguous.
//
// Before either, the form itself is read under the limits: only application/x-www-form-urlencoded (the
// portal has no upload), at most limits.max_body_bytes and limits.max_form_fields. Every refusal is written
// to the server log with its reason; the provider gets a page that asks to reload the form.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		token, ambiguous := csrfCookieToken(r)
		if !safeMethod(r.Method) {
			if err := s.readForm(c); err != nil {
				return err
			}
			if why := crossSiteOrForged(r, token, ambiguous); why != "" {
				s.logger.LogAttrs(r.Context(), slog.LevelWarn, "state-changing request refused (CSRF)",
					slog.String("why", why), slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("remote", c.RealIP()), slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)))
				return fmt.Errorf("%w: %s", errCSRF, why)
			}
		}
		if token == "" {
			token = newCSRFToken()
			c.SetCookie(&http.Cookie{Name: CSRFCookie, Value: token, Path: "/", MaxAge: 12 * 3600,
				Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
		}
		c.Set(ctxCSRF, token)
		return next(c)
	}
}

// safeMethod reports the methods that change nothing and need no token.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// csrfCookieToken returns the token of the request's CSRF cookie ("" when there is none or it is not a
// token) and whether the request carried more than one such cookie.
func csrfCookieToken(r *http.Request) (token string, ambiguous bool) {
	n := 0
	for _, ck := range r.Cookies() {
		if ck.Name != CSRFCookie {
			continue
		}
		n++
		if validCSRFToken(ck.Value) {
			token = ck.Value
		}
	}
	if n > 1 {
		return "", true
	}
	return token, false
}

// crossSiteOrForged says why a state-changing request must be refused, or "" when it may go on.
func crossSiteOrForged(r *http.Request, cookieToken string, ambiguous bool) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "Sec-Fetch-Site " + site
	}
	// Under the portal's Referrer-Policy no-referrer a browser sends "Origin: null" with its own forms, so
	// "null" says nothing either way; any other origin must be this portal.
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" && !strings.EqualFold(origin, "https://"+r.Host) {
		return "Origin " + origin
	}
	if ambiguous {
		return "two CSRF cookies"
	}
	if cookieToken == "" {
		return "no CSRF cookie"
	}
	sent := r.PostForm[csrfFormField]
	if len(sent) != 1 || sent[0] == "" {
		return "no single token in the form"
	}
	if subtle.ConstantTimeCompare([]byte(sent[0]), []byte(cookieToken)) != 1 {
		return "token does not match the cookie"
	}
	return ""
}

// newCSRFToken makes a token of 32 random bytes.
func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// validCSRFToken accepts only what newCSRFToken makes, so that a planted odd value is never echoed into a
// page or compared.
func validCSRFToken(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}
