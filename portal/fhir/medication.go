package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// medicationInfo is what the medication overview needs of a Medication: kept in fhir_resources so that a
// prescription in a later bundle can point at a Medication imported before.
type medicationInfo struct {
	System   string `json:"system,omitempty"`
	Code     string `json:"code,omitempty"`
	Drug     string `json:"drug"`
	Strength string `json:"strength,omitempty"`
}

const medicationContentType = "application/x-zvp-medication+json"

func medicationOf(m *Medication) medicationInfo {
	code := primaryCoding(m.Code)
	info := medicationInfo{System: code.System, Code: code.Code, Drug: conceptText(m.Code)}
	var strengths []string
	for _, in := range m.Ingredient {
		if s := ratioText(in.Strength); s != "" {
			strengths = append(strengths, s)
		}
	}
	info.Strength = strings.Join(strengths, " + ")
	if info.Drug == "" && len(m.Ingredient) > 0 {
		info.Drug = conceptText(m.Ingredient[0].ItemCodeableConcept)
	}
	return info
}

// importMedication keeps a Medication for the prescriptions that point at it.
func (r *run) importMedication(e *entry) (bool, error) {
	var m Medication
	if err := decode(e, &m); err != nil {
		return false, err
	}
	info := medicationOf(&m)
	if info.Drug == "" {
		return false, reject("a Medication needs a code (or an ingredient) that names the drug")
	}
	content, _ := json.Marshal(info)
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetContent, 0, found, medicationContentType, content); err != nil {
		return false, err
	}
	e.med = &info
	return !found, nil
}

// medicationFrom resolves medication[x]: a concept, a contained Medication (#id), or a reference to a
// Medication in the bundle or imported before (required: without it the entry names no drug).
func (r *run) medicationFrom(concept *CodeableConcept, ref *Reference, contained []json.RawMessage) (medicationInfo, error) {
	if concept != nil {
		code := primaryCoding(concept)
		info := medicationInfo{System: code.System, Code: code.Code, Drug: conceptText(concept)}
		if info.Drug == "" {
			return info, reject("medicationCodeableConcept names no drug")
		}
		return info, nil
	}
	if ref == nil {
		return medicationInfo{}, reject("medication[x] is missing")
	}
	if id, ok := strings.CutPrefix(ref.Reference, "#"); ok {
		for _, raw := range contained {
			var m Medication
			if err := json.Unmarshal(raw, &m); err != nil || m.ResourceType != "Medication" || m.ID != id {
				continue
			}
			info := medicationOf(&m)
			if info.Drug == "" {
				return info, reject("contained Medication #%s names no drug", id)
			}
			return info, nil
		}
		return medicationInfo{}, broken("medicationReference %s: no contained Medication with that id", ref.Reference)
	}
	t, err := r.require(ref, "medicationReference", "Medication")
	if err != nil {
		return medicationInfo{}, err
	}
	if t.entry != nil && t.entry.med != nil {
		return *t.entry.med, nil
	}
	var info medicationInfo
	if err := json.Unmarshal(t.ident.Content, &info); err != nil || info.Drug == "" {
		return medicationInfo{}, reject("medicationReference %s: the imported Medication has no usable content", refString(ref))
	}
	return info, nil
}

// importMedicationRequest maps a prescription: start from the dosage bounds or validity period (else the
// date written), stop from their end, stop reason from statusReason, prescriber and specialism from the
// requester.
func (r *run) importMedicationRequest(e *entry) (bool, error) {
	var m MedicationRequest
	if err := decode(e, &m); err != nil {
		return false, err
	}
	pat, err := r.patientOf(m.Subject, "subject")
	if err != nil {
		return false, err
	}
	med, err := r.medicationFrom(m.MedicationCodeableConcept, m.MedicationReference, m.Contained)
	if err != nil {
		return false, err
	}
	row := dossier.Medication{
		PatientID:  pat.ID,
		SourceKind: dossier.FromRequest,
		CodeSystem: med.System, Code: med.Code, Drug: med.Drug, Strength: med.Strength,
		Status:     orDefault(m.Status, "unknown"),
		Reason:     r.reasonText(m.ReasonCode, m.ReasonReference),
		StopReason: conceptText(m.StatusReason),
		FHIRID:     &e.id,
	}
	row.Dose, row.Route = dosageText(m.DosageInstruction)
	start, stop := "", ""
	if len(m.DosageInstruction) > 0 && m.DosageInstruction[0].Timing != nil && m.DosageInstruction[0].Timing.Repeat != nil &&
		m.DosageInstruction[0].Timing.Repeat.BoundsPeriod != nil {
		start, stop = m.DosageInstruction[0].Timing.Repeat.BoundsPeriod.Start, m.DosageInstruction[0].Timing.Repeat.BoundsPeriod.End
	}
	if m.DispenseRequest != nil && m.DispenseRequest.ValidityPeriod != nil {
		start = orDefault(start, m.DispenseRequest.ValidityPeriod.Start)
		stop = orDefault(stop, m.DispenseRequest.ValidityPeriod.End)
	}
	if row.StartAt, err = timeOf("start", start, m.AuthoredOn); err != nil {
		return false, err
	}
	if row.StopAt, err = timeOf("stop", stop); err != nil {
		return false, err
	}
	p := r.partyOf(m.Requester)
	row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
	return r.putMedication(e, &row)
}

// importMedicationStatement maps what the patient uses: effective period as start and stop, statusReason
// as the reason for stopping, the information source as prescriber when it is a practitioner.
func (r *run) importMedicationStatement(e *entry) (bool, error) {
	var m MedicationStatement
	if err := decode(e, &m); err != nil {
		return false, err
	}
	pat, err := r.patientOf(m.Subject, "subject")
	if err != nil {
		return false, err
	}
	med, err := r.medicationFrom(m.MedicationCodeableConcept, m.MedicationReference, m.Contained)
	if err != nil {
		return false, err
	}
	row := dossier.Medication{
		PatientID:  pat.ID,
		SourceKind: dossier.FromStatement,
		CodeSystem: med.System, Code: med.Code, Drug: med.Drug, Strength: med.Strength,
		Status:     orDefault(m.Status, "unknown"),
		Reason:     r.reasonText(m.ReasonCode, m.ReasonReference),
		StopReason: conceptsText(m.StatusReason),
		FHIRID:     &e.id,
	}
	row.Dose, row.Route = dosageText(m.Dosage)
	start, stop := m.EffectiveDateTime, ""
	if m.EffectivePeriod != nil {
		start, stop = m.EffectivePeriod.Start, m.EffectivePeriod.End
	}
	if row.StartAt, err = timeOf("effective", start); err != nil {
		return false, err
	}
	if row.StopAt, err = timeOf("effectivePeriod.end", stop); err != nil {
		return false, err
	}
	if m.InformationSource != nil {
		if p := r.partyOf(m.InformationSource); p.typ == "Practitioner" {
			row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
		}
	}
	return r.putMedication(e, &row)
}

func (r *run) putMedication(e *entry, row *dossier.Medication) (bool, error) {
	kind, err := r.tx.MedicationSourceKind(e.id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return false, err
	case kind != row.SourceKind:
		return false, reject("a medication entry with id %s was imported from a %s before; the ids of MedicationRequest and MedicationStatement must differ", e.id, kind)
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	row.ID = knownRow(prev, found)
	if err := r.tx.PutMedication(row); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetMedications, row.ID, found, "", nil)
}

// reasonText names why a drug is given: reason codes, else the conditions it refers to.
func (r *run) reasonText(codes []CodeableConcept, refs []Reference) string {
	if t := conceptsText(codes); t != "" {
		return t
	}
	var parts []string
	for i := range refs {
		text := refs[i].Display
		if t, ok := r.optional(&refs[i]); ok && t.entry != nil {
			if d := r.displayOf(t.entry); d != "" {
				text = d
			}
		}
		if text != "" {
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, "; ")
}

// dosageText writes a dosage as the overview shows it: the text, else dose and frequency; and the route.
func dosageText(ds []Dosage) (dose, route string) {
	if len(ds) == 0 {
		return "", ""
	}
	d := ds[0]
	route = conceptText(d.Route)
	if t := strings.TrimSpace(d.Text); t != "" {
		return t, route
	}
	var parts []string
	if len(d.DoseAndRate) > 0 {
		if q := quantityText(d.DoseAndRate[0].DoseQuantity); q != "" {
			parts = append(parts, q)
		}
	}
	if d.Timing != nil {
		if t := conceptText(d.Timing.Code); t != "" {
			parts = append(parts, t)
		} else if rep := d.Timing.Repeat; rep != nil && rep.Frequency > 0 && rep.Period > 0 {
			parts = append(parts, fmt.Sprintf("%dx per %s %s", rep.Frequency, formatNumber(rep.Period), rep.PeriodUnit))
		}
	}
	if d.AsNeeded != nil && *d.AsNeeded {
		parts = append(parts, "zo nodig")
	}
	return strings.Join(parts, ", "), route
}

func quantityText(q *Quantity) string {
	if q == nil || q.Value == nil {
		return ""
	}
	unit := q.Unit
	if unit == "" {
		unit = q.Code
	}
	return strings.TrimSpace(q.Comparator + formatNumber(*q.Value) + " " + unit)
}

func ratioText(r *Ratio) string {
	if r == nil {
		return ""
	}
	num := quantityText(r.Numerator)
	if num == "" {
		return ""
	}
	d := r.Denominator
	if d == nil || d.Value == nil {
		return num
	}
	unit := orDefault(d.Unit, d.Code)
	if *d.Value == 1 {
		// "500 mg per 1 tablet" is a strength of 500 mg; "100 E per 1 ml" stays 100 E/ml.
		if unit == "" || presentationUnits[strings.ToLower(unit)] || strings.HasPrefix(unit, "{") {
			return num
		}
		return num + "/" + unit
	}
	return num + "/" + quantityText(d)
}

// presentationUnits are units of presentation: a strength per one of them is just the amount.
var presentationUnits = map[string]bool{
	"stuk": true, "st": true, "stuks": true, "tablet": true, "tabl": true, "capsule": true, "caps": true,
	"zetpil": true, "dosis": true, "pleister": true, "rectiole": true, "each": true, "1": true,
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
