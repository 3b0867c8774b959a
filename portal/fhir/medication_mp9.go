package fhir

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// The Dutch medication standard, Medicatieproces 9 version 3.0 (MP9 3.0), as the Nictiz R4 profiles
// (package nictiz.fhir.nl.r4.medicationprocess9) send it. Seven building blocks travel over four resource
// types; the profiles fix a category code on each, so a record is classified by that code and never by
// its resource type alone. What decides which agreement is in force (stop type, period of use,
// registration time, links between records) is kept on the record; portal/medication decides.

// Nictiz extension and profile URLs the importer reads.
const (
	nictizSD                   = "http://nictiz.nl/fhir/StructureDefinition/"
	extPharmaceuticalTreatment = nictizSD + "ext-PharmaceuticalTreatment.Identifier"
	extRegistrationDateTime    = nictizSD + "ext-RegistrationDateTime"
	extRenderedDosage          = nictizSD + "ext-RenderedDosageInstruction"
	extTimeIntervalPeriod      = nictizSD + "ext-TimeInterval.Period"
	extTimeIntervalDuration    = nictizSD + "ext-TimeInterval.Duration"
	extPeriodOfUseCondition    = nictizSD + "ext-PeriodOfUse.Condition"
	extStopType                = nictizSD + "ext-StopType"
	extCyclicalSchedule        = nictizSD + "ext-InstructionsForUse.RepeatPeriodCyclicalSchedule"
	extReasonModification      = nictizSD + "ext-AdministrationAgreement.ReasonModificationOrDiscontinuation"
	extRelationTA              = nictizSD + "ext-RelationAdministrationAgreement"
	extMedicationUsePrescriber = nictizSD + "ext-MedicationUse2.Prescriber"
	extAsNeededFor             = nictizSD + "ext-Dosage-AsNeededFor"
	extTimingExact             = "http://hl7.org/fhir/StructureDefinition/timing-exact"
	extPQTranslation           = "http://hl7.org/fhir/StructureDefinition/iso21090-PQ-translation"
)

// mp9Blocks maps the SNOMED CT category code of each MP9 3.0 profile to its building block and the
// resource type the profile constrains (mp9-medication reference, section 1).
var mp9Blocks = map[string]struct {
	block    dossier.MedicationBlock
	resource string
	name     string
}{
	"33633005":       {dossier.MedicationAgreement, "MedicationRequest", "medicatieafspraak"},
	"52711000146108": {dossier.DispenseRequest, "MedicationRequest", "verstrekkingsverzoek"},
	"395067002":      {dossier.VariableDosingRegimen, "MedicationRequest", "wisselend doseerschema"},
	"422037009":      {dossier.AdministrationAgreement, "MedicationDispense", "toedieningsafspraak"},
	"373784005":      {dossier.MedicationDispense, "MedicationDispense", "verstrekking"},
	"422979000":      {dossier.MedicationUse, "MedicationStatement", "medicatiegebruik"},
	"18629005":       {dossier.MedicationAdministered, "MedicationAdministration", "medicatietoediening"},
}

// stopTypes maps the codes of the StopType value set (2.16.840.1.113883.2.4.3.11.60.20.77.11.50) to the
// portal's stop types; the two deprecated codes of MP9 2.0 mean the same as their 3.0 successors.
var stopTypes = map[string]dossier.StopType{
	"385655000":       dossier.Paused,    // onderbroken
	"410546004":       dossier.Stopped,   // stopgezet
	"89925002":        dossier.Cancelled, // geannuleerd
	"113381000146106": dossier.Paused,    // tijdelijk gestopt (deprecated)
	"113371000146109": dossier.Stopped,   // definitief gestopt (deprecated)
}

// mpExtension is an extension with the value types the MP9 profiles use.
type mpExtension struct {
	URL                  string           `json:"url"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueDateTime        string           `json:"valueDateTime,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueIdentifier      *Identifier      `json:"valueIdentifier,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValuePeriod          *mpPeriod        `json:"valuePeriod,omitempty"`
	ValueDuration        *Quantity        `json:"valueDuration,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
}

type mpExtensions []mpExtension

func (xs mpExtensions) find(url string) *mpExtension {
	for i := range xs {
		if xs[i].URL == url {
			return &xs[i]
		}
	}
	return nil
}

// mpPeriod is a period that may carry a duration and a condition (ext-TimeInterval.Duration,
// ext-PeriodOfUse.Condition).
type mpPeriod struct {
	Extension mpExtensions `json:"extension,omitempty"`
	Start     string       `json:"start,omitempty"`
	End       string       `json:"end,omitempty"`
}

// mpReference is a reference that may carry extensions (MA basedOn with ext-RelationAdministrationAgreement).
type mpReference struct {
	Reference
	Extension mpExtensions `json:"extension,omitempty"`
}

// mpQuantity is an amount that may carry its G-Standaard translation (iso21090-PQ-translation).
type mpQuantity struct {
	Quantity
	Extension mpExtensions `json:"extension,omitempty"`
}

type mpRange struct {
	Low  *mpQuantity `json:"low,omitempty"`
	High *mpQuantity `json:"high,omitempty"`
}

type mpRatio struct {
	Numerator   *mpQuantity `json:"numerator,omitempty"`
	Denominator *mpQuantity `json:"denominator,omitempty"`
}

type mpRepeat struct {
	Extension      mpExtensions `json:"extension,omitempty"`
	BoundsDuration *Quantity    `json:"boundsDuration,omitempty"`
	BoundsPeriod   *Period      `json:"boundsPeriod,omitempty"`
	Frequency      int          `json:"frequency,omitempty"`
	FrequencyMax   int          `json:"frequencyMax,omitempty"`
	Period         float64      `json:"period,omitempty"`
	PeriodMax      float64      `json:"periodMax,omitempty"`
	PeriodUnit     string       `json:"periodUnit,omitempty"`
	DayOfWeek      []string     `json:"dayOfWeek,omitempty"`
	TimeOfDay      []string     `json:"timeOfDay,omitempty"`
	When           []string     `json:"when,omitempty"`
}

type mpTiming struct {
	Repeat *mpRepeat        `json:"repeat,omitempty"`
	Code   *CodeableConcept `json:"code,omitempty"`
}

type mpDoseAndRate struct {
	DoseQuantity *mpQuantity `json:"doseQuantity,omitempty"`
	DoseRange    *mpRange    `json:"doseRange,omitempty"`
}

// mpDosage is a dosage instruction with the parts MP9 uses: phases (sequence), as-needed criteria,
// times of day, dose ranges and a maximum dose.
type mpDosage struct {
	Extension               mpExtensions      `json:"extension,omitempty"`
	ModifierExtension       mpExtensions      `json:"modifierExtension,omitempty"`
	Sequence                int               `json:"sequence,omitempty"`
	Text                    string            `json:"text,omitempty"`
	AdditionalInstruction   []CodeableConcept `json:"additionalInstruction,omitempty"`
	PatientInstruction      string            `json:"patientInstruction,omitempty"`
	Timing                  *mpTiming         `json:"timing,omitempty"`
	AsNeededBoolean         *bool             `json:"asNeededBoolean,omitempty"`
	AsNeededCodeableConcept *CodeableConcept  `json:"asNeededCodeableConcept,omitempty"`
	Route                   *CodeableConcept  `json:"route,omitempty"`
	DoseAndRate             []mpDoseAndRate   `json:"doseAndRate,omitempty"`
	MaxDosePerPeriod        *mpRatio          `json:"maxDosePerPeriod,omitempty"`
}

// mpAdministeredDosage is the dosage of a MedicationAdministration: one dose, one route.
type mpAdministeredDosage struct {
	Text  string           `json:"text,omitempty"`
	Route *CodeableConcept `json:"route,omitempty"`
	Dose  *mpQuantity      `json:"dose,omitempty"`
}

// medicationResource is any of the four medication resource types as the importer reads it. Elements
// whose shape differs between the types (category, dosage, statusReason, performer) stay raw until the
// type is known.
type medicationResource struct {
	ResourceType              string             `json:"resourceType"`
	ID                        string             `json:"id,omitempty"`
	Contained                 []json.RawMessage  `json:"contained,omitempty"`
	Extension                 mpExtensions       `json:"extension,omitempty"`
	ModifierExtension         mpExtensions       `json:"modifierExtension,omitempty"`
	Identifier                []Identifier       `json:"identifier,omitempty"`
	Status                    string             `json:"status,omitempty"`
	Intent                    string             `json:"intent,omitempty"`
	StatusReason              json.RawMessage    `json:"statusReason,omitempty"`
	Category                  json.RawMessage    `json:"category,omitempty"`
	MedicationCodeableConcept *selectableConcept `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference         `json:"medicationReference,omitempty"`
	Subject                   *Reference         `json:"subject,omitempty"`
	AuthoredOn                string             `json:"authoredOn,omitempty"`
	Requester                 *Reference         `json:"requester,omitempty"`
	Performer                 json.RawMessage    `json:"performer,omitempty"`
	InformationSource         *Reference         `json:"informationSource,omitempty"`
	ReasonCode                []CodeableConcept  `json:"reasonCode,omitempty"`
	ReasonReference           []Reference        `json:"reasonReference,omitempty"`
	PriorPrescription         *Reference         `json:"priorPrescription,omitempty"`
	BasedOn                   []mpReference      `json:"basedOn,omitempty"`
	AuthorizingPrescription   []Reference        `json:"authorizingPrescription,omitempty"`
	DerivedFrom               []Reference        `json:"derivedFrom,omitempty"`
	Request                   *Reference         `json:"request,omitempty"`
	SupportingInformation     []Reference        `json:"supportingInformation,omitempty"`
	DosageInstruction         []mpDosage         `json:"dosageInstruction,omitempty"`
	Dosage                    json.RawMessage    `json:"dosage,omitempty"`
	DispenseRequest           *struct {
		ValidityPeriod *mpPeriod   `json:"validityPeriod,omitempty"`
		Quantity       *mpQuantity `json:"quantity,omitempty"`
		Performer      *Reference  `json:"performer,omitempty"`
	} `json:"dispenseRequest,omitempty"`
	EffectiveDateTime string      `json:"effectiveDateTime,omitempty"`
	EffectivePeriod   *mpPeriod   `json:"effectivePeriod,omitempty"`
	DateAsserted      string      `json:"dateAsserted,omitempty"`
	Quantity          *mpQuantity `json:"quantity,omitempty"`
	DaysSupply        *Quantity   `json:"daysSupply,omitempty"`
	WhenPrepared      string      `json:"whenPrepared,omitempty"`
	WhenHandedOver    string      `json:"whenHandedOver,omitempty"`
}

// sourceKinds maps the resource types to the portal's medication sources.
var sourceKinds = map[string]dossier.MedicationSource{
	"MedicationRequest":        dossier.FromRequest,
	"MedicationStatement":      dossier.FromStatement,
	"MedicationDispense":       dossier.FromDispense,
	"MedicationAdministration": dossier.FromAdministration,
}

// categoriesOf reads category, an array on MedicationRequest and a single concept elsewhere.
func (m *medicationResource) categoriesOf() ([]CodeableConcept, error) {
	raw := bytes.TrimSpace(m.Category)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '[' {
		var cs []CodeableConcept
		if err := json.Unmarshal(raw, &cs); err != nil {
			return nil, reject("category is not a list of CodeableConcepts: %v", err)
		}
		return cs, nil
	}
	var c CodeableConcept
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, reject("category is not a CodeableConcept: %v", err)
	}
	return []CodeableConcept{c}, nil
}

// blockOf classifies a medication record by its category code (the fixed pattern of each MP9 3.0
// profile). A record without an MP9 category is an ordinary FHIR record (NoBlock); an MP9 category on the
// wrong resource type is rejected, because its meaning would be misread.
func (m *medicationResource) blockOf() (dossier.MedicationBlock, error) {
	cats, err := m.categoriesOf()
	if err != nil {
		return "", err
	}
	for i := range cats {
		for _, cd := range cats[i].Coding {
			if cd.System != SystemSNOMED {
				continue
			}
			b, ok := mp9Blocks[cd.Code]
			if !ok {
				continue
			}
			if b.resource != m.ResourceType {
				return "", reject("category %s (%s) is an MP9 %s, which is sent as a %s, not as a %s", cd.Code, b.name, b.name, b.resource, m.ResourceType)
			}
			return b.block, nil
		}
	}
	return dossier.NoBlock, nil
}

// understoodModifiers are the modifier extensions the importer acts on, by where they may stand: on the
// resource, or on one of its dosage instructions. FHIR R4 (Extensibility, "modifierExtension"): a system
// that meets a modifier extension it does not understand must not process the resource as if it were
// absent; the importer rejects the resource with the extension's URL.
var understoodModifiers = map[string]bool{extStopType: true, extCyclicalSchedule: true}

// checkModifiers rejects a resource that carries a modifier extension the portal does not understand,
// anywhere in it. A quick look at the bytes spares the walk for the many resources without any.
func checkModifiers(raw json.RawMessage) error {
	if !bytes.Contains(raw, []byte(`"modifierExtension"`)) {
		return nil
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return reject("the resource is not valid JSON: %v", err)
	}
	return walkModifiers(tree, "", 0)
}

func walkModifiers(node any, path string, depth int) error {
	switch v := node.(type) {
	case map[string]any:
		for key, child := range v {
			if key == "modifierExtension" {
				list, _ := child.([]any)
				for _, x := range list {
					ext, _ := x.(map[string]any)
					url, _ := ext["url"].(string)
					if !understoodModifiers[url] || !modifierAllowedAt(url, path, depth) {
						where := path
						if where == "" {
							where = "the resource"
						}
						return reject("modifierExtension %q on %s is not understood by the portal; FHIR forbids processing the resource without it", url, where)
					}
				}
				continue
			}
			next := key
			if path != "" {
				next = path + "." + key
			}
			if err := walkModifiers(child, next, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, child := range v {
			if err := walkModifiers(child, path, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

// modifierAllowedAt says where an understood modifier may stand: the stop type on the resource only, the
// cyclical schedule on the resource or on a dosage instruction.
func modifierAllowedAt(url, path string, depth int) bool {
	if depth == 0 {
		return true
	}
	return url == extCyclicalSchedule && (path == "dosageInstruction" || path == "dosage")
}

// stopTypeOf reads ext-StopType; an unknown code is rejected (fail closed: a stop we cannot read must not
// leave the medication looking current).
func stopTypeOf(m *medicationResource, block dossier.MedicationBlock) (dossier.StopType, error) {
	x := m.ModifierExtension.find(extStopType)
	if x == nil {
		return dossier.NotStopped, nil
	}
	if x.ValueCodeableConcept == nil {
		return "", reject("ext-StopType has no valueCodeableConcept")
	}
	for _, cd := range x.ValueCodeableConcept.Coding {
		if cd.System != SystemSNOMED {
			continue
		}
		st, ok := stopTypes[cd.Code]
		if !ok {
			continue
		}
		if block == dossier.MedicationUse && st == dossier.Cancelled {
			// mp-MedicationUse2: the stop type of a medication use is onderbroken or stopgezet only.
			return "", reject("ext-StopType %s (geannuleerd) does not apply to a medicatiegebruik", cd.Code)
		}
		if block == dossier.DispenseRequest || block == dossier.MedicationDispense || block == dossier.MedicationAdministered {
			return "", reject("ext-StopType does not apply to a %s", blockName(block))
		}
		return st, nil
	}
	return "", reject("ext-StopType %q is not a stop type of MP9 3.0 (385655000 onderbroken, 410546004 stopgezet, 89925002 geannuleerd)", codesOf(x.ValueCodeableConcept))
}

func blockName(b dossier.MedicationBlock) string {
	for _, v := range mp9Blocks {
		if v.block == b {
			return v.name
		}
	}
	return string(b)
}

func codesOf(c *CodeableConcept) string {
	var parts []string
	for _, cd := range c.Coding {
		parts = append(parts, cd.System+"|"+cd.Code)
	}
	return strings.Join(parts, ", ")
}

// periodOfUse reads a period of use: start, end, and the duration that gives the end when none is sent
// (mp-MedicationAgreement PeriodOfUse: "When PeriodOfUse.Duration and PeriodOfUse.startDateTime are
// known, PeriodOfUse.endDateTime can be deduced"), and the condition. The profile requires a time on the
// end; an end sent as a date alone is read as the first moment of that day, the earlier of the two
// readings, so that a stop is never shown later than it was meant.
func periodOfUse(p *mpPeriod, field string) (start, end *time.Time, duration, condition string, err error) {
	if p == nil {
		return nil, nil, "", "", nil
	}
	if start, err = timeOf(field+".start", p.Start); err != nil {
		return
	}
	if end, err = timeOf(field+".end", p.End); err != nil {
		return
	}
	if x := p.Extension.find(extPeriodOfUseCondition); x != nil {
		condition = strings.TrimSpace(x.ValueString)
	}
	if x := p.Extension.find(extTimeIntervalDuration); x != nil && x.ValueDuration != nil {
		d := x.ValueDuration
		if d.Value == nil || *d.Value < 0 {
			return nil, nil, "", "", reject("%s: ext-TimeInterval.Duration has no valid value", field)
		}
		duration = durationText(*d.Value, orDefault(d.Code, d.Unit))
		if end == nil && start != nil {
			e, ok := addDuration(*start, *d.Value, orDefault(d.Code, d.Unit))
			if !ok {
				return nil, nil, "", "", reject("%s: duration unit %q is not a UCUM time unit (s, min, h, d, wk, mo, a)", field, orDefault(d.Code, d.Unit))
			}
			end = &e
		}
	}
	if start != nil && end != nil && end.Before(*start) {
		return nil, nil, "", "", reject("%s: the end (%s) lies before the start (%s)", field, p.End, p.Start)
	}
	return start, end, duration, condition, nil
}

// addDuration adds a UCUM duration to a moment. Months and years are calendar months and years.
func addDuration(t time.Time, value float64, unit string) (time.Time, bool) {
	whole := int(value)
	switch unit {
	case "s":
		return t.Add(time.Duration(value * float64(time.Second))), true
	case "min":
		return t.Add(time.Duration(value * float64(time.Minute))), true
	case "h":
		return t.Add(time.Duration(value * float64(time.Hour))), true
	case "d":
		return t.Add(time.Duration(value * 24 * float64(time.Hour))), true
	case "wk":
		return t.Add(time.Duration(value * 7 * 24 * float64(time.Hour))), true
	case "mo":
		if float64(whole) == value {
			return t.AddDate(0, whole, 0), true
		}
	case "a":
		if float64(whole) == value {
			return t.AddDate(whole, 0, 0), true
		}
	}
	return time.Time{}, false
}

// timeUnits are the Dutch names of the UCUM time units: singular, plural.
var timeUnits = map[string][2]string{
	"s": {"seconde", "seconden"}, "min": {"minuut", "minuten"}, "h": {"uur", "uur"}, "d": {"dag", "dagen"},
	"wk": {"week", "weken"}, "mo": {"maand", "maanden"}, "a": {"jaar", "jaar"},
}

func durationText(value float64, unit string) string {
	names, ok := timeUnits[unit]
	if !ok {
		return strings.TrimSpace(formatNumber(value) + " " + unit)
	}
	if value == 1 {
		return "1 " + names[0]
	}
	return formatNumber(value) + " " + names[1]
}

// treatmentOf reads ext-PharmaceuticalTreatment.Identifier, the key that groups the records of one
// treatment (medicamenteuze behandeling, MBH).
func treatmentOf(m *medicationResource) (system, value string) {
	x := m.Extension.find(extPharmaceuticalTreatment)
	if x == nil || x.ValueIdentifier == nil {
		return "", ""
	}
	return strings.TrimSpace(x.ValueIdentifier.System), strings.TrimSpace(x.ValueIdentifier.Value)
}

// businessIdentifier is the record's own identifier: the first one with a value.
func businessIdentifier(ids []Identifier) (system, value string) {
	for _, id := range ids {
		if v := strings.TrimSpace(id.Value); v != "" {
			return strings.TrimSpace(id.System), v
		}
	}
	return "", ""
}

// linkOf turns a reference into a link: by its identifier (MP9 sends identifier-only references), else
// by the record it resolves to.
func (r *run) linkOf(rel dossier.LinkRelation, ref *Reference) (dossier.MedicationLink, bool) {
	if ref == nil {
		return dossier.MedicationLink{}, false
	}
	if ref.Identifier != nil && strings.TrimSpace(ref.Identifier.Value) != "" {
		return dossier.MedicationLink{Relation: rel, System: strings.TrimSpace(ref.Identifier.System), Value: strings.TrimSpace(ref.Identifier.Value)}, true
	}
	if ref.Reference == "" {
		return dossier.MedicationLink{}, false
	}
	t, err := r.resolve(ref)
	if err != nil {
		return dossier.MedicationLink{}, false
	}
	if t.entry != nil {
		if sys, val := businessIdentifier(t.entry.ids); val != "" {
			return dossier.MedicationLink{Relation: rel, System: sys, Value: val}, true
		}
	}
	return dossier.MedicationLink{Relation: rel, FHIRID: t.id}, true
}

// linksOf collects the links of a record to the records it answers, changes, stops or was taken from.
func (r *run) linksOf(m *medicationResource) dossier.MedicationLinks {
	var links dossier.MedicationLinks
	add := func(rel dossier.LinkRelation, ref *Reference) {
		if l, ok := r.linkOf(rel, ref); ok {
			links = append(links, l)
		}
	}
	add(dossier.LinkPrior, m.PriorPrescription)
	for i := range m.BasedOn {
		if x := m.BasedOn[i].Extension.find(extRelationTA); x != nil && x.ValueReference != nil {
			add(dossier.LinkAdministrationAgreement, x.ValueReference)
		}
		add(dossier.LinkBasedOn, &m.BasedOn[i].Reference)
	}
	for _, x := range m.Extension {
		if x.URL == extRelationTA && x.ValueReference != nil {
			add(dossier.LinkAdministrationAgreement, x.ValueReference)
		}
	}
	for i := range m.AuthorizingPrescription {
		add(dossier.LinkAuthorizing, &m.AuthorizingPrescription[i])
	}
	for i := range m.DerivedFrom {
		add(dossier.LinkDerivedFrom, &m.DerivedFrom[i])
	}
	add(dossier.LinkRequest, m.Request)
	for i := range m.SupportingInformation {
		add(dossier.LinkRequest, &m.SupportingInformation[i])
	}
	return links
}

// performerOf reads the first performer: a Reference on a MedicationRequest, a list of {actor} elsewhere.
func (r *run) performerOf(raw json.RawMessage) party {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return party{}
	}
	if raw[0] == '{' {
		var ref Reference
		if json.Unmarshal(raw, &ref) == nil {
			return r.partyOf(&ref)
		}
		return party{}
	}
	var list []struct {
		Actor Reference `json:"actor"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return party{}
	}
	for i := range list {
		if p := r.partyOf(&list[i].Actor); p.name != "" {
			return p
		}
	}
	return party{}
}

// statusReasonOf reads statusReason: one concept (MedicationRequest) or a list (MedicationStatement).
func statusReasonOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '[' {
		var cs []CodeableConcept
		if json.Unmarshal(raw, &cs) == nil {
			return conceptsText(cs)
		}
		return ""
	}
	var c CodeableConcept
	if json.Unmarshal(raw, &c) == nil {
		return conceptText(&c)
	}
	return ""
}
