package dossier

import (
	"time"
)

// Alert is a warning about the patient (zib Alert, FHIR Flag): MRSA carriage, a fall risk, a medication
// contra-indication. The banner shows it while it is in force, because whoever treats the patient must
// reckon with it before reading anything else.
type Alert struct {
	ID         int64  `db:"id"`
	PatientID  int64  `db:"patient_id"`
	Kind       string `db:"kind"`
	CodeSystem string `db:"code_system"`
	Code       string `db:"code"`
	// Display is what the alert is about ("Drager van meticillineresistente Staphylococcus aureus").
	Display string `db:"display"`
	// Category is the kind of alert as the source names it ("contra-indicatie", "Alert").
	Category string     `db:"category"`
	Status   string     `db:"status"`
	StartAt  *time.Time `db:"start_at"`
	EndAt    *time.Time `db:"end_at"`
	Comment  string     `db:"comment"`
	FHIRID   *string    `db:"fhir_id"`
}

// AlertContraIndication is the kind of an alert that is a medication contra-indication (zib
// MedicationContraIndication): the pharmacist's medication surveillance must know it.
const AlertContraIndication = "contra-indication"

// InForce reports whether the alert applies on a moment: active, begun and not ended.
func (a Alert) InForce(now time.Time) bool {
	if a.Status != "active" {
		return false
	}
	if a.StartAt != nil && a.StartAt.After(now) {
		return false
	}
	return a.EndAt == nil || a.EndAt.After(now)
}

// MedicalDevice is an aid or implant the patient uses (zib MedicalDevice: a DeviceUseStatement and its
// Device): a hearing aid, a wheelchair, a stoma bag, a knee implant.
type MedicalDevice struct {
	ID         int64  `db:"id"`
	PatientID  int64  `db:"patient_id"`
	CodeSystem string `db:"code_system"`
	Code       string `db:"code"`
	// Display is the kind of device ("Gehoorapparaat"); Description the product as the source names it.
	Display     string `db:"display"`
	Description string `db:"description"`
	// Status is the DeviceUseStatement status: active, completed, intended, stopped, on-hold, ...
	Status     string     `db:"status"`
	BodySite   string     `db:"body_site"`
	Indication string     `db:"indication"`
	StartAt    *time.Time `db:"start_at"`
	EndAt      *time.Time `db:"end_at"`
	Note       string     `db:"note"`
	FHIRID     *string    `db:"fhir_id"`
}

// InUse reports whether the patient uses the device on a moment: recorded as active and not ended.
func (d MedicalDevice) InUse(now time.Time) bool {
	if d.Status != "active" {
		return false
	}
	return d.EndAt == nil || d.EndAt.After(now)
}

// VitalKind is which vital sign a measurement is, recognised by its code, never by where it came from.
type VitalKind string

// The vital signs of the zibs BloodPressure, BodyWeight, BodyHeight, BodyTemperature, HeartRate,
// PulseRate, O2Saturation and Respiration. A blood pressure is stored as its components.
const (
	VitalNone              VitalKind = ""
	VitalSystolic          VitalKind = "systolic"
	VitalDiastolic         VitalKind = "diastolic"
	VitalBloodPressure     VitalKind = "blood-pressure"
	VitalWeight            VitalKind = "weight"
	VitalHeight            VitalKind = "height"
	VitalTemperature       VitalKind = "temperature"
	VitalHeartRate         VitalKind = "heart-rate"
	VitalPulse             VitalKind = "pulse"
	VitalOxygenSaturation  VitalKind = "oxygen-saturation"
	VitalRespiratoryRate   VitalKind = "respiratory-rate"
	VitalHeadCircumference VitalKind = "head-circumference"
	VitalBMI               VitalKind = "bmi"
	// VitalHeartRhythm and VitalPulseRhythm are findings, not numbers: regular or irregular.
	VitalHeartRhythm VitalKind = "heart-rhythm"
	VitalPulseRhythm VitalKind = "pulse-rhythm"
)

// VitalKinds are the kinds the summary lists, in the order a clinician reads them; a blood pressure
// stands for its systolic and diastolic components.
var VitalKinds = []VitalKind{
	VitalBloodPressure, VitalHeartRate, VitalHeartRhythm, VitalPulse, VitalPulseRhythm, VitalOxygenSaturation,
	VitalTemperature, VitalRespiratoryRate, VitalWeight, VitalHeight, VitalBMI, VitalHeadCircumference,
}

// IsFinding reports whether a kind is recorded as a finding (a coded or written value) rather than a
// number, so that its text is the value to show.
func (k VitalKind) IsFinding() bool {
	return k == VitalHeartRhythm || k == VitalPulseRhythm
}

// LOINC is the FHIR system of LOINC codes.
const LOINC = "http://loinc.org"

// vitalLOINC maps the LOINC codes of the FHIR vital-signs profiles and the nl-core profiles to a kind.
var vitalLOINC = map[string]VitalKind{
	"85354-9": VitalBloodPressure, // Blood pressure panel with all children optional
	"55284-4": VitalBloodPressure, // Blood pressure systolic and diastolic
	"8480-6":  VitalSystolic,      // Systolic blood pressure
	"8462-4":  VitalDiastolic,     // Diastolic blood pressure
	"29463-7": VitalWeight,        // Body weight
	"3141-9":  VitalWeight,        // Body weight Measured
	"8302-2":  VitalHeight,        // Body height
	"8306-3":  VitalHeight,        // Body height --lying
	"8310-5":  VitalTemperature,   // Body temperature
	"8867-4":  VitalHeartRate,     // Heart rate
	"8893-0":  VitalPulse,         // Heart rate Peripheral artery by palpation (zib PulseRate)
	"2708-6":  VitalOxygenSaturation,
	"59408-5": VitalOxygenSaturation, // Oxygen saturation by pulse oximetry
	"20564-1": VitalOxygenSaturation, // Oxygen saturation in Blood
	"9279-1":  VitalRespiratoryRate,  // Respiratory rate
	"9843-4":  VitalHeadCircumference,
	"8287-5":  VitalHeadCircumference, // Head circumference by tape measure
	"39156-5": VitalBMI,               // Body mass index
	"8884-9":  VitalHeartRhythm,       // Heart rate rhythm
	"44969-4": VitalPulseRhythm,       // Heart rate rhythm palpation (zib PulseRate.PulseRegularity)
}

// vitalSNOMED maps SNOMED CT observable entities used for the same measurements.
var vitalSNOMED = map[string]VitalKind{
	"75367002":  VitalBloodPressure, // Blood pressure
	"271649006": VitalSystolic,      // Systolic blood pressure
	"271650006": VitalDiastolic,     // Diastolic blood pressure
	"27113001":  VitalWeight,        // Body weight
	"50373000":  VitalHeight,        // Body height
	"386725007": VitalTemperature,   // Body temperature
	"364075005": VitalHeartRate,     // Heart rate
	"78564009":  VitalPulse,         // Pulse rate
	"431314004": VitalOxygenSaturation,
	"86290005":  VitalRespiratoryRate, // Respiratory rate
	"363812007": VitalHeadCircumference,
	"60621009":  VitalBMI,         // Body mass index
	"301112006": VitalHeartRhythm, // Finding of heart rhythm (zib HeartRate.HeartbeatRegularity)
}

// VitalKindOf recognises a vital sign by its code; an unknown code is VitalNone.
func VitalKindOf(system, code string) VitalKind {
	switch system {
	case LOINC:
		return vitalLOINC[code]
	case SNOMED:
		return vitalSNOMED[code]
	}
	return VitalNone
}

// Kind is the kind of the measurement, from its code.
func (v VitalSign) Kind() VitalKind { return VitalKindOf(v.CodeSystem, v.Code) }
