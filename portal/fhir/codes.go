package fhir

import (
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// The mapping tables of the import. Each is documented in docs/fhir-import.md; a change here is a
// change of the import profile.

// encounterClasses maps Encounter.class (HL7 v3 ActCode) to the portal's encounter class. SS (short stay,
// dagopname) counts as an admission.
var encounterClasses = map[string]dossier.EncounterClass{
	"IMP":    dossier.ClassInpatient,
	"ACUTE":  dossier.ClassInpatient,
	"NONAC":  dossier.ClassInpatient,
	"SS":     dossier.ClassInpatient,
	"AMB":    dossier.ClassOutpatient,
	"OBSENC": dossier.ClassOutpatient,
	"PRENC":  dossier.ClassOutpatient,
	"EMER":   dossier.ClassEmergency,
	"HH":     dossier.ClassHome,
	"VR":     dossier.ClassVirtual,
}

func encounterClass(c *Coding) dossier.EncounterClass {
	if c == nil {
		return dossier.ClassOther
	}
	if class, ok := encounterClasses[strings.ToUpper(c.Code)]; ok {
		return class
	}
	return dossier.ClassOther
}

// reportLOINC maps LOINC report codes to a report kind; the code decides before the category because an
// ECG and a Holter share the category EC.
var reportLOINC = map[string]dossier.ReportKind{
	"18754-2": dossier.ReportHolter,     // Holter monitor study
	"11524-6": dossier.ReportECG,        // EKG study
	"34534-8": dossier.ReportECG,        // EKG 12 channel panel
	"18752-6": dossier.ReportECG,        // Exercise stress test study
	"81459-0": dossier.ReportSpirometry, // Spirometry panel
	"11526-1": dossier.ReportPathology,  // Pathology study
	"11529-5": dossier.ReportPathology,  // Surgical pathology study
	"60567-5": dossier.ReportPathology,  // Comprehensive pathology report panel
	"18748-4": dossier.ReportRadiology,  // Diagnostic imaging study
	"18782-3": dossier.ReportRadiology,  // Radiology study observation (narrative)
	"11502-2": dossier.ReportLaboratory, // Laboratory report
}

// reportSNOMED maps SNOMED CT procedure codes used as report codes.
var reportSNOMED = map[string]dossier.ReportKind{
	"29303009":  dossier.ReportECG,        // Electrocardiographic procedure
	"164847006": dossier.ReportECG,        // Standard ECG
	"86184003":  dossier.ReportHolter,     // Electrocardiographic monitoring (Holter)
	"127783003": dossier.ReportSpirometry, // Spirometry
}

// reportCategories maps DiagnosticReport.category (HL7 v2-0074 diagnostic service section) to a kind.
var reportCategories = map[string]dossier.ReportKind{
	"RAD": dossier.ReportRadiology, "RX": dossier.ReportRadiology, "CT": dossier.ReportRadiology,
	"NMR": dossier.ReportRadiology, "NMS": dossier.ReportRadiology, "RUS": dossier.ReportRadiology,
	"VUS": dossier.ReportRadiology, "OUS": dossier.ReportRadiology, "CUS": dossier.ReportRadiology,
	"PAT": dossier.ReportPathology, "SP": dossier.ReportPathology, "CP": dossier.ReportPathology,
	"EC":  dossier.ReportECG,
	"PF":  dossier.ReportSpirometry,
	"LAB": dossier.ReportLaboratory, "CH": dossier.ReportLaboratory, "HM": dossier.ReportLaboratory,
	"MB": dossier.ReportLaboratory, "IMM": dossier.ReportLaboratory, "SR": dossier.ReportLaboratory,
	"CG": dossier.ReportLaboratory, "TX": dossier.ReportLaboratory, "SC": dossier.ReportLaboratory,
	"BLB": dossier.ReportLaboratory, "HLA": dossier.ReportLaboratory, "VR": dossier.ReportLaboratory,
}

// reportKind decides the kind of a DiagnosticReport: a known LOINC or SNOMED code first, then the
// category, otherwise "other".
func reportKind(categories []CodeableConcept, code *CodeableConcept) dossier.ReportKind {
	if code != nil {
		for _, c := range code.Coding {
			switch c.System {
			case SystemLOINC:
				if k, ok := reportLOINC[c.Code]; ok {
					return k
				}
			case SystemSNOMED:
				if k, ok := reportSNOMED[c.Code]; ok {
					return k
				}
			}
		}
	}
	for _, cat := range categories {
		for _, c := range cat.Coding {
			if c.System != SystemDiagnosticService && c.System != "" {
				continue
			}
			if k, ok := reportCategories[strings.ToUpper(c.Code)]; ok {
				return k
			}
		}
	}
	return dossier.ReportOther
}

// letterLOINC maps DocumentReference.type (LOINC) to a letter kind.
var letterLOINC = map[string]dossier.LetterKind{
	"18842-5": dossier.LetterDischarge,  // Discharge summary
	"68609-7": dossier.LetterDischarge,  // Hospital letter (the Dutch ontslagbrief travels as this)
	"34105-7": dossier.LetterDischarge,  // Hospital Discharge summary
	"11490-0": dossier.LetterDischarge,  // Physician Discharge summary
	"28655-9": dossier.LetterDischarge,  // Physician attending Discharge summary
	"59259-2": dossier.LetterDischarge,  // Psychiatry Discharge summary
	"18761-7": dossier.LetterDischarge,  // Transfer summary note
	"51852-2": dossier.LetterSpecialist, // Letter
	"11488-4": dossier.LetterSpecialist, // Consult note
	"34101-4": dossier.LetterSpecialist, // Outpatient Consult note (older code)
	"51845-6": dossier.LetterSpecialist, // Outpatient Consult note
	"34104-0": dossier.LetterSpecialist, // Hospital Consult note
	"28569-2": dossier.LetterSpecialist, // Physician consulting Progress note
	"34099-2": dossier.LetterSpecialist, // Cardiology Consult note
	"34795-5": dossier.LetterSpecialist, // Nephrology Consult note
	"34760-9": dossier.LetterSpecialist, // Diabetology Consult note
	"57133-1": dossier.LetterReferral,   // Referral note
}

// letterKind decides the kind of a letter from its type; unknown types are "other".
func letterKind(typ *CodeableConcept) (dossier.LetterKind, string) {
	if typ == nil {
		return dossier.LetterOther, ""
	}
	for _, c := range typ.Coding {
		if c.System == SystemLOINC {
			if k, ok := letterLOINC[c.Code]; ok {
				return k, c.Code
			}
		}
	}
	if len(typ.Coding) > 0 {
		return dossier.LetterOther, typ.Coding[0].Code
	}
	return dossier.LetterOther, ""
}

// relationshipKinds are the codes of SystemRelationshipKind: the access model's kinds, by their names.
var relationshipKinds = func() map[string]access.RelationshipKind {
	m := map[string]access.RelationshipKind{}
	for _, k := range access.RelationshipKinds {
		m[string(k)] = k
	}
	return m
}()

// recipientCategories are the codes of SystemRecipientCategory: the access model's categories.
var recipientCategories = func() map[string]access.RecipientCategory {
	m := map[string]access.RecipientCategory{}
	for _, c := range access.RecipientCategories {
		m[string(c)] = c
	}
	return m
}()

// Treatment directives: SNOMED CT categories of zib BehandelAanwijzing (treatment instructions) and zib
// Wilsverklaring (advance directive), and the consent scopes that carry them.
const (
	snomedTreatmentInstructions = "11291000146105"
	snomedAdvanceDirective      = "11341000146107"
)

// observationTarget decides where an Observation goes: lab results, vital signs or nowhere (counted as
// skipped with the reason).
func observationTarget(o *Observation) (target string, category string) {
	for _, cat := range o.Category {
		for _, c := range cat.Coding {
			if c.System != SystemObservationCategory && c.System != "" {
				continue
			}
			switch c.Code {
			case "laboratory":
				return "lab", c.Code
			case "vital-signs":
				return "vital", c.Code
			}
			if category == "" {
				category = c.Code
			}
		}
		if category == "" {
			category = cat.Text
		}
	}
	if category == "" && o.Code != nil {
		// Without a category, a vital sign is recognised by its LOINC or SNOMED CT code (dossier.VitalKindOf).
		for _, c := range o.Code.Coding {
			if dossier.VitalKindOf(c.System, c.Code) != dossier.VitalNone {
				return "vital", "vital-signs"
			}
		}
	}
	return "", category
}

// conceptText is the human text of a concept: its text, else a Dutch translation of a coding's display,
// else the display of its first coding, else the first code. The screens are Dutch first, so a Dutch
// designation the source sends beats the English display of the code system.
func conceptText(c *CodeableConcept) string {
	if c == nil {
		return ""
	}
	if t := strings.TrimSpace(c.Text); t != "" {
		return t
	}
	for _, cd := range c.Coding {
		if t := dutchTranslation(cd.DisplayExt); t != "" {
			return t
		}
	}
	for _, cd := range c.Coding {
		if cd.Display != "" {
			return strings.TrimSpace(cd.Display)
		}
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return ""
}

// conceptsText joins the texts of several concepts.
func conceptsText(cs []CodeableConcept) string {
	var parts []string
	for i := range cs {
		if t := conceptText(&cs[i]); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

// primaryCoding picks the coding to store as code: LOINC or SNOMED when present, else the first one.
func primaryCoding(c *CodeableConcept) Coding {
	if c == nil || len(c.Coding) == 0 {
		return Coding{}
	}
	for _, pref := range []string{SystemLOINC, SystemSNOMED} {
		for _, cd := range c.Coding {
			if cd.System == pref && cd.Code != "" {
				return cd
			}
		}
	}
	return c.Coding[0]
}

// codeIn reports whether a concept has a coding with this system and code.
func codeIn(c *CodeableConcept, system, code string) bool {
	if c == nil {
		return false
	}
	for _, cd := range c.Coding {
		if cd.System == system && cd.Code == code {
			return true
		}
	}
	return false
}

// firstCode returns the first code of a concept in a system.
func firstCode(c *CodeableConcept, system string) string {
	if c == nil {
		return ""
	}
	for _, cd := range c.Coding {
		if cd.System == system {
			return cd.Code
		}
	}
	return ""
}

// ExtensionTranslation carries a display in another language (sub-extensions lang and content).
const ExtensionTranslation = "http://hl7.org/fhir/StructureDefinition/translation"

// dutchTranslation is the Dutch (nl, nl-NL) translation among a display's extensions, if any.
func dutchTranslation(e *Element) string {
	if e == nil {
		return ""
	}
	for _, x := range e.Extension {
		if x.URL != ExtensionTranslation {
			continue
		}
		lang, content := "", ""
		for _, sub := range x.Extension {
			switch sub.URL {
			case "lang":
				lang = sub.ValueCode
			case "content":
				content = sub.ValueString
			}
		}
		if l := strings.ToLower(lang); (l == "nl" || strings.HasPrefix(l, "nl-")) && strings.TrimSpace(content) != "" {
			return strings.TrimSpace(content)
		}
	}
	return ""
}
