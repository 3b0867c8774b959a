package portal

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/dossier"
)

// "Mijn patiënten", the start page of a care provider: the patients with whom they (by AGB code) or
// their organisation (by URA) hold an active treatment relationship and whose data is open to them now,
// each with the basis and until when; filters for who is in hospital now and who went home recently;
// and the search. Hospital staff start at /admin. The list is patient data too: each patient listed is
// logged as a view.

// Patient filters of the start page, as they appear in ?toon=.
const (
	filterAll        = "alle"
	filterAdmitted   = "opgenomen"
	filterDischarged = "ontslagen"
)

var patientFilters = []string{filterAll, filterAdmitted, filterDischarged}

// myPatientsPage is the start page of a care provider.
type myPatientsPage struct {
	// CanSee says whether the provider's role may see any patient data; without it the page explains.
	CanSee bool
	// ShowAdmissions says whether the role may see encounters: only then does the list say who is
	// admitted, and only then are there filters.
	ShowAdmissions bool
	Filter         string
	Filters        []patientFilter
	RecentDays     int
	Rows           []myPatientRow
	// Total counts the listed patients before the filter.
	Total int
	// Hidden counts patients with an active relationship whose data is not open now (no consent for the
	// provider's kind of provider, a covering practice without mandate): not named, only counted.
	Hidden int
	Search searchForm
}

// patientFilter is one filter link with its count.
type patientFilter struct {
	Key     string
	Count   int
	Current bool
}

// myPatientRow is one patient of the list.
type myPatientRow struct {
	ID         int64
	GivenNames string
	FamilyName string
	BirthDate  time.Time
	Age        int
	Deceased   bool
	Minor      bool
	// Relationships are the provider's own active relationships with the patient.
	Relationships []access.Relationship
	// Until is when access ends by itself (nil: until something changes).
	Until     *time.Time
	Emergency bool
	// Admission is the current admission or else the latest one (only when ShowAdmissions).
	Admission          *dossier.Encounter
	Admitted           bool
	DischargedRecently bool

	basis access.Basis
	bsn   audit.Patient
}

// home is the start page: "Mijn patiënten" for a care provider, the administration for hospital staff
// whose card gives no care-provider role.
func (s *Server) home(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	scope := s.policy.ScopeOf(prov.RoleCode)
	if prov.Administrator && scope.Empty() {
		return c.Redirect(http.StatusSeeOther, "/admin")
	}
	page := myPatientsPage{CanSee: !scope.Empty(), ShowAdmissions: scope.Permits(access.Encounters),
		RecentDays: s.cfg.Screens.RecentDischargeDays, Filter: filterAll, Search: newSearchForm(c)}
	if f := c.QueryParam("toon"); page.ShowAdmissions && slices.Contains(patientFilters, f) {
		page.Filter = f
	}
	if page.CanSee {
		if err := s.listMyPatients(c, prov, &page); err != nil {
			return err
		}
	}
	return s.views.render(c, http.StatusOK, "home", s.page(c, "patients.title", page))
}

// listMyPatients fills the list: the provider's active relationships, the decision per patient (only
// patients with something open are named), admissions for the filters, and the access-log records of
// the patients shown, written before the page is.
func (s *Server) listMyPatients(c echo.Context, prov *auth.Provider, page *myPatientsPage) error {
	ctx := c.Request().Context()
	now := s.now()
	who := accessProvider(*prov)
	rels, err := s.store.RelationshipsForProvider(ctx, who.AGB, who.URA, now)
	if err != nil {
		return err
	}
	var rows []myPatientRow
	index := map[int64]int{}
	for _, pr := range rels {
		if i, ok := index[pr.Patient.ID]; ok {
			if rows[i].ID != 0 {
				rows[i].Relationships = append(rows[i].Relationships, pr.Relationship)
			}
			continue
		}
		index[pr.Patient.ID] = len(rows)
		facts, err := s.store.PatientFacts(ctx, pr.Patient.ID)
		if err != nil {
			return err
		}
		main := mainDecision(s.policy.DecideAll(who, facts, now))
		if !main.Allowed {
			page.Hidden++
			rows = append(rows, myPatientRow{}) // keeps the index; dropped below
			continue
		}
		p := facts.Patient
		age := p.AgeAt(now)
		if p.Deceased && p.DeceasedAt != nil {
			age = p.AgeAt(*p.DeceasedAt)
		}
		rows = append(rows, myPatientRow{ID: p.ID, GivenNames: firstNonEmpty(p.GivenNames, p.Initials),
			FamilyName: strings.TrimSpace(p.FamilyPrefix + " " + p.FamilyName), BirthDate: p.BirthDate, Age: age,
			Deceased: p.Deceased, Minor: !p.Deceased && age < 18, Relationships: []access.Relationship{pr.Relationship},
			Until: main.Basis.Until, Emergency: main.Basis.Emergency, basis: main.Basis, bsn: audit.PatientOf(p)})
	}
	rows = slices.DeleteFunc(rows, func(r myPatientRow) bool { return r.ID == 0 })
	slices.SortStableFunc(rows, func(a, b myPatientRow) int {
		if c := strings.Compare(sortName(a.FamilyName), sortName(b.FamilyName)); c != 0 {
			return c
		}
		return strings.Compare(a.GivenNames, b.GivenNames)
	})
	if page.ShowAdmissions {
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		admissions, err := s.store.Admissions(ctx, ids)
		if err != nil {
			return err
		}
		recent := now.AddDate(0, 0, -page.RecentDays)
		for i := range rows {
			for _, e := range admissions[rows[i].ID] {
				if e.Status == "cancelled" || e.Status == "planned" || e.StartAt.After(now) {
					continue
				}
				e := e
				rows[i].Admission = &e
				rows[i].Admitted = e.IsOpenAdmission()
				rows[i].DischargedRecently = e.EndAt != nil && !e.EndAt.After(now) && e.EndAt.After(recent)
				break
			}
		}
	}
	counts := map[string]int{filterAll: len(rows)}
	for _, r := range rows {
		if r.Admitted {
			counts[filterAdmitted]++
		}
		if r.DischargedRecently {
			counts[filterDischarged]++
		}
	}
	if page.ShowAdmissions {
		for _, f := range patientFilters {
			page.Filters = append(page.Filters, patientFilter{Key: f, Count: counts[f], Current: f == page.Filter})
		}
	}
	page.Total = len(rows)
	for _, r := range rows {
		if (page.Filter == filterAdmitted && !r.Admitted) || (page.Filter == filterDischarged && !r.DischargedRecently) {
			continue
		}
		page.Rows = append(page.Rows, r)
	}
	actor := s.actor(c)
	var recs []audit.Record
	for _, r := range page.Rows {
		b := auditBasis(r.basis)
		rec := actor.View(r.bsn, access.Summary, "", b)
		rec.Detail = "start page: my patients (name, birth date, basis)"
		recs = append(recs, rec)
		if r.Admission != nil {
			rec := actor.View(r.bsn, access.Encounters, itemID("encounter", r.Admission.ID), b)
			rec.Detail = "start page: my patients (admission status)"
			recs = append(recs, rec)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	return s.audit.AppendAll(ctx, recs)
}

// sortName is the family name as Dutch lists sort it: without the prefix ("van den Berg" under B).
func sortName(family string) string {
	f := strings.ToLower(family)
	for _, prefix := range []string{"van der ", "van den ", "van de ", "van ", "de ", "den ", "der ", "ter ", "ten ", "te "} {
		if rest, ok := strings.CutPrefix(f, prefix); ok {
			return rest
		}
	}
	return f
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
