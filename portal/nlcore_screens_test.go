package portal_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/portaltest"
)

// zibSample reads one nl-core (zib 2020) example bundle from the shared samples (ZVP_SHARED_DIR, default
// ../shared next to the repository) and skips the test, saying so, when they are absent. So that the GP
// card may open the patient, it adds what a hospital's own systems add and the examples lack: the GP
// practice of the gp card (URA 90000101) as the patient's general practitioner, and the patient's consent
// for huisartsen. It leaves out the resources the portal rejects for reasons outside nl-core data
// (EpisodeOfCare without the portal's relationship kind, PractitionerRole without its practitioner).
func zibSample(t testing.TB, file string) []byte {
	t.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, err := filepath.Abs("..")
		if err != nil {
			t.Fatal(err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	path := filepath.Join(shared, "fhir-samples", "nictiz", "zib2020", file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("the shared nl-core samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", path)
	}
	var b map[string]any
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	var kept []any
	patientID := ""
	for _, e := range b["entry"].([]any) {
		r := e.(map[string]any)["resource"].(map[string]any)
		switch r["resourceType"] {
		case "EpisodeOfCare":
			continue
		case "PractitionerRole":
			if _, ok := r["practitioner"]; !ok {
				continue
			}
		case "Patient":
			patientID = r["id"].(string)
			r["generalPractitioner"] = []any{map[string]any{"reference": "Organization/test-gp-practice"}}
		}
		kept = append(kept, e)
	}
	kept = append(kept,
		map[string]any{"fullUrl": "https://example.nictiz.nl/fhir/Organization/test-gp-practice", "resource": map[string]any{
			"resourceType": "Organization", "id": "test-gp-practice", "name": "Huisartsenpraktijk De Linde",
			"identifier": []any{map[string]any{"system": fhir.SystemURA, "value": "90000101"}}},
			"request": map[string]any{"method": "PUT", "url": "Organization/test-gp-practice"}},
		map[string]any{"fullUrl": "https://example.nictiz.nl/fhir/Consent/test-consent-" + patientID, "resource": map[string]any{
			"resourceType": "Consent", "id": "test-consent-" + patientID, "status": "active",
			"scope":    map[string]any{"coding": []any{map[string]any{"system": fhir.SystemConsentScope, "code": "patient-privacy"}}},
			"category": []any{map[string]any{"coding": []any{map[string]any{"system": fhir.SystemLOINC, "code": "59284-0"}}}},
			"patient":  map[string]any{"reference": "Patient/" + patientID}, "dateTime": "2020-01-01",
			"performer": []any{map[string]any{"reference": "Patient/" + patientID}},
			"provision": map[string]any{"type": "permit", "actor": []any{map[string]any{
				"role":      map[string]any{"coding": []any{map[string]any{"system": fhir.SystemRecipientCategory, "code": "huisartsen"}}},
				"reference": map[string]any{"display": "huisartsen"}}}}},
			"request": map[string]any{"method": "PUT", "url": "Consent/test-consent-" + patientID}})
	b["entry"] = kept
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// nlcoreEnv starts a portal with the zib2020 example patient Johanna van Putten-van der Giessen
// (nl-core-Patient-01, BSN 111222333) and Jan Pietersen of the treatment-directive example (BSN
// 999911120), both with the gp card's practice as their GP and consent for huisartsen.
func nlcoreEnv(t testing.TB) *portaltest.Env {
	t.Helper()
	return portaltest.Start(t, portaltest.Options{Bundles: [][]byte{
		zibSample(t, "bundle-nl-core-Patient-01.json"),
		zibSample(t, "bundle-nl-core-TreatmentDirective2-02-Patient-01.json"),
	}})
}

const (
	bsnZibPatient   = "111222333"
	bsnZibDirective = "999911120"
)

// TestNLCoreBannerAndSummary: the banner of an nl-core patient shows the Dutch name as the zib records it
// (family name in use emphasised), the alert in force, the advance directives, and no ended directive; the
// summary shows the latest vital signs (blood pressure from its components) and the medical devices; the
// allergies carry criticality and reaction severity apart, in Dutch; a treatment directive "other" says
// what was agreed. Everything shown is in the access log.
func TestNLCoreBannerAndSummary(t *testing.T) {
	env := nlcoreEnv(t)
	gp := env.Client(t, devpki.CardGP)
	p := env.Patient(t, bsnZibPatient)
	before := lastID(t, env)
	resp := gp.Get(t, portaltest.PatientPath(p))
	checkPage(t, "summary", resp, http.StatusOK)
	for _, want := range []string{
		`Johanna Petronella Maria (Jo) <span class="patient-banner__family">van Putten-van der Giessen</span>`,
		"Waarschuwingen", "Drager van meticillineresistente Staphylococcus aureus", "sinds 1 juni 2010",
		"Wilsverklaringen", "Niet reanimeren verklaring", "Niet-reanimerenpenning", "Volmacht",
		"Vitale functies", "Bloeddruk", "125/75 mmHg", "Lichaamsgewicht", "2400 g", "Lichaamstemperatuur", "38,6 °C",
		"Zuurstofsaturatie", "92 %", "Polsfrequentie", "Hartfrequentie", "Lichaamslengte", "153 cm",
		"Hartritme", "Onregelmatige hartslag", "Polsritme", "onregelmatige pulsaties",
		`href="` + portaltest.PatientPath(p, "vitals", "blood-pressure") + `"`,
		"Medische hulpmiddelen", "pacemaker", "Paroxismaal boezemfibrilleren", "Gehoorapparaat", "Eerder gebruikt of gepland",
		"Penicilline", "reactie matig", "Kriticiteit (risico): hoog risico",
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, absent := range []string{"Opname op intensive care", "Zwangerschap", "Body weight", "Systolic blood pressure", "Behandelbeperkingen:"} {
		if strings.Contains(resp.Body, absent) {
			t.Errorf("summary shows %q (ended, inactive, or an English code display)", absent)
		}
	}
	logged := ""
	for _, r := range recordsSince(t, env, before) {
		if strings.HasPrefix(r.ObjectCategory, "summary") {
			logged = r.ObjectIDs
		}
	}
	for _, kind := range []string{"vital/", "device/", "alert/", "limit/"} {
		if !strings.Contains(logged, kind) {
			t.Errorf("the summary's access-log record lacks %s items: %q", kind, logged)
		}
	}

	allergies := gp.Get(t, portaltest.PatientPath(p, "allergies"))
	checkPage(t, "allergies", allergies, http.StatusOK)
	if strings.Contains(allergies.Body, "<td>, ") {
		t.Error("an allergy without type starts its kind with a comma")
	}
	for _, want := range []string{"Kriticiteit (risico)", "Ernst van de reactie", "hoog risico", "matig", "Exantheem"} {
		if !strings.Contains(allergies.Body, want) {
			t.Errorf("allergies lack %q", want)
		}
	}

	other := env.Patient(t, bsnZibDirective)
	resp = gp.Get(t, portaltest.PatientPath(other))
	checkPage(t, "summary of the directive example", resp, http.StatusOK)
	for _, want := range []string{"Behandelbeperkingen", "Cardiopulmonale resuscitatie — <strong>anders</strong>: eerst overleg met echtgenote",
		"besproken op 11 september 2012", "Jan Pieter Mark (Piet) <span class=\"patient-banner__family\">Pietersen</span>"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("directive banner lacks %q", want)
		}
	}
	en := gp.Get(t, portaltest.PatientPath(other)+"?lang=en")
	for _, want := range []string{"Treatment limits", "— <strong>other</strong>: eerst overleg met echtgenote", "discussed on 11 September 2012"} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("English banner lacks %q", want)
		}
	}
}

// TestVitalTrendPage: each kind of vital sign has a trend page under the summary category, with the chart
// and every value; a blood pressure draws systolic and diastolic; an unknown kind is not found.
func TestVitalTrendPage(t *testing.T) {
	env := nlcoreEnv(t)
	gp := env.Client(t, devpki.CardGP)
	p := env.Patient(t, bsnZibPatient)
	resp := gp.Get(t, portaltest.PatientPath(p, "vitals", "blood-pressure"))
	checkPage(t, "blood pressure trend", resp, http.StatusOK)
	for _, want := range []string{"Verloop: Bloeddruk", "<svg", "Systolische bloeddruk", "Diastolische bloeddruk", "125/75"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("trend page lacks %q", want)
		}
	}
	if got := strings.Count(resp.Body, "<svg"); got != 2 {
		t.Errorf("%d charts, want 2 (systolic and diastolic)", got)
	}
	resp = gp.Get(t, portaltest.PatientPath(p, "vitals", "temperature"))
	checkPage(t, "temperature trend", resp, http.StatusOK)
	if !strings.Contains(resp.Body, "38,6") || !strings.Contains(resp.Body, "°C") {
		t.Error("temperature trend lacks its value")
	}
	resp = gp.Get(t, portaltest.PatientPath(p, "vitals", "heart-rhythm"))
	checkPage(t, "heart rhythm (a finding, no chart)", resp, http.StatusOK)
	if !strings.Contains(resp.Body, "Onregelmatige hartslag") || strings.Contains(resp.Body, "<svg") {
		t.Error("heart rhythm page: the finding in the table, and no chart")
	}
	if resp := gp.Get(t, portaltest.PatientPath(p, "vitals", "cholesterol")); resp.Status != http.StatusNotFound {
		t.Errorf("unknown kind: status %d, want 404", resp.Status)
	}
	// A provider without relationship gets the closed page (as for an address of nobody), not the values.
	other := env.Client(t, devpki.CardGPOther)
	if resp := other.Get(t, portaltest.PatientPath(p, "vitals", "blood-pressure")); resp.Status != http.StatusNotFound || strings.Contains(resp.Body, "125/75") {
		t.Errorf("stranger: status %d", resp.Status)
	}
}

// BenchmarkNLCoreSummaryPage measures the summary of the nl-core example patient over mutual TLS: the
// banner with alerts and directives, the vital signs (paired per kind), 13 medical devices, 26 problems.
func BenchmarkNLCoreSummaryPage(b *testing.B) {
	env := nlcoreEnv(b)
	gp := env.Client(b, devpki.CardGP)
	path := portaltest.PatientPath(env.Patient(b, bsnZibPatient))
	gp.Get(b, path)
	b.ResetTimer()
	for b.Loop() {
		if resp := gp.Get(b, path); resp.Status != http.StatusOK {
			b.Fatalf("status %d", resp.Status)
		}
	}
}
