package demodata

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/fhir"
)

// person is a demo patient.
type person struct {
	key    string
	bsn    string
	number string
	given  []string
	prefix string
	family string
	sex    string
	// age at "now": years, months and days before now.
	years, months, days int
	// deceasedDaysAgo > 0 marks the patient deceased that many days ago.
	deceasedDaysAgo int
	// gp is the URA of the registered GP practice (empty: none); gpDoctor adds the GP herself (card key).
	gp       string
	gpDoctor string
}

// chart builds one patient's bundle.
type chart struct {
	w         *world
	p         person
	now       time.Time
	today     time.Time
	birth     time.Time
	b         *bundleBuilder
	patientID string
	n         int
}

const (
	systemATC        = "http://www.whocc.no/atc"
	systemHospitalMR = "urn:oid:2.16.840.1.113883.2.4.3.999.7.1" // fictitious OID of the hospital's patient numbers
	systemDCM        = "http://dicom.nema.org/resources/ontology/DCM"
	systemRoleCode   = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
)

func newChart(w *world, p person, now time.Time, bundleType string) *chart {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	c := &chart{w: w, p: p, now: now.UTC(), today: today, b: newBundle(bundleType)}
	c.birth = today.AddDate(-p.years, -p.months, -p.days)
	c.patientID = uuidFor("demo", "Patient", p.key)
	c.addPatient()
	return c
}

// id gives the next stable resource id of this chart.
func (c *chart) id(kind string) string {
	c.n++
	return uuidFor("demo", c.p.key, kind, fmt.Sprint(c.n))
}

// at is a moment daysAgo days before today (negative: in the future) at hh:mm UTC.
func (c *chart) at(daysAgo int, hh, mm int) time.Time {
	return c.today.AddDate(0, 0, -daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
}

func (c *chart) subject() *fhir.Reference { return ref(c.patientID) }

func (c *chart) dr(typ string) fhir.DomainResource {
	return fhir.DomainResource{ResourceType: typ}
}

func (c *chart) addPatient() {
	p := c.p
	name := fhir.HumanName{Use: "official", Family: strings.TrimSpace(p.prefix + " " + p.family), Given: p.given}
	if p.prefix != "" {
		name.FamilyExt = &fhir.Element{Extension: []fhir.Extension{
			{URL: fhir.ExtensionOwnPrefix, ValueString: p.prefix},
			{URL: fhir.ExtensionOwnName, ValueString: p.family},
		}}
	}
	res := fhir.Patient{
		DomainResource: fhir.DomainResource{ResourceType: "Patient", ID: c.patientID, Identifier: []fhir.Identifier{
			ident(fhir.SystemBSN, p.bsn),
			{Type: concept(fhir.SystemIdentifierType, "MR", "Medical record number"), System: systemHospitalMR, Value: p.number},
		}},
		Name:      []fhir.HumanName{name},
		Gender:    p.sex,
		BirthDate: date(c.birth),
		Address:   []fhir.Address{{City: "Tiel", Country: "NL"}},
	}
	if p.deceasedDaysAgo > 0 {
		res.DeceasedDateTime = dt(c.at(p.deceasedDaysAgo, 4, 20))
	}
	c.b.add("Patient", c.patientID, res)
	// The registered GP travels as a CareTeam rather than Patient.generalPractitioner, because only a
	// CareTeam participant carries the date of registration that the screens show ("since ...").
	var gp []tie
	since := c.now.Sub(c.registeredSince())
	if p.gp != "" {
		gp = append(gp, tie{kind: access.RegisteredGP, org: p.gp, fromAgo: since})
	}
	if p.gpDoctor != "" {
		gp = append(gp, tie{kind: access.RegisteredGP, doctor: p.gpDoctor, fromAgo: since})
	}
	if len(gp) > 0 {
		c.careTeam("ingeschreven bij de huisartsenpraktijk", gp...)
	}
}

// condition adds a problem; resolvedDaysAgo > 0 marks it resolved.
func (c *chart) condition(code, display string, onsetDaysAgo, resolvedDaysAgo int) string {
	id := c.id("Condition")
	res := fhir.Condition{
		DomainResource:     c.dr("Condition"),
		ClinicalStatus:     concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
		VerificationStatus: concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"),
		Category:           concepts(concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Probleem")),
		Code:               concept(fhir.SystemSNOMED, code, display),
		Subject:            c.subject(),
		OnsetDateTime:      dt(c.at(onsetDaysAgo, 9, 0)),
		RecordedDate:       dt(c.at(onsetDaysAgo, 9, 0)),
	}
	res.ID = id
	if resolvedDaysAgo > 0 {
		res.ClinicalStatus = concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved", "Resolved")
		res.AbatementDateTime = dt(c.at(resolvedDaysAgo, 9, 0))
	}
	c.b.add("Condition", id, res)
	return id
}

// labTest describes a laboratory test: LOINC code, name, unit and reference range.
type labTest struct {
	code, display, unit string
	low, high           *float64
	rangeText           string
}

var (
	testEGFR      = labTest{code: "62238-1", display: "eGFR (CKD-EPI)", unit: "mL/min/1.73m2", low: num(60), rangeText: "> 60"}
	testCreat     = labTest{code: "14682-9", display: "Kreatinine", unit: "umol/L", low: num(60), high: num(110)}
	testCreatF    = labTest{code: "14682-9", display: "Kreatinine", unit: "umol/L", low: num(50), high: num(90)}
	testPotassium = labTest{code: "2823-3", display: "Kalium", unit: "mmol/L", low: num(3.5), high: num(5.0)}
	testSodium    = labTest{code: "2951-2", display: "Natrium", unit: "mmol/L", low: num(135), high: num(145)}
	testHbM       = labTest{code: "59260-0", display: "Hemoglobine", unit: "mmol/L", low: num(8.5), high: num(11.0)}
	testHbF       = labTest{code: "59260-0", display: "Hemoglobine", unit: "mmol/L", low: num(7.5), high: num(10.0)}
	testHbA1c     = labTest{code: "59261-8", display: "HbA1c (IFCC)", unit: "mmol/mol", low: num(20), high: num(42), rangeText: "20 - 42 (streefwaarde diabetes < 53)"}
	testINR       = labTest{code: "6301-6", display: "INR", unit: "{INR}", low: num(2.0), high: num(3.0), rangeText: "streefgebied 2,0 - 3,0"}
	testCRP       = labTest{code: "1988-5", display: "CRP", unit: "mg/L", high: num(10)}
	testTSH       = labTest{code: "3016-3", display: "TSH", unit: "mU/L", low: num(0.4), high: num(4.0)}
	testFT4       = labTest{code: "3024-7", display: "Vrij T4", unit: "pmol/L", low: num(10), high: num(24)}
	testLeuko     = labTest{code: "6690-2", display: "Leukocyten", unit: "10*9/L", low: num(4.0), high: num(10.0)}
	testGlucose   = labTest{code: "15074-8", display: "Glucose", unit: "mmol/L", low: num(4.0), high: num(7.8)}
	testNTproBNP  = labTest{code: "33762-6", display: "NT-proBNP", unit: "ng/L", high: num(125)}
	testFerritin  = labTest{code: "2276-4", display: "Ferritine", unit: "ug/L", low: num(15), high: num(150)}
	testThrombo   = labTest{code: "777-3", display: "Trombocyten", unit: "10*9/L", low: num(150), high: num(400)}
	testALAT      = labTest{code: "1742-6", display: "ALAT", unit: "U/L", high: num(45)}
)

// point is one lab value: days before today and the value.
type point struct {
	daysAgo int
	value   float64
}

// labs adds a series of results of one test; values outside the range get interpretation H or L. It
// returns the ids of the Observations, for a DiagnosticReport.
func (c *chart) labs(t labTest, points ...point) []string {
	var ids []string
	for _, pt := range points {
		id := c.id("Observation")
		o := fhir.Observation{
			DomainResource:    c.dr("Observation"),
			Status:            "final",
			Category:          concepts(concept(fhir.SystemObservationCategory, "laboratory", "Laboratory")),
			Code:              concept(fhir.SystemLOINC, t.code, t.display),
			Subject:           c.subject(),
			EffectiveDateTime: dt(c.at(pt.daysAgo, 8, 15)),
			Issued:            dt(c.at(pt.daysAgo, 11, 40)),
			ValueQuantity:     quantity(pt.value, t.unit),
		}
		o.ID = id
		rr := fhir.ReferenceRange{Text: t.rangeText}
		if t.low != nil {
			rr.Low = quantity(*t.low, t.unit)
		}
		if t.high != nil {
			rr.High = quantity(*t.high, t.unit)
		}
		o.ReferenceRange = []fhir.ReferenceRange{rr}
		switch {
		case t.high != nil && pt.value > *t.high:
			o.Interpretation = concepts(concept(fhir.SystemInterpretation, "H", "High"))
		case t.low != nil && pt.value < *t.low:
			o.Interpretation = concepts(concept(fhir.SystemInterpretation, "L", "Low"))
		default:
			o.Interpretation = concepts(concept(fhir.SystemInterpretation, "N", "Normal"))
		}
		c.b.add("Observation", id, o)
		ids = append(ids, id)
	}
	return ids
}

// labPanel groups results of one moment in a laboratory DiagnosticReport.
func (c *chart) labPanel(title string, daysAgo int, results ...string) {
	id := c.id("DiagnosticReport")
	r := fhir.DiagnosticReport{
		DomainResource:    c.dr("DiagnosticReport"),
		Status:            "final",
		Category:          concepts(concept(fhir.SystemDiagnosticService, "LAB", "Laboratory")),
		Code:              concept(fhir.SystemLOINC, "11502-2", title),
		Subject:           c.subject(),
		EffectiveDateTime: dt(c.at(daysAgo, 8, 15)),
		Issued:            dt(c.at(daysAgo, 11, 40)),
	}
	r.ID = id
	for _, res := range results {
		r.Result = append(r.Result, *ref(res))
	}
	c.b.add("DiagnosticReport", id, r)
}

// vitals adds a blood pressure (with components), a pulse and optionally a weight.
func (c *chart) vitals(daysAgo int, systolic, diastolic, pulse, weight float64) {
	cat := concepts(concept(fhir.SystemObservationCategory, "vital-signs", "Vital Signs"))
	id := c.id("Observation")
	bp := fhir.Observation{
		DomainResource: c.dr("Observation"), Status: "final", Category: cat,
		Code:              concept(fhir.SystemLOINC, "85354-9", "Bloeddruk"),
		Subject:           c.subject(),
		EffectiveDateTime: dt(c.at(daysAgo, 10, 0)),
		Component: []fhir.ObservationComponent{
			{Code: *concept(fhir.SystemLOINC, "8480-6", "Systolische bloeddruk"), ValueQuantity: quantity(systolic, "mm[Hg]")},
			{Code: *concept(fhir.SystemLOINC, "8462-4", "Diastolische bloeddruk"), ValueQuantity: quantity(diastolic, "mm[Hg]")},
		},
	}
	bp.ID = id
	c.b.add("Observation", id, bp)
	id = c.id("Observation")
	hr := fhir.Observation{
		DomainResource: c.dr("Observation"), Status: "final", Category: cat,
		Code: concept(fhir.SystemLOINC, "8867-4", "Hartfrequentie"), Subject: c.subject(),
		EffectiveDateTime: dt(c.at(daysAgo, 10, 0)), ValueQuantity: quantity(pulse, "/min"),
	}
	hr.ID = id
	c.b.add("Observation", id, hr)
	if weight > 0 {
		id = c.id("Observation")
		wt := fhir.Observation{
			DomainResource: c.dr("Observation"), Status: "final", Category: cat,
			Code: concept(fhir.SystemLOINC, "29463-7", "Lichaamsgewicht"), Subject: c.subject(),
			EffectiveDateTime: dt(c.at(daysAgo, 10, 0)), ValueQuantity: quantity(weight, "kg"),
		}
		wt.ID = id
		c.b.add("Observation", id, wt)
	}
}

// drug is a medicinal product: ATC code, name and strength.
type drug struct {
	atc, name, strength string
}

// med describes one line of the medication overview.
type med struct {
	drug       drug
	dose       string
	route      string
	reason     string
	prescriber string // clinician key
	startAgo   int
	stopAgo    int // 0: still in use
	stopReason string
	request    bool // a prescription (MedicationRequest) rather than medication use
	contained  bool // the drug as contained Medication with an ingredient strength
}

// medication adds a MedicationStatement or MedicationRequest; for a drug with a strength the drug is a
// Medication (contained or in the bundle) so the strength travels the way a pharmacy system sends it.
func (c *chart) medication(m med) {
	id := c.id("Medication")
	var concept *fhir.CodeableConcept
	var medRef *fhir.Reference
	var contained []fhir.Medication
	if m.drug.strength == "" {
		concept = &fhir.CodeableConcept{Coding: []fhir.Coding{coding(systemATC, m.drug.atc, m.drug.name)}, Text: m.drug.name}
	} else {
		medID := uuidFor("demo", c.p.key, "Medication", id)
		amount, unit, _ := strings.Cut(m.drug.strength, " ")
		var value float64
		fmt.Sscanf(strings.ReplaceAll(amount, ",", "."), "%g", &value)
		medication := fhir.Medication{
			DomainResource: fhir.DomainResource{ResourceType: "Medication", ID: medID},
			Code:           &fhir.CodeableConcept{Coding: []fhir.Coding{coding(systemATC, m.drug.atc, m.drug.name)}, Text: m.drug.name},
			Ingredient: []fhir.MedicationIngredient{{
				ItemCodeableConcept: text(m.drug.name),
				Strength:            &fhir.Ratio{Numerator: &fhir.Quantity{Value: num(value), Unit: unit}, Denominator: &fhir.Quantity{Value: num(1), Unit: "stuk"}},
			}},
		}
		if m.contained {
			medication.ID = "med"
			contained = append(contained, medication)
			medRef = &fhir.Reference{Reference: "#med"}
		} else {
			c.b.add("Medication", medID, medication)
			medRef = ref(medID)
		}
	}
	var rawContained []json.RawMessage
	for _, cm := range contained {
		raw, err := json.Marshal(cm)
		if err != nil {
			panic(fmt.Sprintf("demodata: marshal contained medication: %v", err))
		}
		rawContained = append(rawContained, raw)
	}
	dosage := []fhir.Dosage{{Text: m.dose, Route: text(m.route)}}
	if m.route == "" {
		dosage[0].Route = nil
	}
	start := c.at(m.startAgo, 9, 0)
	var stop time.Time
	status := "active"
	if m.stopAgo > 0 {
		stop = c.at(m.stopAgo, 9, 0)
		status = "stopped"
		if m.stopReason == "" {
			status = "completed"
		}
	}
	doc := c.w.doc(m.prescriber)
	if m.request {
		dosage[0].Timing = &fhir.Timing{Repeat: &fhir.TimingRepeat{BoundsPeriod: period(start, stop)}}
		r := fhir.MedicationRequest{
			DomainResource:            fhir.DomainResource{ResourceType: "MedicationRequest", ID: id},
			Status:                    status,
			Intent:                    "order",
			MedicationCodeableConcept: concept,
			MedicationReference:       medRef,
			Subject:                   c.subject(),
			AuthoredOn:                dt(start),
			Requester:                 doc.ref(),
			DosageInstruction:         dosage,
		}
		r.Contained = rawContained
		if m.reason != "" {
			r.ReasonCode = concepts(text(m.reason))
		}
		if m.stopReason != "" {
			r.StatusReason = text(m.stopReason)
		}
		c.b.add("MedicationRequest", id, r)
		return
	}
	s := fhir.MedicationStatement{
		DomainResource:            fhir.DomainResource{ResourceType: "MedicationStatement", ID: id},
		Status:                    status,
		MedicationCodeableConcept: concept,
		MedicationReference:       medRef,
		Subject:                   c.subject(),
		EffectivePeriod:           period(start, stop),
		DateAsserted:              dt(start),
		InformationSource:         doc.ref(),
		Dosage:                    dosage,
	}
	s.Contained = rawContained
	if m.reason != "" {
		s.ReasonCode = concepts(text(m.reason))
	}
	if m.stopReason != "" {
		s.StatusReason = concepts(text(m.stopReason))
	}
	c.b.add("MedicationStatement", id, s)
}

// allergy adds an allergy (code from SNOMED when given).
func (c *chart) allergy(code, display, category, criticality, reaction string, recordedAgo int) {
	id := c.id("AllergyIntolerance")
	a := fhir.AllergyIntolerance{
		DomainResource:     c.dr("AllergyIntolerance"),
		ClinicalStatus:     concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"),
		VerificationStatus: concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed"),
		Type:               "allergy",
		Criticality:        criticality,
		Code:               concept(fhir.SystemSNOMED, code, display),
		Patient:            c.subject(),
		RecordedDate:       dt(c.at(recordedAgo, 11, 0)),
	}
	if category != "" {
		a.Category = []string{category}
	}
	if reaction != "" {
		a.Reaction = []fhir.AllergyReaction{{Manifestation: concepts(text(reaction)), Severity: "moderate"}}
	}
	a.ID = id
	c.b.add("AllergyIntolerance", id, a)
}

// noKnownAllergies records that the patient was asked and has no known allergies.
func (c *chart) noKnownAllergies(recordedAgo int) {
	id := c.id("AllergyIntolerance")
	a := fhir.AllergyIntolerance{
		DomainResource: c.dr("AllergyIntolerance"),
		ClinicalStatus: concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"),
		Code:           concept(fhir.SystemSNOMED, "716186003", "Geen allergie bekend"),
		Patient:        c.subject(),
		RecordedDate:   dt(c.at(recordedAgo, 11, 0)),
	}
	a.ID = id
	c.b.add("AllergyIntolerance", id, a)
}

// encounter adds a contact; endAgo < 0 leaves it open (a current admission).
type visit struct {
	class      string // IMP, AMB, EMER
	department string
	reason     string
	doctor     string
	startAgo   int
	endAgo     int // -1: still going on
	discharge  string
	hh         int
}

func (c *chart) encounter(v visit) string {
	id := c.id("Encounter")
	hh := v.hh
	if hh == 0 {
		hh = 10
	}
	start := c.at(v.startAgo, hh, 30)
	e := fhir.Encounter{
		DomainResource:  c.dr("Encounter"),
		Status:          "finished",
		Class:           &fhir.Coding{System: fhir.SystemActCode, Code: v.class},
		ServiceType:     text(v.department),
		Subject:         c.subject(),
		Period:          &fhir.Period{Start: dt(start)},
		ReasonCode:      concepts(text(v.reason)),
		ServiceProvider: c.w.org(devpki.HospitalURA).ref(),
	}
	e.ID = id
	if v.doctor != "" {
		e.Participant = []fhir.EncounterParticipant{{Individual: c.w.doc(v.doctor).ref()}}
	}
	switch {
	case v.endAgo < 0:
		e.Status = "in-progress"
	case v.class == "IMP" || v.class == "SS":
		e.Period.End = dt(c.at(v.endAgo, 16, 0))
	default:
		e.Period.End = dt(start.Add(20 * time.Minute))
	}
	if v.discharge != "" {
		e.Hospitalization = &fhir.Hospitalization{DischargeDisposition: text(v.discharge)}
	}
	if v.class == "IMP" || v.class == "SS" {
		e.Location = []fhir.EncounterLocation{{Location: fhir.Reference{Display: v.department + ", verpleegafdeling"}}}
	}
	c.b.add("Encounter", id, e)
	return id
}

// appointment adds a planned (daysAgo < 0) or past appointment.
func (c *chart) appointment(description, department, doctor string, daysAgo int, status string) {
	id := c.id("Appointment")
	start := c.at(daysAgo, 9, 45)
	a := fhir.Appointment{
		DomainResource: c.dr("Appointment"),
		Status:         status,
		Specialty:      concepts(text(department)),
		Description:    description,
		Start:          dt(start),
		End:            dt(start.Add(20 * time.Minute)),
		Participant: []fhir.AppointmentParticipant{
			{Actor: c.subject(), Status: "accepted"},
			{Actor: c.w.doc(doctor).ref(), Status: "accepted"},
		},
	}
	a.Participant[0].Actor.Type = "Patient"
	a.ID = id
	c.b.add("Appointment", id, a)
}

// procedure adds a procedure (an operation) with its encounter.
func (c *chart) procedure(code, display, doctor string, daysAgo int, encounter string) {
	id := c.id("Procedure")
	start := c.at(daysAgo, 13, 0)
	p := fhir.Procedure{
		DomainResource:  c.dr("Procedure"),
		Status:          "completed",
		Code:            concept(fhir.SystemSNOMED, code, display),
		Subject:         c.subject(),
		PerformedPeriod: period(start, start.Add(90*time.Minute)),
		Performer:       []fhir.ProcedurePerformer{{Actor: *c.w.doc(doctor).ref()}},
	}
	if encounter != "" {
		p.Encounter = ref(encounter)
	}
	p.ID = id
	c.b.add("Procedure", id, p)
}

// document is the content of a report or letter.
type document struct {
	contentType string
	title       string
	lines       []string
	viaBinary   bool // content in a Binary entry the attachment points at
}

// attachment builds the FHIR attachment: text and HTML as written, PDF generated.
func (c *chart) attachment(d document) fhir.Attachment {
	var data []byte
	switch d.contentType {
	case "application/pdf":
		data = simplePDF(d.title, d.lines)
	case "text/html":
		var b strings.Builder
		b.WriteString("<h1>" + d.title + "</h1>\n")
		for _, l := range d.lines {
			b.WriteString("<p>" + l + "</p>\n")
		}
		data = []byte(b.String())
	default:
		data = []byte(d.title + "\n\n" + strings.Join(d.lines, "\n") + "\n")
	}
	ct := d.contentType
	if ct != "application/pdf" {
		ct += "; charset=utf-8"
	}
	a := fhir.Attachment{ContentType: ct, Title: d.title}
	if d.viaBinary {
		id := c.id("Binary")
		c.b.add("Binary", id, fhir.Binary{ResourceType: "Binary", ID: id, ContentType: ct, Data: base64.StdEncoding.EncodeToString(data)})
		a.URL = "urn:uuid:" + id
		return a
	}
	a.Data = base64.StdEncoding.EncodeToString(data)
	return a
}

// report adds a DiagnosticReport with a presentedForm.
type reportSpec struct {
	category, loinc, title string
	doctor                 string
	daysAgo                int
	conclusion             string
	docs                   []document
}

func (c *chart) report(r reportSpec) {
	id := c.id("DiagnosticReport")
	d := fhir.DiagnosticReport{
		DomainResource:     c.dr("DiagnosticReport"),
		Status:             "final",
		Category:           concepts(concept(fhir.SystemDiagnosticService, r.category, r.category)),
		Code:               concept(fhir.SystemLOINC, r.loinc, r.title),
		Subject:            c.subject(),
		EffectiveDateTime:  dt(c.at(r.daysAgo, 9, 30)),
		Issued:             dt(c.at(r.daysAgo, 16, 0)),
		ResultsInterpreter: []fhir.Reference{*c.w.doc(r.doctor).ref()},
		Conclusion:         r.conclusion,
	}
	d.ID = id
	for _, doc := range r.docs {
		d.PresentedForm = append(d.PresentedForm, c.attachment(doc))
	}
	c.b.add("DiagnosticReport", id, d)
}

// letter adds a DocumentReference.
type letterSpec struct {
	loinc, typeName, title string
	doctor                 string
	daysAgo                int
	docs                   []document
}

func (c *chart) letter(l letterSpec) {
	id := c.id("DocumentReference")
	d := fhir.DocumentReference{
		DomainResource: c.dr("DocumentReference"),
		Status:         "current",
		DocStatus:      "final",
		Type:           concept(fhir.SystemLOINC, l.loinc, l.typeName),
		Subject:        c.subject(),
		Date:           dt(c.at(l.daysAgo, 15, 10)),
		Author:         []fhir.Reference{*c.w.doc(l.doctor).ref()},
		Description:    l.title,
	}
	d.ID = id
	for _, doc := range l.docs {
		d.Content = append(d.Content, fhir.DocumentReferenceContent{Attachment: c.attachment(doc)})
	}
	c.b.add("DocumentReference", id, d)
}

// imaging adds an ImagingStudy with one series.
func (c *chart) imaging(modality, modalityName, description, bodySite string, daysAgo, instances int) {
	id := c.id("ImagingStudy")
	n := instances
	s := fhir.ImagingStudy{
		DomainResource:    c.dr("ImagingStudy"),
		Status:            "available",
		Modality:          []fhir.Coding{coding(systemDCM, modality, modalityName)},
		Subject:           c.subject(),
		Started:           dt(c.at(daysAgo, 9, 10)),
		NumberOfSeries:    intPtr(1),
		NumberOfInstances: intPtr(instances),
		Description:       description,
		Series: []fhir.ImagingStudySeries{{
			UID: "2.25." + fmt.Sprint(c.n), Number: 1, Modality: &fhir.Coding{System: systemDCM, Code: modality},
			NumberOfInstances: &n, BodySite: &fhir.Coding{Display: bodySite},
		}},
	}
	s.ID = id
	c.b.add("ImagingStudy", id, s)
}

func intPtr(i int) *int { return &i }

// limit adds a treatment limit as a treatment directive (Consent, scope treatment) or as a Flag.
func (c *chart) limit(description, snomed string, daysAgo int, asFlag bool) {
	id := c.id("Limit")
	if asFlag {
		f := fhir.Flag{
			DomainResource: fhir.DomainResource{ResourceType: "Flag", ID: id},
			Status:         "active",
			Category:       concepts(concept(fhir.SystemTreatmentLimit, "treatment-limit", "Behandelbeperking")),
			Code:           *concept(fhir.SystemSNOMED, snomed, description),
			Subject:        c.subject(),
			Period:         &fhir.Period{Start: dt(c.at(daysAgo, 11, 0))},
		}
		c.b.add("Flag", id, f)
		return
	}
	con := fhir.Consent{
		DomainResource: fhir.DomainResource{ResourceType: "Consent", ID: id},
		Status:         "active",
		Scope:          concept(fhir.SystemConsentScope, "treatment", "Treatment"),
		Category:       concepts(concept(fhir.SystemSNOMED, "11291000146105", "Behandelaanwijzing")),
		Patient:        c.subject(),
		DateTime:       dt(c.at(daysAgo, 11, 0)),
		Provision: &fhir.ConsentProvision{Type: "deny", Code: concepts(&fhir.CodeableConcept{
			Coding: []fhir.Coding{coding(fhir.SystemSNOMED, snomed, "")}, Text: description,
		})},
	}
	c.b.add("Consent", id, con)
}

// consent registers a decision for some recipient categories.
func (c *chart) consent(status access.ConsentStatus, by access.Registrant, channel access.Channel, daysAgo int, cats ...access.RecipientCategory) {
	id := c.id("Consent")
	con := fhir.Consent{
		DomainResource: fhir.DomainResource{ResourceType: "Consent", ID: id,
			Extension: []fhir.Extension{{URL: fhir.ExtensionConsentChannel, ValueCode: string(channel)}}},
		Scope:     concept(fhir.SystemConsentScope, "patient-privacy", "Privacy Consent"),
		Category:  concepts(concept(fhir.SystemLOINC, "59284-0", "Patient Consent")),
		Patient:   c.subject(),
		DateTime:  dt(c.at(daysAgo, 14, 0)),
		Provision: &fhir.ConsentProvision{},
	}
	switch status {
	case access.ConsentGranted:
		con.Status, con.Provision.Type = "active", "permit"
	case access.ConsentRefused:
		con.Status, con.Provision.Type = "active", "deny"
	case access.ConsentWithdrawn:
		con.Status, con.Provision.Type = "inactive", "permit"
	}
	for _, cat := range cats {
		con.Provision.Actor = append(con.Provision.Actor, fhir.ConsentActor{
			Role:      *concept(fhir.SystemRecipientCategory, string(cat), string(cat)),
			Reference: fhir.Reference{Display: string(cat)},
		})
	}
	if by == access.ByPatient || by == access.ByBoth {
		con.Performer = append(con.Performer, *c.subject())
	}
	if by == access.ByRepresentative || by == access.ByBoth {
		con.Performer = append(con.Performer, fhir.Reference{Type: "RelatedPerson", Display: "ouder/voogd"})
	}
	c.b.add("Consent", id, con)
}

// allCategories is every recipient category.
var allCategories = access.RecipientCategories

// registeredSince is when the patient registered with their GP practice: at birth for children, a
// deterministic 3 to 19 years ago for adults (never before birth).
func (c *chart) registeredSince() time.Time {
	years := 3 + c.p.years%17
	if years >= c.p.years {
		return c.birth
	}
	return c.today.AddDate(-years, -(c.p.days % 12), 0)
}

// tie is one treatment relationship of the patient.
type tie struct {
	kind     access.RelationshipKind
	doctor   string // holder by AGB (clinician key), or
	org      string // holder by URA
	mandate  string // URA of the mandating practice (covering)
	fromAgo  time.Duration
	untilAgo *time.Duration // nil: open (or the default lifetime of the kind)
	reason   string
}

// careTeam records treatment relationships as a CareTeam, one participant per relationship.
func (c *chart) careTeam(reason string, ties ...tie) {
	id := c.id("CareTeam")
	ct := fhir.CareTeam{
		DomainResource: fhir.DomainResource{ResourceType: "CareTeam", ID: id},
		Status:         "active",
		Subject:        c.subject(),
	}
	if reason != "" {
		ct.ReasonCode = concepts(text(reason))
	}
	for _, t := range ties {
		p := fhir.CareTeamParticipant{
			Role: concepts(concept(fhir.SystemRelationshipKind, string(t.kind), string(t.kind))),
		}
		if t.doctor != "" {
			p.Member = c.w.doc(t.doctor).ref()
		} else {
			p.Member = c.w.org(t.org).ref()
		}
		if t.mandate != "" {
			p.OnBehalfOf = c.w.org(t.mandate).ref()
		}
		from := c.now.Add(-t.fromAgo)
		var until time.Time
		if t.untilAgo != nil {
			until = c.now.Add(-*t.untilAgo)
		}
		p.Period = period(from, until)
		ct.Participant = append(ct.Participant, p)
	}
	c.b.add("CareTeam", id, ct)
}

// episode records one relationship as an EpisodeOfCare held by an organisation.
func (c *chart) episode(kind access.RelationshipKind, ura string, fromAgo, untilAgo time.Duration) {
	id := c.id("EpisodeOfCare")
	ep := fhir.EpisodeOfCare{
		DomainResource:       fhir.DomainResource{ResourceType: "EpisodeOfCare", ID: id},
		Status:               "active",
		Type:                 concepts(concept(fhir.SystemRelationshipKind, string(kind), string(kind))),
		Patient:              c.subject(),
		ManagingOrganization: c.w.org(ura).ref(),
		Period:               period(c.now.Add(-fromAgo), c.now.Add(-untilAgo)),
	}
	c.b.add("EpisodeOfCare", id, ep)
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func durPtr(d time.Duration) *time.Duration { return &d }
