package portal

import (
	"bytes"
	"testing"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/uzi"
)

// BenchmarkRenderAccessPage renders the patient access page (layout, navigation, the decision per
// category) for a GP with access: the template part of a page view.
func BenchmarkRenderAccessPage(b *testing.B) {
	r, err := newRenderer()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	ura := "90000101"
	facts := access.PatientFacts{
		Patient: access.Patient{ID: 7, BSN: "999990020", PatientNumber: "P7", FamilyName: "Jansen", FamilyPrefix: "de", GivenNames: "Piet",
			BirthDate: time.Date(1950, 3, 4, 0, 0, 0, 0, time.UTC), Sex: access.SexMale},
		Relationships: []access.Relationship{{ID: 1, PatientID: 7, HolderKind: access.HolderOrganisation, HolderURA: &ura, HolderName: "De Linde",
			Kind: access.RegisteredGP, ValidFrom: now.Add(-time.Hour)}},
		Consents: []access.Consent{{ID: 1, PatientID: 7, Category: access.Huisartsen, Status: access.ConsentGranted, RegisteredBy: access.ByPatient,
			Channel: access.ChannelDesk, GivenAt: now.Add(-time.Minute)}},
	}
	who := access.Provider{AGB: "01012345", URA: ura, Role: "01.015"}
	pol := access.DefaultPolicy()
	page := accessPage{PatientID: 7, Decisions: pol.DecideAll(who, facts, now), Emergency: pol.CanRequestEmergency(who, facts, now)}
	page.Main = mainDecision(page.Decisions)
	page.Allowed, page.Patient, page.Age = page.Main.Allowed, &facts.Patient, facts.Patient.AgeAt(now)
	prov := &auth.Provider{Identity: uzi.Identity{UZINumber: "900100001", GivenName: "Anna", Surname: "de Vries", CommonName: "Anna de Vries", RoleCode: "01.015"}}
	p := Page{Lang: "nl", Title: "Toegang", Hospital: "Ziekenhuis Rivierenland", Provider: prov, CSRF: "token", Path: "/patients/7/access", Now: now, Data: page}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.pages["patient_access"].ExecuteTemplate(&buf, "base", p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
