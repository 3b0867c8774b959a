package portal

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"zorgverlenersportaal/portal/dossier"
)

// routes registers every route of the portal and the middleware around them, in reading order. This is
// the only file that names URLs.
func (s *Server) routes() {
	e := s.echo
	e.IPExtractor = echo.ExtractIPDirect() // the portal faces providers directly; never trust X-Forwarded-For
	// Every response, error pages included, gets the security headers; another site's <img>, <script>,
	// <iframe> or fetch() is refused before the card is even looked at (isolateResources); request bodies
	// are bounded (limits.max_body_bytes).
	// The door (door.go) comes first after the headers: a connection without a verified card reaches only
	// the page that explains what is wrong with the card, and the static files that page needs.
	e.Use(s.measure, s.requestID, middleware.Recover(), s.logRequests, s.securityHeaders, s.isolateResources, s.language, s.door, s.limitBody)

	// Stylesheets, scripts and images: no patient data, no session needed. The browser asks for
	// /favicon.ico by itself.
	e.GET("/static/*", s.staticFile)
	e.GET("/favicon.ico", s.favicon)

	// The card is identified, but no session is needed: logging in again and logging out, and the
	// first-entry page that asks a provider whose card carries no AGB code for it. Every state-changing
	// request below passes the CSRF check (csrf.go): same origin, and the form's token.
	card := e.Group("", s.identify, s.csrf)
	card.POST("/login", s.login)
	card.POST("/logout", s.logout)
	card.GET(agbCodePath, s.agbCode)
	card.POST(agbCodePath, s.submitAGBCode)

	// Everything else needs an admitted provider with a live session.
	provider := card.Group("", s.requireSession)
	provider.GET("/", s.home)
	// What is new for the provider's patients since they last looked (news.go).
	provider.GET("/nieuw", s.showNews)

	// The provider's screens: the start page is "Mijn patiënten" (hospital staff go on to /admin); the
	// search by BSN and birth date; the dossier, one address per permitted category, items by opaque id
	// and always under their patient; a PDF on an address of its own.
	provider.GET("/patients/search", s.showSearch)
	provider.POST("/patients/search", s.searchPatient)
	provider.GET("/patients/:id", s.showSummary)
	provider.GET("/patients/:id/summary", s.showSummary)
	provider.GET("/patients/:id/encounters", s.showEncounters)
	provider.GET("/patients/:id/problems", s.showProblems)
	provider.GET("/patients/:id/allergies", s.showAllergies)
	provider.GET("/patients/:id/medication", s.showMedication)
	provider.GET("/patients/:id/lab", s.showLab)
	provider.GET("/patients/:id/lab/:rid", s.showLabTrend)
	for _, kind := range dossier.VitalKinds { // one fixed address per kind: GET routes take opaque ids only
		provider.GET("/patients/:id/vitals/"+string(kind), s.showVitalTrend(kind))
	}
	provider.GET("/patients/:id/reports", s.showReports)
	provider.GET("/patients/:id/reports/:rid", s.showReport)
	provider.GET("/patients/:id/reports/:rid/attachments/:aid", s.showReportFile)
	provider.GET("/patients/:id/letters", s.showLetters)
	provider.GET("/patients/:id/letters/:lid", s.showLetter)
	provider.GET("/patients/:id/letters/:lid/attachments/:aid", s.showLetterFile)
	provider.GET("/patients/:id/imaging", s.showImaging)
	// The letters and reports the provider may see, as one IHE XDM package (xdmexport.go).
	provider.GET("/patients/:id/documents/xdm", s.showXDM)
	provider.POST("/patients/:id/documents/xdm", s.downloadXDM)

	// Mandates (mandates.go): a provider lets a colleague with an employee card act on their behalf; the
	// colleague chooses whom they act for when they hold several mandates.
	provider.GET("/machtigingen", s.showMandates)
	provider.POST("/machtigingen", s.grantMandate)
	provider.POST("/machtigingen/:mid/einde", s.endMandate)
	provider.GET(choosePath, s.showChooseMandate)
	provider.POST(choosePath, s.chooseMandate)

	// Access to one patient: why the provider may see them and until when, per category, and the
	// emergency procedure (the dossier and the search offer it when it is possible).
	provider.GET("/patients/:id/access", s.showPatientAccess)
	provider.POST("/patients/:id/emergency", s.requestEmergency)

	// The hospital's administration of consent, relationships and emergency reviews: administrators only.
	admin := provider.Group("/admin", s.requireAdministrator)
	admin.GET("", s.showAdminHome)
	admin.POST("/patients/find", s.findPatient)
	admin.GET("/patients/:id", s.showAdminPatient)
	admin.POST("/patients/:id/consents", s.registerConsent)
	admin.POST("/patients/:id/consents/withdraw", s.withdrawConsent)
	admin.POST("/patients/:id/relationships", s.addRelationship)
	admin.POST("/patients/:id/relationships/:rid/end", s.endRelationship)
	admin.GET("/emergencies", s.showEmergencies)
	admin.GET("/machtigingen", s.showAdminMandates)
	admin.POST("/emergencies/:rid/review", s.reviewEmergency)
	admin.GET("/agb-claims", s.showAGBClaims)
	admin.POST("/agb-claims/:cid/decide", s.decideAGBClaim)

	// The access log (NEN 7513): every provider's own accesses; the administrators' patient reports and
	// the emergency accesses as the log recorded them.
	provider.GET("/mijn-inzages", s.ownAccesses)

	// The provider's own e-mail digest (digestpage.go): register an address, confirm it from the mail's
	// link with a button, stop it.
	provider.GET(digestPath, s.showDigest)
	provider.POST(digestPath, s.registerDigest)
	provider.GET(digestPath+"/bevestig", s.showDigestConfirm)
	provider.POST(digestPath+"/bevestig", s.confirmDigest)
	provider.POST(digestPath+"/stop", s.stopDigest)
	admin.GET("/log", s.accessLogAdmin)
	admin.POST("/log/patient", s.patientAccessReport)
	admin.GET("/log/emergency", s.emergencyAccesses)
}
