package fhir

import (
	"encoding/json"
	"fmt"
	"strings"

	"zorgverlenersportaal/portal/dossier"
)

// The import of the four medication resource types into medication records: an MP9 3.0 building block
// mapped by its category (medication_mp9.go reads the MP9 parts), or an ordinary FHIR record as the
// portal always read it.

// importMedicationRecord imports any of the four medication resource types: an MP9 building block by its
// category, or an ordinary FHIR record as before.
func (r *run) importMedicationRecord(e *entry) (bool, error) {
	if err := checkModifiers(e.raw); err != nil {
		return false, err
	}
	var m medicationResource
	if err := decode(e, &m); err != nil {
		return false, err
	}
	block, err := m.blockOf()
	if err != nil {
		return false, err
	}
	if block != dossier.NoBlock && (m.Intent == "plan" || m.Intent == "proposal") {
		// mp-ProposalMedicationAgreement-Bundle fixes intent "plan" on a proposal (voorstel), which a
		// prescriber may or may not turn into an agreement: it is nobody's medication yet.
		return false, skip("an MP9 proposal (intent %s) is not an agreement; the portal shows agreements only", m.Intent)
	}
	pat, err := r.patientOf(m.Subject, "subject")
	if err != nil {
		return false, err
	}
	med, err := r.medicationFrom(m.MedicationCodeableConcept.plain(), m.MedicationReference, m.Contained)
	if err != nil {
		return false, err
	}
	if g, ok := gstandaardChoice(m.MedicationCodeableConcept); ok {
		med.System, med.Code = g.System, g.Code
	}
	row := dossier.Medication{
		PatientID:  pat.ID,
		SourceKind: sourceKinds[m.ResourceType],
		CodeSystem: med.System, Code: med.Code, Drug: med.Drug, Strength: med.Strength,
		Status: orDefault(m.Status, "unknown"),
		FHIRID: &e.id,
	}
	if block == dossier.NoBlock {
		err = r.fillPlainMedication(&m, &row)
	} else {
		err = r.fillMP9(&m, block, &row)
	}
	if err != nil {
		return false, err
	}
	return r.putMedication(e, &row)
}

// fillMP9 maps an MP9 3.0 building block.
func (r *run) fillMP9(m *medicationResource, block dossier.MedicationBlock, row *dossier.Medication) error {
	row.Category = block
	row.TreatmentSystem, row.TreatmentValue = treatmentOf(m)
	if row.TreatmentValue == "" {
		// Every MP9 3.0 profile makes ext-PharmaceuticalTreatment.Identifier 1..1: without it a stop or a
		// change could not be matched to the agreement it ends.
		return reject("a %s needs ext-PharmaceuticalTreatment.Identifier to belong to its treatment", blockName(block))
	}
	row.IdentifierSystem, row.IdentifierValue = businessIdentifier(m.Identifier)
	switch block {
	case dossier.MedicationAgreement, dossier.AdministrationAgreement, dossier.VariableDosingRegimen, dossier.DispenseRequest:
		if row.IdentifierValue == "" {
			return reject("a %s needs an identifier: other records refer to it by that identifier only", blockName(block))
		}
	}
	var err error
	if row.StopType, err = stopTypeOf(m, block); err != nil {
		return err
	}
	registered := ""
	if x := m.Extension.find(extRegistrationDateTime); x != nil {
		registered = x.ValueDateTime
	}
	if row.RegisteredAt, err = timeOf("ext-RegistrationDateTime", registered, m.AuthoredOn, m.DateAsserted); err != nil {
		return err
	}
	row.Links = r.linksOf(m)
	row.Reason = r.reasonText(nil, m.ReasonReference)
	rendered := ""
	if x := m.Extension.find(extRenderedDosage); x != nil {
		rendered = strings.TrimSpace(x.ValueString)
	}
	cycle := cycleOf(m.ModifierExtension)
	switch block {
	case dossier.MedicationAgreement, dossier.VariableDosingRegimen:
		// mp-MedicationAgreement: reasonCode is the reason for changing or stopping the agreement
		// (RedenWijzigenOfStoppen); the indication travels as reasonReference.
		row.StopReason = conceptsText(m.ReasonCode)
		if row.StartAt, row.StopAt, row.Duration, row.PeriodCondition, err = periodOfUse(periodExt(m.Extension), "ext-TimeInterval.Period"); err != nil {
			return err
		}
		row.Dose = orDefault(rendered, dosageInstructionText(m.DosageInstruction, cycle))
		p := r.partyOf(m.Requester)
		row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
	case dossier.DispenseRequest:
		if dr := m.DispenseRequest; dr != nil {
			if row.StartAt, row.StopAt, row.Duration, row.PeriodCondition, err = periodOfUse(dr.ValidityPeriod, "dispenseRequest.validityPeriod"); err != nil {
				return err
			}
			row.Quantity = mpQuantityText(dr.Quantity)
			if dr.Performer != nil {
				row.Performer = r.partyOf(dr.Performer).name
			}
		}
		if row.Performer == "" {
			row.Performer = r.performerOf(m.Performer).name
		}
		p := r.partyOf(m.Requester)
		row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
	case dossier.AdministrationAgreement:
		if x := m.Extension.find(extReasonModification); x != nil {
			row.StopReason = conceptText(x.ValueCodeableConcept)
		}
		if row.StartAt, row.StopAt, row.Duration, row.PeriodCondition, err = periodOfUse(periodExt(m.Extension), "ext-TimeInterval.Period"); err != nil {
			return err
		}
		row.Dose = orDefault(rendered, dosageInstructionText(m.DosageInstruction, cycle))
		row.Performer = r.performerOf(m.Performer).name
	case dossier.MedicationDispense:
		if row.HandedOverAt, err = timeOf("whenHandedOver", m.WhenHandedOver); err != nil {
			return err
		}
		if row.StartAt, err = timeOf("whenHandedOver", m.WhenHandedOver, m.WhenPrepared); err != nil {
			return err
		}
		row.Quantity = mpQuantityText(m.Quantity)
		if err := daysSupplyOf(m, row); err != nil {
			return err
		}
		row.Performer = r.performerOf(m.Performer).name
		row.Dose = orDefault(rendered, dosageInstructionText(m.DosageInstruction, cycle))
	case dossier.MedicationUse:
		row.StopReason = statusReasonOf(m.StatusReason)
		if row.StartAt, row.StopAt, row.Duration, row.PeriodCondition, err = periodOfUse(m.EffectivePeriod, "effectivePeriod"); err != nil {
			return err
		}
		if row.StartAt == nil {
			if row.StartAt, err = timeOf("effectiveDateTime", m.EffectiveDateTime); err != nil {
				return err
			}
		}
		var ds []mpDosage
		if len(m.Dosage) > 0 {
			if err := json.Unmarshal(m.Dosage, &ds); err != nil {
				return reject("dosage is not a list of Dosage: %v", err)
			}
		}
		row.Dose = orDefault(rendered, dosageInstructionText(ds, cycle))
		prescriber := m.InformationSource
		if x := m.Extension.find(extMedicationUsePrescriber); x != nil && x.ValueReference != nil {
			prescriber = x.ValueReference
		}
		p := r.partyOf(prescriber)
		row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
	case dossier.MedicationAdministered:
		if err := r.fillAdministration(m, row); err != nil {
			return err
		}
		row.StopReason = statusReasonOf(m.StatusReason)
	}
	return nil
}

func periodExt(xs mpExtensions) *mpPeriod {
	if x := xs.find(extTimeIntervalPeriod); x != nil {
		return x.ValuePeriod
	}
	return nil
}

// cycleOf reads the cyclical schedule (days on, days off) that a modifier extension puts over the
// dosage: "cyclus van 21 dagen".
func cycleOf(xs mpExtensions) *Quantity {
	if x := xs.find(extCyclicalSchedule); x != nil {
		return x.ValueDuration
	}
	return nil
}

// fillPlainMedication maps a record without an MP9 category as the portal always did: a prescription's
// start from its dosage bounds or validity period (else the date written), a statement's from its
// effective period; the stop reason from statusReason, the prescriber from requester or source.
func (r *run) fillPlainMedication(m *medicationResource, row *dossier.Medication) error {
	row.Reason = r.reasonText(m.ReasonCode, m.ReasonReference)
	row.StopReason = statusReasonOf(m.StatusReason)
	var err error
	// The modifiers the portal understands count here too: a stop type stops the record (portal/medication
	// reads it before the status), a cyclical schedule is written into the dosage.
	if row.StopType, err = stopTypeOf(m, dossier.NoBlock); err != nil {
		return err
	}
	switch m.ResourceType {
	case "MedicationRequest":
		row.Dose, row.Route = plainDosageText(m.DosageInstruction, cycleOf(m.ModifierExtension))
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
			return err
		}
		if row.StopAt, err = timeOf("stop", stop); err != nil {
			return err
		}
		p := r.partyOf(m.Requester)
		row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
	case "MedicationStatement":
		var ds []mpDosage
		if len(m.Dosage) > 0 {
			if err := json.Unmarshal(m.Dosage, &ds); err != nil {
				return reject("dosage is not a list of Dosage: %v", err)
			}
		}
		row.Dose, row.Route = plainDosageText(ds, cycleOf(m.ModifierExtension))
		start, stop := m.EffectiveDateTime, ""
		if m.EffectivePeriod != nil {
			start, stop = m.EffectivePeriod.Start, m.EffectivePeriod.End
		}
		if row.StartAt, err = timeOf("effective", start); err != nil {
			return err
		}
		if row.StopAt, err = timeOf("effectivePeriod.end", stop); err != nil {
			return err
		}
		if m.InformationSource != nil {
			if p := r.partyOf(m.InformationSource); p.typ == "Practitioner" {
				row.Prescriber, row.PrescriberSpecialism = p.name, p.specialism
			}
		}
	case "MedicationDispense":
		row.Dose, row.Route = plainDosageText(m.DosageInstruction, cycleOf(m.ModifierExtension))
		if row.HandedOverAt, err = timeOf("whenHandedOver", m.WhenHandedOver); err != nil {
			return err
		}
		if row.StartAt, err = timeOf("whenHandedOver", m.WhenHandedOver, m.WhenPrepared); err != nil {
			return err
		}
		row.Quantity = mpQuantityText(m.Quantity)
		if err := daysSupplyOf(m, row); err != nil {
			return err
		}
		row.Performer = r.performerOf(m.Performer).name
		row.Links = r.linksOf(m)
	case "MedicationAdministration":
		if err := r.fillAdministration(m, row); err != nil {
			return err
		}
		row.Links = r.linksOf(m)
	}
	return nil
}

// plainDosageText writes a dosage as the overview always showed it: the text, else dose and frequency;
// and the route. A cyclical schedule, a modifier, is never dropped: such a dosage is written out in full.
func plainDosageText(ds []mpDosage, cycle *Quantity) (dose, route string) {
	if len(ds) == 0 {
		return "", ""
	}
	for _, d := range ds {
		if cycle != nil || cycleOf(d.ModifierExtension) != nil {
			return dosageInstructionText(ds, cycle), ""
		}
	}
	d := ds[0]
	route = conceptText(d.Route)
	if t := strings.TrimSpace(d.Text); t != "" {
		return t, route
	}
	var parts []string
	if len(d.DoseAndRate) > 0 && d.DoseAndRate[0].DoseQuantity != nil {
		if q := quantityText(&d.DoseAndRate[0].DoseQuantity.Quantity); q != "" {
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
	if d.AsNeededBoolean != nil && *d.AsNeededBoolean {
		parts = append(parts, "zo nodig")
	}
	return strings.Join(parts, ", "), route
}

// fillAdministration reads what an administration (MP9 or plain FHIR) says alike: when it was given, the
// dose and who gave it.
func (r *run) fillAdministration(m *medicationResource, row *dossier.Medication) error {
	start := m.EffectiveDateTime
	if m.EffectivePeriod != nil {
		start = orDefault(start, m.EffectivePeriod.Start)
	}
	var err error
	if row.StartAt, err = timeOf("effective", start); err != nil {
		return err
	}
	var d mpAdministeredDosage
	if len(m.Dosage) > 0 {
		if err := json.Unmarshal(m.Dosage, &d); err != nil {
			return reject("dosage is not a MedicationAdministration dosage: %v", err)
		}
	}
	row.Dose = administeredText(d)
	row.Performer = r.performerOf(m.Performer).name
	return nil
}

// administeredText writes what was given: "4 stuks, oraal".
func administeredText(d mpAdministeredDosage) string {
	if t := strings.TrimSpace(d.Text); t != "" {
		return t
	}
	var parts []string
	if q := mpQuantityText(d.Dose); q != "" {
		parts = append(parts, q)
	}
	if rt := conceptText(d.Route); rt != "" {
		parts = append(parts, rt)
	}
	return strings.Join(parts, ", ")
}

// daysSupplyOf reads how long a dispense lasts; with the hand-over date it gives the day the supply runs
// out, kept as the record's stop.
func daysSupplyOf(m *medicationResource, row *dossier.Medication) error {
	if m.DaysSupply == nil || m.DaysSupply.Value == nil {
		return nil
	}
	unit := orDefault(m.DaysSupply.Code, "d")
	if *m.DaysSupply.Value < 0 {
		return reject("daysSupply is negative")
	}
	row.DaysSupply = durationText(*m.DaysSupply.Value, unit)
	if row.HandedOverAt != nil {
		if end, ok := addDuration(*row.HandedOverAt, *m.DaysSupply.Value, unit); ok {
			row.StopAt = &end
		}
	}
	return nil
}
