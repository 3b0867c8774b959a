package portal

import (
	"context"
	"net/http"
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

// What is new: the portal remembers per provider (UZI number) which items of their patients' dossiers
// their screens showed (store.MarkSeen, called when a dossier page is sent), and calls news what happened
// since: an admission, a discharge, a letter, a report, a lab result. "Mijn patiënten" marks the patients
// with news and filters on it; the "Nieuw" page lists the news of all the provider's patients, newest
// first. News passes the same access rules as the dossier, at this moment and per category: a patient
// whose consent was withdrawn or whose relationship ended yields none, and a pharmacist hears of lab
// results, never of letters.

// NewsWindowDays is how far back what is new looks: an item older than this is not news any more, seen or
// not, so that a provider's first visit is not a list of everything the hospital ever wrote.
const NewsWindowDays = 30

// NewsPageLimit is how many items the "Nieuw" page reads at most; the page says when there are more.
const NewsPageLimit = 500

// newsPage is the "Nieuw" page.
type newsPage struct {
	CanSee     bool
	WindowDays int
	Patients   []patientNews
	// Truncated says that there is more news than the page reads.
	Truncated bool
	Limit     int
	// DigestEnabled offers the e-mail digest's page (digestpage.go).
	DigestEnabled bool
}

// patientNews is the news of one patient that the provider may see now.
type patientNews struct {
	// PublicID is the patient's id in addresses and in the page's anchors.
	PublicID   string
	GivenNames string
	FamilyName string
	BirthDate  time.Time
	Entries    []newsEntry
	// Latest is when the newest of the entries happened: the page lists the newest first.
	Latest time.Time

	basis audit.Basis
	bsn   audit.Patient
	shown map[access.Category][]string
}

// newsEntry is one line of news: one admission, discharge, letter or report, or the lab results of one
// day (a laboratory sends results in batches; one line per value would bury the letters).
type newsEntry struct {
	Kind  store.NewsKind
	At    time.Time
	Title string
	Href  string
	// Count and Abnormal are, for lab results, how many results of the day are new and how many of those
	// lie outside their reference range or were flagged by the laboratory.
	Count    int
	Abnormal int

	// category and items are what the line shows, for the access log.
	category access.Category
	items    []string
}

// entriesShown collects, per category, the items that these lines show.
func entriesShown(entries []newsEntry) map[access.Category][]string {
	shown := map[access.Category][]string{}
	for _, e := range entries {
		shown[e.category] = append(shown[e.category], e.items...)
	}
	return shown
}

// newsCategory is the data category an item of news belongs to: the access rules decide on it.
func newsCategory(k store.NewsKind) access.Category {
	switch k {
	case store.NewsAdmitted, store.NewsDischarged:
		return access.Encounters
	case store.NewsLetter:
		return access.Letters
	case store.NewsReport:
		return access.Reports
	case store.NewsLab:
		return access.Lab
	}
	return ""
}

// newsWindowStart is the start of the period in which items can be news.
func newsWindowStart(now time.Time) time.Time { return now.AddDate(0, 0, -NewsWindowDays) }

// showNews is the "Nieuw" page: the news of every patient the provider may see now, the patient with
// the newest news first. It names patients, so every patient listed is one page view in the access log,
// written before the page is sent.
func (s *Server) showNews(c echo.Context) error {
	prov := c.Get(ctxProvider).(*auth.Provider)
	scope := s.policy.ScopeOf(prov.RoleCode)
	page := newsPage{CanSee: !scope.Empty(), WindowDays: NewsWindowDays, Limit: NewsPageLimit, DigestEnabled: s.cfg.Digest.Enabled}
	if page.CanSee {
		ctx := c.Request().Context()
		now := s.now()
		who := accessProvider(*prov)
		items, err := s.store.NewsFor(ctx, prov.UZINumber, who.AGB, who.URA, newsWindowStart(now), now, NewsPageLimit+1)
		if err != nil {
			return err
		}
		if len(items) > NewsPageLimit {
			items, page.Truncated = items[:NewsPageLimit], true
		}
		mandate, _ := c.Get(ctxMandate).(*access.Mandate)
		if page.Patients, err = s.decideNews(ctx, who, mandate, items, now); err != nil {
			return err
		}
		if err := s.logNews(c, page.Patients, "news page: what is new (name, birth date, items)"); err != nil {
			return err
		}
	}
	return s.views.render(c, http.StatusOK, "news", s.page(c, "news.title", page))
}

// decideNews groups news items by patient (in the order of their newest item) and keeps, per patient,
// only what the access rules let the provider see at this moment: the provider's own active relationship,
// and an allowed decision for the item's category.
func (s *Server) decideNews(ctx context.Context, who access.Provider, mandate *access.Mandate, items []store.NewsItem, now time.Time) ([]patientNews, error) {
	var order []int64
	byPatient := map[int64][]store.NewsItem{}
	for _, it := range items {
		if _, ok := byPatient[it.PatientID]; !ok {
			order = append(order, it.PatientID)
		}
		byPatient[it.PatientID] = append(byPatient[it.PatientID], it)
	}
	var out []patientNews
	for _, id := range order {
		facts, err := s.store.PatientFacts(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(ownActiveRelationships(facts.Relationships, who, now)) == 0 {
			continue
		}
		decisions := s.policy.DecideAll(who, facts, now)
		if mandate != nil {
			// A colleague on a mandate hears only of what the mandate lets her see.
			decisions = access.LimitToMandate(decisions, *mandate)
		}
		main := mainDecision(decisions)
		if !main.Allowed {
			continue
		}
		entries := newsEntries(id, byPatient[id], decisions)
		if len(entries) == 0 {
			continue
		}
		p := facts.Patient
		out = append(out, patientNews{PublicID: p.PublicID, GivenNames: firstNonEmpty(p.GivenNames, p.Initials),
			FamilyName: strings.TrimSpace(p.FamilyPrefix + " " + p.FamilyName), BirthDate: p.BirthDate,
			Entries: entries, Latest: entries[0].At, basis: auditBasis(main.Basis), bsn: audit.PatientOf(p), shown: entriesShown(entries)})
	}
	return out, nil
}

// newsEntries turns one patient's news items (newest first) into the lines the screens show, leaving out
// every item whose category the decisions do not allow.
func newsEntries(patientID int64, items []store.NewsItem, decisions []access.Decision) []newsEntry {
	_ = patientID // the items carry their patient's public id, which the addresses use
	allowed := map[access.Category]bool{}
	for _, d := range decisions {
		allowed[d.Category] = d.Allowed
	}
	var entries []newsEntry
	labDay := map[string]int{} // day -> index in entries
	for _, it := range items {
		cat := newsCategory(it.Kind)
		if cat == "" || !allowed[cat] {
			continue
		}
		item := itemID(it.ItemKind, it.ItemID)
		switch it.Kind {
		case store.NewsLab:
			abnormal := 0
			lab := dossier.LabResult{Interpretation: it.Interpretation, ValueNum: it.ValueNum, RefLow: it.RefLow, RefHigh: it.RefHigh}
			if lab.Flag() != dossier.FlagNone {
				abnormal = 1
			}
			day := it.At.In(access.Amsterdam).Format(time.DateOnly)
			if i, ok := labDay[day]; ok {
				entries[i].Count++
				entries[i].Abnormal += abnormal
				entries[i].items = append(entries[i].items, item)
				continue
			}
			labDay[day] = len(entries)
			entries = append(entries, newsEntry{Kind: it.Kind, At: it.At, Count: 1, Abnormal: abnormal,
				Href: "/patients/" + it.PatientPublicID + "/lab", category: cat, items: []string{item}})
		case store.NewsLetter:
			entries = append(entries, newsEntry{Kind: it.Kind, At: it.At, Title: it.Title,
				Href: "/patients/" + it.PatientPublicID + "/letters/" + it.ItemPublicID, category: cat, items: []string{item}})
		case store.NewsReport:
			entries = append(entries, newsEntry{Kind: it.Kind, At: it.At, Title: it.Title,
				Href: "/patients/" + it.PatientPublicID + "/reports/" + it.ItemPublicID, category: cat, items: []string{item}})
		default:
			entries = append(entries, newsEntry{Kind: it.Kind, At: it.At, Title: it.Title,
				Href: "/patients/" + it.PatientPublicID + "/encounters", category: cat, items: []string{item}})
		}
	}
	return entries
}

// logNews writes one page-view record per patient whose news a page lists: the name and birth date
// (summary) and every item the page mentions, under its category.
func (s *Server) logNews(c echo.Context, patients []patientNews, detail string) error {
	if len(patients) == 0 {
		return nil
	}
	actor := s.actor(c)
	recs := make([]audit.Record, 0, len(patients))
	for _, p := range patients {
		rec := actor.PageView(p.bsn, newsShown(p.shown), p.basis)
		rec.Detail = detail
		recs = append(recs, rec)
	}
	return s.audit.AppendAll(c.Request().Context(), recs)
}

// newsShown is what a line of news shows, as the access log lists it: the summary (name, birth date)
// first, then the categories of the news in the portal's category order.
func newsShown(shown map[access.Category][]string) []audit.Shown {
	out := []audit.Shown{{Category: access.Summary}}
	for _, cat := range access.Categories {
		if items, ok := shown[cat]; ok && cat != access.Summary {
			out = append(out, audit.Shown{Category: cat, Items: items})
		}
	}
	return out
}

// markSeen remembers what a dossier page showed the provider, so that it is no longer news for them.
// The page has been logged and is about to be sent; a failure here costs only a mark that stays, so it
// is logged and the page still goes out.
func (s *Server) markSeen(c echo.Context, v *dossierView) {
	var items []store.SeenItem
	for _, ids := range v.shown {
		for _, id := range ids {
			kind, num, ok := strings.Cut(id, "/")
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil {
				continue // an attachment ("letter/3/attachment/4") is seen with its letter
			}
			items = append(items, store.SeenItem{Kind: kind, ID: n})
		}
	}
	if err := s.store.MarkSeen(c.Request().Context(), v.prov.UZINumber, v.patientID(), items, v.now); err != nil {
		s.logger.Error("what is new: could not remember what the provider saw", "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
}
