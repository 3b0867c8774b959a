package portal

import (
	"context"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/portal/dossier"
)

// Vital signs (zibs BloodPressure, BodyWeight, BodyHeight, BodyTemperature, HeartRate, PulseRate,
// O2Saturation, ...) belong to the summary category of the role matrix: the Basisgegevensset Zorg (BgZ)
// counts blood pressure, weight and height among the basic data every provider gets, a pharmacist doses
// by weight and height, and a home-care nurse watches pulse and temperature; every role that may see the
// patient at all sees the summary. The summary shows the latest value of each kind; each kind has a
// trend page drawn with the lab trend chart.

// vitalRow is one vital sign as the summary and the trend table show it.
type vitalRow struct {
	Kind dossier.VitalKind
	// Value is formatted in the reader's language; a blood pressure reads "125/75".
	Value string
	Unit  string
	When  string
	At    time.Time
	// Count is, on the summary, how many measurements of the kind there are.
	Count int
	ids   []int64
}

// vitalUnits writes UCUM unit codes the way a Dutch clinician reads them.
var vitalUnits = map[string]string{
	"Cel": "°C", "[degF]": "°F", "mm[Hg]": "mmHg", "/min": "/min", "{beats}/min": "/min", "{breaths}/min": "/min",
	"kg": "kg", "g": "g", "gram": "g", "cm": "cm", "m": "m", "%": "%", "kg/m2": "kg/m²",
}

func vitalUnit(u string) string {
	if d, ok := vitalUnits[strings.TrimSpace(u)]; ok {
		return d
	}
	return strings.TrimSpace(u)
}

// observationOf is the observation a stored row came from: a blood pressure's components are stored as
// "<observation id>#<component code>" (portal/fhir/observation.go).
func observationOf(v dossier.VitalSign) string {
	if v.FHIRID == nil {
		return ""
	}
	id, _, _ := strings.Cut(*v.FHIRID, "#")
	return id
}

// vitalSeries turns a patient's vital signs (newest first, as the store reads them) into rows of one
// kind, newest first. A blood pressure pairs the systolic and diastolic values of one observation (or,
// when they came as separate observations, of one moment); values without a number are left out.
func vitalSeries(lang string, all []dossier.VitalSign, kind dossier.VitalKind) []vitalRow {
	var rows []vitalRow
	if kind != dossier.VitalBloodPressure {
		for _, v := range all {
			if v.Kind() != kind {
				continue
			}
			value := ""
			switch {
			case v.ValueNum != nil:
				value = formatNumber(lang, *v.ValueNum)
			case kind.IsFinding():
				value = strings.TrimSpace(v.ValueText) // "Onregelmatige hartslag": a finding is its text
			}
			if value == "" {
				continue
			}
			rows = append(rows, vitalRow{Kind: kind, Value: value, Unit: vitalUnit(v.Unit),
				When: formatDateTime(lang, v.EffectiveAt), At: v.EffectiveAt, ids: []int64{v.ID}})
		}
		return rows
	}
	type pair struct {
		sys, dia *dossier.VitalSign
	}
	var order []string
	pairs := map[string]*pair{}
	for i := range all {
		v := &all[i]
		k := v.Kind()
		if (k != dossier.VitalSystolic && k != dossier.VitalDiastolic) || v.ValueNum == nil {
			continue
		}
		key := observationOf(*v)
		if key == "" || !strings.Contains(derefString(v.FHIRID), "#") {
			key = "at " + v.EffectiveAt.UTC().Format(time.RFC3339)
		}
		p, ok := pairs[key]
		if !ok {
			p = &pair{}
			pairs[key] = p
			order = append(order, key)
		}
		if k == dossier.VitalSystolic && p.sys == nil {
			p.sys = v
		} else if k == dossier.VitalDiastolic && p.dia == nil {
			p.dia = v
		}
	}
	for _, key := range order {
		p := pairs[key]
		if p.sys == nil || p.dia == nil {
			continue // half a blood pressure is not a blood pressure
		}
		rows = append(rows, vitalRow{Kind: kind,
			Value: formatNumber(lang, *p.sys.ValueNum) + "/" + formatNumber(lang, *p.dia.ValueNum),
			Unit:  vitalUnit(p.sys.Unit), When: formatDateTime(lang, p.sys.EffectiveAt), At: p.sys.EffectiveAt,
			ids: []int64{p.sys.ID, p.dia.ID}})
	}
	return rows
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// latestVitals is the summary's block: per kind, in the clinician's order, the latest measurement and
// how many there are.
func latestVitals(lang string, all []dossier.VitalSign) []vitalRow {
	var out []vitalRow
	for _, kind := range dossier.VitalKinds {
		series := vitalSeries(lang, all, kind)
		if len(series) == 0 {
			continue
		}
		latest := series[0]
		latest.Count = len(series)
		out = append(out, latest)
	}
	return out
}

// vitalTrendBody is the trend page of one kind of vital sign: the chart (two for a blood pressure) and
// the series as a table.
type vitalTrendBody struct {
	Kind   dossier.VitalKind
	Trends []chart.Trend
	Rows   []vitalRow
}

// showVitalTrend is the trend page of one kind; routes.go registers one address per kind.
func (s *Server) showVitalTrend(kind dossier.VitalKind) echo.HandlerFunc {
	return func(c echo.Context) error { return s.vitalTrend(c, kind) }
}

func (s *Server) vitalTrend(c echo.Context, kind dossier.VitalKind) error {
	v, err := s.openDossier(c, access.Summary)
	if v == nil {
		return err
	}
	all, err := s.store.VitalSigns(c.Request().Context(), v.patientID())
	if err != nil {
		return err
	}
	body := vitalTrendBody{Kind: kind, Rows: vitalSeries(v.lang, all, kind)}
	for _, r := range body.Rows {
		for _, id := range r.ids {
			v.show(access.Summary, itemID("vital", id))
		}
	}
	name := s.views.catalog.T(v.lang, "vital.kind."+string(kind))
	if kind == dossier.VitalBloodPressure {
		for _, part := range []dossier.VitalKind{dossier.VitalSystolic, dossier.VitalDiastolic} {
			body.Trends = append(body.Trends, vitalTrend(s.views.catalog.T(v.lang, "vital.kind."+string(part)), part, all))
		}
	} else {
		body.Trends = append(body.Trends, vitalTrend(name, kind, all))
	}
	kept := body.Trends[:0]
	for _, t := range body.Trends {
		if len(t.Points) > 0 {
			kept = append(kept, t)
		}
	}
	body.Trends = kept
	return s.renderDossier(c, v, "dossier_vital_trend", "vital.trend_title", body)
}

// vitalTrend draws one kind in the unit of its latest value; values in another unit are left out of the
// chart (the table shows them), as the lab trend does. Vital signs come without a reference range, and
// the portal does not invent one: norms depend on age and condition.
func vitalTrend(name string, kind dossier.VitalKind, all []dossier.VitalSign) chart.Trend {
	t := chart.Trend{ID: "vital-trend-" + string(kind), Test: name}
	for i := len(all) - 1; i >= 0; i-- {
		r := all[i]
		if r.Kind() != kind || r.ValueNum == nil {
			continue
		}
		t.Unit = vitalUnit(r.Unit)
	}
	for i := len(all) - 1; i >= 0; i-- {
		r := all[i]
		if r.Kind() != kind || r.ValueNum == nil || vitalUnit(r.Unit) != t.Unit {
			continue
		}
		t.Points = append(t.Points, chart.Point{Time: r.EffectiveAt, Value: *r.ValueNum, Flag: chart.FlagNormal})
	}
	return t
}

// vitalHref is the address of a kind's trend page.
func vitalHref(patientPublicID string, kind dossier.VitalKind) string {
	return "/patients/" + patientPublicID + "/vitals/" + string(kind)
}

// medicalDevices is the summary's block of medical aids and implants (zib MedicalDevice). They belong to
// the summary category: the BgZ counts them among the basic data, and whoever sees the patient must know
// of a pacemaker (MRI), a hearing aid (talking to the patient) or a wheelchair (a home visit) whatever
// their role.
type medicalDevices struct {
	InUse []dossier.MedicalDevice
	// Other are devices no longer used, or planned: history, shown folded.
	Other []dossier.MedicalDevice
}

// summaryVitalsAndDevices fills the summary's vital-signs and medical-device blocks and records them for
// the access log.
func (s *Server) summaryVitalsAndDevices(ctx context.Context, v *dossierView, body *summaryBody) error {
	vitals, err := s.store.VitalSigns(ctx, v.patientID())
	if err != nil {
		return err
	}
	body.Vitals = latestVitals(v.lang, vitals)
	for _, r := range body.Vitals {
		for _, id := range r.ids {
			v.show(access.Summary, itemID("vital", id))
		}
	}
	devices, err := s.store.MedicalDevices(ctx, v.patientID())
	if err != nil {
		return err
	}
	for _, d := range devices {
		if d.InUse(v.now) {
			body.Devices.InUse = append(body.Devices.InUse, d)
		} else {
			body.Devices.Other = append(body.Devices.Other, d)
		}
		v.show(access.Summary, itemID("device", d.ID))
	}
	return nil
}
