package portal

import (
	"bytes"
	"testing"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/uzi"
)

// BenchmarkRenderAccessPage renders the patient access page (layout, navigation, the decision per
// category) for a GP with access: the template part of a page view.
func BenchmarkRenderAccessPage(b *testing.B) {
	r, err := newRenderer()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkPage(b, r, "patient_access", accessPageFixture(time.Now()))
}

// accessPageFixture is the access page of benchPatient for its GP.
func accessPageFixture(now time.Time) Page {
	facts, who := benchPatient(now)
	pol := access.DefaultPolicy()
	page := accessPage{PatientPublicID: facts.Patient.PublicID, Decisions: pol.DecideAll(who, facts, now), Emergency: pol.CanRequestEmergency(who, facts, now)}
	page.Main = mainDecision(page.Decisions)
	page.Allowed, page.Patient, page.Age = page.Main.Allowed, &facts.Patient, facts.Patient.AgeAt(now)
	return Page{Title: "Toegang", Path: "/patients/7/access", Now: now, Data: page}
}

// benchPatient is the patient of the render benchmarks: registered with a GP practice, consent given,
// and the practice's GP who opens the dossier.
func benchPatient(now time.Time) (access.PatientFacts, access.Provider) {
	ura := "90000101"
	return access.PatientFacts{
		Patient: access.Patient{ID: 7, PublicID: "xqmtvhzgkrnlpswjxqmtvhzgkrnlpswj", BSN: "999990020", PatientNumber: "P7", FamilyName: "Jansen", FamilyPrefix: "de",
			GivenNames: "Piet", BirthDate: time.Date(1950, 3, 4, 0, 0, 0, 0, time.UTC), Sex: access.SexMale},
		Relationships: []access.Relationship{{ID: 1, PatientID: 7, HolderKind: access.HolderOrganisation, HolderURA: &ura,
			HolderName: "De Linde", Kind: access.RegisteredGP, ValidFrom: now.Add(-time.Hour)}},
		Consents: []access.Consent{{ID: 1, PatientID: 7, Category: access.Huisartsen, Status: access.ConsentGranted,
			RegisteredBy: access.ByPatient, Channel: access.ChannelDesk, GivenAt: now.Add(-time.Minute)}},
	}, access.Provider{AGB: "01012345", URA: ura, Role: "01.015"}
}

// benchmarkPage renders one page for a GP in Dutch, again and again, and reports its size.
func benchmarkPage(b *testing.B, r *renderer, name string, p Page) {
	p.Lang, p.Hospital, p.CSRF = "nl", "Ziekenhuis Rivierenland", "token"
	p.Provider = &auth.Provider{Identity: uzi.Identity{UZINumber: "900100001", GivenName: "Anna", Surname: "de Vries",
		CommonName: "Anna de Vries", RoleCode: "01.015"}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.pages[p.Lang][name].ExecuteTemplate(&buf, "base", p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// BenchmarkRenderLabPage renders the lab tab of a patient with 16 results of 8 tests (every other one out
// of range), the banner with an allergy and a treatment limit, and the tabs of a GP: the template part of
// the page the load command views, which is most of the page's CPU after the access-log write.
func BenchmarkRenderLabPage(b *testing.B) {
	r, err := newRenderer()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkPage(b, r, "dossier_lab", labPageFixture("nl", time.Now()))
}

// labPageFixture is the lab tab of benchPatient for its GP: 16 results of 8 tests, every other one out of
// range, an allergy and a treatment limit in the banner.
func labPageFixture(lang string, now time.Time) Page {
	tests := []string{"Hemoglobine", "Kreatinine", "eGFR", "Kalium", "Natrium", "CRP", "Glucose", "Leukocyten"}
	var results []dossier.LabResult
	for i := range 16 {
		value, low, high := 4.0+float64(i)/3, 4.5, 7.5
		results = append(results, dossier.LabResult{ID: int64(100 + i), PatientID: 7, CodeSystem: "http://loinc.org",
			Code: "718-" + tests[i%8], Display: tests[i%8], ValueNum: &value, Unit: "mmol/L", RefLow: &low, RefHigh: &high,
			Status: "final", EffectiveAt: now.Add(-time.Duration(i) * 24 * time.Hour)})
	}
	body := newLabBody(lang, results, func(int64) {})
	facts, who := benchPatient(now)
	patient := facts.Patient
	decisions := access.DefaultPolicy().DecideAll(who, facts, now)
	var permitted []access.Category
	for _, d := range decisions {
		if d.Allowed {
			permitted = append(permitted, d.Category)
		}
	}
	data := dossierPage{PatientPublicID: patient.PublicID, Category: access.Lab, Basis: decisions[0], Body: body,
		Banner: NewPatientBanner(patient, BannerClinical{Allergies: []string{"Penicilline"}, TreatmentLimits: []string{"Niet reanimeren"}}, now),
		Tabs:   DossierTabs(permitted, access.Lab, func(c access.Category) string { return dossierHref(patient, c) })}
	return Page{Title: "Labuitslagen", Path: "/patients/7/lab", Now: now, Data: data}
}
