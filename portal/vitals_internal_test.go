package portal

import (
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

func TestVitalSeriesPairsBloodPressure(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	num := func(v float64) *float64 { return &v }
	id := func(s string) *string { return &s }
	all := []dossier.VitalSign{ // newest first, as the store reads them
		{ID: 1, CodeSystem: dossier.LOINC, Code: "8480-6", ValueNum: num(140), Unit: "mm[Hg]", EffectiveAt: at(12), FHIRID: id("bp2#8480-6")},
		{ID: 2, CodeSystem: dossier.LOINC, Code: "8462-4", ValueNum: num(90), Unit: "mm[Hg]", EffectiveAt: at(12), FHIRID: id("bp2#8462-4")},
		// Systolic and diastolic sent as separate observations: paired by their moment.
		{ID: 3, CodeSystem: dossier.LOINC, Code: "8480-6", ValueNum: num(120.5), Unit: "mm[Hg]", EffectiveAt: at(10), FHIRID: id("sys1")},
		{ID: 4, CodeSystem: dossier.LOINC, Code: "8462-4", ValueNum: num(80), Unit: "mm[Hg]", EffectiveAt: at(10), FHIRID: id("dia1")},
		// Half a blood pressure is left out.
		{ID: 5, CodeSystem: dossier.LOINC, Code: "8480-6", ValueNum: num(200), Unit: "mm[Hg]", EffectiveAt: at(8), FHIRID: id("bp0#8480-6")},
		{ID: 6, CodeSystem: dossier.LOINC, Code: "8310-5", ValueNum: num(38.6), Unit: "Cel", EffectiveAt: at(9)},
		{ID: 7, CodeSystem: dossier.LOINC, Code: "8310-5", ValueText: "niet gemeten", EffectiveAt: at(11)},
	}
	bp := vitalSeries("nl", all, dossier.VitalBloodPressure)
	if len(bp) != 2 || bp[0].Value != "140/90" || bp[1].Value != "120,5/80" || bp[0].Unit != "mmHg" {
		t.Fatalf("blood pressure series %+v", bp)
	}
	if en := vitalSeries("en", all, dossier.VitalBloodPressure); en[1].Value != "120.5/80" {
		t.Errorf("English decimal point: %q", en[1].Value)
	}
	temp := vitalSeries("nl", all, dossier.VitalTemperature)
	if len(temp) != 1 || temp[0].Value != "38,6" || temp[0].Unit != "°C" {
		t.Errorf("temperature %+v", temp)
	}
	rhythm := append([]dossier.VitalSign{{ID: 8, CodeSystem: dossier.SNOMED, Code: "301112006", ValueText: "Onregelmatige hartslag", EffectiveAt: at(13)}}, all...)
	if r := vitalSeries("nl", rhythm, dossier.VitalHeartRhythm); len(r) != 1 || r[0].Value != "Onregelmatige hartslag" {
		t.Errorf("a finding is shown by its text: %+v", r)
	}
	latest := latestVitals("nl", all)
	if len(latest) != 2 || latest[0].Kind != dossier.VitalBloodPressure || latest[0].Count != 2 || latest[1].Kind != dossier.VitalTemperature {
		t.Errorf("latest %+v", latest)
	}
	trend := vitalTrend("Systolische bloeddruk", dossier.VitalSystolic, all)
	if len(trend.Points) != 3 || trend.Points[0].Value != 200 || trend.Unit != "mmHg" {
		t.Errorf("systolic trend oldest first: %+v", trend)
	}
}
