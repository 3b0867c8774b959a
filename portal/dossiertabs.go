package portal

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/portal/dossier"
)

// The tabs of the dossier, one handler each. Every handler opens the dossier for its category (which
// refuses what the provider may not see), reads only its own data through the store's per-patient
// reads, records what it shows, and renders through renderDossier, which logs before it sends.

// summaryBody is the summary tab: the banner facts plus, per category the role may see, what is current.
type summaryBody struct {
	ShowProblems   bool
	Problems       []dossier.Condition
	ShowMedication bool
	Medication     []medicationRow
	ShowAllergies  bool
	Allergies      []dossier.Allergy
	NoneKnown      bool
	ShowEncounters bool
	// Admission is the current admission, or else the latest one.
	Admission       *dossier.Encounter
	Admitted        bool
	NextAppointment *dossier.Appointment
	ShowLetters     bool
	// DischargeLetter is the newest discharge letter: what a GP opens first after an admission.
	DischargeLetter *dossier.Letter
	// Vitals and Devices are the summary's nl-core blocks (vitals.go).
	Vitals  []vitalRow
	Devices medicalDevices
}

func (s *Server) showSummary(c echo.Context) error {
	v, err := s.openDossier(c, access.Summary)
	if v == nil {
		return err
	}
	ctx := c.Request().Context()
	var body summaryBody
	if err := s.summaryVitalsAndDevices(ctx, v, &body); err != nil {
		return err
	}
	if v.allows(access.Problems) {
		body.ShowProblems = true
		all, err := s.store.Conditions(ctx, v.patientID())
		if err != nil {
			return err
		}
		current, _ := splitConditions(all)
		body.Problems = current
		for _, p := range current {
			v.show(access.Problems, itemID("problem", p.ID))
		}
		v.show(access.Problems)
	}
	if v.allows(access.Medication) {
		body.ShowMedication = true
		if body.Medication, err = s.currentMedication(ctx, v); err != nil {
			return err
		}
	}
	if v.allows(access.Allergies) {
		body.ShowAllergies = true
		all, err := s.allergiesOf(ctx, v)
		if err != nil {
			return err
		}
		list := splitAllergies(all)
		body.Allergies, body.NoneKnown = list.Active, list.NoneKnown
	}
	if v.allows(access.Encounters) {
		body.ShowEncounters = true
		encounters, err := s.store.Encounters(ctx, v.patientID())
		if err != nil {
			return err
		}
		for i, e := range encounters {
			if e.Class == dossier.ClassInpatient && e.Status != "cancelled" && e.Status != "planned" {
				body.Admission, body.Admitted = &encounters[i], e.IsOpenAdmission()
				v.show(access.Encounters, itemID("encounter", e.ID))
				break
			}
		}
		appointments, err := s.store.Appointments(ctx, v.patientID())
		if err != nil {
			return err
		}
		if upcoming, _ := splitAppointments(appointments, v.now); len(upcoming) > 0 {
			body.NextAppointment = &upcoming[0]
			v.show(access.Encounters, itemID("appointment", upcoming[0].ID))
		}
		v.show(access.Encounters)
	}
	if v.allows(access.Letters) {
		body.ShowLetters = true
		letters, err := s.store.Letters(ctx, v.patientID())
		if err != nil {
			return err
		}
		for i, l := range letters {
			if l.Kind == dossier.LetterDischarge && l.Status != "entered-in-error" {
				body.DischargeLetter = &letters[i]
				v.show(access.Letters, itemID("letter", l.ID))
				break
			}
		}
		v.show(access.Letters)
	}
	return s.renderDossier(c, v, "dossier_summary", "dossier.summary.title", body)
}

// encountersBody is the encounters tab: admissions, operations and other procedures, appointments (the
// coming ones nearest first) and the other contacts.
type encountersBody struct {
	Admissions []dossier.Encounter
	Visits     []dossier.Encounter
	Procedures []dossier.Procedure
	Upcoming   []dossier.Appointment
	Past       []dossier.Appointment
}

func (s *Server) showEncounters(c echo.Context) error {
	v, err := s.openDossier(c, access.Encounters)
	if v == nil {
		return err
	}
	ctx := c.Request().Context()
	encounters, err := s.store.Encounters(ctx, v.patientID())
	if err != nil {
		return err
	}
	procedures, err := s.store.Procedures(ctx, v.patientID())
	if err != nil {
		return err
	}
	appointments, err := s.store.Appointments(ctx, v.patientID())
	if err != nil {
		return err
	}
	var body encountersBody
	for _, e := range encounters {
		if e.Class == dossier.ClassInpatient {
			body.Admissions = append(body.Admissions, e)
		} else {
			body.Visits = append(body.Visits, e)
		}
		v.show(access.Encounters, itemID("encounter", e.ID))
	}
	for _, p := range procedures {
		if p.Status == "entered-in-error" {
			continue
		}
		body.Procedures = append(body.Procedures, p)
		v.show(access.Encounters, itemID("procedure", p.ID))
	}
	body.Upcoming, body.Past = splitAppointments(appointments, v.now)
	for _, a := range appointments {
		v.show(access.Encounters, itemID("appointment", a.ID))
	}
	return s.renderDossier(c, v, "dossier_encounters", "dossier.encounters.title", body)
}

// splitAppointments separates the coming appointments (nearest first) from the past ones (latest first);
// cancelled coming appointments stay with the past ones, they will not happen.
func splitAppointments(all []dossier.Appointment, now time.Time) (upcoming, past []dossier.Appointment) {
	for _, a := range all {
		if !a.StartAt.Before(now) && a.Status != "cancelled" && a.Status != "noshow" && a.Status != "entered-in-error" {
			upcoming = append(upcoming, a)
		} else {
			past = append(past, a)
		}
	}
	slices.SortStableFunc(upcoming, func(a, b dossier.Appointment) int { return a.StartAt.Compare(b.StartAt) })
	return upcoming, past
}

// problemsBody is the problems tab: what is current, and the history, as two groups.
type problemsBody struct {
	Groups []conditionGroup
}

// conditionGroup is one table of the problems tab; Key is "current" or "past".
type conditionGroup struct {
	Key   string
	Items []dossier.Condition
}

func (s *Server) showProblems(c echo.Context) error {
	v, err := s.openDossier(c, access.Problems)
	if v == nil {
		return err
	}
	all, err := s.store.Conditions(c.Request().Context(), v.patientID())
	if err != nil {
		return err
	}
	current, past := splitConditions(all)
	body := problemsBody{Groups: []conditionGroup{{Key: "current", Items: current}, {Key: "past", Items: past}}}
	for _, g := range body.Groups {
		for _, p := range g.Items {
			v.show(access.Problems, itemID("problem", p.ID))
		}
	}
	return s.renderDossier(c, v, "dossier_problems", "dossier.problems.title", body)
}

// splitConditions separates current problems from past ones and leaves out what was entered in error.
func splitConditions(all []dossier.Condition) (current, past []dossier.Condition) {
	for _, p := range all {
		switch {
		case p.VerificationStatus == "entered-in-error" || p.VerificationStatus == "refuted":
			continue
		case p.ClinicalStatus == "active" || p.ClinicalStatus == "recurrence" || p.ClinicalStatus == "relapse" || p.ClinicalStatus == "":
			current = append(current, p)
		default:
			past = append(past, p)
		}
	}
	return current, past
}

// allergyList is what the allergies tab and the summary say: the allergies to reckon with, whether "no
// known allergies" was recorded, and entries that no longer count. Nothing at all means unknown, which
// the screens say differently from "none known".
type allergyList struct {
	Active    []dossier.Allergy
	NoneKnown bool
	// NoneKnownAt is when "no known allergies" was recorded.
	NoneKnownAt *time.Time
	Inactive    []dossier.Allergy
}

func splitAllergies(all []dossier.Allergy) allergyList {
	var l allergyList
	for _, a := range all {
		switch {
		case a.VerificationStatus == "entered-in-error":
		case !countsAsAllergy(a):
			l.Inactive = append(l.Inactive, a)
		case a.IsNoKnownAllergy():
			l.NoneKnown, l.NoneKnownAt = true, a.RecordedAt
		default:
			l.Active = append(l.Active, a)
		}
	}
	if len(l.Active) > 0 {
		l.NoneKnown = false // a recorded allergy wins over an older "none known"
	}
	return l
}

func (s *Server) showAllergies(c echo.Context) error {
	v, err := s.openDossier(c, access.Allergies)
	if v == nil {
		return err
	}
	all, err := s.allergiesOf(c.Request().Context(), v)
	if err != nil {
		return err
	}
	body := splitAllergies(all)
	for _, a := range body.Inactive {
		v.show(access.Allergies, itemID("allergy", a.ID))
	}
	return s.renderDossier(c, v, "dossier_allergies", "dossier.allergies.title", body)
}

func timeOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// labRow is one lab value as the tables show it: formatted in the reader's language, with its flag as
// an arrow, a colour and a word.
type labRow struct {
	ID int64
	// PublicID is the id of the trend page's address (the overview links each test's latest result).
	PublicID string
	Test     string
	Value    string
	Unit     string
	Range    string
	Flag     LabFlag
	// When is the moment of the result as the tables show it, formatted once here rather than by a
	// template call per cell.
	When string
	// Badge is the status badge of the full table, looked up once per row.
	Badge Badge
	// Count is, in the overview, how many results the test has.
	Count int
}

// newLabRow formats one result: "6,4" in Dutch and "6.4" in English, a comparator kept ("< 5"), the
// reference range from the laboratory's text when it gave one.
func newLabRow(lang string, r dossier.LabResult) labRow {
	row := labRow{ID: r.ID, PublicID: r.PublicID, Test: r.Display, Unit: r.Unit, When: formatDateTime(lang, r.EffectiveAt),
		Badge: StatusBadge(r.Status), Flag: LabFlagOf(r.Interpretation, r.ValueNum, r.RefLow, r.RefHigh)}
	switch {
	case r.ValueNum != nil:
		row.Value = strings.TrimSpace(r.Comparator + " " + formatNumber(lang, *r.ValueNum))
	default:
		row.Value = r.ValueText
	}
	switch {
	case r.RefText != "":
		row.Range = r.RefText
	case r.RefLow != nil && r.RefHigh != nil:
		row.Range = formatNumber(lang, *r.RefLow) + " – " + formatNumber(lang, *r.RefHigh)
	case r.RefHigh != nil:
		row.Range = "≤ " + formatNumber(lang, *r.RefHigh)
	case r.RefLow != nil:
		row.Range = "≥ " + formatNumber(lang, *r.RefLow)
	}
	return row
}

// formatNumber writes a stored value as the laboratory sent it (no rounding, no float noise), with a
// decimal comma in Dutch.
func formatNumber(lang string, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// labBody is the lab tab: the latest value of each test (with the way to its trend) and every result.
type labBody struct {
	Latest []labRow
	All    []labRow
}

// labTestKey groups results of the same test.
func labTestKey(r dossier.LabResult) string { return r.CodeSystem + "|" + r.Code }

// newLabBody builds the lab tab from the results, newest first: every result in the full table, and per
// test its latest result with the number of results in the overview (sorted by test name). shown is called
// with the id of every result the page will show, for the access log.
func newLabBody(lang string, results []dossier.LabResult, shown func(id int64)) labBody {
	var body labBody
	latest := map[string]int{} // test -> index in body.Latest
	for _, r := range results {
		row := newLabRow(lang, r)
		body.All = append(body.All, row)
		shown(r.ID)
		if i, ok := latest[labTestKey(r)]; ok {
			body.Latest[i].Count++
			continue
		}
		latest[labTestKey(r)] = len(body.Latest)
		row.Count = 1
		body.Latest = append(body.Latest, row)
	}
	slices.SortStableFunc(body.Latest, func(a, b labRow) int { return strings.Compare(strings.ToLower(a.Test), strings.ToLower(b.Test)) })
	return body
}

func (s *Server) showLab(c echo.Context) error {
	v, err := s.openDossier(c, access.Lab)
	if v == nil {
		return err
	}
	results, err := s.store.LabResults(c.Request().Context(), v.patientID())
	if err != nil {
		return err
	}
	body := newLabBody(v.lang, results, func(id int64) { v.show(access.Lab, itemID("lab", id)) })
	return s.renderDossier(c, v, "dossier_lab", "dossier.lab.title", body)
}

// labTrendBody is one test over time: the chart and the series as a table, so that the values are there
// for everyone (a screen reader, a printout) whatever the chart shows.
type labTrendBody struct {
	Test  string
	Unit  string
	Trend chart.Trend
	// Drawn says whether there are numbers to draw; text-only results have only the table.
	Drawn bool
	// OtherUnits says that results in another unit were left out of the chart (never mixed into it).
	OtherUnits bool
	Rows       []labRow
}

func (s *Server) showLabTrend(c echo.Context) error {
	v, err := s.openDossier(c, access.Lab)
	if v == nil {
		return err
	}
	ctx := c.Request().Context()
	rid, err := pathPublicID(c, "rid")
	if err != nil {
		return s.itemNotFound(c, v, access.Lab, err)
	}
	one, err := s.store.LabResult(ctx, v.patientID(), rid)
	if err != nil {
		return s.itemNotFound(c, v, access.Lab, err)
	}
	series, err := s.store.LabSeries(ctx, v.patientID(), one.CodeSystem, one.Code)
	if err != nil {
		return err
	}
	body := labTrendBody{Test: one.Display, Unit: one.Unit}
	if len(series) > 0 {
		last := series[len(series)-1]
		body.Test, body.Unit = last.Display, last.Unit
		body.Trend = chart.Trend{ID: "lab-trend-" + strconv.FormatInt(last.ID, 10), Test: last.Display, Unit: last.Unit, Range: chartRange(last)}
	}
	for i := len(series) - 1; i >= 0; i-- {
		r := series[i]
		body.Rows = append(body.Rows, newLabRow(v.lang, r))
		v.show(access.Lab, itemID("lab", r.ID))
		if r.ValueNum == nil {
			continue
		}
		if r.Unit != body.Unit {
			body.OtherUnits = true
			continue
		}
		body.Trend.Points = append(body.Trend.Points, chart.Point{Time: r.EffectiveAt, Value: *r.ValueNum, Flag: chartFlag(r)})
	}
	body.Drawn = len(body.Trend.Points) > 0
	return s.renderDossier(c, v, "dossier_lab_trend", "dossier.lab.trend_title", body)
}

// chartRange is the reference band of a result.
func chartRange(r dossier.LabResult) chart.Range {
	switch {
	case r.RefLow != nil && r.RefHigh != nil:
		return chart.Between(*r.RefLow, *r.RefHigh)
	case r.RefHigh != nil:
		return chart.AtMost(*r.RefHigh)
	case r.RefLow != nil:
		return chart.AtLeast(*r.RefLow)
	}
	return chart.Range{}
}

// chartFlag carries the laboratory's own interpretation into the chart (its range may differ from the
// band drawn); without one the chart compares with the band.
func chartFlag(r dossier.LabResult) chart.Flag {
	if strings.TrimSpace(r.Interpretation) == "" {
		return chart.FlagAuto
	}
	switch LabFlagOf(r.Interpretation, r.ValueNum, r.RefLow, r.RefHigh) {
	case LabHigh, LabCriticalHigh:
		return chart.FlagHigh
	case LabLow, LabCriticalLow:
		return chart.FlagLow
	case LabNormal:
		return chart.FlagNormal
	}
	return chart.FlagAuto
}

// imagingBody is the imaging tab: the studies; the images themselves stay in the hospital's PACS.
type imagingBody struct {
	Studies []dossier.ImagingStudy
}

func (s *Server) showImaging(c echo.Context) error {
	v, err := s.openDossier(c, access.Imaging)
	if v == nil {
		return err
	}
	studies, err := s.store.ImagingStudies(c.Request().Context(), v.patientID())
	if err != nil {
		return err
	}
	for _, st := range studies {
		v.show(access.Imaging, itemID("imaging", st.ID))
	}
	return s.renderDossier(c, v, "dossier_imaging", "dossier.imaging.title", imagingBody{Studies: studies})
}
