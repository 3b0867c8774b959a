package portal

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
)

// page builds the data every template gets: language, provider, CSRF token, the hospital and the page's
// own data. titleKey is a message key.
func (s *Server) page(c echo.Context, titleKey string, data any) Page {
	lang, _ := c.Get(ctxLang).(string)
	if lang == "" {
		lang = s.cfg.Language
	}
	p := Page{
		Lang:      lang,
		Title:     s.views.catalog.T(lang, titleKey),
		Hospital:  s.cfg.Hospital.Name,
		Path:      reloadPath(c.Request()),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Now:       s.now(),
		Data:      data,
	}
	// The frame names the provider only inside a live session, never on a refusal or signed-out page.
	if prov, ok := c.Get(ctxProvider).(*auth.Provider); ok && c.Get(ctxSession) != nil {
		p.Provider = prov
		p.SeesPatients = !s.policy.ScopeOf(prov.EffectiveRole()).Empty()
	}
	p.CSRF, _ = c.Get(ctxCSRF).(string)
	return p
}

// reloadPath is the address the language switch reloads. A page that answered a form (logout, login) has
// no address of its own to fetch again, so the switch goes to the start page, which shows the right page
// for the session's state. An address that is not one of the portal's own in plain form goes to the start
// page too (cleanPath): the link must never lead to another site.
func reloadPath(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "/"
	}
	return cleanPath(r.URL.Path)
}
