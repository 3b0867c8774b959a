package portal

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// This file is the frame of every dossier page (/patients/:id and /patients/:id/<category>): it reads
// the patient's facts afresh, lets the access rules decide every category, refuses what is not allowed
// (neither shown nor reachable by URL), builds the banner, tabs and basis that every page shows, and
// writes the access-log records of what the page shows before the page is sent: no log, no data.
// dossiertabs.go and documents.go fill the pages themselves.

// dossierView is one request for a dossier page: the provider, the patient's facts and the decision per
// data category at this moment, and what the page is about to show (for the access log).
type dossierView struct {
	prov      *auth.Provider
	facts     access.PatientFacts
	now       time.Time
	lang      string
	category  access.Category
	decisions []access.Decision
	// main is the first allowed decision; consent and relationship do not depend on the category, so its
	// basis is the basis of the whole page.
	main access.Decision
	// shown collects per category the items the page shows, as "kind/id" strings, for the access log.
	shown map[access.Category][]string
	// allergies are read once for the banner and reused by the pages that list them.
	allergies []dossier.Allergy
}

// patientID is the id of the patient in the URL, which every store read of the page takes.
func (v *dossierView) patientID() int64 { return v.facts.Patient.ID }

// allows reports whether the provider may see the category now.
func (v *dossierView) allows(c access.Category) bool {
	for _, d := range v.decisions {
		if d.Category == c {
			return d.Allowed
		}
	}
	return false
}

// decision is the decision about one category.
func (v *dossierView) decision(c access.Category) access.Decision {
	for _, d := range v.decisions {
		if d.Category == c {
			return d
		}
	}
	return access.Decision{Category: c, Reason: access.ReasonUnknownCategory}
}

// permitted lists the categories the provider may see, in tab order.
func (v *dossierView) permitted() []access.Category {
	var out []access.Category
	for _, d := range v.decisions {
		if d.Allowed {
			out = append(out, d.Category)
		}
	}
	return out
}

// show records that the page shows items of a category; a category with no items is recorded too (the
// page showed that there are none, which is information about the patient as well).
func (v *dossierView) show(c access.Category, items ...string) {
	v.shown[c] = append(v.shown[c], items...)
}

// itemID names one item in the access log's object column: "lab/1234".
func itemID(kind string, id int64) string { return kind + "/" + strconv.FormatInt(id, 10) }

// dossierPage is what every dossier template gets: the frame (banner, tabs, basis) and the tab's Body.
type dossierPage struct {
	// PatientPublicID is the patient's id in the page's links (portal/publicid).
	PatientPublicID string
	Banner          PatientBanner
	Tabs            []DossierTab
	Category        access.Category
	// Basis is the decision the page rests on: relationship, consent and until when.
	Basis access.Decision
	// EmergencyCreated confirms, once, that the emergency procedure just opened the patient.
	EmergencyCreated bool
	Body             any
}

// patientPath is the address of a patient's dossier, by the public id: the start of every address about
// the patient. The internal id never appears in an address.
func patientPath(p access.Patient) string { return "/patients/" + p.PublicID }

// adminPatientPath is the address of a patient's consent and relationships in the administration, by
// the public id like every other address of a patient.
func adminPatientPath(p access.Patient) string { return "/admin/patients/" + p.PublicID }

// dossierHref is the address of a category's tab; the summary is the dossier's own address.
func dossierHref(p access.Patient, c access.Category) string {
	if c == access.Summary {
		return patientPath(p)
	}
	return patientPath(p) + "/" + string(c)
}

// openDossier reads the patient and decides. It returns nil when it has answered the request itself:
// with the access page (nothing of the patient is open to the provider; it says why, or to a stranger
// and for an address that names no patient only that there is no treatment relationship) or with the refusal page of one category (the role may not
// see it). Both refusals are logged. The error is then the outcome of writing that answer.
func (s *Server) openDossier(c echo.Context, cat access.Category) (*dossierView, error) {
	prov := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	facts, err := s.patientOfPath(c)
	if errors.Is(err, store.ErrNotFound) {
		rec := audit.Record{Event: audit.EventView, Outcome: audit.Refused, Reason: "not-found", Category: string(cat),
			User: auditUser(*prov), Source: s.auditSource(c, prov.Fingerprint), Detail: "dossier of patient id " + loggedID(c.Param("id"))}
		if lerr := s.audit.Append(ctx, rec); lerr != nil {
			return nil, lerr
		}
		return nil, s.closedPatientPage(c, accessPage{}, http.StatusNotFound)
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	v := &dossierView{prov: prov, facts: facts, now: now, lang: s.lang(c), category: cat,
		decisions: s.decideAll(c, accessProvider(*prov), facts, now), shown: map[access.Category][]string{}}
	for _, d := range v.decisions {
		if d.Allowed {
			v.main = d
			break
		}
	}
	if !v.main.Allowed {
		return nil, s.accessPage(c, facts, emergencyForm{}, http.StatusForbidden, cat)
	}
	if !v.allows(cat) {
		return nil, s.refuseCategory(c, v, cat)
	}
	return v, nil
}

// refusedPage is the answer to a category the provider may not see although other data of the patient
// is open to them: the reason, and the way back. It names nothing of the patient.
type refusedPage struct {
	// PatientPublicID is the patient's id in the way back to the dossier.
	PatientPublicID string
	Category        access.Category
	Reason          access.Reason
}

// refuseCategory logs and answers a request for a category the decision refuses (in practice: the role
// may not see it). The page is the same whether the category has data or not.
func (s *Server) refuseCategory(c echo.Context, v *dossierView, cat access.Category) error {
	d := v.decision(cat)
	rec := s.actor(c).ViewRefused(audit.PatientOf(v.facts.Patient), cat, string(d.Reason))
	rec.Detail = c.Request().URL.Path
	if err := s.audit.Append(c.Request().Context(), rec); err != nil {
		return err
	}
	return s.views.render(c, http.StatusForbidden, "dossier_refused", s.page(c, "dossier.refused.title",
		refusedPage{PatientPublicID: v.facts.Patient.PublicID, Category: cat, Reason: d.Reason}))
}

// itemNotFound logs a request for an item that does not exist or belongs to another patient (an id
// taken from another patient's URL) and answers "not found", like an unknown id.
func (s *Server) itemNotFound(c echo.Context, v *dossierView, cat access.Category, err error) error {
	rec := s.actor(c).ViewRefused(audit.PatientOf(v.facts.Patient), cat, "item-not-found")
	rec.Detail = c.Request().URL.Path
	if lerr := s.audit.Append(c.Request().Context(), rec); lerr != nil {
		return lerr
	}
	return err
}

// auditBasis is the basis of a decision as the access log records it: relationship and consent by kind
// and id; an emergency relationship flags the record.
func auditBasis(b access.Basis) audit.Basis {
	var out audit.Basis
	if r := b.Relationship; r != nil {
		out.Relationship, out.RelationshipID = r.Kind, r.ID
	}
	if c := b.Consent; c != nil {
		out.Consent, out.ConsentID = c.Category, c.ID
	}
	return out
}

// banner builds the patient banner with what the role may see: the allergy status only with the
// allergies category, the treatment limits only with the summary. What it shows is recorded for the log.
func (s *Server) banner(ctx context.Context, v *dossierView) (PatientBanner, error) {
	var clinical BannerClinical
	if v.allows(access.Allergies) {
		all, err := s.allergiesOf(ctx, v)
		if err != nil {
			return PatientBanner{}, err
		}
		var ids []string
		for _, a := range all {
			if !countsAsAllergy(a) {
				continue
			}
			ids = append(ids, itemID("allergy", a.ID))
			if a.IsNoKnownAllergy() {
				clinical.NoKnownAllergies = true
			} else {
				clinical.Allergies = append(clinical.Allergies, a.Display)
			}
		}
		v.show(access.Allergies, ids...)
	}
	if v.allows(access.Summary) {
		limits, err := s.store.TreatmentLimits(ctx, v.patientID())
		if err != nil {
			return PatientBanner{}, err
		}
		ids := bannerLimits(&clinical, limits, v.now)
		alerts, err := s.store.Alerts(ctx, v.patientID())
		if err != nil {
			return PatientBanner{}, err
		}
		ids = append(ids, bannerAlerts(&clinical, alerts, v.now)...)
		v.show(access.Summary, ids...)
	}
	b := NewPatientBanner(v.facts.Patient, clinical, v.now)
	b.AllergiesHidden = !v.allows(access.Allergies)
	b.LimitsHidden = !v.allows(access.Summary)
	return b, nil
}

// allergiesOf reads the patient's allergy entries once per request.
func (s *Server) allergiesOf(ctx context.Context, v *dossierView) ([]dossier.Allergy, error) {
	if v.allergies == nil {
		all, err := s.store.Allergies(ctx, v.patientID())
		if err != nil {
			return nil, err
		}
		v.allergies = append([]dossier.Allergy{}, all...)
	}
	return v.allergies, nil
}

// countsAsAllergy leaves out entries that were refuted, entered in error, or are no longer active: they
// are not what a prescriber must reckon with.
func countsAsAllergy(a dossier.Allergy) bool {
	switch {
	case a.VerificationStatus == "refuted", a.VerificationStatus == "entered-in-error":
		return false
	case a.ClinicalStatus == "inactive", a.ClinicalStatus == "resolved":
		return false
	}
	return true
}

// renderDossier finishes a dossier page: banner and tabs, the one access-log record of everything shown
// (every category with its item ids, the basis, an emergency flagged), and only then the page. When the
// log cannot be written, the error page says so and nothing of the patient is sent.
func (s *Server) renderDossier(c echo.Context, v *dossierView, page, titleKey string, body any) error {
	ctx := c.Request().Context()
	b, err := s.banner(ctx, v)
	if err != nil {
		return err
	}
	v.show(v.category)
	// One page is one access event: one record lists every category and item the page showed, the tab's
	// own first, then what the banner showed.
	order := append([]access.Category{v.category}, access.Categories...)
	var shown []audit.Shown
	done := map[access.Category]bool{}
	for _, cat := range order {
		items, ok := v.shown[cat]
		if !ok || done[cat] {
			continue
		}
		done[cat] = true
		shown = append(shown, audit.Shown{Category: cat, Items: items})
	}
	rec := s.actor(c).PageView(audit.PatientOf(v.facts.Patient), shown, auditBasis(v.main.Basis))
	rec.Detail = c.Request().URL.Path
	if err := s.audit.Append(ctx, rec); err != nil {
		return err
	}
	s.markSeen(c, v)
	data := dossierPage{
		PatientPublicID: v.facts.Patient.PublicID,
		Banner:          b,
		Tabs: DossierTabs(v.permitted(), v.category, func(cat access.Category) string {
			return dossierHref(v.facts.Patient, cat)
		}),
		Category:         v.category,
		Basis:            v.main,
		EmergencyCreated: c.QueryParam("emergency") == "created" && v.main.Basis.Emergency,
		Body:             body,
	}
	return s.views.render(c, http.StatusOK, page, s.page(c, titleKey, data))
}
