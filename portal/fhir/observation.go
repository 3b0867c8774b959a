package fhir

import (
	"strconv"
	"strings"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// importObservation sends a laboratory Observation to lab_results and a vital-signs Observation to
// vital_signs (an Observation without category goes to vital signs when its LOINC code is a vital sign);
// other categories are counted and skipped. An Observation with components and no value of its own (a
// blood pressure) gives one row per component, with the FHIR id "id#component-code".
func (r *run) importObservation(e *entry) (bool, error) {
	var o Observation
	if err := decode(e, &o); err != nil {
		return false, err
	}
	// The subject is checked for every Observation, shown or not: a broken subject breaks the bundle.
	pat, err := r.patientOf(o.Subject, "subject")
	if err != nil {
		return false, err
	}
	kind, category := observationTarget(&o)
	if kind == "" {
		if zib := nlCoreProfile(o.Meta); zib != "" {
			return false, skip("zib %s (Observation) is not shown by the portal: nursing, functional and lifestyle observations have no data category", zib)
		}
		if category == "" {
			return false, skip("Observation without a category is not shown by the portal")
		}
		return false, skip("Observation of category %s is not shown by the portal", category)
	}
	if len(o.HasMember) > 0 && len(o.Component) == 0 && !valueOf(&o).present && o.DataAbsentReason == nil {
		// A panel (an nl-core LaboratoryTestResult panel, the zib PulseRate grouper) only groups its
		// members, which are Observations of their own with their own values and times.
		return false, skip("a panel Observation without a value of its own is shown through its members")
	}
	code := primaryCoding(o.Code)
	display := conceptText(o.Code)
	if code.Code == "" || display == "" {
		return false, reject("an Observation needs a code")
	}
	at, err := timeOf("effective", o.EffectiveDateTime, periodStart(o.EffectivePeriod), o.EffectiveInstant, o.Issued)
	if err != nil {
		return false, err
	}
	if at == nil {
		return false, reject("an Observation needs effective[x] or issued")
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	target := store.TargetLabResults
	if kind == "vital" {
		target = store.TargetVitalSigns
	}
	if found && prev.Target != target {
		if err := r.tx.DeleteImportedRows(prev.Target, e.id); err != nil {
			return false, err
		}
	}

	type part struct {
		fhirID  string
		code    Coding
		display string
		value   observationValue
		interp  []CodeableConcept
		rng     []ReferenceRange
	}
	parts := []part{{fhirID: e.id, code: code, display: display, value: valueOf(&o), interp: o.Interpretation, rng: o.ReferenceRange}}
	if !parts[0].value.present && len(o.Component) > 0 {
		parts = parts[:0]
		for i := range o.Component {
			c := &o.Component[i]
			cc := primaryCoding(&c.Code)
			if cc.Code == "" {
				return false, reject("component %d of the Observation has no code", i)
			}
			parts = append(parts, part{
				fhirID: e.id + "#" + cc.Code, code: cc, display: conceptText(&c.Code),
				value: componentValue(c), interp: c.Interpretation, rng: c.ReferenceRange,
			})
		}
	}
	// A re-import of a one-row Observation in the same table updates its row by id.
	sameRow := int64(0)
	if found && prev.Target == target && prev.RowID.Valid && len(parts) == 1 {
		sameRow = prev.RowID.Int64
	}
	rowID := int64(0)
	for _, p := range parts {
		fhirID := p.fhirID
		if target == store.TargetVitalSigns {
			row := dossier.VitalSign{
				ID:        sameRow,
				PatientID: pat.ID, CodeSystem: p.code.System, Code: p.code.Code, Display: p.display,
				ValueNum: p.value.num, ValueText: p.value.text, Unit: p.value.unit, EffectiveAt: *at, FHIRID: &fhirID,
			}
			if err := r.tx.PutVitalSign(&row); err != nil {
				return false, err
			}
			rowID = row.ID
			continue
		}
		row := dossier.LabResult{
			ID:        sameRow,
			PatientID: pat.ID, CodeSystem: p.code.System, Code: p.code.Code, Display: p.display,
			ValueNum: p.value.num, ValueText: p.value.text, Comparator: p.value.comparator, Unit: p.value.unit,
			Interpretation: interpretationCode(p.interp), Status: orDefault(o.Status, "final"),
			EffectiveAt: *at, FHIRID: &fhirID,
		}
		row.RefLow, row.RefHigh, row.RefText = referenceRange(p.rng)
		if err := r.tx.PutLabResult(&row); err != nil {
			return false, err
		}
		rowID = row.ID
	}
	if len(parts) > 1 {
		rowID = 0
	}
	return !found, r.record(e, target, rowID, found, "", nil)
}

// observationValue is a value as the portal stores it: a number with unit and comparator, or text.
type observationValue struct {
	num        *float64
	text       string
	unit       string
	comparator string
	present    bool
}

func valueOf(o *Observation) observationValue {
	switch {
	case o.ValueQuantity != nil:
		return quantityValue(o.ValueQuantity)
	case o.ValueString != nil:
		return observationValue{text: *o.ValueString, present: true}
	case o.ValueCodeableConcept != nil:
		return observationValue{text: conceptText(o.ValueCodeableConcept), present: true}
	case o.ValueInteger != nil:
		f := float64(*o.ValueInteger)
		return observationValue{num: &f, present: true}
	case o.ValueBoolean != nil:
		return observationValue{text: strconv.FormatBool(*o.ValueBoolean), present: true}
	case o.DataAbsentReason != nil:
		return observationValue{text: conceptText(o.DataAbsentReason)}
	}
	return observationValue{}
}

func componentValue(c *ObservationComponent) observationValue {
	switch {
	case c.ValueQuantity != nil:
		return quantityValue(c.ValueQuantity)
	case c.ValueString != nil:
		return observationValue{text: *c.ValueString, present: true}
	case c.ValueCodeableConcept != nil:
		return observationValue{text: conceptText(c.ValueCodeableConcept), present: true}
	}
	return observationValue{}
}

func quantityValue(q *Quantity) observationValue {
	v := observationValue{unit: q.Unit, comparator: q.Comparator, present: true}
	if v.unit == "" {
		v.unit = q.Code
	}
	if q.Value != nil {
		f := *q.Value
		v.num = &f
	}
	return v
}

// interpretationCode is the first interpretation code (H, L, HH, LL, N, A, ...), else its text.
func interpretationCode(cs []CodeableConcept) string {
	for i := range cs {
		for _, c := range cs[i].Coding {
			if c.Code != "" {
				return strings.ToUpper(c.Code)
			}
		}
		if cs[i].Text != "" {
			return cs[i].Text
		}
	}
	return ""
}

// referenceRange reads the first reference range: low, high and text.
func referenceRange(rs []ReferenceRange) (low, high *float64, text string) {
	if len(rs) == 0 {
		return nil, nil, ""
	}
	rr := rs[0]
	if rr.Low != nil && rr.Low.Value != nil {
		v := *rr.Low.Value
		low = &v
	}
	if rr.High != nil && rr.High.Value != nil {
		v := *rr.High.Value
		high = &v
	}
	return low, high, rr.Text
}

func periodStart(p *Period) string {
	if p == nil {
		return ""
	}
	return p.Start
}
