package fhir

import (
	"encoding/json"
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// The nl-core (zib 2020) clinical building blocks that go to the patient banner and the summary:
// treatment directives and advance directives (Consent), alerts (Flag) and medical devices
// (DeviceUseStatement with its Device). Each is documented with the profile it reads.

// Nictiz extensions read here.
const (
	// ExtensionComment is zib Comment (toelichting) on many nl-core resources.
	ExtensionComment = "http://nictiz.nl/fhir/StructureDefinition/ext-Comment"
	// ExtensionSpecificationOther is the modifier extension of nl-core-TreatmentDirective2 that replaces
	// provision.type when the decision is "other" (zib BehandelBesluit JA_MAAR): its text says what was
	// agreed instead of a plain yes or no.
	ExtensionSpecificationOther = "http://nictiz.nl/fhir/StructureDefinition/ext-TreatmentDirective2.SpecificationOther"
	// ExtensionFlagDetail points from a Flag to the resource it is about (a Condition, say).
	ExtensionFlagDetail = "http://hl7.org/fhir/StructureDefinition/flag-detail"
	// ExtensionContraIndicationClosure says why a medication contra-indication was closed.
	ExtensionContraIndicationClosure = "http://nictiz.nl/fhir/StructureDefinition/ext-MedicationContraIndication.ReasonClosure"
)

// Codes of the categories that mark a Consent as an advance directive (zib AdvanceDirective,
// wilsverklaring) rather than a treatment directive.
const (
	consentCategoryAdvanceDirective = "acd"
	systemConsentCategory           = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
)

// treatmentDirective maps a treatment directive (zib TreatmentDirective2, profile
// nl-core-TreatmentDirective2) or an advance directive (zib AdvanceDirective) to a treatment limit:
//   - provision.code is the treatment (Behandeling), provision.type the decision (BehandelBesluit: permit =
//     wel, deny = niet), or, instead of a type, the modifier extension specificationOther says what was
//     agreed (anders); both at once break the profile's invariant zib-TreatmentDirective2-2;
//   - dateTime is when it was last discussed (MeestRecenteBespreekdatum), provision.period.end when it
//     stopped applying (DatumBeeindigd), provision.actor (CONSENTER) with whom it was agreed;
//   - status active or inactive; entered-in-error, draft, proposed and rejected ones are no agreement
//     and are skipped with that reason. An unknown modifier extension changes the meaning in a way the
//     portal cannot know, so such a directive is rejected rather than shown wrongly.
func (r *run) treatmentDirective(e *entry, c *Consent, pat access.Patient) (bool, error) {
	switch c.Status {
	case "active", "inactive":
	case "entered-in-error", "draft", "proposed", "rejected":
		return false, skip("treatment directive with status %s is not an agreed directive", c.Status)
	default:
		return false, reject("treatment directive status %q is not active or inactive", c.Status)
	}
	row := dossier.TreatmentLimit{PatientID: pat.ID, Status: c.Status, Kind: dossier.LimitDirective, FHIRID: &e.id}
	if firstCode(c.Scope, SystemConsentScope) == "adr" {
		row.Kind = dossier.LimitAdvanceDirective
	}
	for i := range c.Category {
		if codeIn(&c.Category[i], systemConsentCategory, consentCategoryAdvanceDirective) || codeIn(&c.Category[i], SystemSNOMED, snomedAdvanceDirective) {
			row.Kind = dossier.LimitAdvanceDirective
		}
	}
	for _, x := range c.ModifierExtension {
		if x.URL != ExtensionSpecificationOther {
			return false, reject("modifierExtension %s is not understood; it may change what the directive means", x.URL)
		}
		row.Decision, row.Specification = dossier.DecisionOther, strings.TrimSpace(x.ValueString)
		if row.Specification == "" {
			return false, reject("specificationOther says the decision is 'other' but not what was agreed")
		}
	}
	if p := c.Provision; p != nil {
		switch p.Type {
		case "":
		case "permit", "deny":
			if row.Decision == dossier.DecisionOther {
				return false, reject("provision.type and specificationOther together: a directive has one decision (zib-TreatmentDirective2-2)")
			}
			row.Decision = dossier.Decision(p.Type)
		default:
			return false, reject("provision.type %q is not permit or deny", p.Type)
		}
		if len(p.Code) > 0 {
			code := primaryCoding(&p.Code[0])
			row.Code = code.Code
			row.Description = conceptText(&p.Code[0])
		}
		if p.Period != nil {
			var err error
			if row.EndsAt, err = timeOf("provision.period.end", p.Period.End); err != nil {
				return false, err
			}
		}
		var with []string
		for i := range p.Actor {
			if name := r.actorName(&p.Actor[i].Reference, pat); name != "" && !contains(with, name) {
				with = append(with, name)
			}
		}
		row.AgreedWith = strings.Join(with, ", ")
	}
	if row.Description == "" {
		row.Description = conceptsText(c.Category)
	}
	if row.Description == "" {
		return false, reject("a treatment directive needs provision.code saying which treatment it is about")
	}
	// In the portal's own profile (category behandelaanwijzing, see docs/fhir-import.md) provision.code states the
	// limit itself ("Niet reanimeren") and type deny; writing "Niet reanimeren — niet uitvoeren" would read
	// as a double negation, so such a directive is shown as the limit it states. The zib profile names
	// the treatment, and its decision is always shown.
	if row.Kind == dossier.LimitDirective && row.Decision == dossier.DecisionDeny && !isZibTreatmentDirective(c) {
		row.Kind = dossier.LimitFlag
	}
	row.Comment = extensionString(c.Extension, ExtensionComment)
	var err error
	if row.RecordedAt, err = timeOf("dateTime", c.DateTime); err != nil {
		return false, err
	}
	return r.putRow(e, store.TargetTreatmentLimits, &row.ID, func() error { return r.tx.PutTreatmentLimit(&row) })
}

// actorName names a party of an agreement: the patient, a practitioner or organisation the bundle
// holds, or else the reference's display without the generated "Contact person, " style lead.
func (r *run) actorName(ref *Reference, pat access.Patient) string {
	if t, ok := r.optional(ref, "Patient"); ok && t.rowID() == pat.ID {
		return pat.DisplayName()
	}
	if p := r.partyOf(ref); p.name != "" && p.typ != "" {
		return p.name
	}
	d := strings.TrimSpace(ref.Display)
	if _, rest, ok := strings.Cut(d, ", "); ok && strings.Contains(strings.ToLower(d[:len(d)-len(rest)]), "person") {
		d = rest
	}
	return d
}

// extensionString is the string value of the first extension with this URL.
func extensionString(xs []Extension, url string) string {
	for _, x := range xs {
		if x.URL == url {
			return strings.TrimSpace(x.ValueString)
		}
	}
	return ""
}

// importFlag maps a Flag. With the portal's own profile, category SystemTreatmentLimit|treatment-limit,
// it is a treatment limit. Otherwise it is an alert (zib Alert, profile nl-core-Alert; also zib
// MedicationContraIndication): code names the alert; when the code says only that it does not apply
// (data-absent-reason), the resource in the flag-detail extension (a Condition) names it. Status active
// or inactive; a flag entered in error is skipped.
func (r *run) importFlag(e *entry) (bool, error) {
	var f Flag
	if err := decode(e, &f); err != nil {
		return false, err
	}
	pat, err := r.patientOf(f.Subject, "subject")
	if err != nil {
		return false, err
	}
	if f.Status == "entered-in-error" {
		return false, skip("Flag entered in error is not shown")
	}
	if f.Status != "active" && f.Status != "inactive" {
		return false, reject("Flag status %q is not active or inactive", f.Status)
	}
	for i := range f.Category {
		if codeIn(&f.Category[i], SystemTreatmentLimit, "treatment-limit") {
			return r.treatmentLimitFlag(e, &f, pat)
		}
	}
	code := primaryCoding(&f.Code)
	row := dossier.Alert{
		PatientID: pat.ID, CodeSystem: code.System, Code: code.Code, Display: conceptText(&f.Code),
		Category: conceptsText(f.Category), Status: f.Status, FHIRID: &e.id,
	}
	if code.System == systemDataAbsentReason || row.Display == "" {
		row.CodeSystem, row.Code, row.Display = "", "", ""
		for _, x := range f.Extension {
			if x.URL != ExtensionFlagDetail || x.ValueReference == nil {
				continue
			}
			if t, ok := r.optional(x.ValueReference); ok && t.entry != nil {
				row.Display = r.displayOf(t.entry)
			}
			if row.Display == "" {
				row.Display = strings.TrimSpace(x.ValueReference.Display)
			}
		}
	}
	if row.Display == "" {
		return false, reject("a Flag needs a code (or a flag-detail reference) saying what the alert is about")
	}
	for i := range f.Category {
		if codeIn(&f.Category[i], SystemSNOMED, snomedMedicationContraIndication) {
			row.Kind = dossier.AlertContraIndication
		}
	}
	var comments []string
	for _, url := range []string{ExtensionComment, ExtensionContraIndicationClosure} {
		if s := extensionString(f.Extension, url); s != "" {
			comments = append(comments, s)
		}
	}
	row.Comment = strings.Join(comments, "; ")
	if f.Period != nil {
		if row.StartAt, err = timeOf("period.start", f.Period.Start); err != nil {
			return false, err
		}
		if row.EndAt, err = timeOf("period.end", f.Period.End); err != nil {
			return false, err
		}
	}
	return r.putRow(e, store.TargetAlerts, &row.ID, func() error { return r.tx.PutAlert(&row) })
}

// treatmentLimitFlag maps a Flag of the portal's own treatment-limit profile.
func (r *run) treatmentLimitFlag(e *entry, f *Flag, pat access.Patient) (bool, error) {
	code := primaryCoding(&f.Code)
	row := dossier.TreatmentLimit{
		PatientID: pat.ID, Code: code.Code, Description: conceptText(&f.Code), Status: f.Status,
		Kind: dossier.LimitFlag, FHIRID: &e.id,
	}
	if row.Description == "" {
		return false, reject("a treatment-limit Flag needs a code saying the limit")
	}
	var err error
	if row.RecordedAt, err = timeOf("period.start", periodStart(f.Period)); err != nil {
		return false, err
	}
	if f.Period != nil {
		if row.EndsAt, err = timeOf("period.end", f.Period.End); err != nil {
			return false, err
		}
	}
	return r.putRow(e, store.TargetTreatmentLimits, &row.ID, func() error { return r.tx.PutTreatmentLimit(&row) })
}

const (
	systemDataAbsentReason           = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
	snomedMedicationContraIndication = "140401000146105"
	deviceContentType                = "application/x.zvp-device+json"
)

// deviceInfo is what a DeviceUseStatement needs of its Device: kept in fhir_resources, so that a
// statement in a later bundle can point at a Device imported before.
type deviceInfo struct {
	System      string `json:"system,omitempty"`
	Code        string `json:"code,omitempty"`
	Display     string `json:"display"`
	Description string `json:"description,omitempty"`
}

// importDevice keeps a Device (zib MedicalDevice.Product) for the DeviceUseStatements that point at it;
// the device alone says nothing about the patient using it, so it is not shown on its own.
func (r *run) importDevice(e *entry) (bool, error) {
	var d Device
	if err := decode(e, &d); err != nil {
		return false, err
	}
	info := deviceOf(&d)
	if info.Display == "" {
		return false, reject("a Device needs a type (or a name) saying what it is")
	}
	content, _ := json.Marshal(info)
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetContent, 0, found, deviceContentType, content); err != nil {
		return false, err
	}
	return !found, nil
}

func deviceOf(d *Device) deviceInfo {
	code := primaryCoding(d.Type)
	info := deviceInfo{System: code.System, Code: code.Code, Display: conceptText(d.Type)}
	var desc []string
	for _, n := range d.DeviceName {
		if s := strings.TrimSpace(n.Name); s != "" {
			desc = append(desc, s)
		}
	}
	for _, n := range d.Note {
		if s := strings.TrimSpace(n.Text); s != "" {
			desc = append(desc, s)
		}
	}
	info.Description = strings.Join(desc, "; ")
	if info.Display == "" || info.Display == info.Code {
		if info.Description != "" {
			info.Display, info.Description = info.Description, ""
		}
	}
	if strings.EqualFold(info.Description, info.Display) {
		info.Description = ""
	}
	return info
}

// importDeviceUseStatement maps a medical device (zib MedicalDevice, profile nl-core-MedicalDevice): the
// Device it points at (required: without it nothing says what the device is), the period of use
// (timing), the indication (reasonReference to a Condition, or reasonCode), the body site and the notes.
func (r *run) importDeviceUseStatement(e *entry) (bool, error) {
	var s DeviceUseStatement
	if err := decode(e, &s); err != nil {
		return false, err
	}
	pat, err := r.patientOf(s.Subject, "subject")
	if err != nil {
		return false, err
	}
	switch s.Status {
	case "entered-in-error":
		return false, skip("DeviceUseStatement entered in error is not shown")
	case "active", "completed", "intended", "stopped", "on-hold":
	default:
		return false, reject("DeviceUseStatement status %q is not active, completed, intended, stopped or on-hold", s.Status)
	}
	info, err := r.deviceFrom(s.Device)
	if err != nil {
		return false, err
	}
	row := dossier.MedicalDevice{
		PatientID: pat.ID, CodeSystem: info.System, Code: info.Code, Display: info.Display,
		Description: info.Description, Status: s.Status, BodySite: conceptText(s.BodySite), FHIRID: &e.id,
	}
	if d := strings.TrimSpace(s.Device.Display); row.Description == "" && d != "" && !strings.EqualFold(d, row.Display) {
		row.Description = d
	}
	var reasons []string
	for i := range s.ReasonReference {
		text := ""
		if t, ok := r.optional(&s.ReasonReference[i]); ok && t.entry != nil {
			text = r.displayOf(t.entry)
		}
		if text != "" && !contains(reasons, text) {
			reasons = append(reasons, text)
		}
	}
	if t := conceptsText(s.ReasonCode); t != "" {
		reasons = append(reasons, t)
	}
	row.Indication = strings.Join(reasons, "; ")
	var notes []string
	for _, n := range s.Note {
		if t := strings.TrimSpace(n.Text); t != "" {
			notes = append(notes, t)
		}
	}
	row.Note = strings.Join(notes, "; ")
	start, end := s.TimingDateTime, ""
	if s.TimingPeriod != nil {
		start, end = s.TimingPeriod.Start, s.TimingPeriod.End
	}
	if row.StartAt, err = timeOf("timing start", start); err != nil {
		return false, err
	}
	if row.EndAt, err = timeOf("timingPeriod.end", end); err != nil {
		return false, err
	}
	return r.putRow(e, store.TargetMedicalDevices, &row.ID, func() error { return r.tx.PutMedicalDevice(&row) })
}

// deviceFrom resolves the Device of a statement: in this bundle, or imported before.
func (r *run) deviceFrom(ref *Reference) (deviceInfo, error) {
	if ref == nil || (ref.Reference == "" && ref.Identifier == nil) {
		return deviceInfo{}, reject("a DeviceUseStatement needs device: the Device the patient uses")
	}
	t, err := r.require(ref, "device", "Device")
	if err != nil {
		return deviceInfo{}, err
	}
	var info deviceInfo
	if t.entry != nil {
		var d Device
		if err := decodeRaw(t.entry, &d); err != nil {
			return deviceInfo{}, reject("device %s cannot be read: %v", refString(ref), err)
		}
		return deviceOf(&d), nil
	}
	if t.ident.ContentType != deviceContentType || json.Unmarshal(t.ident.Content, &info) != nil || info.Display == "" {
		return deviceInfo{}, reject("device %s was imported before but its content is not a device", refString(ref))
	}
	return info, nil
}

// notImportedReasons say why the portal leaves out resource types that nl-core bundles carry; the import
// report gives the reason with the count, so the hospital knows what its providers will not see.
var notImportedReasons = map[string]string{
	"Immunization":               "Immunization (zib Vaccination) is not imported by the portal: the role matrix has no data category for vaccinations",
	"ImmunizationRecommendation": "ImmunizationRecommendation is not imported by the portal: a vaccination plan is not part of the hospital dossier the portal shows",
	"CarePlan":                   "CarePlan (zib NursingIntervention) is not imported by the portal: nursing plans are the hospital's internal work",
	"Goal":                       "Goal (zib TreatmentObjective) is not imported by the portal: treatment objectives have no data category in the role matrix",
	"NutritionOrder":             "NutritionOrder (zib NutritionAdvice) is not imported by the portal: diet orders are the hospital's internal work",
	"Coverage":                   "Coverage (zib Payer) is not imported by the portal: insurance data is not for providers outside the hospital",
	"RelatedPerson":              "RelatedPerson (zib ContactPerson) is not imported by the portal: contact persons are not shown; a representative's part in a consent is read from the Consent",
	"Location":                   "Location is not imported by the portal: encounters keep the location's name",
	"Specimen":                   "Specimen is not imported by the portal: lab results carry what the provider needs",
	"Media":                      "Media is not imported by the portal: images stay in the hospital's systems",
}

// notImportedReason is the reason a resource type is skipped as a whole.
func notImportedReason(typ string) string {
	if reason, ok := notImportedReasons[typ]; ok {
		return reason
	}
	return typ + " is not imported by the portal"
}

// nlCoreProfile names the zib of an nl-core resource from its meta.profile ("BarthelADLIndex" for
// .../nl-core-BarthelADLIndex), or "" for another profile.
func nlCoreProfile(m *Meta) string {
	if m == nil {
		return ""
	}
	for _, p := range m.Profile {
		if _, name, ok := strings.Cut(p, "/StructureDefinition/nl-core-"); ok && name != "" {
			name, _, _ = strings.Cut(name, ".") // the zib, not its part: Wound for Wound.WoundEdge
			return name
		}
	}
	return ""
}

// snomedProcedureWithContext is the category of zib TreatmentDirective2 (verrichting met expliciete context).
const snomedProcedureWithContext = "129125009"

// isZibTreatmentDirective reports whether a Consent follows zib TreatmentDirective2, whose provision.code
// is the treatment the decision is about: by its category or its declared profile.
func isZibTreatmentDirective(c *Consent) bool {
	for i := range c.Category {
		if codeIn(&c.Category[i], SystemSNOMED, snomedProcedureWithContext) {
			return true
		}
	}
	if c.Meta != nil {
		for _, p := range c.Meta.Profile {
			if strings.Contains(p, "TreatmentDirective2") {
				return true
			}
		}
	}
	return false
}
