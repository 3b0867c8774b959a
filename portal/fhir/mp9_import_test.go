package fhir_test

import (
	"context"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/dossier"
)

const (
	nictiz    = "http://nictiz.nl/fhir/StructureDefinition/"
	maIDSys   = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.16076005.1"
	mbhSys    = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1.1"
	snomedSys = "http://snomed.info/sct"
)

// agreementRes is an MP9 3.0 medicatieafspraak of treatment MBH_1 for patient p1.
func agreementRes(id, identifierValue string, extra ...any) res {
	r := res{
		"resourceType": "MedicationRequest", "id": id, "status": "active", "intent": "order",
		"subject":                   ref("urn:uuid:p1"),
		"category":                  []any{coding(snomedSys, "33633005", "voorschrijven van geneesmiddel")},
		"identifier":                []any{identifier(maIDSys, identifierValue)},
		"medicationCodeableConcept": coding("urn:oid:2.16.840.1.113883.2.4.4.10", "2194", "PARACETAMOL 1000MG TABLET"),
		"extension": []any{
			map[string]any{"url": nictiz + "ext-PharmaceuticalTreatment.Identifier", "valueIdentifier": identifier(mbhSys, "MBH_1")},
			map[string]any{"url": nictiz + "ext-RegistrationDateTime", "valueDateTime": "2026-11-20T10:00:00+01:00"},
			map[string]any{"url": nictiz + "ext-TimeInterval.Period", "valuePeriod": map[string]any{"start": "2026-11-20T00:00:00+01:00",
				"extension": []any{map[string]any{"url": nictiz + "ext-TimeInterval.Duration", "valueDuration": map[string]any{"value": 2, "unit": "week", "code": "wk"}}}}},
		},
		"dosageInstruction": []any{map[string]any{"timing": map[string]any{"repeat": map[string]any{"frequency": 3, "period": 1, "periodUnit": "d"}},
			"doseAndRate": []any{map[string]any{"doseQuantity": map[string]any{"value": 1, "unit": "stuk", "code": "1"}}}}},
	}
	return with(r, extra...)
}

func stopTypeExt(code string) []any {
	return []any{map[string]any{"url": nictiz + "ext-StopType", "valueCodeableConcept": coding(snomedSys, code, "stop")}}
}

// TestMP9ImportRules checks what the importer keeps of an MP9 record and what it refuses, each with a
// precise reason, leaving the rest of the bundle imported.
func TestMP9ImportRules(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	r := env.im.ImportBytes(ctx, "mp9.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"),
		agreementRes("ma1", "MA_1"),
		agreementRes("ma-unknown-modifier", "MA_2", "modifierExtension", []any{map[string]any{"url": "http://example.org/ext-NotTaken", "valueBoolean": true}}),
		agreementRes("ma-unknown-stop", "MA_3", "modifierExtension", stopTypeExt("123456")),
		agreementRes("ma-dosage-modifier", "MA_4", "dosageInstruction", []any{map[string]any{"modifierExtension": []any{map[string]any{"url": nictiz + "ext-StopType"}}}}),
		agreementRes("ma-no-treatment", "MA_5", "extension", []any{}),
		agreementRes("ma-no-identifier", "", "identifier", nil),
		agreementRes("ma-bad-date", "MA_7", "extension", []any{
			map[string]any{"url": nictiz + "ext-PharmaceuticalTreatment.Identifier", "valueIdentifier": identifier(mbhSys, "MBH_1")},
			map[string]any{"url": nictiz + "ext-TimeInterval.Period", "valuePeriod": map[string]any{"start": "${DATE, T, D, -1}T08:00:00+01:00"}}}),
		with(agreementRes("ta-as-request", "TA_1"), "category", []any{coding(snomedSys, "422037009", "toedieningsafspraak")}),
		agreementRes("ma-proposal", "MA_PROPOSAL", "intent", "plan"),
		agreementRes("ma-stop", "MA_1_STOP", "modifierExtension", stopTypeExt("410546004"),
			"priorPrescription", map[string]any{"type": "MedicationRequest", "identifier": identifier(maIDSys, "MA_1")},
			"reasonCode", []any{coding(snomedSys, "62014003", "ongewenste reactie op medicatie en/of drugs")}),
	))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	wantRejected := map[string]string{
		"MedicationRequest/ma-unknown-modifier": `modifierExtension "http://example.org/ext-NotTaken"`,
		"MedicationRequest/ma-unknown-stop":     "is not a stop type of MP9 3.0",
		"MedicationRequest/ma-dosage-modifier":  "on dosageInstruction is not understood",
		"MedicationRequest/ma-no-treatment":     "ext-PharmaceuticalTreatment.Identifier",
		"MedicationRequest/ma-no-identifier":    "needs an identifier",
		"MedicationRequest/ma-bad-date":         "is not a FHIR date",
		"MedicationRequest/ta-as-request":       "is sent as a MedicationDispense, not as a MedicationRequest",
	}
	for resource, want := range wantRejected {
		reason, ok := rejectedFor(r, resource)
		if !ok || !strings.Contains(reason, want) {
			t.Errorf("%s: rejected %v with %q, want a reason with %q", resource, ok, reason, want)
		}
	}
	if len(r.Rejected) != len(wantRejected) {
		t.Errorf("rejections: %+v", r.Rejected)
	}
	if r.Skipped["an MP9 proposal (intent plan) is not an agreement; the portal shows agreements only"] != 1 {
		t.Errorf("the proposal was not skipped with its reason: %v", r.Skipped)
	}
	meds, err := env.st.Medications(ctx, env.patient(t, "p1").ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(meds) != 2 {
		t.Fatalf("medication rows: %+v", meds)
	}
	byID := map[string]dossier.Medication{}
	for _, m := range meds {
		byID[m.IdentifierValue] = m
	}
	ma, stop := byID["MA_1"], byID["MA_1_STOP"]
	if ma.Category != dossier.MedicationAgreement || ma.TreatmentValue != "MBH_1" || ma.RegisteredAt == nil || ma.StartAt == nil ||
		ma.StopAt == nil || ma.StopAt.Sub(*ma.StartAt).Hours() != 14*24 || ma.Duration != "2 weken" ||
		ma.Dose != "3 maal per dag 1 stuk" || ma.CodeSystem != "urn:oid:2.16.840.1.113883.2.4.4.10" || ma.Code != "2194" {
		t.Errorf("agreement: %+v", ma)
	}
	if stop.StopType != dossier.Stopped || stop.StopReason != "ongewenste reactie op medicatie en/of drugs" || !stop.LinksTo(ma, dossier.LinkPrior) {
		t.Errorf("stop: %+v", stop)
	}
}

// TestMP9IdentifierOfAnotherPatient refuses a record whose business identifier already belongs to a
// record of another patient: a record is never moved between dossiers by a colliding identifier.
func TestMP9IdentifierOfAnotherPatient(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "one.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), agreementRes("ma1", "MA_1")))
	other := patientRes("p2", "999996708", "Pietersen")
	r := env.im.ImportBytes(ctx, "two.json", bundleJSON(t, "transaction", other,
		with(agreementRes("ma-other", "MA_1"), "subject", ref("urn:uuid:p2"))))
	if reason, ok := rejectedFor(r, "MedicationRequest/ma-other"); !ok || !strings.Contains(reason, "another patient") {
		t.Errorf("rejected %v: %q", ok, reason)
	}
	meds, _ := env.st.Medications(ctx, env.patient(t, "p1").ID)
	if len(meds) != 1 || meds[0].FHIRID == nil || *meds[0].FHIRID != "ma1" {
		t.Errorf("the first patient's record changed: %+v", meds)
	}
}

// TestMP9OtherRecordUnderKnownResourceID refuses a record that arrives under the resource id of another
// record: the first record stays as it was.
func TestMP9OtherRecordUnderKnownResourceID(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "one.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), agreementRes("ma1", "MA_1")))
	r := env.im.ImportBytes(ctx, "two.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"),
		agreementRes("ma1", "MA_OTHER", "medicationCodeableConcept", map[string]any{"text": "IBUPROFEN 400MG"})))
	if reason, ok := rejectedFor(r, "MedicationRequest/ma1"); !ok || !strings.Contains(reason, "cannot take its resource id") {
		t.Errorf("rejected %v: %q", ok, reason)
	}
	meds, _ := env.st.Medications(ctx, env.patient(t, "p1").ID)
	if len(meds) != 1 || meds[0].IdentifierValue != "MA_1" || meds[0].Drug != "PARACETAMOL 1000MG TABLET" {
		t.Errorf("the first record changed: %+v", meds)
	}
}

// TestMP9DispenseAndAdministration imports a verstrekking and a medicatietoediening, which the portal
// used to skip.
func TestMP9DispenseAndAdministration(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	treatment := []any{map[string]any{"url": nictiz + "ext-PharmaceuticalTreatment.Identifier", "valueIdentifier": identifier(mbhSys, "MBH_1")}}
	env.load(t, "pharmacy.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"),
		res{"resourceType": "Organization", "id": "apo", "name": "Apotheek De Gulle Gaper"},
		res{"resourceType": "MedicationDispense", "id": "mve1", "status": "completed", "extension": treatment,
			"identifier": []any{identifier("urn:oid:2.16.840.1.113883.2.4.3.11.999.77.373784005.1", "MVE_1")},
			"category":   coding(snomedSys, "373784005", "verstrekken van medicatie"),
			"medicationCodeableConcept": map[string]any{"coding": []any{
				map[string]any{"system": "urn:oid:2.16.840.1.113883.2.4.4.10", "code": "2194", "display": "PARACETAMOL 1000MG"},
				map[string]any{"system": "urn:oid:2.16.840.1.113883.2.4.4.7", "code": "2419351", "display": "PARACETAMOL TABLET 1000MG", "userSelected": true}}},
			"subject": ref("urn:uuid:p1"), "performer": []any{map[string]any{"actor": ref("urn:uuid:apo")}},
			"quantity":       map[string]any{"value": 112, "unit": "stuk", "code": "1"},
			"daysSupply":     map[string]any{"value": 21, "unit": "dag", "code": "d"},
			"whenHandedOver": "2026-11-20T08:30:00+01:00"},
		res{"resourceType": "MedicationAdministration", "id": "mtd1", "status": "completed", "extension": treatment,
			"identifier":                []any{identifier("urn:oid:2.16.840.1.113883.2.4.3.11.999.77.18629005.1", "MTD_1")},
			"category":                  coding(snomedSys, "18629005", "toediening van medicatie"),
			"medicationCodeableConcept": map[string]any{"text": "PARACETAMOL TABLET 1000MG"},
			"subject":                   ref("urn:uuid:p1"), "effectiveDateTime": "2026-11-21T09:00:00+01:00",
			"dosage": map[string]any{"dose": map[string]any{"value": 2, "unit": "stuk", "code": "1"}, "route": map[string]any{"text": "oraal"}}},
	))
	meds, _ := env.st.Medications(ctx, env.patient(t, "p1").ID)
	if len(meds) != 2 {
		t.Fatalf("rows: %+v", meds)
	}
	for _, m := range meds {
		switch m.Category {
		case dossier.MedicationDispense:
			if m.SourceKind != dossier.FromDispense || m.Quantity != "112 stuks" || m.DaysSupply != "21 dagen" || m.HandedOverAt == nil ||
				m.Performer != "Apotheek De Gulle Gaper" || m.Code != "2419351" || m.StopAt == nil || m.StopAt.Sub(*m.HandedOverAt).Hours() != 21*24 {
				t.Errorf("dispense: %+v", m)
			}
		case dossier.MedicationAdministered:
			if m.SourceKind != dossier.FromAdministration || m.Dose != "2 stuks, oraal" || m.StartAt == nil {
				t.Errorf("administration: %+v", m)
			}
		default:
			t.Errorf("unexpected row: %+v", m)
		}
	}
}

// TestStopTypeWithoutMP9Category reads the stop type of a record that carries no MP9 category: a
// modifier the portal understands is never dropped, whatever profile the sender used.
func TestStopTypeWithoutMP9Category(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.load(t, "plain.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"),
		res{"resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": ref("urn:uuid:p1"),
			"medicationCodeableConcept": map[string]any{"text": "Metformine 500 mg"},
			"effectivePeriod":           map[string]any{"start": "2026-01-01", "end": "2026-11-01T12:00:00Z"},
			"modifierExtension":         stopTypeExt("410546004")}))
	meds, _ := env.st.Medications(ctx, env.patient(t, "p1").ID)
	if len(meds) != 1 || meds[0].StopType != dossier.Stopped || meds[0].Category != dossier.NoBlock {
		t.Errorf("rows: %+v", meds)
	}
}
