package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// medicationInfo is what the medication overview needs of a Medication: kept in fhir_resources so that a
// prescription in a later bundle can point at a Medication imported before.
type medicationInfo struct {
	System   string `json:"system,omitempty"`
	Code     string `json:"code,omitempty"`
	Drug     string `json:"drug"`
	Strength string `json:"strength,omitempty"`
}

const medicationContentType = "application/x-zvp-medication+json"

func medicationOf(m *Medication, raw json.RawMessage) medicationInfo {
	code := primaryCoding(m.Code)
	if g, ok := gstandaardCoding(raw); ok {
		code = g
	}
	info := medicationInfo{System: code.System, Code: code.Code, Drug: conceptText(m.Code)}
	var strengths []string
	for _, in := range m.Ingredient {
		if s := ratioText(in.Strength); s != "" {
			strengths = append(strengths, s)
		}
	}
	info.Strength = strings.Join(strengths, " + ")
	if info.Drug == "" && len(m.Ingredient) > 0 {
		info.Drug = conceptText(m.Ingredient[0].ItemCodeableConcept)
	}
	return info
}

// importMedication keeps a Medication for the prescriptions that point at it.
func (r *run) importMedication(e *entry) (bool, error) {
	var m Medication
	if err := decode(e, &m); err != nil {
		return false, err
	}
	info := medicationOf(&m, e.raw)
	if info.Drug == "" {
		return false, reject("a Medication needs a code (or an ingredient) that names the drug")
	}
	content, _ := json.Marshal(info)
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetContent, 0, found, medicationContentType, content); err != nil {
		return false, err
	}
	e.med = &info
	return !found, nil
}

// medicationFrom resolves medication[x]: a concept, a contained Medication (#id), or a reference to a
// Medication in the bundle or imported before (required: without it the entry names no drug).
func (r *run) medicationFrom(concept *CodeableConcept, ref *Reference, contained []json.RawMessage) (medicationInfo, error) {
	if concept != nil {
		code := primaryCoding(concept)
		info := medicationInfo{System: code.System, Code: code.Code, Drug: conceptText(concept)}
		if info.Drug == "" {
			return info, reject("medicationCodeableConcept names no drug")
		}
		return info, nil
	}
	if ref == nil {
		return medicationInfo{}, reject("medication[x] is missing")
	}
	if id, ok := strings.CutPrefix(ref.Reference, "#"); ok {
		for _, raw := range contained {
			var m Medication
			if err := json.Unmarshal(raw, &m); err != nil || m.ResourceType != "Medication" || m.ID != id {
				continue
			}
			info := medicationOf(&m, raw)
			if info.Drug == "" {
				return info, reject("contained Medication #%s names no drug", id)
			}
			return info, nil
		}
		return medicationInfo{}, broken("medicationReference %s: no contained Medication with that id", ref.Reference)
	}
	t, err := r.require(ref, "medicationReference", "Medication")
	if err != nil {
		return medicationInfo{}, err
	}
	if t.entry != nil && t.entry.med != nil {
		return *t.entry.med, nil
	}
	var info medicationInfo
	if err := json.Unmarshal(t.ident.Content, &info); err != nil || info.Drug == "" {
		return medicationInfo{}, reject("medicationReference %s: the imported Medication has no usable content", refString(ref))
	}
	return info, nil
}

// putMedication writes a medication record. A record is found again by its resource id, else by its
// business identifier: MP9 senders send the same record under new resource ids, and it must stay one
// record (mp9 reference, section 1: dedupe on the business identifier, never on Resource.id).
func (r *run) putMedication(e *entry, row *dossier.Medication) (bool, error) {
	kind, err := r.tx.MedicationSourceKind(e.id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return false, err
	case kind != row.SourceKind:
		return false, reject("a medication record with id %s was imported from a %s before; the ids of the medication resource types must differ", e.id, kind)
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	row.ID = knownRow(prev, found)
	if row.ID != 0 && row.IdentifierValue != "" {
		// The resource id is known: it must be the same record. Two records under one resource id (two
		// senders numbering alike) would otherwise overwrite each other.
		system, value, err := r.tx.MedicationIdentifier(row.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return false, err
		case value != "" && (value != row.IdentifierValue || system != row.IdentifierSystem):
			return false, reject("%s was imported before as record %s|%s; record %s|%s cannot take its resource id", e.name(), system, value, row.IdentifierSystem, row.IdentifierValue)
		}
	}
	if row.ID == 0 && row.IdentifierValue != "" {
		id, patientID, err := r.tx.MedicationByIdentifier(row.SourceKind, row.IdentifierSystem, row.IdentifierValue)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return false, err
		case patientID != row.PatientID:
			return false, reject("identifier %s|%s already names a medication record of another patient", row.IdentifierSystem, row.IdentifierValue)
		default:
			row.ID, found = id, true
		}
	}
	if err := r.tx.PutMedication(row); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetMedications, row.ID, found, "", nil)
}

// reasonText names why a drug is given: reason codes, else the conditions it refers to.
func (r *run) reasonText(codes []CodeableConcept, refs []Reference) string {
	if t := conceptsText(codes); t != "" {
		return t
	}
	var parts []string
	for i := range refs {
		text := refs[i].Display
		if t, ok := r.optional(&refs[i]); ok && t.entry != nil {
			if d := r.displayOf(t.entry); d != "" {
				text = d
			}
		}
		if text != "" {
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, "; ")
}

func quantityText(q *Quantity) string {
	if q == nil || q.Value == nil {
		return ""
	}
	unit := q.Unit
	if unit == "" {
		unit = q.Code
	}
	return strings.TrimSpace(q.Comparator + formatNumber(*q.Value) + " " + unit)
}

func ratioText(r *Ratio) string {
	if r == nil {
		return ""
	}
	num := quantityText(r.Numerator)
	if num == "" {
		return ""
	}
	d := r.Denominator
	if d == nil || d.Value == nil {
		return num
	}
	unit := orDefault(d.Unit, d.Code)
	if *d.Value == 1 {
		// "500 mg per 1 tablet" is a strength of 500 mg; "100 E per 1 ml" stays 100 E/ml.
		if unit == "" || presentationUnits[strings.ToLower(unit)] || strings.HasPrefix(unit, "{") {
			return num
		}
		return num + "/" + unit
	}
	return num + "/" + quantityText(d)
}

// presentationUnits are units of presentation: a strength per one of them is just the amount.
var presentationUnits = map[string]bool{
	"stuk": true, "st": true, "stuks": true, "tablet": true, "tabl": true, "capsule": true, "caps": true,
	"zetpil": true, "dosis": true, "pleister": true, "rectiole": true, "each": true, "1": true,
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// G-Standaard code systems (Z-Index): the levels at which a medicine is coded.
const (
	SystemGPK = "urn:oid:2.16.840.1.113883.2.4.4.1"  // generieke productcode
	SystemHPK = "urn:oid:2.16.840.1.113883.2.4.4.7"  // handelsproductcode
	SystemZI  = "urn:oid:2.16.840.1.113883.2.4.4.8"  // ZI-nummer (article)
	SystemPRK = "urn:oid:2.16.840.1.113883.2.4.4.10" // prescriptiecode
)

// selectableConcept is a CodeableConcept whose codings say which one the user chose (userSelected).
type selectableConcept struct {
	Coding []struct {
		Coding
		UserSelected bool `json:"userSelected"`
	} `json:"coding"`
	Text string `json:"text,omitempty"`
}

// plain drops the userSelected flags.
func (c *selectableConcept) plain() *CodeableConcept {
	if c == nil {
		return nil
	}
	out := &CodeableConcept{Text: c.Text}
	for _, cd := range c.Coding {
		out.Coding = append(out.Coding, cd.Coding)
	}
	return out
}

// gstandaardCoding picks the G-Standaard code of a Medication (its raw JSON): see gstandaardChoice.
func gstandaardCoding(raw json.RawMessage) (Coding, bool) {
	if !bytes.Contains(raw, []byte("urn:oid:2.16.840.1.113883.2.4.4.")) {
		return Coding{}, false
	}
	var m struct {
		Code selectableConcept `json:"code"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return Coding{}, false
	}
	return gstandaardChoice(&m.Code)
}

// gstandaardChoice picks the G-Standaard code of a medicine: the coding the prescriber or pharmacist
// chose (userSelected: PRK on an agreement, HPK on a dispense), else the most specific level sent. The
// other codings are translations of it (mp9 reference, section 5).
func gstandaardChoice(c *selectableConcept) (Coding, bool) {
	if c == nil {
		return Coding{}, false
	}
	rank := map[string]int{SystemZI: 4, SystemHPK: 3, SystemPRK: 2, SystemGPK: 1}
	best, bestRank := Coding{}, 0
	for _, cd := range c.Coding {
		r, ok := rank[cd.System]
		if !ok || cd.Code == "" {
			continue
		}
		if cd.UserSelected {
			return cd.Coding, true
		}
		if r > bestRank {
			best, bestRank = cd.Coding, r
		}
	}
	return best, bestRank > 0
}
