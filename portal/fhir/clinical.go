package fhir

import (
	"sort"
	"strings"
	"time"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// importEncounter maps an Encounter: class (v3 ActCode), period (start required), department (serviceType,
// else the service provider's name), the first participant as practitioner, reason and discharge
// disposition.
func (r *run) importEncounter(e *entry) (bool, error) {
	var enc Encounter
	if err := decode(e, &enc); err != nil {
		return false, err
	}
	pat, err := r.patientOf(enc.Subject, "subject")
	if err != nil {
		return false, err
	}
	if enc.Period == nil || enc.Period.Start == "" {
		return false, reject("an Encounter needs period.start")
	}
	row := dossier.Encounter{
		PatientID: pat.ID,
		Class:     encounterClass(enc.Class),
		Status:    orDefault(enc.Status, "unknown"),
		Type:      conceptsText(enc.Type),
		Reason:    conceptsText(enc.ReasonCode),
		FHIRID:    &e.id,
	}
	if row.StartAt, err = parseDateTime(enc.Period.Start); err != nil {
		return false, reject("period.start: %v", err)
	}
	if row.EndAt, err = optionalTime(enc.Period.End); err != nil {
		return false, reject("period.end: %v", err)
	}
	if row.Reason == "" {
		for i := range enc.ReasonReference {
			if t, ok := r.optional(&enc.ReasonReference[i]); ok && t.entry != nil {
				row.Reason = r.displayOf(t.entry)
			} else if enc.ReasonReference[i].Display != "" {
				row.Reason = enc.ReasonReference[i].Display
			}
			if row.Reason != "" {
				break
			}
		}
	}
	row.Department = conceptText(enc.ServiceType)
	if row.Department == "" && enc.ServiceProvider != nil {
		row.Department = r.partyOf(enc.ServiceProvider).name
	}
	for i := range enc.Participant {
		if p := r.partyOf(enc.Participant[i].Individual); p.name != "" {
			row.Practitioner = p.name
			break
		}
	}
	if len(enc.Location) > 0 {
		row.Location = enc.Location[0].Location.Display
	}
	if enc.Hospitalization != nil {
		row.DischargeDisposition = conceptText(enc.Hospitalization.DischargeDisposition)
	}
	return r.putRow(e, store.TargetEncounters, &row.ID, func() error { return r.tx.PutEncounter(&row) })
}

// displayOf names a resource of the bundle by its code (a Condition as encounter reason, say).
func (r *run) displayOf(e *entry) string {
	var v struct {
		Code *CodeableConcept `json:"code"`
	}
	if err := decodeRaw(e, &v); err != nil {
		return ""
	}
	return conceptText(v.Code)
}

// importAppointment maps an Appointment: the patient among the participants (required), practitioners
// among the others, start required.
func (r *run) importAppointment(e *entry) (bool, error) {
	var a Appointment
	if err := decode(e, &a); err != nil {
		return false, err
	}
	var patientRef *Reference
	practitioner := ""
	for i := range a.Participant {
		actor := a.Participant[i].Actor
		if actor == nil {
			continue
		}
		if isPatientRef(actor, r) {
			if patientRef == nil {
				patientRef = actor
			}
			continue
		}
		if practitioner == "" {
			if p := r.partyOf(actor); p.typ == "Practitioner" || (p.typ == "" && p.name != "") {
				practitioner = p.name
			}
		}
	}
	pat, err := r.patientOf(patientRef, "participant.actor (Patient)")
	if err != nil {
		return false, err
	}
	if a.Start == "" {
		return false, reject("an Appointment needs a start")
	}
	row := dossier.Appointment{
		PatientID:    pat.ID,
		Status:       orDefault(a.Status, "booked"),
		Description:  a.Description,
		Department:   conceptsText(a.Specialty),
		Practitioner: practitioner,
		FHIRID:       &e.id,
	}
	if row.Description == "" {
		row.Description = conceptsText(a.ServiceType)
	}
	if row.Department == "" {
		row.Department = conceptsText(a.ServiceType)
	}
	if row.StartAt, err = parseDateTime(a.Start); err != nil {
		return false, reject("start: %v", err)
	}
	if row.EndAt, err = optionalTime(a.End); err != nil {
		return false, reject("end: %v", err)
	}
	return r.putRow(e, store.TargetAppointments, &row.ID, func() error { return r.tx.PutAppointment(&row) })
}

// isPatientRef tells whether an appointment participant is the patient: by the reference's type, its
// literal form, or the type of the bundle entry it points at.
func isPatientRef(ref *Reference, r *run) bool {
	if ref.Type != "" {
		return ref.Type == "Patient"
	}
	s := ref.Reference
	if e, ok := r.byURL[s]; ok {
		return e.typ == "Patient"
	}
	if strings.HasPrefix(s, "Patient/") || strings.HasPrefix(s, "Patient?") || strings.Contains(s, "/Patient/") {
		return true
	}
	if ref.Identifier != nil && ref.Identifier.System == SystemBSN {
		return true
	}
	return false
}

// importCondition maps a Condition (problem or diagnosis).
func (r *run) importCondition(e *entry) (bool, error) {
	var c Condition
	if err := decode(e, &c); err != nil {
		return false, err
	}
	pat, err := r.patientOf(c.Subject, "subject")
	if err != nil {
		return false, err
	}
	code := primaryCoding(c.Code)
	row := dossier.Condition{
		PatientID:          pat.ID,
		CodeSystem:         code.System,
		Code:               code.Code,
		Display:            conceptText(c.Code),
		ClinicalStatus:     firstCodeAny(c.ClinicalStatus),
		VerificationStatus: firstCodeAny(c.VerificationStatus),
		Category:           firstCodeOf(c.Category),
		FHIRID:             &e.id,
	}
	if row.Display == "" {
		return false, reject("a Condition needs a code")
	}
	onset := c.OnsetDateTime
	if onset == "" && c.OnsetPeriod != nil {
		onset = c.OnsetPeriod.Start
	}
	abatement := c.AbatementDateTime
	if abatement == "" && c.AbatementPeriod != nil {
		abatement = c.AbatementPeriod.End
	}
	if row.OnsetAt, err = optionalTime(onset); err != nil {
		return false, reject("onset: %v", err)
	}
	if row.AbatementAt, err = optionalTime(abatement); err != nil {
		return false, reject("abatement: %v", err)
	}
	if row.RecordedAt, err = optionalTime(c.RecordedDate); err != nil {
		return false, reject("recordedDate: %v", err)
	}
	return r.putRow(e, store.TargetConditions, &row.ID, func() error { return r.tx.PutCondition(&row) })
}

// importAllergy maps an AllergyIntolerance, including the SNOMED "no known allergy" statement.
func (r *run) importAllergy(e *entry) (bool, error) {
	var a AllergyIntolerance
	if err := decode(e, &a); err != nil {
		return false, err
	}
	pat, err := r.patientOf(a.Patient, "patient")
	if err != nil {
		return false, err
	}
	code := primaryCoding(a.Code)
	row := dossier.Allergy{
		PatientID:          pat.ID,
		CodeSystem:         code.System,
		Code:               code.Code,
		Display:            conceptText(a.Code),
		Type:               a.Type,
		Category:           strings.Join(a.Category, ", "),
		Criticality:        a.Criticality,
		ClinicalStatus:     firstCodeAny(a.ClinicalStatus),
		VerificationStatus: firstCodeAny(a.VerificationStatus),
		FHIRID:             &e.id,
	}
	if row.Display == "" {
		return false, reject("an AllergyIntolerance needs a code")
	}
	switch a.Criticality {
	case "", "low", "high", "unable-to-assess":
	default:
		return false, reject("criticality %q is not low, high or unable-to-assess (FHIR allergy-intolerance-criticality)", a.Criticality)
	}
	var reactions []string
	for i, re := range a.Reaction {
		text := conceptsText(re.Manifestation)
		if text == "" {
			text = strings.TrimSpace(re.Description)
		}
		if text != "" && !contains(reactions, text) {
			reactions = append(reactions, text)
		}
		rank, ok := reactionSeverityRank[re.Severity]
		if !ok {
			return false, reject("reaction[%d].severity %q is not mild, moderate or severe (FHIR reaction-event-severity)", i, re.Severity)
		}
		if rank > reactionSeverityRank[row.ReactionSeverity] {
			row.ReactionSeverity = re.Severity
		}
	}
	row.Reaction = strings.Join(reactions, "; ")
	if row.OnsetAt, err = optionalTime(a.OnsetDateTime); err != nil {
		return false, reject("onsetDateTime: %v", err)
	}
	if row.RecordedAt, err = optionalTime(a.RecordedDate); err != nil {
		return false, reject("recordedDate: %v", err)
	}
	return r.putRow(e, store.TargetAllergies, &row.ID, func() error { return r.tx.PutAllergy(&row) })
}

// reactionSeverityRank orders the FHIR reaction severities, so that an allergy shows its worst reaction.
var reactionSeverityRank = map[string]int{"": 0, "mild": 1, "moderate": 2, "severe": 3}

// importProcedure maps a Procedure (an operation, an examination); its encounter is linked when known.
func (r *run) importProcedure(e *entry) (bool, error) {
	var p Procedure
	if err := decode(e, &p); err != nil {
		return false, err
	}
	pat, err := r.patientOf(p.Subject, "subject")
	if err != nil {
		return false, err
	}
	code := primaryCoding(p.Code)
	row := dossier.Procedure{
		PatientID:   pat.ID,
		CodeSystem:  code.System,
		Code:        code.Code,
		Display:     conceptText(p.Code),
		Status:      orDefault(p.Status, "unknown"),
		EncounterID: r.encounterID(p.Encounter),
		FHIRID:      &e.id,
	}
	if row.Display == "" {
		return false, reject("a Procedure needs a code")
	}
	for i := range p.Performer {
		if pp := r.partyOf(&p.Performer[i].Actor); pp.name != "" {
			row.Performer = pp.name
			break
		}
	}
	start, end := p.PerformedDateTime, ""
	if p.PerformedPeriod != nil {
		start, end = p.PerformedPeriod.Start, p.PerformedPeriod.End
	}
	if row.StartAt, err = optionalTime(start); err != nil {
		return false, reject("performed: %v", err)
	}
	if row.EndAt, err = optionalTime(end); err != nil {
		return false, reject("performedPeriod.end: %v", err)
	}
	return r.putRow(e, store.TargetProcedures, &row.ID, func() error { return r.tx.PutProcedure(&row) })
}

// importImagingStudy maps an ImagingStudy: modalities, body sites and counts from the study or its series.
func (r *run) importImagingStudy(e *entry) (bool, error) {
	var s ImagingStudy
	if err := decode(e, &s); err != nil {
		return false, err
	}
	pat, err := r.patientOf(s.Subject, "subject")
	if err != nil {
		return false, err
	}
	row := dossier.ImagingStudy{PatientID: pat.ID, Status: orDefault(s.Status, "unknown"), FHIRID: &e.id}
	started := s.Started
	modalities := map[string]bool{}
	for _, m := range s.Modality {
		if m.Code != "" {
			modalities[m.Code] = true
		}
	}
	var bodySites, descriptions []string
	instances := 0
	for _, se := range s.Series {
		if se.Modality != nil && se.Modality.Code != "" {
			modalities[se.Modality.Code] = true
		}
		if se.BodySite != nil {
			if d := orDefault(se.BodySite.Display, se.BodySite.Code); d != "" && !contains(bodySites, d) {
				bodySites = append(bodySites, d)
			}
		}
		if se.Description != "" {
			descriptions = append(descriptions, se.Description)
		}
		if se.NumberOfInstances != nil {
			instances += *se.NumberOfInstances
		} else {
			instances += len(se.Instance)
		}
		if started == "" {
			started = se.Started
		}
	}
	row.Modality = strings.Join(sortedKeys(modalities), ", ")
	row.BodySite = strings.Join(bodySites, ", ")
	row.Description = s.Description
	if row.Description == "" {
		row.Description = conceptsText(s.ProcedureCode)
	}
	if row.Description == "" {
		row.Description = strings.Join(descriptions, "; ")
	}
	row.SeriesCount = len(s.Series)
	if s.NumberOfSeries != nil {
		row.SeriesCount = *s.NumberOfSeries
	}
	row.InstanceCount = instances
	if s.NumberOfInstances != nil {
		row.InstanceCount = *s.NumberOfInstances
	}
	if row.StartedAt, err = optionalTime(started); err != nil {
		return false, reject("started: %v", err)
	}
	return r.putRow(e, store.TargetImagingStudies, &row.ID, func() error { return r.tx.PutImagingStudy(&row) })
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// firstCodeAny is the first code of a status concept (clinicalStatus, verificationStatus).
func firstCodeAny(c *CodeableConcept) string {
	if c == nil {
		return ""
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return c.Text
}

func firstCodeOf(cs []CodeableConcept) string {
	for i := range cs {
		if c := firstCodeAny(&cs[i]); c != "" {
			return c
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// timeOf picks the first non-empty of several dateTimes.
func timeOf(field string, values ...string) (*time.Time, error) {
	for _, v := range values {
		if v != "" {
			t, err := parseDateTime(v)
			if err != nil {
				return nil, reject("%s: %v", field, err)
			}
			return &t, nil
		}
	}
	return nil, nil
}
