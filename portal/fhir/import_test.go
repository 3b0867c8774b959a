package fhir_test

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/fhir"
)

const (
	bsnSystem = "http://fhir.nl/fhir/NamingSystem/bsn"
	agbSystem = "http://fhir.nl/fhir/NamingSystem/agb-z"
	uraSystem = "http://fhir.nl/fhir/NamingSystem/ura"
	uziSystem = "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers"
)

func TestPatientWithoutBSN(t *testing.T) {
	ctx := context.Background()
	data := bundleJSON(t, "transaction",
		patientRes("p1", "", "Doe"),
		labRes("o1", "urn:uuid:p1", "2823-3", 4.1, "mmol/L"))

	env := newTestEnv(t)
	r := env.im.ImportBytes(ctx, "us.json", data)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if reason, ok := rejectedFor(r, "Patient/p1"); !ok || !strings.Contains(reason, "no BSN") {
		t.Fatalf("patient without BSN: rejection %q", reason)
	}
	if reason, ok := rejectedFor(r, "Observation/o1"); !ok || !strings.Contains(reason, "Patient/p1 was rejected") {
		t.Fatalf("the patient's data was not rejected with it: %q", reason)
	}
	if c := env.counts(t); c["patients"] != 0 || c["lab_results"] != 0 {
		t.Fatalf("counts after rejection: %v", c)
	}

	env.im.SyntheticBSN = true
	env.load(t, "us.json", data)
	p := env.patient(t, "p1")
	if !p.BSNSynthetic || !access.ValidBSN(p.BSN) || !strings.HasPrefix(p.BSN, "9999") {
		t.Fatalf("synthetic BSN %q (synthetic=%v)", p.BSN, p.BSNSynthetic)
	}
	if p.PatientNumber == "" || p.PatientNumber[0] != 'F' {
		t.Errorf("derived patient number %q, want F and seven digits", p.PatientNumber)
	}
	env.load(t, "us.json", data)
	if again := env.patient(t, "p1"); again.BSN != p.BSN || again.PatientNumber != p.PatientNumber || again.ID != p.ID {
		t.Errorf("re-import changed the synthetic identity: %s/%s -> %s/%s", p.BSN, p.PatientNumber, again.BSN, again.PatientNumber)
	}

	// A real BSN arriving later replaces the synthetic one.
	env.load(t, "nl.json", bundleJSON(t, "collection", patientRes("p1", "999993653", "Doe")))
	if now := env.patient(t, "p1"); now.BSN != "999993653" || now.BSNSynthetic {
		t.Errorf("after a real BSN: %s synthetic=%v", now.BSN, now.BSNSynthetic)
	}
}

func TestPatientIdentity(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	nlName := map[string]any{
		"use": "official", "family": "van der Berg",
		"_family": map[string]any{"extension": []any{
			map[string]any{"url": "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix", "valueString": "van der"},
			map[string]any{"url": "http://hl7.org/fhir/StructureDefinition/humanname-own-name", "valueString": "Berg"},
		}},
		"given": []any{"Jan", "Hendrik"},
	}
	mr := map[string]any{"type": coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
		"system": "urn:oid:2.16.840.1.113883.2.4.3.999.7.1", "value": "7001234"}
	good := with(patientRes("p1", "", ""), "name", []any{nlName},
		"identifier", []any{identifier(bsnSystem, "999993653"), mr}, "deceasedDateTime", "2026-01-02T03:04:05Z")
	r := env.im.ImportBytes(ctx, "patients.json", bundleJSON(t, "collection",
		good,
		patientRes("p2", "999993654", "Elf"), // fails the elfproef
		with(patientRes("p3", "999993653", "Twin"), "birthDate", "1961-02-03"),                                     // the BSN of p1, another birth date
		with(patientRes("p4", "999990408", "Kind"), "birthDate", nil),                                              // no birth date
		with(patientRes("p5", "999990019", ""), "name", nil),                                                       // no name
		with(patientRes("p6", "999911120", "Number"), "identifier", []any{identifier(bsnSystem, "999911120"), mr}), // p1's number
	))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for id, want := range map[string]string{
		"Patient/p2": "elfproef", "Patient/p3": "BSN 999993653 conflict",
		"Patient/p5": "family name", "Patient/p6": "patient number 7001234 already belongs",
	} {
		if reason, ok := rejectedFor(r, id); !ok || !strings.Contains(reason, want) {
			t.Errorf("%s: rejection %q, want it to mention %q", id, reason, want)
		}
	}
	// A patient without a birth date is not wrong (the zib allows it), but the portal, which finds
	// patients by BSN and birth date, cannot use it: skipped with the reason, not rejected.
	if _, rejected := rejectedFor(r, "Patient/p4"); rejected || !strings.Contains(strings.Join(mapKeys(r.Skipped), "\n"), "no birth date") {
		t.Errorf("a patient without a birth date is not skipped with its reason (skipped: %v)", mapKeys(r.Skipped))
	}
	p := env.patient(t, "p1")
	if p.FamilyName != "Berg" || p.FamilyPrefix != "van der" || p.GivenNames != "Jan Hendrik" || p.Initials != "J.H." ||
		p.PatientNumber != "7001234" || p.BSN != "999993653" || p.BSNSynthetic || !p.Deceased || p.DeceasedAt == nil ||
		p.BirthDate.Format("2006-01-02") != "1950-05-17" || p.Sex != access.SexFemale {
		t.Errorf("patient = %+v", p)
	}
	if c := env.counts(t); c["patients"] != 1 {
		t.Errorf("%d patients, want only the valid one", c["patients"])
	}
}

func TestMalformedFilesChangeNothing(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	valid := bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), labRes("o1", "urn:uuid:p1", "2823-3", 4.1, "mmol/L"))
	env.load(t, "first.json", bundleJSON(t, "collection", patientRes("p0", "999990408", "Eerder")))
	before := env.counts(t)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", valid[:len(valid)/2], fhir.ErrMalformed},
		{"empty file", nil, fhir.ErrMalformed},
		{"not JSON", []byte("MSH|^~\\&|HIS|"), fhir.ErrMalformed},
		{"a Patient, not a Bundle", []byte(`{"resourceType":"Patient","id":"x"}`), fhir.ErrMalformed},
		{"a JSON array", []byte(`[{"resourceType":"Bundle"}]`), fhir.ErrMalformed},
		{"a Bundle without type", []byte(`{"resourceType":"Bundle","entry":[]}`), fhir.ErrMalformed},
		{"a document Bundle", []byte(`{"resourceType":"Bundle","type":"document","entry":[]}`), fhir.ErrUnsupportedBundle},
		{"an entry without resourceType", []byte(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"id":"x"}}]}`), fhir.ErrMalformed},
		{"two entries, one fullUrl", bundleJSON(t, "collection", with(patientRes("a", "999993847", "A"), "fullUrl", "urn:uuid:same"), with(patientRes("b", "999990019", "B"), "fullUrl", "urn:uuid:same")), fhir.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.im.ImportBytes(ctx, tt.name+".json", tt.data)
			if !errors.Is(r.Err, tt.want) {
				t.Fatalf("err = %v, want %v", r.Err, tt.want)
			}
			if after := env.counts(t); !sameCounts(before, after) {
				t.Fatalf("counts changed:\n%v\n%v", before, after)
			}
		})
	}
	recs, _ := env.st.AccessRecordsAfter(ctx, 0, 100)
	refused := 0
	for _, rec := range recs {
		if rec.Event == "import" && rec.Outcome == "refused" && rec.Reason != "" {
			refused++
		}
	}
	if refused != len(tests) {
		t.Errorf("%d refused import records in the access log, want %d", refused, len(tests))
	}
}

func TestBrokenReferenceRejectsWholeBundle(t *testing.T) {
	ctx := context.Background()
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF\n"))
	letter := func(url string) res {
		return res{"resourceType": "DocumentReference", "id": "d1", "status": "current", "subject": ref("urn:uuid:p1"),
			"date": "2026-01-01T10:00:00Z", "content": []any{map[string]any{"attachment": map[string]any{"contentType": "application/pdf", "url": url}}}}
	}
	tests := []struct {
		name    string
		broken  res
		mention string
	}{
		{"relative subject", labRes("o2", "Patient/nobody", "2823-3", 5.0, "mmol/L"), "Patient/nobody"},
		{"urn:uuid subject", labRes("o2", "urn:uuid:00000000-0000-0000-0000-000000000000", "2823-3", 5.0, "mmol/L"), "urn:uuid:00000000"},
		{"conditional subject", labRes("o2", "Patient?identifier="+bsnSystem+"|999990019", "2823-3", 5.0, "mmol/L"), "999990019"},
		{"absolute subject", labRes("o2", "https://ehr.example.org/fhir/Patient/404", "2823-3", 5.0, "mmol/L"), "Patient/404"},
		{"medicationReference", res{"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
			"subject": ref("urn:uuid:p1"), "medicationReference": ref("Medication/none")}, "Medication/none"},
		{"Binary of a letter", letter("Binary/missing"), "Binary/missing"},
		{"GP of the patient", res{"resourceType": "CareTeam", "id": "c1", "subject": ref("urn:uuid:p1"), "participant": []any{
			map[string]any{"role": []any{coding(fhir.SystemRelationshipKind, "referrer", "")}, "member": ref("Practitioner?identifier=" + agbSystem + "|01099999"),
				"period": map[string]any{"start": "2026-01-01"}}}}, "01099999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.load(t, "binary.json", bundleJSON(t, "collection", res{"resourceType": "Binary", "id": "b1", "contentType": "application/pdf", "data": pdf}))
			before := env.counts(t)
			r := env.im.ImportBytes(ctx, "broken.json", bundleJSON(t, "transaction",
				patientRes("p1", "999993653", "Jansen"),
				labRes("o1", "urn:uuid:p1", "2823-3", 4.1, "mmol/L"),
				tt.broken))
			if !errors.Is(r.Err, fhir.ErrBrokenReference) || !strings.Contains(r.Err.Error(), tt.mention) {
				t.Fatalf("err = %v, want a broken reference naming %s", r.Err, tt.mention)
			}
			if after := env.counts(t); !sameCounts(before, after) {
				t.Fatalf("a bundle with a broken reference changed the store:\n%v\n%v", before, after)
			}
			if r.Counts != nil || r.Rejected != nil {
				t.Errorf("a rejected bundle reports counts %v / rejections %v", r.Counts, r.Rejected)
			}
		})
	}
	// The Binary imported before does resolve: the same letter pointing at it imports.
	env := newTestEnv(t)
	env.load(t, "binary.json", bundleJSON(t, "collection", res{"resourceType": "Binary", "id": "b1", "contentType": "application/pdf", "data": pdf}))
	env.load(t, "letter.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), letter("Binary/b1")))
	p := env.patient(t, "p1")
	letters, _ := env.st.Letters(ctx, p.ID)
	if len(letters) != 1 || len(letters[0].Attachments) != 1 || letters[0].Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("letter with a Binary from an earlier bundle: %+v", letters)
	}
}

// TestReferencesAcrossBundles points a patient bundle at organisations and practitioners imported in an
// earlier bundle, with every reference form the import supports.
func TestReferencesAcrossBundles(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "providers.json", bundleJSON(t, "collection",
		res{"resourceType": "Organization", "id": "org-linde", "identifier": []any{identifier(uraSystem, "90000101")}, "name": "Huisartsenpraktijk De Linde"},
		res{"resourceType": "Organization", "id": "org-zh", "identifier": []any{identifier(uraSystem, "90000001")}, "name": "Ziekenhuis Rivierenland"},
		res{"resourceType": "Practitioner", "id": "prac-1", "fullUrl": "urn:uuid:7d3d7fd6-2ab8-4a4d-a1de-3b3c3a5f0a11",
			"identifier": []any{identifier(agbSystem, "03100011"), identifier(uziSystem, "900200001")},
			"name":       []any{map[string]any{"family": "Hoekstra", "given": []any{"Marloes"}}}},
		res{"resourceType": "PractitionerRole", "id": "role-1", "practitioner": ref("urn:uuid:7d3d7fd6-2ab8-4a4d-a1de-3b3c3a5f0a11"),
			"organization": ref("urn:uuid:org-zh"), "specialty": []any{map[string]any{"text": "Interne geneeskunde"}}},
		res{"resourceType": "Practitioner", "id": "prac-2", "fullUrl": "https://ehr.example.org/fhir/Practitioner/prac-2",
			"identifier": []any{identifier(agbSystem, "03100035")}, "name": []any{map[string]any{"text": "J. van der Wal"}},
			"qualification": []any{map[string]any{"code": map[string]any{"text": "Cardiologie"}}}},
	))
	env.load(t, "patient.json", bundleJSON(t, "transaction",
		with(patientRes("p1", "999993653", "Jansen"), "generalPractitioner", []any{ref("Organization?identifier=" + uraSystem + "|90000101")}),
		res{"resourceType": "Encounter", "id": "e1", "status": "finished", "class": map[string]any{"code": "AMB"}, "subject": ref("urn:uuid:p1"),
			"period": map[string]any{"start": "2026-01-01T10:00:00Z"}, "serviceProvider": ref("Organization/org-zh"),
			"participant": []any{map[string]any{"individual": ref("Practitioner?identifier=" + agbSystem + "|03100035")}}},
		res{"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order", "subject": ref("urn:uuid:p1"),
			"medicationCodeableConcept": map[string]any{"text": "Metformine 500 mg"}, "authoredOn": "2026-01-01",
			"requester": ref("PractitionerRole/role-1")},
		res{"resourceType": "MedicationRequest", "id": "m2", "status": "active", "intent": "order", "subject": ref("urn:uuid:p1"),
			"medicationCodeableConcept": map[string]any{"text": "Metoprolol"}, "authoredOn": "2026-01-01",
			"requester": ref("https://ehr.example.org/fhir/Practitioner/prac-2")},
		res{"resourceType": "MedicationRequest", "id": "m3", "status": "active", "intent": "order", "subject": ref("urn:uuid:p1"),
			"medicationCodeableConcept": map[string]any{"text": "Paracetamol"}, "authoredOn": "2026-01-01",
			"requester": ref("urn:uuid:7d3d7fd6-2ab8-4a4d-a1de-3b3c3a5f0a11")},
		res{"resourceType": "Procedure", "id": "pr1", "status": "completed", "subject": ref("urn:uuid:p1"), "code": map[string]any{"text": "Gastroscopie"},
			"encounter": ref("Encounter/e1"), "performer": []any{map[string]any{"actor": map[string]any{"identifier": identifier(agbSystem, "03100011"), "type": "Practitioner"}}}},
		res{"resourceType": "CareTeam", "id": "ct1", "subject": ref("urn:uuid:p1"), "period": map[string]any{"start": "2026-01-01T00:00:00Z"},
			"participant": []any{map[string]any{"role": []any{coding(fhir.SystemRelationshipKind, "pharmacy", "")},
				"member": map[string]any{"type": "Organization", "identifier": identifier(uraSystem, "90000201"), "display": "Apotheek De Brug"}}}},
	))
	p := env.patient(t, "p1")
	rels, _ := env.st.RelationshipHistory(ctx, p.ID)
	byKind := map[access.RelationshipKind]access.Relationship{}
	for _, r := range rels {
		byKind[r.Kind] = r
	}
	gp := byKind[access.RegisteredGP]
	if gp.HolderURA == nil || *gp.HolderURA != "90000101" || gp.HolderName != "Huisartsenpraktijk De Linde" || gp.ValidUntil != nil {
		t.Errorf("registered GP by conditional reference to an earlier bundle: %+v", gp)
	}
	ph := byKind[access.PharmacyOfRecord]
	if ph.HolderURA == nil || *ph.HolderURA != "90000201" || ph.HolderName != "Apotheek De Brug" || ph.ValidUntil != nil {
		t.Errorf("pharmacy by logical reference (URA only, never imported): %+v", ph)
	}
	meds, _ := env.st.Medications(ctx, p.ID)
	prescribers := map[string]string{}
	for _, m := range meds {
		prescribers[m.Drug] = m.Prescriber + " / " + m.PrescriberSpecialism
	}
	want := map[string]string{
		"Metformine 500 mg": "Marloes Hoekstra / Interne geneeskunde", // PractitionerRole/id of an earlier bundle
		"Metoprolol":        "J. van der Wal / Cardiologie",           // absolute URL of an earlier fullUrl
		"Paracetamol":       "Marloes Hoekstra / Interne geneeskunde", // urn:uuid fullUrl of an earlier bundle
	}
	for drug, w := range want {
		if prescribers[drug] != w {
			t.Errorf("%s prescribed by %q, want %q", drug, prescribers[drug], w)
		}
	}
	encs, _ := env.st.Encounters(ctx, p.ID)
	if len(encs) != 1 || encs[0].Practitioner != "J. van der Wal" || encs[0].Department != "Ziekenhuis Rivierenland" {
		t.Errorf("encounter: %+v", encs)
	}
	procs, _ := env.st.Procedures(ctx, p.ID)
	if len(procs) != 1 || procs[0].Performer != "Marloes Hoekstra" || procs[0].EncounterID == nil || *procs[0].EncounterID != encs[0].ID {
		t.Errorf("procedure with a logical performer and a relative encounter: %+v", procs)
	}
}

// TestReimportUpdatesInPlace changes a bundle and imports it again: the same rows change, nothing is
// added.
func TestReimportUpdatesInPlace(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	text := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	letter := func(body string, n int) res {
		var content []any
		for i := range n {
			content = append(content, map[string]any{"attachment": map[string]any{"contentType": "text/plain", "data": text(body + strings.Repeat("!", i))}})
		}
		return res{"resourceType": "DocumentReference", "id": "d1", "status": "current", "subject": ref("urn:uuid:p1"),
			"type": coding("http://loinc.org", "18842-5", "Discharge summary"), "date": "2026-01-01T10:00:00Z", "content": content}
	}
	first := bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), labRes("o1", "urn:uuid:p1", "2823-3", 5.8, "mmol/L"), letter("versie 1", 2))
	r := env.load(t, "v1.json", first)
	if r.Total().Imported != 3 || r.Total().Updated != 0 {
		t.Fatalf("first import: %+v", r.Total())
	}
	p := env.patient(t, "p1")
	labs, _ := env.st.LabResults(ctx, p.ID)
	letters, _ := env.st.Letters(ctx, p.ID)
	counts := env.counts(t)

	second := bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen-de Boer"), labRes("o1", "urn:uuid:p1", "2823-3", 4.2, "mmol/L"), letter("versie 2", 1))
	r = env.load(t, "v2.json", second)
	if r.Total().Imported != 0 || r.Total().Updated != 3 {
		t.Fatalf("second import: %+v", r.Total())
	}
	p2 := env.patient(t, "p1")
	labs2, _ := env.st.LabResults(ctx, p.ID)
	letters2, _ := env.st.Letters(ctx, p.ID)
	if p2.ID != p.ID || p2.FamilyName != "Jansen-de Boer" {
		t.Errorf("patient not updated in place: %+v", p2)
	}
	if len(labs2) != 1 || labs2[0].ID != labs[0].ID || *labs2[0].ValueNum != 4.2 {
		t.Errorf("lab result not updated in place: %+v -> %+v", labs, labs2)
	}
	if len(letters2) != 1 || letters2[0].ID != letters[0].ID || len(letters2[0].Attachments) != 1 ||
		letters2[0].Attachments[0].ID != letters[0].Attachments[0].ID {
		t.Errorf("letter not updated in place: %+v -> %+v", letters, letters2)
	}
	a, err := env.st.Attachment(ctx, p.ID, letters2[0].Attachments[0].ID)
	if err != nil || string(a.Data) != "versie 2" {
		t.Errorf("attachment content %q, %v", a.Data, err)
	}
	after := env.counts(t)
	counts["attachments"]-- // the second attachment is gone
	if !sameCounts(counts, after) {
		t.Errorf("counts:\nwant %v\ngot  %v", counts, after)
	}
}

func TestObservations(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	lab := with(labRes("o1", "urn:uuid:p1", "2823-3", 6.1, "mmol/L"),
		"referenceRange", []any{map[string]any{"low": map[string]any{"value": 3.5, "unit": "mmol/L"}, "high": map[string]any{"value": 5.0, "unit": "mmol/L"}, "text": "3,5 - 5,0"}},
		"interpretation", []any{coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H", "High")})
	text := with(labRes("o2", "urn:uuid:p1", "5778-6", 0, ""), "valueQuantity", nil, "valueString", "geel, helder")
	bp := res{"resourceType": "Observation", "id": "o3", "status": "final",
		"category": []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "")},
		"code":     coding("http://loinc.org", "85354-9", "Blood pressure"), "subject": ref("urn:uuid:p1"), "effectiveDateTime": "2026-01-10T08:00:00Z",
		"component": []any{
			map[string]any{"code": coding("http://loinc.org", "8480-6", "Systolic"), "valueQuantity": map[string]any{"value": 142, "unit": "mm[Hg]"}},
			map[string]any{"code": coding("http://loinc.org", "8462-4", "Diastolic"), "valueQuantity": map[string]any{"value": 86, "unit": "mm[Hg]"}},
		}}
	survey := with(labRes("o4", "urn:uuid:p1", "72166-2", 1, ""), "category", []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "")})
	noDate := with(labRes("o5", "urn:uuid:p1", "2823-3", 1, ""), "effectiveDateTime", nil)
	panel := res{"resourceType": "DiagnosticReport", "id": "r1", "status": "final", "subject": ref("urn:uuid:p1"),
		"category": []any{coding("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "")}, "code": coding("http://loinc.org", "24326-1", "Electrolytes panel"),
		"result": []any{ref("urn:uuid:o1"), ref("urn:uuid:o2")}}
	r := env.im.ImportBytes(ctx, "obs.json", bundleJSON(t, "searchset", patientRes("p1", "999993653", "Jansen"), lab, text, bp, survey, noDate, panel))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if reason, ok := rejectedFor(r, "Observation/o5"); !ok || !strings.Contains(reason, "effective") {
		t.Errorf("observation without date: %q", reason)
	}
	if r.Counts["Observation"].Skipped != 1 || r.Skipped["Observation of category survey is not shown by the portal"] != 1 {
		t.Errorf("survey not counted as skipped: %+v %v", r.Counts["Observation"], r.Skipped)
	}
	p := env.patient(t, "p1")
	series, _ := env.st.LabSeries(ctx, p.ID, "http://loinc.org", "2823-3")
	if len(series) != 1 {
		t.Fatalf("potassium series: %+v", series)
	}
	k := series[0]
	if *k.ValueNum != 6.1 || k.Unit != "mmol/L" || *k.RefLow != 3.5 || *k.RefHigh != 5.0 || k.RefText != "3,5 - 5,0" ||
		k.Interpretation != "H" || k.Flag() != dossier.FlagHigh || k.ReportFHIRID == nil || *k.ReportFHIRID != "r1" {
		t.Errorf("potassium: %+v", k)
	}
	urine, _ := env.st.LabSeries(ctx, p.ID, "", "5778-6")
	if len(urine) != 1 || urine[0].ValueText != "geel, helder" || urine[0].ValueNum != nil {
		t.Errorf("text result: %+v", urine)
	}
	vitals, _ := env.st.VitalSigns(ctx, p.ID)
	got := map[string]float64{}
	for _, v := range vitals {
		got[v.Code] = *v.ValueNum
	}
	if len(vitals) != 2 || got["8480-6"] != 142 || got["8462-4"] != 86 {
		t.Errorf("blood pressure components: %+v", vitals)
	}
	if labs, _ := env.st.LabResults(ctx, p.ID); len(labs) != 2 {
		t.Errorf("vital signs leaked into the lab results: %d", len(labs))
	}

	// The category of o1 changes to vital signs: its lab row goes, a vital-sign row comes.
	moved := with(lab, "category", []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "")})
	env.load(t, "moved.json", bundleJSON(t, "collection", moved))
	if s, _ := env.st.LabSeries(ctx, p.ID, "", "2823-3"); len(s) != 0 {
		t.Errorf("the lab row stayed after the category changed: %+v", s)
	}
	if v, _ := env.st.VitalSigns(ctx, p.ID); len(v) != 3 {
		t.Errorf("vital signs after the move: %d", len(v))
	}
}

func TestDocumentsAndAttachments(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	pdf := b64("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
	doc := func(id, loinc string, atts ...map[string]any) res {
		var content []any
		for _, a := range atts {
			content = append(content, map[string]any{"attachment": a})
		}
		return res{"resourceType": "DocumentReference", "id": id, "status": "current", "docStatus": "final", "subject": ref("urn:uuid:p1"),
			"type": coding("http://loinc.org", loinc, "type "+loinc), "date": "2026-02-01T10:00:00Z", "description": "Brief " + id,
			"author": []any{ref("urn:uuid:prac")}, "content": content}
	}
	r := env.im.ImportBytes(ctx, "docs.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"),
		res{"resourceType": "Practitioner", "id": "prac", "name": []any{map[string]any{"text": "dr. M. Hoekstra"}},
			"qualification": []any{map[string]any{"code": map[string]any{"text": "Interne geneeskunde"}}}},
		res{"resourceType": "Binary", "id": "bin", "contentType": "application/pdf", "data": pdf},
		doc("d1", "18842-5", map[string]any{"contentType": "application/pdf", "url": "urn:uuid:bin", "title": "Ontslagbrief"},
			map[string]any{"contentType": "text/plain; charset=utf-8", "data": b64("Ontslagbrief in tekst: hyperkaliëmie")}),
		doc("d2", "51852-2", map[string]any{"contentType": "text/html", "data": b64("<p>Brief <script>alert(1)</script></p>")}),
		doc("d3", "57133-1", map[string]any{"contentType": "application/pdf", "data": b64("not a pdf at all")}),
		doc("d4", "11488-4", map[string]any{"contentType": "image/png", "data": b64("\x89PNG")}),
		doc("d5", "11488-4", map[string]any{"contentType": "text/plain", "data": "!!!not base64!!!"}),
		doc("d6", "11488-4"),
		doc("d7", "11488-4", map[string]any{"contentType": "image/png", "data": b64("\x89PNG")},
			map[string]any{"contentType": "text/plain", "data": b64("Brief met een foto erbij")}),
		res{"resourceType": "DiagnosticReport", "id": "r1", "status": "final", "subject": ref("urn:uuid:p1"),
			"category": []any{coding("http://terminology.hl7.org/CodeSystem/v2-0074", "EC", "")}, "code": coding("http://loinc.org", "18754-2", "Holter"),
			"effectiveDateTime": "2026-02-01", "conclusion": "Paroxismaal atriumfibrilleren", "resultsInterpreter": []any{ref("urn:uuid:prac")},
			"presentedForm": []any{map[string]any{"contentType": "application/pdf", "data": pdf, "title": "Holter"}}},
	))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for id, want := range map[string]string{
		"DocumentReference/d3": "not a PDF", "DocumentReference/d5": "base64", "DocumentReference/d6": "content",
	} {
		if reason, ok := rejectedFor(r, id); !ok || !strings.Contains(reason, want) {
			t.Errorf("%s: rejection %q, want %q", id, reason, want)
		}
	}
	// A picture is not wrong, only not shown: d4 (nothing else) is skipped, d7 keeps its text.
	if reason, ok := rejectedFor(r, "DocumentReference/d4"); ok {
		t.Errorf("a letter the portal cannot show was rejected: %q", reason)
	}
	if c := r.Counts["DocumentReference"]; c == nil || c.Skipped != 1 || c.Rejected != 3 || c.Imported != 3 {
		t.Errorf("DocumentReference counts %+v, want 3 imported, 1 skipped, 3 rejected", c)
	}
	if n := r.Skipped["an attachment of content type image/png is not shown (the portal shows PDF, plain text and HTML)"]; n != 2 {
		t.Errorf("skipped reasons %v: want the two PNG attachments", r.Skipped)
	}
	p := env.patient(t, "p1")
	letters, _ := env.st.Letters(ctx, p.ID)
	kinds := map[string]dossier.Letter{}
	for _, l := range letters {
		kinds[*l.FHIRID] = l
	}
	d1 := kinds["d1"]
	if d7 := kinds["d7"]; len(d7.Attachments) != 1 || d7.Attachments[0].ContentType != "text/plain" {
		t.Errorf("letter with a picture and a text: %+v", d7)
	}
	if len(letters) != 3 || d1.Kind != dossier.LetterDischarge || d1.TypeCode != "18842-5" || d1.Author != "dr. M. Hoekstra" ||
		d1.AuthorSpecialism != "Interne geneeskunde" || d1.Title != "Brief d1" || d1.Status != "final" || len(d1.Attachments) != 2 {
		t.Fatalf("letters: %+v", letters)
	}
	if kinds["d2"].Kind != dossier.LetterSpecialist || kinds["d2"].Attachments[0].ContentType != "text/html" {
		t.Errorf("specialist letter with HTML: %+v", kinds["d2"])
	}
	whole, err := env.st.Letter(ctx, p.ID, d1.PublicID)
	if err != nil || whole.Attachments[0].ContentType != "application/pdf" || whole.Attachments[1].ContentType != "text/plain" {
		t.Fatalf("letter with attachments: %+v %v", whole, err)
	}
	a, err := env.st.Attachment(ctx, p.ID, whole.Attachments[1].ID)
	if err != nil || string(a.Data) != "Ontslagbrief in tekst: hyperkaliëmie" || a.Size != int64(len(a.Data)) || len(a.SHA256) != 64 {
		t.Errorf("text attachment: %+v %v", a.AttachmentInfo, err)
	}
	html, _ := env.st.Attachment(ctx, p.ID, kinds["d2"].Attachments[0].ID)
	if string(html.Data) != "<p>Brief <script>alert(1)</script></p>" {
		t.Errorf("HTML is stored as received (sanitising is the screen's job): %q", html.Data)
	}
	reports, _ := env.st.Reports(ctx, p.ID)
	if len(reports) != 1 || reports[0].Kind != dossier.ReportHolter || reports[0].Author != "dr. M. Hoekstra" ||
		reports[0].Conclusion != "Paroxismaal atriumfibrilleren" || len(reports[0].Attachments) != 1 {
		t.Errorf("reports: %+v", reports)
	}
}

func TestMedication(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	med := res{"resourceType": "Medication", "id": "med-met",
		"code": coding("http://www.whocc.no/atc", "A10BA02", "Metformine 500 mg tablet"),
		"ingredient": []any{map[string]any{"itemCodeableConcept": map[string]any{"text": "metformine"},
			"strength": map[string]any{"numerator": map[string]any{"value": 500, "unit": "mg"}, "denominator": map[string]any{"value": 1, "unit": "tablet"}}}}}
	env.load(t, "medication.json", bundleJSON(t, "collection", med))
	env.load(t, "patient.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"),
		res{"resourceType": "MedicationStatement", "id": "ms1", "status": "stopped", "subject": ref("urn:uuid:p1"),
			"medicationReference": ref("Medication/med-met"), "effectivePeriod": map[string]any{"start": "2020-01-01", "end": "2026-07-01"},
			"statusReason": []any{map[string]any{"text": "Gestopt wegens verminderde nierfunctie"}},
			"dosage":       []any{map[string]any{"text": "2x daags 1 tablet", "route": map[string]any{"text": "oraal"}}}},
		res{"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": ref("urn:uuid:p1"),
			"contained":           []any{map[string]any{"resourceType": "Medication", "id": "c", "code": map[string]any{"text": "Insuline glargine 100 E/ml"}}},
			"medicationReference": ref("#c"), "authoredOn": "2026-07-02", "reasonCode": []any{map[string]any{"text": "Diabetes mellitus type 2"}},
			"dosageInstruction": []any{map[string]any{"doseAndRate": []any{map[string]any{"doseQuantity": map[string]any{"value": 14, "unit": "E"}}},
				"timing": map[string]any{"code": map[string]any{"text": "1x daags"}}}}},
	))
	p := env.patient(t, "p1")
	meds, _ := env.st.Medications(ctx, p.ID)
	if len(meds) != 2 {
		t.Fatalf("medications: %+v", meds)
	}
	ins, met := meds[0], meds[1] // newest start first
	if met.Drug != "Metformine 500 mg tablet" || met.Strength != "500 mg" || met.Code != "A10BA02" || met.SourceKind != dossier.FromStatement ||
		met.StopReason != "Gestopt wegens verminderde nierfunctie" || met.StopAt == nil || met.Dose != "2x daags 1 tablet" || met.Route != "oraal" ||
		met.IsCurrent(env.im.Now()) {
		t.Errorf("metformine (Medication from an earlier bundle): %+v", met)
	}
	if ins.Drug != "Insuline glargine 100 E/ml" || ins.SourceKind != dossier.FromRequest || ins.Dose != "14 E, 1x daags" ||
		ins.Reason != "Diabetes mellitus type 2" || ins.StartAt == nil || !ins.IsCurrent(env.im.Now()) {
		t.Errorf("insuline (contained Medication): %+v", ins)
	}
}

func TestRelationships(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "providers.json", bundleJSON(t, "collection",
		res{"resourceType": "Organization", "id": "linde", "identifier": []any{identifier(uraSystem, "90000101")}, "name": "De Linde"},
		res{"resourceType": "Organization", "id": "anker", "identifier": []any{identifier(uraSystem, "90000102")}, "name": "Het Anker"},
		res{"resourceType": "Organization", "id": "nora", "name": "Zonder URA"},
		res{"resourceType": "Practitioner", "id": "eva", "identifier": []any{identifier(agbSystem, "84056789")}, "name": []any{map[string]any{"text": "Eva Smit"}}},
		res{"resourceType": "Practitioner", "id": "noagb", "name": []any{map[string]any{"text": "Zonder AGB"}}},
	))
	kind := func(k string) []any { return []any{coding(fhir.SystemRelationshipKind, k, "")} }
	careTeam := with(res{"resourceType": "CareTeam", "id": "ct1", "status": "active", "subject": ref("urn:uuid:p1"),
		"reasonCode": []any{map[string]any{"text": "Ontslag"}}},
		"participant", []any{
			map[string]any{"role": kind("discharge_recipient"), "member": ref("Practitioner/eva"), "period": map[string]any{"start": "2026-11-20T00:00:00Z", "end": "2027-02-20T00:00:00Z"}},
			map[string]any{"role": kind("covering"), "member": ref("Organization/anker"), "onBehalfOf": ref("Organization/linde"), "period": map[string]any{"start": "2026-11-21T00:00:00Z"}},
			map[string]any{"role": kind("invited"), "member": ref("Practitioner/eva"), "period": map[string]any{"start": "2026-11-22T00:00:00Z"}},
			map[string]any{"role": []any{map[string]any{"text": "Zaalarts"}}, "member": ref("Practitioner/noagb")}, // not a relationship: ignored
		})
	episode := res{"resourceType": "EpisodeOfCare", "id": "ep1", "status": "active", "patient": ref("urn:uuid:p1"),
		"type": []any{coding(fhir.SystemRelationshipKind, "referrer", "")}, "managingOrganization": ref("Organization/anker"),
		"period": map[string]any{"start": "2026-06-01T00:00:00Z", "end": "2027-06-01T00:00:00Z"}}
	r := env.im.ImportBytes(ctx, "rel.json", bundleJSON(t, "transaction",
		with(patientRes("p1", "999993653", "Jansen"), "generalPractitioner", []any{ref("Organization/linde"), ref("Organization/nora")}),
		careTeam, episode,
		with(careTeam, "id", "ct2", "participant", []any{map[string]any{"role": kind("covering"), "member": ref("Organization/anker"), "period": map[string]any{"start": "2026-11-21"}}}),
		with(careTeam, "id", "ct3", "participant", []any{map[string]any{"role": kind("referrer"), "member": ref("Practitioner/noagb"), "period": map[string]any{"start": "2026-11-21"}}}),
		with(careTeam, "id", "ct4", "participant", []any{map[string]any{"role": kind("best_friend"), "member": ref("Practitioner/eva"), "period": map[string]any{"start": "2026-11-21"}}}),
		with(careTeam, "id", "ct5", "participant", []any{map[string]any{"role": kind("referrer"), "member": ref("Practitioner/eva")}}, "period", nil),
		with(careTeam, "id", "ct6", "participant", []any{
			map[string]any{"role": kind("invited"), "member": ref("Organization/anker"), "period": map[string]any{"start": "2026-11-21"}},
			map[string]any{"role": kind("invited"), "member": ref("Organization/nora"), "period": map[string]any{"start": "2026-11-21"}}}),
	))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for id, want := range map[string]string{
		"CareTeam/ct2": "mandating practice", "CareTeam/ct3": "no AGB code", "CareTeam/ct4": "not a relationship kind",
		"CareTeam/ct5": "needs a start", "CareTeam/ct6": "no URA",
	} {
		if reason, ok := rejectedFor(r, id); !ok || !strings.Contains(reason, want) {
			t.Errorf("%s: rejection %q, want %q", id, reason, want)
		}
	}
	// A GP without URA is not wrong data, only no relationship: skipped, the patient stays.
	if reason, ok := rejectedFor(r, "Patient/p1 generalPractitioner[1]"); ok {
		t.Errorf("a GP without URA was rejected: %q", reason)
	}
	if n := r.Skipped["Patient.generalPractitioner without AGB code or URA: no relationship made"]; n != 1 {
		t.Errorf("skipped %v: want the GP without URA", r.Skipped)
	}
	p := env.patient(t, "p1")
	rels, _ := env.st.RelationshipHistory(ctx, p.ID)
	got := map[access.RelationshipKind]access.Relationship{}
	for _, rel := range rels {
		if rel.Source != fhir.SourceFHIR || rel.CreatedBy != "fhir-import" {
			t.Errorf("source %q, created by %q", rel.Source, rel.CreatedBy)
		}
		got[rel.Kind] = rel
	}
	if len(rels) != 5 {
		t.Fatalf("%d relationships (ct6 half-written?): %+v", len(rels), rels)
	}
	if gp := got[access.RegisteredGP]; gp.HolderKind != access.HolderOrganisation || *gp.HolderURA != "90000101" || gp.ValidUntil != nil {
		t.Errorf("registered GP: %+v", gp)
	}
	if d := got[access.DischargeRecipient]; d.HolderKind != access.HolderProvider || *d.HolderAGB != "84056789" || d.HolderName != "Eva Smit" ||
		d.Reason != "Ontslag" || d.ValidUntil == nil || d.ValidUntil.Format("2006-01-02") != "2027-02-20" {
		t.Errorf("discharge recipient: %+v", d)
	}
	if c := got[access.Covering]; *c.HolderURA != "90000102" || c.MandateURA == nil || *c.MandateURA != "90000101" ||
		c.ValidUntil == nil || c.ValidUntil.Sub(c.ValidFrom) != access.DefaultPolicy().Lifetimes[access.Covering] {
		t.Errorf("covering practice, default validity: %+v", c)
	}
	if i := got[access.Invited]; i.ValidUntil == nil || i.ValidUntil.Sub(i.ValidFrom) != access.DefaultPolicy().Lifetimes[access.Invited] {
		t.Errorf("invited without end gets the default lifetime: %+v", i)
	}
	if ref := got[access.Referrer]; *ref.HolderURA != "90000102" || ref.ValidUntil.Format("2006-01-02") != "2027-06-01" {
		t.Errorf("referrer from EpisodeOfCare: %+v", ref)
	}

	// The patient changes GP; the discharge recipient disappears from the care team.
	env.load(t, "rel2.json", bundleJSON(t, "transaction",
		with(patientRes("p1", "999993653", "Jansen"), "generalPractitioner", []any{ref("Organization/anker")}),
		with(careTeam, "participant", []any{careTeam["participant"].([]any)[1]})))
	rels, _ = env.st.RelationshipHistory(ctx, p.ID)
	open := map[string]bool{}
	for _, rel := range rels {
		key := string(rel.Kind) + "|" + deref(rel.HolderURA) + deref(rel.HolderAGB)
		open[key] = rel.EndedAt == nil
	}
	want := map[string]bool{
		"registered_gp|90000101": false, "registered_gp|90000102": true, "discharge_recipient|84056789": false,
		"invited|84056789": false, "covering|90000102": true, "referrer|90000102": true,
	}
	for k, w := range want {
		if o, ok := open[k]; !ok || o != w {
			t.Errorf("%s: open=%v (present %v), want open=%v", k, o, ok, w)
		}
	}
	// An inactive care team ends what it made.
	env.load(t, "rel3.json", bundleJSON(t, "collection", with(careTeam, "status", "inactive")))
	rels, _ = env.st.RelationshipHistory(ctx, p.ID)
	for _, rel := range rels {
		if rel.SourceRef != nil && strings.HasPrefix(*rel.SourceRef, "CareTeam/ct1|") && rel.EndedAt == nil {
			t.Errorf("relationship of an inactive CareTeam still open: %+v", rel)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestConsent(t *testing.T) {
	ctx := context.Background()
	cat := func(codes ...string) []any {
		var actors []any
		for _, c := range codes {
			actors = append(actors, map[string]any{"role": coding(fhir.SystemRecipientCategory, c, ""), "reference": map[string]any{"display": c}})
		}
		return actors
	}
	patientPerf := []any{ref("urn:uuid:p1")}
	parentPerf := []any{map[string]any{"type": "RelatedPerson", "display": "moeder"}}
	bothPerf := []any{ref("urn:uuid:p1"), map[string]any{"type": "RelatedPerson", "display": "vader"}}
	consent := func(status, typ string, actors []any, performers []any, when string) res {
		return res{"resourceType": "Consent", "id": "c1", "status": status,
			"scope":    coding(fhir.SystemConsentScope, "patient-privacy", ""),
			"category": []any{coding("http://loinc.org", "59284-0", "Patient Consent")},
			"patient":  ref("urn:uuid:p1"), "dateTime": when, "performer": performers,
			"provision": map[string]any{"type": typ, "actor": actors},
			"extension": []any{map[string]any{"url": fhir.ExtensionConsentChannel, "valueCode": "desk"}}}
	}
	adult := patientRes("p1", "999993653", "Jansen")                                // born 1950
	child := with(patientRes("p1", "999990408", "Kind"), "birthDate", "2014-06-01") // 9 in 2023, 12 in 2026
	tests := []struct {
		name     string
		patient  res
		consent  res
		rejected string
		want     []access.Consent
	}{
		{"granted", adult, consent("active", "permit", cat("huisartsen", "apotheken"), patientPerf, "2026-01-01T10:00:00Z"), "",
			[]access.Consent{{Category: access.Huisartsen, Status: access.ConsentGranted, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk},
				{Category: access.Apotheken, Status: access.ConsentGranted, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk}}},
		{"refused", adult, consent("active", "deny", cat("medisch_specialisten"), patientPerf, "2026-01-01"), "",
			[]access.Consent{{Category: access.MedischSpecialisten, Status: access.ConsentRefused, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk}}},
		{"withdrawn", adult, consent("inactive", "permit", cat("verpleging_thuiszorg"), patientPerf, "2026-01-01"), "",
			[]access.Consent{{Category: access.VerplegingThuiszorg, Status: access.ConsentWithdrawn, RegisteredBy: access.ByPatient, Channel: access.ChannelDesk}}},
		{"representative of a child of 9", child, consent("active", "permit", cat("huisartsen"), parentPerf, "2023-09-01"), "",
			[]access.Consent{{Category: access.Huisartsen, Status: access.ConsentGranted, RegisteredBy: access.ByRepresentative, Channel: access.ChannelDesk}}},
		{"child of 12 with a parent", child, consent("active", "permit", cat("apotheken"), bothPerf, "2026-07-01"), "",
			[]access.Consent{{Category: access.Apotheken, Status: access.ConsentGranted, RegisteredBy: access.ByBoth, Channel: access.ChannelDesk}}},
		{"child of 9 alone", child, consent("active", "permit", cat("huisartsen"), patientPerf, "2023-09-01"), "under 12", nil},
		{"parent alone at 12", child, consent("active", "permit", cat("huisartsen"), parentPerf, "2026-07-01"), "from 12 to 15", nil},
		{"adult with a representative", adult, consent("active", "permit", cat("huisartsen"), bothPerf, "2026-01-01"), "from 16", nil},
		{"draft", adult, consent("draft", "permit", cat("huisartsen"), patientPerf, "2026-01-01"), "does not map", nil},
		{"active without permit or deny", adult, consent("active", "", cat("huisartsen"), patientPerf, "2026-01-01"), "permit or deny", nil},
		{"unknown category", adult, consent("active", "permit", cat("tandartsen"), patientPerf, "2026-01-01"), "not a recipient category", nil},
		{"one specific organisation", adult, consent("active", "permit", []any{map[string]any{"role": coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", ""),
			"reference": map[string]any{"identifier": identifier(uraSystem, "90000101")}}}, patientPerf, "2026-01-01"), "specific recipient", nil},
		{"no actor", adult, consent("active", "permit", nil, patientPerf, "2026-01-01"), "names no recipient category", nil},
		{"nested provisions", adult, with(consent("active", "permit", cat("huisartsen"), patientPerf, "2026-01-01"), "provision",
			map[string]any{"type": "permit", "actor": cat("huisartsen"), "provision": []any{map[string]any{"type": "deny"}}}), "nested", nil},
		{"no performer", adult, consent("active", "permit", cat("huisartsen"), nil, "2026-01-01"), "needs a performer", nil},
		{"a practitioner as performer", adult, consent("active", "permit", cat("huisartsen"), []any{map[string]any{"type": "Practitioner", "display": "dokter"}}, "2026-01-01"), "must be the Patient or a RelatedPerson", nil},
		{"no date", adult, with(consent("active", "permit", cat("huisartsen"), patientPerf, ""), "dateTime", nil), "dateTime", nil},
		{"research scope", adult, with(consent("active", "permit", cat("huisartsen"), patientPerf, "2026-01-01"), "scope", coding(fhir.SystemConsentScope, "research", "")), "neither", nil},
		{"unknown channel", adult, with(consent("active", "permit", cat("huisartsen"), patientPerf, "2026-01-01"), "extension",
			[]any{map[string]any{"url": fhir.ExtensionConsentChannel, "valueCode": "fax"}}), "channel", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			r := env.im.ImportBytes(ctx, "consent.json", bundleJSON(t, "transaction", tt.patient, tt.consent))
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			reason, rejected := rejectedFor(r, "Consent/c1")
			if tt.rejected != "" {
				if !rejected || !strings.Contains(reason, tt.rejected) {
					t.Fatalf("rejection %q, want one mentioning %q", reason, tt.rejected)
				}
				return
			}
			if rejected {
				t.Fatalf("rejected: %s", reason)
			}
			p := env.patient(t, "p1")
			got, _ := env.st.ConsentHistory(ctx, p.ID)
			slices.Reverse(got) // the history is newest first; the cases list the decisions in bundle order
			if len(got) != len(tt.want) {
				t.Fatalf("consents: %+v", got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Category != w.Category || g.Status != w.Status || g.RegisteredBy != w.RegisteredBy || g.Channel != w.Channel ||
					g.RecordedBy != "fhir-import" || g.SourceRef == nil || *g.SourceRef != "Consent/c1|"+string(w.Category) {
					t.Errorf("consent %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}

	// A withdrawal is its own Consent, after the grant: both rows stay, the withdrawal newest.
	env := newTestEnv(t)
	withdrawal := with(consent("inactive", "permit", cat("huisartsen"), patientPerf, "2026-03-01"), "id", "c2")
	env.load(t, "history.json", bundleJSON(t, "transaction", adult, withdrawal, consent("active", "permit", cat("huisartsen"), patientPerf, "2025-01-01")))
	p := env.patient(t, "p1")
	hist, _ := env.st.ConsentHistory(ctx, p.ID)
	if len(hist) != 2 || hist[0].Status != access.ConsentWithdrawn || hist[1].Status != access.ConsentGranted {
		t.Errorf("history out of order: %+v", hist)
	}
}

func TestTreatmentLimits(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	directive := res{"resourceType": "Consent", "id": "nr", "status": "active", "patient": ref("urn:uuid:p1"), "dateTime": "2026-11-01",
		"scope":     coding(fhir.SystemConsentScope, "treatment", ""),
		"category":  []any{coding("http://snomed.info/sct", "11291000146105", "Behandelaanwijzing")},
		"provision": map[string]any{"type": "deny", "code": []any{map[string]any{"coding": []any{map[string]any{"system": "http://snomed.info/sct", "code": "89666000"}}, "text": "Niet reanimeren"}}}}
	flag := res{"resourceType": "Flag", "id": "ic", "status": "active", "subject": ref("urn:uuid:p1"),
		"category": []any{coding(fhir.SystemTreatmentLimit, "treatment-limit", "")}, "code": map[string]any{"text": "Geen IC-opname"},
		"period": map[string]any{"start": "2026-11-02"}}
	alert := res{"resourceType": "Flag", "id": "mrsa", "status": "active", "subject": ref("urn:uuid:p1"), "code": map[string]any{"text": "MRSA-drager"}}
	r := env.load(t, "limits.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), directive, flag, alert))
	if r.Counts["Flag"].Imported != 2 {
		t.Errorf("both Flags must be imported, the treatment limit and the alert: %+v", r.Counts["Flag"])
	}
	p := env.patient(t, "p1")
	if alerts, _ := env.st.Alerts(ctx, p.ID); len(alerts) != 1 || alerts[0].Display != "MRSA-drager" || alerts[0].Status != "active" {
		t.Errorf("a Flag that is not a treatment limit is an alert (zib Alert): %+v", alerts)
	}
	limits, _ := env.st.TreatmentLimits(ctx, p.ID)
	descs := map[string]string{}
	for _, l := range limits {
		descs[l.Description] = l.Code + "/" + l.Status
	}
	if len(limits) != 2 || descs["Niet reanimeren"] != "89666000/active" || descs["Geen IC-opname"] != "/active" {
		t.Errorf("treatment limits: %+v", limits)
	}
}

func TestUnknownResourcesAndBundleTypes(t *testing.T) {
	ctx := context.Background()
	for _, typ := range []string{"collection", "transaction", "batch", "searchset"} {
		t.Run(typ, func(t *testing.T) {
			env := newTestEnv(t)
			r := env.load(t, typ+".json", bundleJSON(t, typ,
				patientRes("p1", "999993653", "Jansen"),
				res{"resourceType": "Immunization", "id": "i1", "patient": ref("Patient/nowhere")}, // not read: no broken reference
				res{"resourceType": "Claim", "id": "cl1"},
				res{"resourceType": "OperationOutcome", "id": "oo"}))
			if r.BundleType != typ || r.Counts["Patient"].Imported != 1 || r.Counts["Claim"].Skipped != 1 ||
				r.Counts["Immunization"].Skipped != 1 || r.Skipped["Claim is not imported by the portal"] != 1 {
				t.Errorf("result: %+v %v", r.Counts, r.Skipped)
			}
		})
	}
	env := newTestEnv(t)
	r := env.im.ImportBytes(ctx, "delete.json", []byte(`{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE","url":"Patient/1"}}]}`))
	if r.Err != nil || len(r.Rejected) != 1 || !strings.Contains(r.Rejected[0].Reason, "never deletes") {
		t.Errorf("a DELETE entry: %v %+v", r.Err, r.Rejected)
	}
}

// TestRejectedResourceLeavesNothing checks the savepoint per resource: a CareTeam whose second
// participant is wrong writes none of its relationships.
func TestRejectedResourceLeavesNothing(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	kind := func(k string) []any { return []any{coding(fhir.SystemRelationshipKind, k, "")} }
	r := env.im.ImportBytes(ctx, "half.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"),
		res{"resourceType": "CareTeam", "id": "ct", "subject": ref("urn:uuid:p1"), "period": map[string]any{"start": "2026-01-01"},
			"participant": []any{
				map[string]any{"role": kind("referrer"), "member": map[string]any{"identifier": identifier(agbSystem, "03012345")}},
				map[string]any{"role": kind("referrer"), "member": map[string]any{"identifier": identifier(agbSystem, "1234")}},
			}}))
	if _, ok := rejectedFor(r, "CareTeam/ct"); !ok || r.Err != nil {
		t.Fatalf("the CareTeam was not rejected: %v %+v", r.Err, r.Rejected)
	}
	if c := env.counts(t); c["relationships"] != 0 {
		t.Errorf("%d relationships written by a rejected resource", c["relationships"])
	}
}

func TestImportWritesAccessLogRecord(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.im.User.Name = "FHIR import (test)"
	env.load(t, "one.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), labRes("o1", "urn:uuid:p1", "2823-3", 4.1, "mmol/L")))
	recs, err := env.st.AccessRecordsAfter(ctx, 0, 10)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %+v %v", recs, err)
	}
	rec := recs[0]
	if rec.Event != "import" || rec.Outcome != "success" || rec.UserName != "FHIR import (test)" || rec.PatientBSN != "999993653" ||
		!strings.Contains(rec.Detail, `"file":"one.json"`) || !strings.Contains(rec.Detail, `"Observation":{"imported":1`) ||
		!strings.Contains(rec.Detail, `"total":{"imported":2`) {
		t.Errorf("access record: %+v", rec)
	}
}
