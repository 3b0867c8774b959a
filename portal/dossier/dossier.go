// Package dossier holds the items of a patient's hospital dossier as the portal keeps them: encounters,
// appointments, operations, problems, allergies, medication, lab results, vital signs, reports, letters
// with their attachments and imaging studies. The FHIR import writes them and the screens read them; both
// speak these types so that neither depends on the other's representation. It does no I/O.
package dossier

import "time"

// EncounterClass says what kind of contact an encounter was; the screens sort admissions from visits by it.
type EncounterClass string

// Encounter classes, from FHIR Encounter.class (v3 ActCode).
const (
	ClassInpatient  EncounterClass = "inpatient"
	ClassOutpatient EncounterClass = "outpatient"
	ClassEmergency  EncounterClass = "emergency"
	ClassHome       EncounterClass = "home"
	ClassVirtual    EncounterClass = "virtual"
	ClassOther      EncounterClass = "other"
)

// Encounter is one contact with the hospital: an admission, an outpatient visit or an emergency visit.
type Encounter struct {
	ID                   int64          `db:"id"`
	PatientID            int64          `db:"patient_id"`
	Class                EncounterClass `db:"class"`
	Status               string         `db:"status"`
	Type                 string         `db:"type"`
	Reason               string         `db:"reason"`
	Department           string         `db:"department"`
	Practitioner         string         `db:"practitioner"`
	Location             string         `db:"location"`
	StartAt              time.Time      `db:"start_at"`
	EndAt                *time.Time     `db:"end_at"`
	DischargeDisposition string         `db:"discharge_disposition"`
	FHIRID               *string        `db:"fhir_id"`
}

// IsOpenAdmission reports whether the patient is in hospital now: an inpatient encounter without an end.
func (e Encounter) IsOpenAdmission() bool {
	return e.Class == ClassInpatient && e.EndAt == nil && e.Status != "cancelled" && e.Status != "planned"
}

// Appointment is a planned contact: the provider sees when the patient is expected in the hospital.
type Appointment struct {
	ID           int64      `db:"id"`
	PatientID    int64      `db:"patient_id"`
	Status       string     `db:"status"`
	Description  string     `db:"description"`
	Department   string     `db:"department"`
	Practitioner string     `db:"practitioner"`
	StartAt      time.Time  `db:"start_at"`
	EndAt        *time.Time `db:"end_at"`
	FHIRID       *string    `db:"fhir_id"`
}

// Procedure is something done to the patient, operations among them.
type Procedure struct {
	ID          int64      `db:"id"`
	PatientID   int64      `db:"patient_id"`
	CodeSystem  string     `db:"code_system"`
	Code        string     `db:"code"`
	Display     string     `db:"display"`
	Status      string     `db:"status"`
	Performer   string     `db:"performer"`
	StartAt     *time.Time `db:"start_at"`
	EndAt       *time.Time `db:"end_at"`
	EncounterID *int64     `db:"encounter_id"`
	FHIRID      *string    `db:"fhir_id"`
}

// Condition is a problem or diagnosis.
type Condition struct {
	ID                 int64      `db:"id"`
	PatientID          int64      `db:"patient_id"`
	CodeSystem         string     `db:"code_system"`
	Code               string     `db:"code"`
	Display            string     `db:"display"`
	ClinicalStatus     string     `db:"clinical_status"`
	VerificationStatus string     `db:"verification_status"`
	Category           string     `db:"category"`
	OnsetAt            *time.Time `db:"onset_at"`
	AbatementAt        *time.Time `db:"abatement_at"`
	RecordedAt         *time.Time `db:"recorded_at"`
	FHIRID             *string    `db:"fhir_id"`
}

// NoKnownAllergyCode is the SNOMED CT concept 716186003 "No known allergy": an allergy entry with this code
// says the question was asked and the answer was none, which differs from nothing recorded.
const NoKnownAllergyCode = "716186003"

// SNOMED is the FHIR system of SNOMED CT codes.
const SNOMED = "http://snomed.info/sct"

// Allergy is an allergy or intolerance, or the explicit statement that there is none.
type Allergy struct {
	ID                 int64  `db:"id"`
	PatientID          int64  `db:"patient_id"`
	CodeSystem         string `db:"code_system"`
	Code               string `db:"code"`
	Display            string `db:"display"`
	Type               string `db:"type"`
	Category           string `db:"category"`
	Criticality        string `db:"criticality"`
	ClinicalStatus     string `db:"clinical_status"`
	VerificationStatus string `db:"verification_status"`
	Reaction           string `db:"reaction"`
	// ReactionSeverity is the severity of the worst recorded reaction (mild, moderate, severe): how bad
	// it was, where Criticality is the risk of a future reaction.
	ReactionSeverity string     `db:"reaction_severity"`
	OnsetAt          *time.Time `db:"onset_at"`
	RecordedAt       *time.Time `db:"recorded_at"`
	FHIRID           *string    `db:"fhir_id"`
}

// IsNoKnownAllergy reports whether the entry states that the patient has no known allergies.
func (a Allergy) IsNoKnownAllergy() bool {
	return a.Code == NoKnownAllergyCode && (a.CodeSystem == SNOMED || a.CodeSystem == "")
}

// AllergyStatus is what the patient banner says about allergies.
type AllergyStatus string

// The three answers the banner can give; "unknown" must never look like "none".
const (
	AllergiesUnknown   AllergyStatus = "unknown"    // nothing recorded
	AllergiesNoneKnown AllergyStatus = "none_known" // explicitly recorded: no known allergies
	AllergiesPresent   AllergyStatus = "present"    // at least one active allergy or intolerance
)

// AllergyStatusOf summarises a patient's allergy entries for the banner: active allergies win over a
// "no known allergy" statement, and entries that are resolved, inactive or refuted do not count.
func AllergyStatusOf(allergies []Allergy) AllergyStatus {
	status := AllergiesUnknown
	for _, a := range allergies {
		if a.VerificationStatus == "refuted" || a.VerificationStatus == "entered-in-error" ||
			a.ClinicalStatus == "inactive" || a.ClinicalStatus == "resolved" {
			continue
		}
		if a.IsNoKnownAllergy() {
			if status == AllergiesUnknown {
				status = AllergiesNoneKnown
			}
			continue
		}
		status = AllergiesPresent
	}
	return status
}

// MedicationSource says which FHIR resource a medication record came from: what the patient uses
// (MedicationStatement), a prescription (MedicationRequest), a dispense (MedicationDispense) or an
// administration (MedicationAdministration).
type MedicationSource string

// Medication sources.
const (
	FromStatement      MedicationSource = "statement"
	FromRequest        MedicationSource = "request"
	FromDispense       MedicationSource = "dispense"
	FromAdministration MedicationSource = "administration"
)

// Medication is one medication record: a drug on the overview with start, stop and why it stopped, and,
// for the Dutch medication standard (MP9), which building block it is, which treatment it belongs to and
// which records it changes or stops (medication.go).
type Medication struct {
	ID                   int64            `db:"id"`
	PatientID            int64            `db:"patient_id"`
	SourceKind           MedicationSource `db:"source_kind"`
	CodeSystem           string           `db:"code_system"`
	Code                 string           `db:"code"`
	Drug                 string           `db:"drug"`
	Strength             string           `db:"strength"`
	Dose                 string           `db:"dose"`
	Route                string           `db:"route"`
	Status               string           `db:"status"`
	Reason               string           `db:"reason"`
	Prescriber           string           `db:"prescriber"`
	PrescriberSpecialism string           `db:"prescriber_specialism"`
	StartAt              *time.Time       `db:"start_at"`
	StopAt               *time.Time       `db:"stop_at"`
	StopReason           string           `db:"stop_reason"`
	FHIRID               *string          `db:"fhir_id"`

	MP9
}

// IsCurrent reports whether the medication is in use on the given day: active, started and not stopped.
func (m Medication) IsCurrent(now time.Time) bool {
	switch m.Status {
	case "stopped", "completed", "cancelled", "entered-in-error", "not-taken", "on-hold":
		return false
	}
	if m.StartAt != nil && m.StartAt.After(now) {
		return false
	}
	return m.StopAt == nil || m.StopAt.After(now)
}

// LabResult is one laboratory value at one moment, with the reference range the laboratory gave.
type LabResult struct {
	ID             int64     `db:"id"`
	PatientID      int64     `db:"patient_id"`
	CodeSystem     string    `db:"code_system"`
	Code           string    `db:"code"`
	Display        string    `db:"display"`
	ValueNum       *float64  `db:"value_num"`
	ValueText      string    `db:"value_text"`
	Comparator     string    `db:"comparator"`
	Unit           string    `db:"unit"`
	RefLow         *float64  `db:"ref_low"`
	RefHigh        *float64  `db:"ref_high"`
	RefText        string    `db:"ref_text"`
	Interpretation string    `db:"interpretation"`
	Status         string    `db:"status"`
	EffectiveAt    time.Time `db:"effective_at"`
	ReportFHIRID   *string   `db:"report_fhir_id"`
	FHIRID         *string   `db:"fhir_id"`
	// PublicID is the id its address carries (portal/publicid); ID stays internal and in the access log.
	PublicID string `db:"public_id"`
}

// Flag is the direction of a lab value against its reference range; the screens show it as an arrow and a
// colour, never as colour alone.
type Flag string

// Lab flags.
const (
	FlagNone     Flag = ""
	FlagHigh     Flag = "high"
	FlagLow      Flag = "low"
	FlagAbnormal Flag = "abnormal"
)

// Flag gives the direction of the value: the laboratory's interpretation code (H, HH, L, LL, A, AA, ...)
// when there is one, otherwise a comparison of the number with the reference range.
func (r LabResult) Flag() Flag {
	switch r.Interpretation {
	case "H", "HH", "HU", ">":
		return FlagHigh
	case "L", "LL", "LU", "<":
		return FlagLow
	case "A", "AA":
		return FlagAbnormal
	case "N":
		return FlagNone
	}
	if r.ValueNum == nil {
		return FlagNone
	}
	if r.RefHigh != nil && *r.ValueNum > *r.RefHigh {
		return FlagHigh
	}
	if r.RefLow != nil && *r.ValueNum < *r.RefLow {
		return FlagLow
	}
	return FlagNone
}

// LabTest is one test (by code) of a patient's lab results: what the lab overview lists, one line per test
// with its latest value, and what the trend chart is drawn for.
type LabTest struct {
	CodeSystem string    `db:"code_system"`
	Code       string    `db:"code"`
	Display    string    `db:"display"`
	Unit       string    `db:"unit"`
	Count      int       `db:"count"`
	FirstAt    time.Time `db:"first_at"`
	LastAt     time.Time `db:"last_at"`
}

// VitalSign is a measurement such as blood pressure, pulse or weight; kept apart from lab results.
type VitalSign struct {
	ID          int64     `db:"id"`
	PatientID   int64     `db:"patient_id"`
	CodeSystem  string    `db:"code_system"`
	Code        string    `db:"code"`
	Display     string    `db:"display"`
	ValueNum    *float64  `db:"value_num"`
	ValueText   string    `db:"value_text"`
	Unit        string    `db:"unit"`
	EffectiveAt time.Time `db:"effective_at"`
	FHIRID      *string   `db:"fhir_id"`
}

// ReportKind sorts reports for the screens and for the role scope (function tests, imaging, pathology).
type ReportKind string

// Report kinds.
const (
	ReportRadiology  ReportKind = "radiology"
	ReportPathology  ReportKind = "pathology"
	ReportECG        ReportKind = "ecg"
	ReportSpirometry ReportKind = "spirometry"
	ReportHolter     ReportKind = "holter"
	ReportLaboratory ReportKind = "laboratory"
	ReportOther      ReportKind = "other"
)

// Report is a radiology, pathology or function-test report (or a laboratory panel), its content in
// attachments.
type Report struct {
	ID          int64      `db:"id"`
	PatientID   int64      `db:"patient_id"`
	Kind        ReportKind `db:"kind"`
	CodeSystem  string     `db:"code_system"`
	Code        string     `db:"code"`
	Title       string     `db:"title"`
	Status      string     `db:"status"`
	Author      string     `db:"author"`
	Conclusion  string     `db:"conclusion"`
	EffectiveAt *time.Time `db:"effective_at"`
	IssuedAt    *time.Time `db:"issued_at"`
	FHIRID      *string    `db:"fhir_id"`
	// PublicID is the id its address carries (portal/publicid); ID stays internal and in the access log.
	PublicID    string           `db:"public_id"`
	Attachments []AttachmentInfo `db:"-"`
}

// LetterKind sorts letters: the discharge letter is what GPs and elderly-care physicians look for first.
type LetterKind string

// Letter kinds.
const (
	LetterDischarge  LetterKind = "discharge"
	LetterSpecialist LetterKind = "specialist"
	LetterReferral   LetterKind = "referral"
	LetterOther      LetterKind = "other"
)

// Letter is a discharge letter, specialist letter or other correspondence, its content in attachments.
type Letter struct {
	ID               int64      `db:"id"`
	PatientID        int64      `db:"patient_id"`
	Kind             LetterKind `db:"kind"`
	TypeCode         string     `db:"type_code"`
	Title            string     `db:"title"`
	Status           string     `db:"status"`
	Author           string     `db:"author"`
	AuthorSpecialism string     `db:"author_specialism"`
	WrittenAt        time.Time  `db:"written_at"`
	FHIRID           *string    `db:"fhir_id"`
	// PublicID is the id its address carries (portal/publicid); ID stays internal and in the access log.
	PublicID    string           `db:"public_id"`
	Attachments []AttachmentInfo `db:"-"`
}

// Content types the portal stores and shows; HTML is kept as received and sanitised when displayed.
const (
	ContentPDF  = "application/pdf"
	ContentText = "text/plain"
	ContentHTML = "text/html"
)

// AttachmentInfo describes the content of a report or letter without the bytes, for lists.
type AttachmentInfo struct {
	ID          int64  `db:"id"`
	ReportID    *int64 `db:"report_id"`
	LetterID    *int64 `db:"letter_id"`
	Position    int    `db:"position"`
	ContentType string `db:"content_type"`
	Title       string `db:"title"`
	Size        int64  `db:"size"`
	SHA256      string `db:"sha256"`
	// PublicID is the id its address carries (portal/publicid); ID stays internal and in the access log.
	PublicID string `db:"public_id"`
}

// Attachment is the content of a report or letter: a PDF, plain text or HTML.
type Attachment struct {
	AttachmentInfo
	Data []byte `db:"data"`
}

// ImagingStudy is a set of images (an X-ray, a CT scan); the portal lists them, the images stay in PACS.
type ImagingStudy struct {
	ID            int64      `db:"id"`
	PatientID     int64      `db:"patient_id"`
	Status        string     `db:"status"`
	StartedAt     *time.Time `db:"started_at"`
	Modality      string     `db:"modality"`
	Description   string     `db:"description"`
	BodySite      string     `db:"body_site"`
	SeriesCount   int        `db:"series_count"`
	InstanceCount int        `db:"instance_count"`
	FHIRID        *string    `db:"fhir_id"`
}

// TreatmentLimit is a treatment restriction such as "niet reanimeren", shown in the patient banner.
type TreatmentLimit struct {
	ID          int64      `db:"id"`
	PatientID   int64      `db:"patient_id"`
	Code        string     `db:"code"`
	Description string     `db:"description"`
	Status      string     `db:"status"`
	RecordedAt  *time.Time `db:"recorded_at"`
	FHIRID      *string    `db:"fhir_id"`

	// Kind says where it came from: the hospital's own treatment-limit Flag, a zib TreatmentDirective2
	// (behandelaanwijzing) or a zib AdvanceDirective (wilsverklaring).
	Kind LimitKind `db:"kind"`
	// Decision is the treatment decision of a directive: permit (wel), deny (niet) or other (anders, as
	// Specification says). A directive that permits a treatment is no limit, but the banner still says
	// it, because the decision was taken with the patient.
	Decision      Decision `db:"decision"`
	Specification string   `db:"specification"`
	// AgreedWith names who the directive was agreed with (patient, representative, professional).
	AgreedWith string `db:"agreed_with"`
	Comment    string `db:"comment"`
	// EndsAt is when the directive stopped applying (zib DateExpired); after it, it is history.
	EndsAt *time.Time `db:"ends_at"`
}

// LimitKind says which record a treatment limit comes from.
type LimitKind string

// Treatment limit kinds.
const (
	LimitFlag             LimitKind = "limit"
	LimitDirective        LimitKind = "directive"
	LimitAdvanceDirective LimitKind = "advance_directive"
)

// Decision is the treatment decision (zib BehandelBesluit) of a treatment directive.
type Decision string

// Treatment decisions, as FHIR Consent.provision.type carries them (other: the specificationOther
// modifier extension instead of a type).
const (
	DecisionNone   Decision = ""
	DecisionPermit Decision = "permit"
	DecisionDeny   Decision = "deny"
	DecisionOther  Decision = "other"
)

// InForce reports whether a treatment limit applies on a moment: active and not ended.
func (l TreatmentLimit) InForce(now time.Time) bool {
	return l.Status == "active" && (l.EndsAt == nil || l.EndsAt.After(now))
}

// Organisation is a care organisation: the hospital, a GP practice, a pharmacy; URA identifies it.
type Organisation struct {
	ID     int64   `db:"id"`
	URA    *string `db:"ura"`
	AGB    *string `db:"agb"`
	Name   string  `db:"name"`
	City   string  `db:"city"`
	FHIRID *string `db:"fhir_id"`
}

// Practitioner is a care provider named in the dossier (author, prescriber, performer); AGB identifies one.
type Practitioner struct {
	ID             int64   `db:"id"`
	AGB            *string `db:"agb"`
	UZI            *string `db:"uzi"`
	Name           string  `db:"name"`
	Specialism     string  `db:"specialism"`
	OrganisationID *int64  `db:"organisation_id"`
	FHIRID         *string `db:"fhir_id"`
}
