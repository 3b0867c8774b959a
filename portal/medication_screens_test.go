package portal_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// mp9Bundle is an MP9 3.0 prescription and pharmacy bundle for the demo patient De Jong, dated around
// now: temazepam stopped three days ago for an adverse reaction; paracetamol in force with an
// administration agreement, a dispense two days ago, the patient's own account of its use and an
// administration yesterday; prednisolon agreed to start in five days;
// metoclopramide agreed for next week and cancelled. Paracetamol also has a variable dosing regimen.
// Omeprazol stops in two days and diclofenac is paused after tomorrow.
func mp9Bundle(t *testing.T, now time.Time) []byte {
	t.Helper()
	const (
		nictiz = "http://nictiz.nl/fhir/StructureDefinition/"
		snomed = "http://snomed.info/sct"
		maSys  = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.16076005.1"
		taSys  = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.422037009.1"
		mveSys = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.373784005.1"
	)
	// at is the day n days from now at a time of day, in the hospital's zone, as a FHIR dateTime.
	at := func(n, hour, minute, second int) string {
		d := now.In(amsterdam(t)).AddDate(0, 0, n)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, second, 0, d.Location()).Format(time.RFC3339)
	}
	patient := map[string]any{"reference": "Patient?identifier=http://fhir.nl/fhir/NamingSystem/bsn|" + bsnDeJong}
	concept := func(system, code, display string) map[string]any {
		return map[string]any{"coding": []any{map[string]any{"system": system, "code": code, "display": display}}}
	}
	drug := func(code, name string) map[string]any {
		return concept("urn:oid:2.16.840.1.113883.2.4.4.10", code, name)
	}
	record := func(typ, block, id, idSys, mbh string, m map[string]any, exts ...map[string]any) map[string]any {
		r := map[string]any{"resourceType": typ, "id": id, "subject": patient, "status": "active",
			"identifier": []any{map[string]any{"system": idSys, "value": id}}}
		cat := concept(snomed, block, block)
		if typ == "MedicationRequest" {
			r["intent"] = "order"
			r["category"] = []any{cat}
		} else {
			r["category"] = cat
		}
		ext := []any{map[string]any{"url": nictiz + "ext-PharmaceuticalTreatment.Identifier", "valueIdentifier": map[string]any{"system": "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1.1", "value": mbh}}}
		for _, e := range exts {
			ext = append(ext, e)
		}
		r["extension"] = ext
		for k, v := range m {
			r[k] = v
		}
		return r
	}
	period := func(start, end string) map[string]any {
		p := map[string]any{"start": start}
		if end != "" {
			p["end"] = end
		}
		return map[string]any{"url": nictiz + "ext-TimeInterval.Period", "valuePeriod": p}
	}
	registered := func(d string) map[string]any {
		return map[string]any{"url": nictiz + "ext-RegistrationDateTime", "valueDateTime": d}
	}
	text := func(s string) map[string]any {
		return map[string]any{"url": nictiz + "ext-RenderedDosageInstruction", "valueString": s}
	}
	stop := func(code string) []any {
		return []any{map[string]any{"url": nictiz + "ext-StopType", "valueCodeableConcept": concept(snomed, code, "stop")}}
	}
	prior := func(id string) map[string]any {
		return map[string]any{"type": "MedicationRequest", "identifier": map[string]any{"system": maSys, "value": id}}
	}
	temazepam, paracetamol := drug("20338", "TEMAZEPAM CAPSULE 10MG"), drug("2194", "PARACETAMOL TABLET 500MG")
	prednisolon, metoclopramide := drug("3824", "PREDNISOLON TABLET 5MG"), drug("1929", "METOCLOPRAMIDE TABLET 10MG")
	omeprazol, diclofenac := drug("6602", "OMEPRAZOL CAPSULE 20MG"), drug("20265", "DICLOFENAC TABLET 50MG")
	resources := []map[string]any{
		record("MedicationRequest", "33633005", "MA_TEMA", maSys, "MBH_TEMA", map[string]any{"medicationCodeableConcept": temazepam},
			registered(at(-10, 9, 0, 0)), period(at(-10, 0, 0, 0), ""), text("1 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_TEMA_STOP", maSys, "MBH_TEMA", map[string]any{"medicationCodeableConcept": temazepam,
			"modifierExtension": stop("410546004"), "priorPrescription": prior("MA_TEMA"),
			"reasonCode": []any{concept(snomed, "62014003", "ongewenste reactie op medicatie en/of drugs")}},
			registered(at(-3, 9, 0, 0)), period(at(-10, 0, 0, 0), at(-3, 23, 59, 59)), text("1 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_PARA", maSys, "MBH_PARA", map[string]any{"medicationCodeableConcept": paracetamol},
			registered(at(-20, 9, 0, 0)), period(at(-20, 0, 0, 0), ""), text("3 maal per dag 2 stuks, oraal")),
		record("MedicationDispense", "422037009", "TA_PARA", taSys, "MBH_PARA", map[string]any{"medicationCodeableConcept": paracetamol,
			"authorizingPrescription": []any{prior("MA_PARA")}},
			registered(at(-19, 9, 0, 0)), period(at(-19, 0, 0, 0), ""), text("3 maal per dag 2 stuks, oraal")),
		record("MedicationDispense", "373784005", "MVE_PARA", mveSys, "MBH_PARA", map[string]any{"medicationCodeableConcept": paracetamol,
			"status": "completed", "quantity": map[string]any{"value": 60, "unit": "stuk", "code": "1"},
			"whenHandedOver": at(-2, 10, 15, 0)}),
		record("MedicationRequest", "395067002", "WDS_PARA", "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.395067002.1", "MBH_PARA",
			map[string]any{"medicationCodeableConcept": paracetamol, "basedOn": []any{prior("MA_PARA")}},
			registered(at(-5, 9, 0, 0)), period(at(-5, 0, 0, 0), ""), text("eerst gedurende 3 dagen 3 maal per dag 2 stuks, dan 2 maal per dag 2 stuks, oraal")),
		record("MedicationStatement", "422979000", "MGB_PARA", "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.6.1", "MBH_PARA",
			map[string]any{"medicationCodeableConcept": paracetamol, "effectivePeriod": map[string]any{"start": at(-20, 0, 0, 0)}},
			text("3 maal per dag 1 stuk, oraal")),
		record("MedicationAdministration", "18629005", "MTD_PARA", "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.18629005.1", "MBH_PARA",
			map[string]any{"medicationCodeableConcept": paracetamol, "status": "completed", "effectiveDateTime": at(-1, 8, 0, 0),
				"dosage": map[string]any{"dose": map[string]any{"value": 2, "unit": "stuk", "code": "1"}, "route": map[string]any{"text": "oraal"}}}),
		record("MedicationRequest", "33633005", "MA_OME", maSys, "MBH_OME", map[string]any{"medicationCodeableConcept": omeprazol},
			registered(at(-30, 9, 0, 0)), period(at(-30, 0, 0, 0), ""), text("1 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_OME_STOP", maSys, "MBH_OME", map[string]any{"medicationCodeableConcept": omeprazol,
			"modifierExtension": stop("410546004"), "priorPrescription": prior("MA_OME"),
			"reasonCode": []any{concept(snomed, "112751000146109", "medicatiebeleid veranderd")}},
			registered(at(-1, 9, 0, 0)), period(at(-30, 0, 0, 0), at(2, 23, 59, 59)), text("1 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_DICLO", maSys, "MBH_DICLO", map[string]any{"medicationCodeableConcept": diclofenac},
			registered(at(-30, 9, 0, 0)), period(at(-30, 0, 0, 0), ""), text("2 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_DICLO_PAUZE", maSys, "MBH_DICLO", map[string]any{"medicationCodeableConcept": diclofenac,
			"modifierExtension": stop("385655000"), "priorPrescription": prior("MA_DICLO"),
			"reasonCode": []any{concept(snomed, "405613005", "verrichting gepland")}},
			registered(at(-1, 9, 0, 0)), period(at(-30, 0, 0, 0), at(1, 23, 59, 59)), text("2 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_PRED", maSys, "MBH_PRED", map[string]any{"medicationCodeableConcept": prednisolon},
			registered(at(-1, 9, 0, 0)), period(at(5, 0, 0, 0), at(11, 23, 59, 59)), text("1 maal per dag 6 stuks, oraal")),
		record("MedicationRequest", "33633005", "MA_METO", maSys, "MBH_METO", map[string]any{"medicationCodeableConcept": metoclopramide},
			registered(at(-2, 9, 0, 0)), period(at(7, 0, 0, 0), at(9, 23, 59, 59)), text("3 maal per dag 1 stuk, oraal")),
		record("MedicationRequest", "33633005", "MA_METO_ANN", maSys, "MBH_METO", map[string]any{"medicationCodeableConcept": metoclopramide,
			"modifierExtension": stop("89925002"), "priorPrescription": prior("MA_METO")},
			registered(at(-1, 9, 0, 0)), map[string]any{"url": nictiz + "ext-TimeInterval.Period", "valuePeriod": map[string]any{"start": at(7, 0, 0, 0), "end": at(7, 0, 0, 0)}}),
	}
	var entries []any
	for _, r := range resources {
		entries = append(entries, map[string]any{"fullUrl": "urn:uuid:" + strings.ToLower(r["id"].(string)), "resource": r,
			"request": map[string]any{"method": "POST", "url": r["resourceType"]}})
	}
	data, err := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "transaction", "entry": entries})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var dutchMonthNames = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// dutchDate writes a day as the Dutch screens do ("5 december 2026"), in the hospital's zone.
func dutchDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonthNames[t.Month()-1], t.Year())
}

// amsterdam is the hospital's zone, in which the screens write dates.
func amsterdam(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatalf("time zone: %v", err)
	}
	return loc
}

// sections splits a medication page into its current and its history part.
func sections(t *testing.T, body string) (current, history string) {
	t.Helper()
	i, j := strings.Index(body, `id="med-current"`), strings.Index(body, `id="med-history"`)
	if i < 0 || j < i {
		t.Fatalf("the medication page has no current and history sections:\n%s", body)
	}
	return body[i:j], body[j:]
}

// TestMedicationScreensFollowMP9 imports MP9 3.0 records for a demo patient and reads them through the
// real TLS server as the GP and as the pharmacist: a stopped medicine is absent from current medication
// on the summary and the medication screen and present in the history with its stop date and reason; a
// cancelled agreement is never current; a future agreement is marked future; the pharmacist sees the
// last dispense.
func TestMedicationScreensFollowMP9(t *testing.T) {
	now := time.Now().In(amsterdam(t))
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Bundles: [][]byte{mp9Bundle(t, now)}})
	jong := env.Patient(t, bsnDeJong)
	stopDate := dutchDate(now.AddDate(0, 0, -3))

	for _, card := range []string{devpki.CardGP, devpki.CardPharmacist} {
		c := env.Client(t, card)
		summary := c.Get(t, categoryPath(jong, access.Summary))
		checkPage(t, card+" summary", summary, 200)
		if !strings.Contains(summary.Body, "PARACETAMOL TABLET 500MG") || !strings.Contains(summary.Body, "3 maal per dag 2 stuks, oraal") {
			t.Errorf("%s: the summary lacks the medicine in force", card)
		}
		for _, absent := range []string{"TEMAZEPAM", "METOCLOPRAMIDE"} {
			if strings.Contains(summary.Body, absent) {
				t.Errorf("%s: the summary lists %s, which is stopped or cancelled", card, absent)
			}
		}
		if i := strings.Index(summary.Body, "PREDNISOLON TABLET 5MG"); i < 0 || !strings.Contains(summary.Body[i:], "toekomstig") {
			t.Errorf("%s: the future agreement is not marked toekomstig on the summary", card)
		}
		if !strings.Contains(summary.Body, "Laatst verstrekt "+dutchDate(now.AddDate(0, 0, -2))+": 60 stuks") {
			t.Errorf("%s: the summary lacks the last dispense", card)
		}

		page := c.Get(t, categoryPath(jong, access.Medication))
		checkPage(t, card+" medication", page, 200)
		current, history := sections(t, page.Body)
		for _, absent := range []string{"TEMAZEPAM", "METOCLOPRAMIDE"} {
			if strings.Contains(current, absent) {
				t.Errorf("%s: current medication lists %s", card, absent)
			}
		}
		if !strings.Contains(current, "PARACETAMOL TABLET 500MG") || !strings.Contains(current, "PRK 2194") {
			t.Errorf("%s: current medication lacks paracetamol with its G-Standaard code", card)
		}
		if i := strings.Index(current, "PREDNISOLON TABLET 5MG"); i < 0 || !strings.Contains(current[i:], ">toekomstig<") {
			t.Errorf("%s: the future agreement is not marked toekomstig", card)
		}
		if !strings.Contains(current, "Laatst verstrekt "+dutchDate(now.AddDate(0, 0, -2))+": 60 stuks") || !strings.Contains(current, "Toedieningsafspraak") {
			t.Errorf("%s: current medication lacks the pharmacy's agreement or the last dispense", card)
		}
		if !strings.Contains(current, "Wisselend doseerschema: eerst gedurende 3 dagen 3 maal per dag 2 stuks") || strings.Count(current, "PARACETAMOL TABLET 500MG") != 1 {
			t.Errorf("%s: the variable dosing regimen is not shown with its agreement, once", card)
		}
		if !strings.Contains(current, "Gebruik volgens patiënt: 3 maal per dag 1 stuk, oraal") ||
			!strings.Contains(current, "Laatst toegediend "+dutchDate(now.AddDate(0, 0, -1))+" 08:00: 2 stuks, oraal") {
			t.Errorf("%s: current medication lacks the patient's use or the last administration", card)
		}
		// A stop and a pause that lie ahead: current until then, saying when and why.
		if i := strings.Index(current, "OMEPRAZOL CAPSULE 20MG"); i < 0 || !strings.Contains(current[i:], "gebruik tot en met "+dutchDate(now.AddDate(0, 0, 2))) ||
			!strings.Contains(current[i:], "medicatiebeleid veranderd") {
			t.Errorf("%s: the coming stop of omeprazol is not shown with its date and reason", card)
		}
		if i := strings.Index(current, "DICLOFENAC TABLET 50MG"); i < 0 || !strings.Contains(current[i:], "onderbroken na "+dutchDate(now.AddDate(0, 0, 1))) ||
			!strings.Contains(current[i:], "verrichting gepland") {
			t.Errorf("%s: the coming pause of diclofenac is not shown with its date and reason", card)
		}
		i := strings.Index(history, "TEMAZEPAM CAPSULE 10MG")
		if i < 0 {
			t.Fatalf("%s: the stopped medicine is not in the history:\n%s", card, history)
		}
		row := history[i:]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, stopDate) || !strings.Contains(row, "ongewenste reactie op medicatie en/of drugs") || !strings.Contains(row, ">gestopt<") {
			t.Errorf("%s: the history row of the stopped medicine lacks its stop date %s, reason or state:\n%s", card, stopDate, row)
		}
		if j := strings.Index(history, "METOCLOPRAMIDE"); j < 0 || !strings.Contains(history[j:], ">geannuleerd<") {
			t.Errorf("%s: the cancelled agreement is not in the history as geannuleerd", card)
		}
		if missingMessage.MatchString(page.Body) || missingMessage.MatchString(summary.Body) {
			t.Errorf("%s: a message key is shown instead of its text", card)
		}
	}

	en := env.Client(t, devpki.CardPharmacist).Get(t, categoryPath(jong, access.Medication)+"?lang=en")
	current, history := sections(t, en.Body)
	if !strings.Contains(en.Body, "Medication history") || !strings.Contains(current, ">future<") || !strings.Contains(history, ">stopped<") ||
		!strings.Contains(current, "Last dispensed "+now.AddDate(0, 0, -2).Format("2 January 2006")) {
		t.Errorf("the English medication page lacks its words:\n%s", en.Body)
	}
}
