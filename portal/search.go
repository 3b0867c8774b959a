package portal

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// The patient search of DESIGN.md §3: BSN and birth date together, an exact match, at most
// screens.searches_per_minute per provider. The answer tells apart "no such patient", "the patient did
// not consent to your kind of provider" and "no treatment relationship" (with the emergency procedure
// when consent allows it); a patient the provider may see opens at once. Every search is logged, misses
// too; a search that breaks the rate limit is logged as refused.

// errSearchRateLimited refuses a search beyond the per-provider limit.
var errSearchRateLimited = errors.New("too many patient searches")

// errNoRoleScope refuses the search to a provider whose role may see no patient data at all.
var errNoRoleScope = errors.New("the role may see no patient data")

// searchForm is the search as typed, with a message key per field that is wrong.
type searchForm struct {
	BSN       string
	BirthDate string
	Errors    fieldErrors
	CSRF      string
	// Again says the form follows an answer: its heading then asks for a new search.
	Again bool
	// OnSearchPage says the form stands under the search page's own heading, which already says "search":
	// the form's heading then names what to fill in.
	OnSearchPage bool
}

// searchPage is the answer to a search that did not open a dossier.
type searchPage struct {
	Form searchForm
	// Answer is "" (the form had errors), or audit.SearchNotFound, SearchNoConsent or SearchNoRelationship.
	Answer string
	// Reason is the access rule behind a refusal.
	Reason access.Reason
	// Emergency is the emergency procedure's form, when the answer is "no relationship".
	Emergency emergencyPart
	// SearchedBSN and SearchedDay repeat what was searched for, in the form people read them.
	SearchedBSN string
	SearchedDay time.Time
}

// emergencyPart is what the emergency-procedure partial needs: the patient, whether the procedure is
// open (and if not, why), the form as typed, and the CSRF token.
type emergencyPart struct {
	// PatientPublicID is the patient's id in the form's address.
	PatientPublicID string
	Check           access.EmergencyCheck
	Form            emergencyForm
	CSRF            string
}

// Categories are the reason categories the form offers, in their order.
func (emergencyPart) Categories() []access.EmergencyCategory { return access.EmergencyCategories }

// searchPatient runs one search. The elfproef and the date are checked before anything is looked up;
// then the rate limit; then the lookup, whose outcome is logged before the answer is sent.
func (s *Server) searchPatient(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	actor := s.actor(c)
	form := newSearchForm(c)
	form.OnSearchPage = true
	form.BSN, form.BirthDate = bsnValue(c, "bsn"), formValue(c, "birth_date")
	if s.policy.ScopeOf(prov.EffectiveRole()).Empty() {
		rec := actor.Search(audit.Patient{}, form.BirthDate, audit.SearchNotFound)
		rec.Outcome, rec.Reason = audit.Refused, string(access.ReasonRoleNotPermitted)
		if err := s.audit.Append(ctx, rec); err != nil {
			return err
		}
		return errNoRoleScope
	}
	// Every search counts against the limit, a malformed one too: it costs the portal a page and a log
	// line, and BSNs that fail the elfproef are how a script learns which ones pass.
	now := s.now()
	if !s.searches.allow(prov.UZINumber, now) {
		return s.searchRateLimited(c, prov, actor, form)
	}
	birth, ok := parseDay(form.BirthDate)
	switch {
	case form.BSN == "":
		form.Errors["bsn"] = "search.error.bsn_missing"
	case !access.ValidBSN(form.BSN):
		form.Errors["bsn"] = "search.error.bsn_invalid"
	}
	switch {
	case form.BirthDate == "":
		form.Errors["birth_date"] = "search.error.birth_date_missing"
	case !ok:
		form.Errors["birth_date"] = "search.error.birth_date_invalid"
	case birth.After(now):
		form.Errors["birth_date"] = "search.error.birth_date_future"
	}
	if form.Errors.Any() {
		// Nothing was looked up. The first malformed search of a provider in a minute goes to the access
		// log, without the typed number (which is not a BSN); the rest of that minute only to the server
		// log, so that a script sending rubbish cannot fill the append-only log.
		if s.malformedSearches.allow(prov.UZINumber, now) {
			rec := actor.Search(audit.Patient{}, "", audit.SearchNotFound)
			rec.Outcome, rec.Reason = audit.Refused, "invalid-input"
			rec.Detail = "search form: " + fieldNames(form.Errors) + "; further malformed searches of this provider within the minute are in the server log only"
			if err := s.audit.Append(ctx, rec); err != nil {
				return err
			}
		} else {
			s.logger.Info("malformed patient search", "uzi", prov.UZINumber, "fields", fieldNames(form.Errors),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		return s.views.render(c, http.StatusUnprocessableEntity, "search", s.page(c, "search.title", searchPage{Form: form}))
	}
	form.Again = true
	answered := searchPage{Form: form, SearchedBSN: formatBSN(form.BSN), SearchedDay: birth}
	patient, err := s.store.PatientByBSNAndBirthDate(ctx, form.BSN, birth)
	if errors.Is(err, store.ErrNotFound) {
		if err := s.audit.Append(ctx, actor.Search(audit.Patient{BSN: form.BSN}, form.BirthDate, audit.SearchNotFound)); err != nil {
			return err
		}
		answered.Answer = audit.SearchNotFound
		return s.views.render(c, http.StatusNotFound, "search", s.page(c, "search.title", answered))
	}
	if err != nil {
		return err
	}
	facts, err := s.store.PatientFacts(ctx, patient.ID)
	if err != nil {
		return err
	}
	who := accessProvider(*prov)
	decisions := s.decideAll(c, who, facts, now)
	main := mainDecision(decisions)
	searched := audit.PatientOf(patient)
	if main.Allowed {
		if err := s.audit.Append(ctx, actor.Search(searched, form.BirthDate, audit.SearchFound)); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, patientPath(patient))
	}
	page := answered
	page.Reason, page.Answer = main.Reason, audit.SearchNoRelationship
	switch main.Reason {
	case access.ReasonNoConsent, access.ReasonConsentRefused, access.ReasonConsentWithdrawn, access.ReasonConsentLapsed:
		page.Answer = audit.SearchNoConsent
	default:
		check, err := s.emergencyCheck(ctx, who, facts, now)
		if err != nil {
			return err
		}
		page.Emergency = emergencyPart{PatientPublicID: patient.PublicID, Check: check,
			Form: emergencyForm{BSN: form.BSN, BirthDate: form.BirthDate}, CSRF: form.CSRF}
	}
	rec := actor.Search(searched, form.BirthDate, page.Answer)
	rec.Detail += " rule=" + string(main.Reason)
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	return s.views.render(c, http.StatusForbidden, "search", s.page(c, "search.title", page))
}

// searchRateLimited refuses a search beyond screens.searches_per_minute. The first refusal of a provider
// in the minute goes to the access log (with the BSN when it is one, so that the attempt shows in that
// patient's overview); every one goes to the server log.
func (s *Server) searchRateLimited(c echo.Context, prov *auth.Provider, actor audit.Actor, form searchForm) error {
	if s.searches.count(prov.UZINumber+limitedSuffix, s.now()) == 1 {
		searched := audit.Patient{}
		if access.ValidBSN(form.BSN) {
			searched.BSN = form.BSN
		}
		rec := actor.Search(searched, form.BirthDate, audit.SearchNotFound)
		rec.Outcome, rec.Reason = audit.Refused, reasonRateLimited
		rec.Detail = fmt.Sprintf("more than %d searches within a minute; further refusals within the minute are in the server log only", s.cfg.Screens.SearchesPerMinute)
		if err := s.audit.Append(c.Request().Context(), rec); err != nil {
			return err
		}
	}
	s.logger.Warn("patient search refused: rate limit", "uzi", prov.UZINumber, "limit_per_minute", s.cfg.Screens.SearchesPerMinute,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	return errSearchRateLimited
}

// limitedSuffix keys a provider's refused searches in the search limiter's window apart from their
// searches, so that only the first refusal of the window is written to the access log.
const limitedSuffix = "/refused"

// showSearch is the search form on its own address, for a reload of an answer page or a bookmark.
func (s *Server) showSearch(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	if s.policy.ScopeOf(prov.EffectiveRole()).Empty() {
		return errNoRoleScope
	}
	form := newSearchForm(c)
	form.OnSearchPage = true
	return s.views.render(c, http.StatusOK, "search", s.page(c, "search.title", searchPage{Form: form}))
}

// newSearchForm is an empty search form with the request's CSRF token.
func newSearchForm(c echo.Context) searchForm {
	csrf, _ := c.Get(ctxCSRF).(string)
	return searchForm{Errors: fieldErrors{}, CSRF: csrf}
}

// fieldNames lists the fields with an error, for the log (never their values).
func fieldNames(e fieldErrors) string {
	out := ""
	for _, f := range []string{"bsn", "birth_date"} {
		if e[f] != "" {
			if out != "" {
				out += ","
			}
			out += f + "=" + e[f]
		}
	}
	return out
}
