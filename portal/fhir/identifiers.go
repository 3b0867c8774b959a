package fhir

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// Dutch identifier systems (NamingSystems of Nictiz) and the code systems of the portal's import profile.
const (
	// SystemBSN is the burgerservicenummer of a patient.
	SystemBSN = "http://fhir.nl/fhir/NamingSystem/bsn"
	// SystemAGB is the AGB code of a care provider (Vektis AGB-register, zorgverlener).
	SystemAGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
	// SystemURA is the UZI-register abonneenummer of a care organisation.
	SystemURA = "http://fhir.nl/fhir/NamingSystem/ura"
	// SystemUZI is the UZI number of a person on a UZI card.
	SystemUZI = "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers"

	// SystemLOINC is LOINC: lab tests, document and report types.
	SystemLOINC = "http://loinc.org"
	// SystemSNOMED is SNOMED CT.
	SystemSNOMED = "http://snomed.info/sct"
	// SystemIdentifierType is HL7 v2 table 0203, identifier types; MR marks the hospital patient number.
	SystemIdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203"
	// SystemDiagnosticService is HL7 v2 table 0074, diagnostic service sections (RAD, PAT, EC, PF, LAB, ...).
	SystemDiagnosticService = "http://terminology.hl7.org/CodeSystem/v2-0074"
	// SystemObservationCategory is the FHIR observation category code system (laboratory, vital-signs, ...).
	SystemObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
	// SystemConsentScope is the FHIR consent scope code system (patient-privacy, treatment, adr, research).
	SystemConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
	// SystemActCode is the HL7 v3 ActCode system of Encounter.class.
	SystemActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	// SystemInterpretation is the HL7 v3 observation interpretation system (H, L, HH, LL, N, A).
	SystemInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

	// ProfileBase is the namespace of the code systems and extensions of the portal's import profile. It is
	// a name, not an address anything is fetched from.
	ProfileBase = "https://zorgverlenersportaal.nl/fhir/"
	// SystemRelationshipKind codes the kind of treatment relationship a CareTeam participant, an
	// EpisodeOfCare (type) carries: registered_gp, pharmacy, referrer, discharge_recipient, invited,
	// covering, emergency.
	SystemRelationshipKind = ProfileBase + "CodeSystem/relationship-kind"
	// SystemRecipientCategory codes the recipient category of a consent (Consent.provision.actor.role):
	// huisartsen, apotheken, medisch_specialisten, ouderen_gehandicaptenzorg, verpleging_thuiszorg.
	SystemRecipientCategory = ProfileBase + "CodeSystem/recipient-category"
	// ExtensionConsentChannel says how a consent reached the hospital (valueCode desk, patient_portal, form).
	ExtensionConsentChannel = ProfileBase + "StructureDefinition/consent-channel"
	// SystemTreatmentLimit marks a Flag as a treatment limit (Flag.category code "treatment-limit").
	SystemTreatmentLimit = ProfileBase + "CodeSystem/flag-category"
	// SystemPatientNumber is where a derived hospital patient number is recorded as identifier.
	SystemPatientNumber = ProfileBase + "NamingSystem/patient-number"

	// ExtensionOwnPrefix and ExtensionOwnName split a Dutch family name into voorvoegsel and name
	// (HL7 humanname-own-prefix / humanname-own-name, as nl-core-Patient uses them).
	ExtensionOwnPrefix = "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix"
	ExtensionOwnName   = "http://hl7.org/fhir/StructureDefinition/humanname-own-name"
	// ExtensionNameQualifier marks a given name as initials (IN), call name (CL) or birth name (BR).
	ExtensionNameQualifier = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier"
)

// SyntheticBSN derives a test BSN from a patient's source identity: 9999 followed by four digits taken
// from a hash of seed and attempt, and a ninth digit that makes the elfproef hold. It is deterministic, so
// that importing the same sample data twice gives the same numbers; attempt moves on to another number
// when the first one is taken. The 9999 range is where test BSNs live; no real person has one.
func SyntheticBSN(seed string, attempt int) string {
	for n := attempt; ; n++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("zorgverlenersportaal synthetic BSN\x00%s\x00%d", seed, n)))
		digits := fmt.Sprintf("9999%04d", binary.BigEndian.Uint32(sum[:4])%10000)
		weighted := 0
		for i := range 8 {
			weighted += (9 - i) * int(digits[i]-'0')
		}
		// weighted - last ≡ 0 (mod 11) and 0 <= last <= 9: possible unless weighted mod 11 is 10.
		last := weighted % 11
		if last == 10 {
			continue
		}
		return digits + string(rune('0'+last))
	}
}

// identifierValue returns the value of the first identifier with this system.
func identifierValue(ids []Identifier, system string) string {
	for _, id := range ids {
		if id.System == system && strings.TrimSpace(id.Value) != "" {
			return strings.TrimSpace(id.Value)
		}
	}
	return ""
}

// hasIdentifierType reports whether an identifier is typed with this HL7 v2-0203 code (MR, ...).
func hasIdentifierType(id Identifier, code string) bool {
	if id.Type == nil {
		return false
	}
	for _, c := range id.Type.Coding {
		if c.Code == code && (c.System == SystemIdentifierType || c.System == "") {
			return true
		}
	}
	return false
}

// validAGB and validURA check the eight-digit form; the AGB register check happens at login, not here.
func validAGB(s string) bool { return eightDigits(s) && s != "00000000" }
func validURA(s string) bool { return eightDigits(s) }

func eightDigits(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := range 8 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
