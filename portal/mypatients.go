package portal

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// "Mijn patiënten", the start page of a care provider: the patients with whom they (by AGB code) or
// their organisation (by URA) hold an active treatment relationship and whose data is open to them now,
// each with the basis and until when; filters for who is in hospital now, who went home recently and
// who has something new since the provider last looked (news.go), with what is new marked on the row;
// and the search. Hospital staff start at /admin. The list is patient data too: each patient listed is
// logged as a view.

// Patient filters of the start page, as they appear in ?toon=.
const (
	filterAll        = "alle"
	filterAdmitted   = "opgenomen"
	filterDischarged = "ontslagen"
	// filterNew lists the patients with something new since the provider last looked (news.go).
	filterNew = "nieuw"
)

var patientFilters = []string{filterAll, filterAdmitted, filterDischarged, filterNew}

// myPatientsPage is the start page of a care provider.
type myPatientsPage struct {
	// CanSee says whether the provider's role may see any patient data; without it the page explains.
	CanSee bool
	// ShowAdmissions says whether the role may see encounters: only then does the list say who is
	// admitted, and only then are there the admission filters (the filter on news is always there).
	ShowAdmissions bool
	Filter         string
	Filters        []patientFilter
	RecentDays     int
	Rows           []myPatientRow
	// Next is the ?na= of the next page of the unfiltered list (empty on the last page); Later says
	// that this is not the first page.
	Next  string
	Later bool
	// PageSize is how many relationships a page walks.
	PageSize int
	// Hidden counts patients with an active relationship whose data is not open now (no consent for the
	// provider's kind of provider, a covering practice without mandate): not named, only counted.
	Hidden int
	Search searchForm
}

// patientFilter is one filter link.
type patientFilter struct {
	Key     string
	Current bool
}

// myPatientRow is one patient of the list.
type myPatientRow struct {
	ID int64
	// PublicID is the patient's id in the row's link (portal/publicid).
	PublicID   string
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
	// News are the lines of what is new for the provider about this patient (news.go), only in the
	// categories the provider may see now; the row shows the newest NewsLinesOnStartPage of them and
	// counts the rest (NewsMore), which the Nieuw page lists.
	News      []newsEntry
	NewsMore  int
	NewsCount int

	basis     access.Basis
	decisions []access.Decision
	newsShown map[access.Category][]string
	bsn       audit.Patient
}

// home is the start page: "Mijn patiënten" for a care provider, the administration for hospital staff
// whose card gives no care-provider role.
func (s *Server) home(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	scope := s.policy.ScopeOf(prov.EffectiveRole())
	if prov.Administrator && scope.Empty() {
		return c.Redirect(http.StatusSeeOther, "/admin")
	}
	page := myPatientsPage{CanSee: !scope.Empty(), ShowAdmissions: scope.Permits(access.Encounters),
		RecentDays: s.cfg.Screens.RecentDischargeDays, Filter: filterAll, Search: newSearchForm(c)}
	if f := c.QueryParam("toon"); (page.ShowAdmissions || f == filterNew) && slices.Contains(patientFilters, f) {
		page.Filter = f
	}
	if page.CanSee {
		if err := s.listMyPatients(c, prov, &page); err != nil {
			return err
		}
	}
	return s.views.render(c, http.StatusOK, "home", s.page(c, "patients.title", page))
}

// MyPatientsPageSize is how many relationships one page of "my patients" walks: a practice or a pharmacy
// can hold a relationship with a large part of the hospital's patients, and a page must cost the same
// for ten patients as for a hundred thousand.
const MyPatientsPageSize = 50

// listMyPatients fills the list: one page of the provider's active relationships (newest first) or, for
// the filters, the provider's patients who are in hospital or went home recently; the decision per
// patient (only patients with something open are named), their admissions, and the access-log records of
// the patients shown, written before the page is.
func (s *Server) listMyPatients(c echo.Context, prov *auth.Provider, page *myPatientsPage) error {
	ctx := c.Request().Context()
	now := s.now()
	who := accessProvider(*prov)
	recent := now.AddDate(0, 0, -page.RecentDays)
	var ids []int64
	// listedWith is, on the unfiltered list, the relationship through which the page walk met the
	// patient: a patient is listed once, on the page of their newest relationship with the provider.
	listedWith := map[int64]int64{}
	if page.Filter == filterAll {
		after, err := parseListCursor(c.QueryParam("na"))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		rp, err := s.store.RelationshipsForProviderPage(ctx, who.AGB, who.URA, now, after, MyPatientsPageSize)
		if err != nil {
			return err
		}
		page.Later, page.PageSize = after != nil, MyPatientsPageSize
		if rp.Next != nil {
			page.Next = formatListCursor(*rp.Next)
		}
		for _, pr := range rp.Items {
			if _, ok := listedWith[pr.Patient.ID]; !ok {
				listedWith[pr.Patient.ID] = pr.Relationship.ID
				ids = append(ids, pr.Patient.ID)
			}
		}
	} else if page.Filter == filterNew {
		items, err := s.store.NewsFor(ctx, prov.UZINumber, who.AGB, who.URA, newsWindowStart(now), now, NewsPageLimit)
		if err != nil {
			return err
		}
		for _, it := range items {
			if !slices.Contains(ids, it.PatientID) {
				ids = append(ids, it.PatientID)
			}
		}
	} else {
		var err error
		if ids, err = s.store.PatientsInHospitalOf(ctx, who.AGB, who.URA, recent, now); err != nil {
			return err
		}
	}
	var rows []myPatientRow
	for _, id := range ids {
		facts, err := s.store.PatientFacts(ctx, id)
		if err != nil {
			return err
		}
		own := ownActiveRelationships(facts.Relationships, who, now)
		if len(own) == 0 {
			continue // the filters' candidates include relationships that ended or have not started
		}
		if rel, ok := listedWith[id]; ok && own[0].ID != rel {
			continue // listed on the page of the newest relationship
		}
		decisions := s.decideAll(c, who, facts, now)
		main := mainDecision(decisions)
		if !main.Allowed {
			page.Hidden++
			continue
		}
		p := facts.Patient
		age := p.AgeAt(now)
		if p.Deceased && p.DeceasedAt != nil {
			age = p.AgeAt(*p.DeceasedAt)
		}
		name := p.Name()
		rows = append(rows, myPatientRow{ID: p.ID, PublicID: p.PublicID, GivenNames: name.Given(), FamilyName: name.Family(), BirthDate: p.BirthDate, Age: age,
			Deceased: p.Deceased, Minor: !p.Deceased && age < 18, Relationships: own,
			Until: main.Basis.Until, Emergency: main.Basis.Emergency, basis: main.Basis, decisions: decisions, bsn: audit.PatientOf(p)})
	}
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
	for _, f := range patientFilters {
		if page.ShowAdmissions || f == filterAll || f == filterNew {
			page.Filters = append(page.Filters, patientFilter{Key: f, Current: f == page.Filter})
		}
	}
	if err := s.markNews(ctx, prov, rows, now); err != nil {
		return err
	}
	for _, r := range rows {
		if (page.Filter == filterAdmitted && !r.Admitted) || (page.Filter == filterDischarged && !r.DischargedRecently) ||
			(page.Filter == filterNew && len(r.News) == 0) {
			continue
		}
		page.Rows = append(page.Rows, r)
	}
	actor := s.actor(c)
	var recs []audit.Record
	for _, r := range page.Rows {
		shown := []audit.Shown{{Category: access.Summary}}
		detail := "start page: my patients (name, birth date, basis)"
		if r.Admission != nil {
			shown = append(shown, audit.Shown{Category: access.Encounters, Items: []string{itemID("encounter", r.Admission.ID)}})
			detail = "start page: my patients (name, birth date, basis, admission status)"
		}
		if len(r.News) > 0 {
			shown = mergeShown(shown, newsShown(r.newsShown)[1:])
			detail = strings.TrimSuffix(detail, ")") + ", what is new)"
		}
		rec := actor.PageView(r.bsn, shown, auditBasis(r.basis))
		rec.Detail = detail
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return nil
	}
	return s.audit.AppendAll(ctx, recs)
}

// ownActiveRelationships are the provider's own relationships with a patient that are active at now,
// newest first (the order of the pages of "my patients").
func ownActiveRelationships(rels []access.Relationship, who access.Provider, now time.Time) []access.Relationship {
	var own []access.Relationship
	for _, r := range rels {
		if r.HeldBy(who) && r.StateAt(now) == access.RelationshipActive {
			own = append(own, r)
		}
	}
	slices.SortFunc(own, func(a, b access.Relationship) int {
		if c := b.ValidFrom.Compare(a.ValidFrom); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return own
}

// formatListCursor writes where a page of "my patients" ended as the ?na= of the next page's address:
// the moment a relationship started and its id, nothing about the patient.
func formatListCursor(c store.RelationshipCursor) string {
	return strconv.FormatInt(c.ValidFrom.UnixNano(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// parseListCursor reads ?na=; empty is the first page.
func parseListCursor(v string) (*store.RelationshipCursor, error) {
	if v == "" {
		return nil, nil
	}
	ms, id, ok := strings.Cut(v, "-")
	at, err1 := strconv.ParseInt(ms, 10, 64)
	rid, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || rid < 1 {
		return nil, fmt.Errorf("page of my patients %q is not a position in the list", v)
	}
	return &store.RelationshipCursor{ValidFrom: time.Unix(0, at).UTC(), ID: rid}, nil
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

// NewsLinesOnStartPage is how many lines of news a row of "my patients" shows: enough to see what kind of
// thing happened, short enough that the list stays a list.
const NewsLinesOnStartPage = 3

// markNews gives every row of the list the news the provider may see about that patient now: the
// decisions of the row decide per category, as on the "Nieuw" page.
func (s *Server) markNews(ctx context.Context, prov *auth.Provider, rows []myPatientRow, now time.Time) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	items, err := s.store.NewsOfPatients(ctx, prov.UZINumber, ids, newsWindowStart(now), now)
	if err != nil {
		return err
	}
	byPatient := map[int64][]store.NewsItem{}
	for _, it := range items {
		byPatient[it.PatientID] = append(byPatient[it.PatientID], it)
	}
	for i := range rows {
		all := newsEntries(rows[i].ID, byPatient[rows[i].ID], rows[i].decisions)
		rows[i].NewsCount = len(all)
		if len(all) > NewsLinesOnStartPage {
			rows[i].NewsMore = len(all) - NewsLinesOnStartPage
			all = all[:NewsLinesOnStartPage]
		}
		rows[i].News, rows[i].newsShown = all, entriesShown(all)
	}
	return nil
}

// mergeShown adds more to what a page showed, one entry per category: the log's category column names
// each category once.
func mergeShown(shown, more []audit.Shown) []audit.Shown {
	for _, m := range more {
		i := slices.IndexFunc(shown, func(s audit.Shown) bool { return s.Category == m.Category })
		if i < 0 {
			shown = append(shown, m)
			continue
		}
		for _, item := range m.Items {
			if !slices.Contains(shown[i].Items, item) {
				shown[i].Items = append(shown[i].Items, item)
			}
		}
	}
	return shown
}
