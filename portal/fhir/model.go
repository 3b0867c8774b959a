package fhir

import "encoding/json"

// The types below are the part of FHIR R4 that the portal reads. Fields the portal does not use are left
// out (encoding/json ignores them); choice elements ([x]) are one field per type the portal accepts. The
// demo data generator writes bundles with the same types, so what it writes is what the importer reads.

// Bundle is a FHIR Bundle: the unit of import and of one database transaction.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Type         string        `json:"type"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one entry of a Bundle; Resource stays raw until its type is known.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Request  *EntryRequest   `json:"request,omitempty"`
	Search   *EntrySearch    `json:"search,omitempty"`
}

// EntryRequest is the request of a transaction or batch entry.
type EntryRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

// EntrySearch says why an entry is in a searchset.
type EntrySearch struct {
	Mode string `json:"mode,omitempty"`
}

// Meta is resource metadata.
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
}

// Extension is a FHIR extension with the value types the portal reads.
type Extension struct {
	URL                  string           `json:"url"`
	Extension            []Extension      `json:"extension,omitempty"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueCode            string           `json:"valueCode,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueCoding          *Coding          `json:"valueCoding,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
}

// Element carries the extensions of a primitive value (the JSON _name property).
type Element struct {
	Extension []Extension `json:"extension,omitempty"`
}

// Coding is one code in one system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
	// DisplayExt carries translations of the display (extension translation, with lang and content).
	DisplayExt *Element `json:"_display,omitempty"`
}

// CodeableConcept is a concept as codes plus text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a business identifier: BSN, AGB, URA, UZI, a patient number.
type Identifier struct {
	Use    string           `json:"use,omitempty"`
	Type   *CodeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

// Reference points at another resource: literally (reference), logically (identifier) or only by name.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Period is a time span; either end may be open.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Quantity is a measured amount.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Ratio is a numerator over a denominator, as in a medication strength.
type Ratio struct {
	Numerator   *Quantity `json:"numerator,omitempty"`
	Denominator *Quantity `json:"denominator,omitempty"`
}

// Attachment is document content, inline (data, base64) or by URL (a Binary).
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Language    string `json:"language,omitempty"`
	Data        string `json:"data,omitempty"`
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// HumanName is a person's name; Dutch name parts (voorvoegsel, own name) come in extensions on family.
type HumanName struct {
	Extension []Extension `json:"extension,omitempty"`
	Use       string      `json:"use,omitempty"`
	Text      string      `json:"text,omitempty"`
	Family    string      `json:"family,omitempty"`
	FamilyExt *Element    `json:"_family,omitempty"`
	Given     []string    `json:"given,omitempty"`
	GivenExt  []Element   `json:"_given,omitempty"`
	Prefix    []string    `json:"prefix,omitempty"`
}

// Address is a postal address; the portal uses the city.
type Address struct {
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// Annotation is a note.
type Annotation struct {
	Text string `json:"text,omitempty"`
}

// Dosage is how a medication is taken.
type Dosage struct {
	Text        string            `json:"text,omitempty"`
	Timing      *Timing           `json:"timing,omitempty"`
	Route       *CodeableConcept  `json:"route,omitempty"`
	DoseAndRate []DoseAndRate     `json:"doseAndRate,omitempty"`
	AsNeeded    *bool             `json:"asNeededBoolean,omitempty"`
	Additional  []CodeableConcept `json:"additionalInstruction,omitempty"`
}

// Timing is when a dose is taken.
type Timing struct {
	Repeat *TimingRepeat    `json:"repeat,omitempty"`
	Code   *CodeableConcept `json:"code,omitempty"`
}

// TimingRepeat is the repetition of a timing.
type TimingRepeat struct {
	BoundsPeriod *Period `json:"boundsPeriod,omitempty"`
	Frequency    int     `json:"frequency,omitempty"`
	Period       float64 `json:"period,omitempty"`
	PeriodUnit   string  `json:"periodUnit,omitempty"`
}

// DoseAndRate is the amount of one dose.
type DoseAndRate struct {
	DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
}

// DomainResource holds the elements every resource the portal reads has in common.
type DomainResource struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Contained    []json.RawMessage `json:"contained,omitempty"`
	Extension    []Extension       `json:"extension,omitempty"`
	Identifier   []Identifier      `json:"identifier,omitempty"`
}

// Patient is the person the dossier is about.
type Patient struct {
	DomainResource
	Active               *bool            `json:"active,omitempty"`
	Name                 []HumanName      `json:"name,omitempty"`
	Gender               string           `json:"gender,omitempty"`
	BirthDate            string           `json:"birthDate,omitempty"`
	DeceasedBoolean      *bool            `json:"deceasedBoolean,omitempty"`
	DeceasedDateTime     string           `json:"deceasedDateTime,omitempty"`
	Address              []Address        `json:"address,omitempty"`
	GeneralPractitioner  []Reference      `json:"generalPractitioner,omitempty"`
	ManagingOrganization *Reference       `json:"managingOrganization,omitempty"`
	Contact              []PatientContact `json:"contact,omitempty"`
}

// PatientContact is a contact person of a patient (a parent, a guardian).
type PatientContact struct {
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         *HumanName        `json:"name,omitempty"`
}

// Practitioner is a care provider.
type Practitioner struct {
	DomainResource
	Name          []HumanName     `json:"name,omitempty"`
	Gender        string          `json:"gender,omitempty"`
	Address       []Address       `json:"address,omitempty"`
	Qualification []Qualification `json:"qualification,omitempty"`
}

// Qualification is a practitioner's qualification, e.g. a specialism.
type Qualification struct {
	Code CodeableConcept `json:"code"`
}

// PractitionerRole says what a practitioner does for which organisation.
type PractitionerRole struct {
	DomainResource
	Practitioner *Reference        `json:"practitioner,omitempty"`
	Organization *Reference        `json:"organization,omitempty"`
	Code         []CodeableConcept `json:"code,omitempty"`
	Specialty    []CodeableConcept `json:"specialty,omitempty"`
}

// Organization is a care organisation.
type Organization struct {
	DomainResource
	Name    string            `json:"name,omitempty"`
	Type    []CodeableConcept `json:"type,omitempty"`
	Address []Address         `json:"address,omitempty"`
	PartOf  *Reference        `json:"partOf,omitempty"`
}

// Encounter is a contact: admission, visit, emergency visit.
type Encounter struct {
	DomainResource
	Status          string                 `json:"status,omitempty"`
	Class           *Coding                `json:"class,omitempty"`
	Type            []CodeableConcept      `json:"type,omitempty"`
	ServiceType     *CodeableConcept       `json:"serviceType,omitempty"`
	Subject         *Reference             `json:"subject,omitempty"`
	Participant     []EncounterParticipant `json:"participant,omitempty"`
	Period          *Period                `json:"period,omitempty"`
	ReasonCode      []CodeableConcept      `json:"reasonCode,omitempty"`
	ReasonReference []Reference            `json:"reasonReference,omitempty"`
	Hospitalization *Hospitalization       `json:"hospitalization,omitempty"`
	Location        []EncounterLocation    `json:"location,omitempty"`
	ServiceProvider *Reference             `json:"serviceProvider,omitempty"`
}

// EncounterParticipant is a provider taking part in an encounter.
type EncounterParticipant struct {
	Type       []CodeableConcept `json:"type,omitempty"`
	Individual *Reference        `json:"individual,omitempty"`
}

// Hospitalization holds the admission details of an encounter.
type Hospitalization struct {
	AdmitSource          *CodeableConcept  `json:"admitSource,omitempty"`
	DischargeDisposition *CodeableConcept  `json:"dischargeDisposition,omitempty"`
	SpecialArrangement   []CodeableConcept `json:"specialArrangement,omitempty"`
}

// EncounterLocation is where an encounter took place.
type EncounterLocation struct {
	Location Reference `json:"location"`
}

// Appointment is a planned contact.
type Appointment struct {
	DomainResource
	Status      string                   `json:"status,omitempty"`
	ServiceType []CodeableConcept        `json:"serviceType,omitempty"`
	Specialty   []CodeableConcept        `json:"specialty,omitempty"`
	Description string                   `json:"description,omitempty"`
	Start       string                   `json:"start,omitempty"`
	End         string                   `json:"end,omitempty"`
	Participant []AppointmentParticipant `json:"participant,omitempty"`
}

// AppointmentParticipant is a patient, practitioner or location in an appointment.
type AppointmentParticipant struct {
	Actor  *Reference `json:"actor,omitempty"`
	Status string     `json:"status,omitempty"`
}

// Condition is a problem or diagnosis.
type Condition struct {
	DomainResource
	ClinicalStatus     *CodeableConcept  `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept  `json:"verificationStatus,omitempty"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Code               *CodeableConcept  `json:"code,omitempty"`
	Subject            *Reference        `json:"subject,omitempty"`
	Encounter          *Reference        `json:"encounter,omitempty"`
	OnsetDateTime      string            `json:"onsetDateTime,omitempty"`
	OnsetPeriod        *Period           `json:"onsetPeriod,omitempty"`
	AbatementDateTime  string            `json:"abatementDateTime,omitempty"`
	AbatementPeriod    *Period           `json:"abatementPeriod,omitempty"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
}

// AllergyIntolerance is an allergy, an intolerance or the statement that there is none.
type AllergyIntolerance struct {
	DomainResource
	ClinicalStatus     *CodeableConcept  `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept  `json:"verificationStatus,omitempty"`
	Type               string            `json:"type,omitempty"`
	Category           []string          `json:"category,omitempty"`
	Criticality        string            `json:"criticality,omitempty"`
	Code               *CodeableConcept  `json:"code,omitempty"`
	Patient            *Reference        `json:"patient,omitempty"`
	OnsetDateTime      string            `json:"onsetDateTime,omitempty"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
	Reaction           []AllergyReaction `json:"reaction,omitempty"`
}

// AllergyReaction is a reaction to an allergen.
type AllergyReaction struct {
	Manifestation []CodeableConcept `json:"manifestation,omitempty"`
	Severity      string            `json:"severity,omitempty"`
	Description   string            `json:"description,omitempty"`
}

// Medication is a drug, referenced or contained by a MedicationRequest or MedicationStatement.
type Medication struct {
	DomainResource
	Code       *CodeableConcept       `json:"code,omitempty"`
	Form       *CodeableConcept       `json:"form,omitempty"`
	Ingredient []MedicationIngredient `json:"ingredient,omitempty"`
}

// MedicationIngredient is an active ingredient with its strength.
type MedicationIngredient struct {
	ItemCodeableConcept *CodeableConcept `json:"itemCodeableConcept,omitempty"`
	Strength            *Ratio           `json:"strength,omitempty"`
}

// MedicationRequest is a prescription (medicatieafspraak).
type MedicationRequest struct {
	DomainResource
	Status                    string            `json:"status,omitempty"`
	StatusReason              *CodeableConcept  `json:"statusReason,omitempty"`
	Intent                    string            `json:"intent,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference        `json:"medicationReference,omitempty"`
	Subject                   *Reference        `json:"subject,omitempty"`
	Encounter                 *Reference        `json:"encounter,omitempty"`
	AuthoredOn                string            `json:"authoredOn,omitempty"`
	Requester                 *Reference        `json:"requester,omitempty"`
	ReasonCode                []CodeableConcept `json:"reasonCode,omitempty"`
	ReasonReference           []Reference       `json:"reasonReference,omitempty"`
	DosageInstruction         []Dosage          `json:"dosageInstruction,omitempty"`
	DispenseRequest           *DispenseRequest  `json:"dispenseRequest,omitempty"`
	Note                      []Annotation      `json:"note,omitempty"`
}

// DispenseRequest holds the validity period of a prescription.
type DispenseRequest struct {
	ValidityPeriod *Period `json:"validityPeriod,omitempty"`
}

// MedicationStatement is what the patient uses (medicatiegebruik).
type MedicationStatement struct {
	DomainResource
	Status                    string            `json:"status,omitempty"`
	StatusReason              []CodeableConcept `json:"statusReason,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference        `json:"medicationReference,omitempty"`
	Subject                   *Reference        `json:"subject,omitempty"`
	Context                   *Reference        `json:"context,omitempty"`
	EffectiveDateTime         string            `json:"effectiveDateTime,omitempty"`
	EffectivePeriod           *Period           `json:"effectivePeriod,omitempty"`
	DateAsserted              string            `json:"dateAsserted,omitempty"`
	InformationSource         *Reference        `json:"informationSource,omitempty"`
	ReasonCode                []CodeableConcept `json:"reasonCode,omitempty"`
	ReasonReference           []Reference       `json:"reasonReference,omitempty"`
	Dosage                    []Dosage          `json:"dosage,omitempty"`
	Note                      []Annotation      `json:"note,omitempty"`
}

// Observation is a measurement: a lab value, a vital sign, or something the portal only counts.
type Observation struct {
	DomainResource
	Status               string                 `json:"status,omitempty"`
	Category             []CodeableConcept      `json:"category,omitempty"`
	Code                 *CodeableConcept       `json:"code,omitempty"`
	Subject              *Reference             `json:"subject,omitempty"`
	Encounter            *Reference             `json:"encounter,omitempty"`
	EffectiveDateTime    string                 `json:"effectiveDateTime,omitempty"`
	EffectivePeriod      *Period                `json:"effectivePeriod,omitempty"`
	EffectiveInstant     string                 `json:"effectiveInstant,omitempty"`
	Issued               string                 `json:"issued,omitempty"`
	Performer            []Reference            `json:"performer,omitempty"`
	ValueQuantity        *Quantity              `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept       `json:"valueCodeableConcept,omitempty"`
	ValueString          *string                `json:"valueString,omitempty"`
	ValueBoolean         *bool                  `json:"valueBoolean,omitempty"`
	ValueInteger         *int64                 `json:"valueInteger,omitempty"`
	DataAbsentReason     *CodeableConcept       `json:"dataAbsentReason,omitempty"`
	Interpretation       []CodeableConcept      `json:"interpretation,omitempty"`
	ReferenceRange       []ReferenceRange       `json:"referenceRange,omitempty"`
	Component            []ObservationComponent `json:"component,omitempty"`
	HasMember            []Reference            `json:"hasMember,omitempty"`
}

// ReferenceRange is the normal range of a lab value.
type ReferenceRange struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
	Text string    `json:"text,omitempty"`
}

// ObservationComponent is a part of an observation, such as the systolic value of a blood pressure.
type ObservationComponent struct {
	Code                 CodeableConcept   `json:"code"`
	ValueQuantity        *Quantity         `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept  `json:"valueCodeableConcept,omitempty"`
	ValueString          *string           `json:"valueString,omitempty"`
	Interpretation       []CodeableConcept `json:"interpretation,omitempty"`
	ReferenceRange       []ReferenceRange  `json:"referenceRange,omitempty"`
}

// DiagnosticReport is a report: radiology, pathology, a function test or a laboratory panel.
type DiagnosticReport struct {
	DomainResource
	Status             string            `json:"status,omitempty"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Code               *CodeableConcept  `json:"code,omitempty"`
	Subject            *Reference        `json:"subject,omitempty"`
	Encounter          *Reference        `json:"encounter,omitempty"`
	EffectiveDateTime  string            `json:"effectiveDateTime,omitempty"`
	EffectivePeriod    *Period           `json:"effectivePeriod,omitempty"`
	Issued             string            `json:"issued,omitempty"`
	Performer          []Reference       `json:"performer,omitempty"`
	ResultsInterpreter []Reference       `json:"resultsInterpreter,omitempty"`
	Result             []Reference       `json:"result,omitempty"`
	ImagingStudy       []Reference       `json:"imagingStudy,omitempty"`
	Conclusion         string            `json:"conclusion,omitempty"`
	ConclusionCode     []CodeableConcept `json:"conclusionCode,omitempty"`
	PresentedForm      []Attachment      `json:"presentedForm,omitempty"`
}

// DocumentReference is a document: a letter, with its content as attachments.
type DocumentReference struct {
	DomainResource
	Status      string                     `json:"status,omitempty"`
	DocStatus   string                     `json:"docStatus,omitempty"`
	Type        *CodeableConcept           `json:"type,omitempty"`
	Category    []CodeableConcept          `json:"category,omitempty"`
	Subject     *Reference                 `json:"subject,omitempty"`
	Date        string                     `json:"date,omitempty"`
	Author      []Reference                `json:"author,omitempty"`
	Description string                     `json:"description,omitempty"`
	Content     []DocumentReferenceContent `json:"content,omitempty"`
	Context     *DocumentReferenceContext  `json:"context,omitempty"`
}

// DocumentReferenceContent is one attachment of a document.
type DocumentReferenceContent struct {
	Attachment Attachment `json:"attachment"`
	Format     *Coding    `json:"format,omitempty"`
}

// DocumentReferenceContext is the clinical context of a document.
type DocumentReferenceContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
	Period    *Period     `json:"period,omitempty"`
}

// Binary is raw content, which a DocumentReference or DiagnosticReport attachment points at.
type Binary struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
	Data         string `json:"data,omitempty"`
}

// ImagingStudy is a set of images.
type ImagingStudy struct {
	DomainResource
	Status            string               `json:"status,omitempty"`
	Modality          []Coding             `json:"modality,omitempty"`
	Subject           *Reference           `json:"subject,omitempty"`
	Encounter         *Reference           `json:"encounter,omitempty"`
	Started           string               `json:"started,omitempty"`
	NumberOfSeries    *int                 `json:"numberOfSeries,omitempty"`
	NumberOfInstances *int                 `json:"numberOfInstances,omitempty"`
	ProcedureCode     []CodeableConcept    `json:"procedureCode,omitempty"`
	Description       string               `json:"description,omitempty"`
	Series            []ImagingStudySeries `json:"series,omitempty"`
}

// ImagingStudySeries is one series of an imaging study.
type ImagingStudySeries struct {
	UID               string  `json:"uid,omitempty"`
	Number            int     `json:"number,omitempty"`
	Modality          *Coding `json:"modality,omitempty"`
	Description       string  `json:"description,omitempty"`
	NumberOfInstances *int    `json:"numberOfInstances,omitempty"`
	BodySite          *Coding `json:"bodySite,omitempty"`
	Started           string  `json:"started,omitempty"`
	Instance          []struct {
		UID string `json:"uid,omitempty"`
	} `json:"instance,omitempty"`
}

// Procedure is something done to a patient.
type Procedure struct {
	DomainResource
	Status            string               `json:"status,omitempty"`
	Category          *CodeableConcept     `json:"category,omitempty"`
	Code              *CodeableConcept     `json:"code,omitempty"`
	Subject           *Reference           `json:"subject,omitempty"`
	Encounter         *Reference           `json:"encounter,omitempty"`
	PerformedDateTime string               `json:"performedDateTime,omitempty"`
	PerformedPeriod   *Period              `json:"performedPeriod,omitempty"`
	Performer         []ProcedurePerformer `json:"performer,omitempty"`
	BodySite          []CodeableConcept    `json:"bodySite,omitempty"`
}

// ProcedurePerformer is who performed a procedure.
type ProcedurePerformer struct {
	Function *CodeableConcept `json:"function,omitempty"`
	Actor    Reference        `json:"actor"`
}

// CareTeam is the portal's carrier of treatment relationships other than the registered GP.
type CareTeam struct {
	DomainResource
	Status      string                `json:"status,omitempty"`
	Category    []CodeableConcept     `json:"category,omitempty"`
	Subject     *Reference            `json:"subject,omitempty"`
	Period      *Period               `json:"period,omitempty"`
	Participant []CareTeamParticipant `json:"participant,omitempty"`
	ReasonCode  []CodeableConcept     `json:"reasonCode,omitempty"`
	Note        []Annotation          `json:"note,omitempty"`
}

// CareTeamParticipant is one member of a care team: with the portal's profile, one treatment relationship.
type CareTeamParticipant struct {
	Role       []CodeableConcept `json:"role,omitempty"`
	Member     *Reference        `json:"member,omitempty"`
	OnBehalfOf *Reference        `json:"onBehalfOf,omitempty"`
	Period     *Period           `json:"period,omitempty"`
}

// EpisodeOfCare is an episode of care; with the portal's profile, one treatment relationship.
type EpisodeOfCare struct {
	DomainResource
	Status               string            `json:"status,omitempty"`
	Type                 []CodeableConcept `json:"type,omitempty"`
	Patient              *Reference        `json:"patient,omitempty"`
	ManagingOrganization *Reference        `json:"managingOrganization,omitempty"`
	Period               *Period           `json:"period,omitempty"`
	CareManager          *Reference        `json:"careManager,omitempty"`
}

// Consent is a consent to share (scope patient-privacy) or a treatment directive (scope treatment).
type Consent struct {
	DomainResource
	ModifierExtension []Extension       `json:"modifierExtension,omitempty"`
	Status            string            `json:"status,omitempty"`
	Scope             *CodeableConcept  `json:"scope,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Patient           *Reference        `json:"patient,omitempty"`
	DateTime          string            `json:"dateTime,omitempty"`
	Performer         []Reference       `json:"performer,omitempty"`
	Provision         *ConsentProvision `json:"provision,omitempty"`
}

// ConsentProvision is the rule of a consent: permit or deny, to whom, for what.
type ConsentProvision struct {
	Extension []Extension        `json:"extension,omitempty"`
	Type      string             `json:"type,omitempty"`
	Period    *Period            `json:"period,omitempty"`
	Actor     []ConsentActor     `json:"actor,omitempty"`
	Code      []CodeableConcept  `json:"code,omitempty"`
	Provision []ConsentProvision `json:"provision,omitempty"`
}

// ConsentActor is who a consent provision is about.
type ConsentActor struct {
	Role      CodeableConcept `json:"role"`
	Reference Reference       `json:"reference"`
}

// Flag is an alert; with the portal's profile, a treatment limit when coded so.
type Flag struct {
	DomainResource
	Status   string            `json:"status,omitempty"`
	Category []CodeableConcept `json:"category,omitempty"`
	Code     CodeableConcept   `json:"code"`
	Subject  *Reference        `json:"subject,omitempty"`
	Period   *Period           `json:"period,omitempty"`
	Author   *Reference        `json:"author,omitempty"`
}

// Device is a medical device (zib MedicalDevice.Product): its kind and the product description.
type Device struct {
	DomainResource
	Status     string           `json:"status,omitempty"`
	Type       *CodeableConcept `json:"type,omitempty"`
	Patient    *Reference       `json:"patient,omitempty"`
	Note       []Annotation     `json:"note,omitempty"`
	DeviceName []struct {
		Name string `json:"name,omitempty"`
	} `json:"deviceName,omitempty"`
}

// DeviceUseStatement says that a patient uses a device (zib MedicalDevice), since when and why.
type DeviceUseStatement struct {
	DomainResource
	Status          string            `json:"status,omitempty"`
	Subject         *Reference        `json:"subject,omitempty"`
	TimingPeriod    *Period           `json:"timingPeriod,omitempty"`
	TimingDateTime  string            `json:"timingDateTime,omitempty"`
	RecordedOn      string            `json:"recordedOn,omitempty"`
	Device          *Reference        `json:"device,omitempty"`
	ReasonCode      []CodeableConcept `json:"reasonCode,omitempty"`
	ReasonReference []Reference       `json:"reasonReference,omitempty"`
	BodySite        *CodeableConcept  `json:"bodySite,omitempty"`
	Note            []Annotation      `json:"note,omitempty"`
}
