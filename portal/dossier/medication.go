package dossier

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// MedicationBlock is the MP9 3.0 building block a medication record is. The standard sends seven of them
// over four FHIR resource types, so the portal tells them apart by their category code, never by the
// resource type alone.
type MedicationBlock string

// The MP9 3.0 building blocks; NoBlock is a record without an MP9 category (other senders, US data).
const (
	NoBlock                 MedicationBlock = ""
	MedicationAgreement     MedicationBlock = "MA"  // medicatieafspraak (MedicationRequest, SNOMED 33633005)
	DispenseRequest         MedicationBlock = "VV"  // verstrekkingsverzoek (MedicationRequest, 52711000146108)
	VariableDosingRegimen   MedicationBlock = "WDS" // wisselend doseerschema (MedicationRequest, 395067002)
	AdministrationAgreement MedicationBlock = "TA"  // toedieningsafspraak (MedicationDispense, 422037009)
	MedicationDispense      MedicationBlock = "MVE" // verstrekking (MedicationDispense, 373784005)
	MedicationUse           MedicationBlock = "MGB" // medicatiegebruik (MedicationStatement, 422979000)
	MedicationAdministered  MedicationBlock = "MTD" // medicatietoediening (MedicationAdministration, 18629005)
)

// StopType is the MP9 stop type (modifierExtension ext-StopType). It never changes once sent, unlike a
// resource's status, which is why the state of an agreement is derived from it.
type StopType string

// Stop types (value set 2.16.840.1.113883.2.4.3.11.60.20.77.11.50).
const (
	NotStopped StopType = ""
	Paused     StopType = "paused"    // 385655000 onderbroken: temporarily
	Stopped    StopType = "stopped"   // 410546004 stopgezet: for good
	Cancelled  StopType = "cancelled" // 89925002 geannuleerd: never used
)

// LinkRelation says how one medication record points at another.
type LinkRelation string

// Link relations of MP9 3.0 (identifier-only references between building blocks).
const (
	// LinkPrior is MedicationRequest.priorPrescription: the agreement (or schedule) this one changes,
	// stops or cancels.
	LinkPrior LinkRelation = "prior"
	// LinkAdministrationAgreement is ext-RelationAdministrationAgreement: on a TA the TA it changes, stops
	// or cancels; on an MA the TA it was made in answer to.
	LinkAdministrationAgreement LinkRelation = "administration-agreement"
	// LinkAuthorizing is MedicationDispense.authorizingPrescription: the MA of a TA, the VV of a dispense.
	LinkAuthorizing LinkRelation = "authorizing"
	// LinkBasedOn is MedicationRequest.basedOn: the MA a dispense request or a schedule belongs to.
	LinkBasedOn LinkRelation = "based-on"
	// LinkDerivedFrom is MedicationStatement.derivedFrom: the record a medication use was taken from.
	LinkDerivedFrom LinkRelation = "derived-from"
	// LinkRequest is MedicationAdministration.request and supportingInformation: the agreement given.
	LinkRequest LinkRelation = "request"
)

// MedicationLink is one link of a medication record to another, by business identifier (MP9 sends only
// identifiers), or else by the FHIR id of the record pointed at.
type MedicationLink struct {
	Relation LinkRelation `json:"rel"`
	System   string       `json:"system,omitempty"`
	Value    string       `json:"value,omitempty"`
	FHIRID   string       `json:"fhir_id,omitempty"`
}

// MedicationLinks are the links of one record; the store keeps them as JSON in one column.
type MedicationLinks []MedicationLink

// Value writes the links for the database.
func (l MedicationLinks) Value() (driver.Value, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	data, err := json.Marshal([]MedicationLink(l))
	if err != nil {
		return nil, err
	}
	return string(data), nil
}

// Scan reads the links from the database.
func (l *MedicationLinks) Scan(src any) error {
	var data []byte
	switch v := src.(type) {
	case nil:
		*l = nil
		return nil
	case string:
		data = []byte(v)
	case []byte:
		data = v
	default:
		return fmt.Errorf("dossier: medication links: cannot read %T", src)
	}
	var out []MedicationLink
	if err := json.Unmarshal(data, &out); err != nil {
		return fmt.Errorf("dossier: medication links: %w", err)
	}
	*l = out
	return nil
}

// MP9 is what a medication record carries of the Dutch medication standard: which building block, which
// record (business identifier) of which treatment, when registered, its stop type and period of use as
// sent, the dispense details and the links to the records it answers, changes or stops.
type MP9 struct {
	Category         MedicationBlock `db:"category"`
	IdentifierSystem string          `db:"identifier_system"`
	IdentifierValue  string          `db:"identifier_value"`
	TreatmentSystem  string          `db:"treatment_system"`
	TreatmentValue   string          `db:"treatment_value"`
	RegisteredAt     *time.Time      `db:"registered_at"`
	StopType         StopType        `db:"stop_type"`
	Duration         string          `db:"duration"`
	PeriodCondition  string          `db:"period_condition"`
	Quantity         string          `db:"quantity"`
	HandedOverAt     *time.Time      `db:"handed_over_at"`
	DaysSupply       string          `db:"days_supply"`
	Performer        string          `db:"performer"`
	Links            MedicationLinks `db:"links"`
}

// LinksTo reports whether the record points at other through one of the given relations.
func (m Medication) LinksTo(other Medication, relations ...LinkRelation) bool {
	for _, l := range m.Links {
		match := false
		for _, r := range relations {
			if l.Relation == r {
				match = true
				break
			}
		}
		if !match {
			continue
		}
		if l.Value != "" && l.Value == other.IdentifierValue && l.System == other.IdentifierSystem {
			return true
		}
		if l.FHIRID != "" && other.FHIRID != nil && l.FHIRID == *other.FHIRID {
			return true
		}
	}
	return false
}
