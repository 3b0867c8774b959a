package portal

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the portal and the middleware around them, in reading order. This is
// the only file that names URLs.
func (s *Server) routes() {
	e := s.echo
	e.IPExtractor = echo.ExtractIPDirect() // the portal faces providers directly; never trust X-Forwarded-For
	e.Use(s.requestID, middleware.Recover(), s.logRequests, s.securityHeaders, middleware.BodyLimit("1M"), s.language)

	// Stylesheets, scripts and images: no patient data, no session needed (the TLS handshake still is).
	e.GET("/static/*", s.staticFile)

	// The card is identified, but no session is needed: logging in again and logging out.
	card := e.Group("", s.identify, s.csrf())
	card.POST("/login", s.login)
	card.POST("/logout", s.logout)

	// Everything else needs an admitted provider with a live session.
	provider := card.Group("", s.requireSession)
	provider.GET("/", s.home)

	// The access log (NEN 7513): a provider's own accesses, and the hospital administrators' reports.
	provider.GET("/mijn-inzages", s.ownAccesses)
	accessLog := provider.Group("/admin/log", s.requireLogAdministrator)
	accessLog.GET("", s.accessLogAdmin)
	accessLog.POST("/patient", s.patientAccessReport)
	accessLog.GET("/emergency", s.emergencyAccesses)
	accessLog.POST("/emergency/:id/review", s.reviewEmergencyAccess)
}
