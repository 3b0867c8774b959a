package demodata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/demodata"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

var now = time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	a, _ := json.Marshal(demodata.Generate(now))
	b, _ := json.Marshal(demodata.Generate(now))
	if !bytes.Equal(a, b) {
		t.Fatal("two generations at the same moment differ")
	}
	c, _ := json.Marshal(demodata.Generate(now.AddDate(0, 0, 1)))
	if bytes.Equal(a, c) {
		t.Fatal("the demo world does not move with the date (admissions, ages and consents are relative to now)")
	}
}

// world imports the demo data set into a fresh database and gives everything the checks below need.
type world struct {
	st       *store.Store
	patients []access.Patient
	results  []fhir.Result
}

func importWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	im := fhir.NewImporter(st, audit.New(st))
	im.Now = func() time.Time { return now }
	results, err := demodata.Import(ctx, im, now)
	if err != nil {
		t.Fatal(err)
	}
	patients, err := st.AllPatients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return world{st: st, patients: patients, results: results}
}

func TestDemoDataSet(t *testing.T) {
	ctx := context.Background()
	w := importWorld(t)

	t.Run("patients", func(t *testing.T) {
		if len(w.patients) < 24 {
			t.Fatalf("%d patients, want at least 24", len(w.patients))
		}
		bsns := map[string]bool{}
		ages := map[string]int{}
		prefixes, deceased := 0, 0
		for _, p := range w.patients {
			if !access.ValidBSN(p.BSN) || !strings.HasPrefix(p.BSN, "9999") || p.BSNSynthetic || bsns[p.BSN] {
				t.Errorf("BSN %s of %s: want a unique, real (not synthetic) 9999 test BSN passing the elfproef", p.BSN, p.FamilyName)
			}
			bsns[p.BSN] = true
			if p.FamilyPrefix != "" {
				prefixes++
			}
			if p.Deceased {
				deceased++
			}
			switch age := p.AgeOn(now); {
			case age < 12:
				ages["under 12"]++
			case age < 16:
				ages["12-15"]++
			case age < 18:
				ages["16-17"]++
			}
		}
		if prefixes < 8 || deceased != 1 || ages["under 12"] == 0 || ages["12-15"] == 0 || ages["16-17"] == 0 {
			t.Errorf("voorvoegsels %d, deceased %d, minors %v", prefixes, deceased, ages)
		}
	})

	type dossierOf struct {
		p       access.Patient
		encs    []dossier.Encounter
		labs    []dossier.LabResult
		meds    []dossier.Medication
		all     []dossier.Allergy
		conds   []dossier.Condition
		appts   []dossier.Appointment
		procs   []dossier.Procedure
		letters []dossier.Letter
		reports []dossier.Report
		imaging []dossier.ImagingStudy
		limits  []dossier.TreatmentLimit
		rels    []access.Relationship
		cons    []access.Consent
	}
	var ds []dossierOf
	for _, p := range w.patients {
		d := dossierOf{p: p}
		d.encs, _ = w.st.Encounters(ctx, p.ID)
		d.labs, _ = w.st.LabResults(ctx, p.ID)
		d.meds, _ = w.st.Medications(ctx, p.ID)
		d.all, _ = w.st.Allergies(ctx, p.ID)
		d.conds, _ = w.st.Conditions(ctx, p.ID)
		d.appts, _ = w.st.Appointments(ctx, p.ID)
		d.procs, _ = w.st.Procedures(ctx, p.ID)
		d.letters, _ = w.st.Letters(ctx, p.ID)
		d.reports, _ = w.st.Reports(ctx, p.ID)
		d.imaging, _ = w.st.ImagingStudies(ctx, p.ID)
		d.limits, _ = w.st.TreatmentLimits(ctx, p.ID)
		d.rels, _ = w.st.RelationshipHistory(ctx, p.ID)
		d.cons, _ = w.st.ConsentHistory(ctx, p.ID)
		ds = append(ds, d)
	}

	t.Run("admissions", func(t *testing.T) {
		open, recent, old := 0, 0, 0
		for _, d := range ds {
			for _, e := range d.encs {
				switch {
				case e.IsOpenAdmission():
					open++
				case e.Class == dossier.ClassInpatient && e.EndAt != nil && now.Sub(*e.EndAt) < 14*24*time.Hour:
					recent++
				case e.Class == dossier.ClassInpatient && now.Sub(e.StartAt) > 365*24*time.Hour:
					old++
				}
			}
		}
		if open != 1 || recent < 3 || old < 1 {
			t.Errorf("admissions: %d current (want 1), %d discharged in the last two weeks (want >= 3), %d older than a year", open, recent, old)
		}
	})

	t.Run("lab trends", func(t *testing.T) {
		found := map[string]bool{}
		for _, d := range ds {
			series := map[string][]dossier.LabResult{}
			for _, r := range d.labs {
				if r.RefLow == nil && r.RefHigh == nil {
					t.Errorf("%s %s has no reference range", d.p.FamilyName, r.Display)
				}
				if r.CodeSystem != fhir.SystemLOINC || r.Unit == "" {
					t.Errorf("%s %s: code system %q, unit %q", d.p.FamilyName, r.Display, r.CodeSystem, r.Unit)
				}
				series[r.Code] = append(series[r.Code], r)
			}
			egfr, err := w.st.LabSeries(ctx, d.p.ID, fhir.SystemLOINC, "62238-1")
			if err == nil && len(egfr) >= 6 && *egfr[0].ValueNum > *egfr[len(egfr)-1].ValueNum+10 && egfr[len(egfr)-1].Flag() == dossier.FlagLow &&
				egfr[len(egfr)-1].EffectiveAt.Sub(egfr[0].EffectiveAt) > 180*24*time.Hour {
				found["eGFR falling over months"] = true
			}
			for code, name := range map[string]string{"14682-9": "creatinine", "59261-8": "HbA1c", "2823-3": "potassium", "6301-6": "INR"} {
				for _, r := range series[code] {
					if r.Flag() == dossier.FlagHigh {
						found[name+" high"] = true
					}
				}
			}
			for _, r := range series["59260-0"] {
				if r.Flag() == dossier.FlagLow {
					found["Hb low"] = true
				}
			}
			for _, r := range series["6301-6"] {
				if r.Flag() == dossier.FlagLow {
					found["INR low"] = true
				}
			}
		}
		for _, want := range []string{"eGFR falling over months", "creatinine high", "HbA1c high", "potassium high", "Hb low", "INR high", "INR low"} {
			if !found[want] {
				t.Errorf("no %s in the demo data", want)
			}
		}
	})

	t.Run("medication, allergies, problems, appointments, operations", func(t *testing.T) {
		stopped, current, statuses := 0, 0, map[dossier.AllergyStatus]int{}
		withConditions, upcoming, operations := 0, 0, 0
		for _, d := range ds {
			for _, m := range d.meds {
				if m.Prescriber == "" || m.PrescriberSpecialism == "" {
					t.Errorf("%s: %s has no prescriber or specialism", d.p.FamilyName, m.Drug)
				}
				if m.StopAt != nil && m.StopReason != "" {
					stopped++
				}
				if m.IsCurrent(now) {
					current++
				}
			}
			statuses[dossier.AllergyStatusOf(d.all)]++
			if len(d.conds) > 0 {
				withConditions++
			}
			for _, a := range d.appts {
				if a.StartAt.After(now) {
					upcoming++
				}
			}
			operations += len(d.procs)
		}
		if stopped < 8 || current < 20 {
			t.Errorf("medication: %d stopped with a reason, %d current", stopped, current)
		}
		if statuses[dossier.AllergiesPresent] < 3 || statuses[dossier.AllergiesNoneKnown] < 3 || statuses[dossier.AllergiesUnknown] < 1 {
			t.Errorf("allergy statuses: %v", statuses)
		}
		if withConditions < len(ds)-1 || upcoming < 5 || operations < 5 {
			t.Errorf("%d patients with problems, %d upcoming appointments, %d procedures", withConditions, upcoming, operations)
		}
	})

	t.Run("letters, reports, imaging, limits", func(t *testing.T) {
		letterKinds := map[string]int{}
		reportKinds := map[dossier.ReportKind]int{}
		imaging, limited := 0, 0
		for _, d := range ds {
			for _, l := range d.letters {
				types := map[string]bool{}
				for _, a := range l.Attachments {
					types[a.ContentType] = true
					att, err := w.st.Attachment(ctx, d.p.ID, a.ID)
					if err != nil {
						t.Fatal(err)
					}
					if a.ContentType == dossier.ContentPDF {
						checkPDF(t, att.Data, l.Title)
					}
				}
				if l.Kind == dossier.LetterDischarge && types[dossier.ContentPDF] {
					letterKinds["discharge pdf"]++
				}
				if l.Kind == dossier.LetterDischarge && types[dossier.ContentText] {
					letterKinds["discharge text"]++
				}
				letterKinds[string(l.Kind)]++
				if l.Author == "" || l.AuthorSpecialism == "" || len(l.Attachments) == 0 {
					t.Errorf("%s: letter %q lacks author, specialism or content", d.p.FamilyName, l.Title)
				}
			}
			for _, r := range d.reports {
				reportKinds[r.Kind]++
				if r.Kind != dossier.ReportLaboratory && (len(r.Attachments) == 0 || r.Conclusion == "" || r.Author == "") {
					t.Errorf("%s: %s report %q lacks content, conclusion or author", d.p.FamilyName, r.Kind, r.Title)
				}
			}
			imaging += len(d.imaging)
			if len(d.limits) > 0 {
				limited++
			}
		}
		for _, k := range []string{"discharge pdf", "discharge text", "specialist", "referral"} {
			if letterKinds[k] == 0 {
				t.Errorf("no %s letter: %v", k, letterKinds)
			}
		}
		for _, k := range []dossier.ReportKind{dossier.ReportRadiology, dossier.ReportPathology, dossier.ReportECG, dossier.ReportSpirometry, dossier.ReportHolter} {
			if reportKinds[k] == 0 {
				t.Errorf("no %s report: %v", k, reportKinds)
			}
		}
		if imaging < 4 || limited < 3 {
			t.Errorf("%d imaging studies, %d patients with treatment limits", imaging, limited)
		}
	})

	t.Run("relationships for every demo card", func(t *testing.T) {
		kinds := map[access.RelationshipKind]bool{}
		linde := 0
		expired, future, coveringNow, emergencyNow := false, false, false, false
		validNow := func(r access.Relationship) bool {
			return r.EndedAt == nil && !r.ValidFrom.After(now) && (r.ValidUntil == nil || r.ValidUntil.After(now))
		}
		holders := map[string]map[access.RelationshipKind]bool{}
		for _, d := range ds {
			for _, r := range d.rels {
				kinds[r.Kind] = true
				if r.Source != "fhir" || r.SourceRef == nil {
					t.Errorf("relationship without FHIR source: %+v", r)
				}
				key := "agb:" + deref(r.HolderAGB)
				if r.HolderKind == access.HolderOrganisation {
					key = "ura:" + deref(r.HolderURA)
				}
				if validNow(r) {
					if holders[key] == nil {
						holders[key] = map[access.RelationshipKind]bool{}
					}
					holders[key][r.Kind] = true
				}
				if r.Kind == access.RegisteredGP && key == "ura:90000101" {
					linde++
				}
				if r.ValidUntil != nil && r.ValidUntil.Before(now) {
					expired = true
				}
				if r.ValidFrom.After(now) {
					future = true
				}
				if r.Kind == access.Covering && validNow(r) && deref(r.MandateURA) == "90000101" && key == "ura:90000102" {
					coveringNow = true
				}
				if r.Kind == access.Emergency && validNow(r) && r.Reason != "" {
					emergencyNow = true
				}
			}
		}
		for _, k := range access.RelationshipKinds {
			if !kinds[k] {
				t.Errorf("no %s relationship", k)
			}
		}
		if linde < len(ds)/2 || !expired || !future || !coveringNow || !emergencyNow {
			t.Errorf("De Linde registered for %d of %d; expired %v, not yet valid %v, covering now %v, emergency now %v",
				linde, len(ds), expired, future, coveringNow, emergencyNow)
		}
		want := map[string][]access.RelationshipKind{
			"ura:90000101": {access.RegisteredGP}, "agb:01012345": {access.RegisteredGP, access.Invited},
			"ura:90000102": {access.RegisteredGP, access.Covering}, "ura:90000201": {access.PharmacyOfRecord},
			"agb:02045678": {access.PharmacyOfRecord}, "agb:84056789": {access.DischargeRecipient}, "ura:90000301": {access.DischargeRecipient},
			"agb:91067890": {access.Invited}, "ura:90000401": {access.DischargeRecipient}, "agb:03012345": {access.Referrer, access.Emergency},
			"ura:90000601": {access.Referrer},
		}
		for holder, ks := range want {
			for _, k := range ks {
				if !holders[holder][k] {
					t.Errorf("no valid %s relationship held by %s", k, holder)
				}
			}
		}
		// Every demo card that may see patients holds something valid now, by its AGB or its URA.
		for _, c := range devpki.Cards {
			switch c.Name {
			case devpki.CardCompanyDoctor, devpki.CardInsuranceDoctor, devpki.CardAdmin, devpki.CardRevoked, devpki.CardExpired, devpki.CardEmployee, devpki.CardGPNoAGB:
				continue
			}
			if len(holders["agb:"+c.AGB]) == 0 && len(holders["ura:"+c.URA]) == 0 {
				t.Errorf("card %s (AGB %s, URA %s) has no valid relationship", c.Name, c.AGB, c.URA)
			}
		}
	})

	t.Run("consent in every state per category", func(t *testing.T) {
		type key struct {
			cat    access.RecipientCategory
			status string
		}
		seen := map[key]bool{}
		lapsed, both := false, false
		for _, d := range ds {
			latest := map[access.RecipientCategory]access.Consent{}
			for _, c := range d.cons { // newest first: the first of a category is the one in force
				if _, seen := latest[c.Category]; !seen {
					latest[c.Category] = c
				}
				if c.RegisteredBy == access.ByBoth {
					if age := d.p.AgeOn(c.GivenAt); age >= 12 && age < 16 {
						both = true
					}
				}
			}
			for _, cat := range access.RecipientCategories {
				c, ok := latest[cat]
				if !ok {
					seen[key{cat, "none"}] = true
					continue
				}
				seen[key{cat, string(c.Status)}] = true
				if c.Status == access.ConsentGranted && c.RegisteredBy == access.ByRepresentative && d.p.AgeOn(c.GivenAt) < 12 && d.p.AgeOn(now) >= 12 {
					lapsed = true
				}
			}
		}
		for _, cat := range access.RecipientCategories {
			for _, st := range []string{"granted", "refused", "withdrawn", "none"} {
				if !seen[key{cat, st}] {
					t.Errorf("no patient whose consent for %s is %s", cat, st)
				}
			}
		}
		if !lapsed || !both {
			t.Errorf("a representative-only consent lapsed at 12: %v; a 12-15 consent by child and parent: %v", lapsed, both)
		}
	})

	t.Run("a second import changes nothing", func(t *testing.T) {
		before, _ := w.st.DataCounts(ctx)
		im := fhir.NewImporter(w.st, audit.New(w.st))
		im.Now = func() time.Time { return now }
		if _, err := demodata.Import(ctx, im, now); err != nil {
			t.Fatal(err)
		}
		after, _ := w.st.DataCounts(ctx)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s: %d -> %d", k, v, after[k])
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkPDF checks the structure a PDF reader relies on: the header, every object where the cross-reference
// table says it is, the trailer pointing at the table, and the title in the page content.
func checkPDF(t *testing.T, data []byte, title string) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Fatalf("%s: not a PDF file", title)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s: no startxref", title)
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(data[xref:], []byte("xref\n0 ")) {
		t.Fatalf("%s: startxref %d does not point at the xref table", title, xref)
	}
	lines := strings.Split(string(data[xref:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(strings.Fields(lines[2+i])[0])
		if !bytes.HasPrefix(data[off:], []byte(fmt.Sprintf("%d 0 obj", i))) {
			t.Fatalf("%s: object %d is not at offset %d", title, i, off)
		}
	}
	length := regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindSubmatchIndex(data)
	if length == nil {
		t.Fatalf("%s: no content stream", title)
	}
	l, _ := strconv.Atoi(string(data[length[2]:length[3]]))
	if !bytes.HasPrefix(data[length[1]+l:], []byte("endstream")) {
		t.Fatalf("%s: the content stream is not %d bytes long", title, l)
	}
	if !bytes.Contains(data[length[1]:length[1]+l], []byte("("+title+")")) {
		t.Errorf("%s: the title is not in the page content", title)
	}
}
