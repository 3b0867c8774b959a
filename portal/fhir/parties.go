package fhir

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

// party is a practitioner or organisation as the dossier names it: author, prescriber, performer, or
// the holder of a treatment relationship.
type party struct {
	typ        string // Practitioner or Organization
	name       string
	specialism string
	agb, ura   string
	rowID      int64
}

// importOrganization upserts an organisation. An organisation whose identifier (URA, AGB, ...) is
// already known under another FHIR id is the same organisation: it is updated, not duplicated.
func (r *run) importOrganization(e *entry) (bool, error) {
	var o Organization
	if err := decode(e, &o); err != nil {
		return false, err
	}
	name := strings.TrimSpace(o.Name)
	if name == "" {
		return false, reject("an Organization needs a name")
	}
	ura := identifierValue(o.Identifier, SystemURA)
	if ura != "" && !validURA(ura) {
		return false, reject("URA %q is not 8 digits", ura)
	}
	agb := identifierValue(o.Identifier, SystemAGB)
	row := dossier.Organisation{Name: name, URA: nonEmpty(ura), AGB: nonEmpty(agb), FHIRID: &e.id}
	if len(o.Address) > 0 {
		row.City = o.Address[0].City
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	merged := false
	switch {
	case found && prev.RowID.Valid:
		row.ID = prev.RowID.Int64
	default:
		row.ID, err = r.sameRow(e, store.TargetOrganisations)
		if err != nil {
			return false, err
		}
		merged = row.ID != 0
	}
	if err := r.tx.PutOrganisation(&row); err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetOrganisations, row.ID, found, "", nil); err != nil {
		return false, err
	}
	e.party = &party{typ: "Organization", name: name, ura: ura, agb: agb, rowID: row.ID}
	return !found && !merged, nil
}

// sameRow finds a row imported before under another FHIR id that shares a business identifier with this
// entry (the same practitioner in the practitioner bundle and in a patient bundle).
func (r *run) sameRow(e *entry, target string) (int64, error) {
	for _, id := range e.ids {
		v := strings.TrimSpace(id.Value)
		if v == "" || id.System == "" {
			continue
		}
		idents, err := r.tx.IdentitiesByIdentifier(e.typ, id.System, v)
		if err != nil {
			return 0, err
		}
		for _, ident := range idents {
			if ident.FHIRID != e.id && ident.Target == target && ident.RowID.Valid {
				return ident.RowID.Int64, nil
			}
		}
	}
	return 0, nil
}

// importPractitioner upserts a practitioner, merged by identifier like organisations.
func (r *run) importPractitioner(e *entry) (bool, error) {
	var p Practitioner
	if err := decode(e, &p); err != nil {
		return false, err
	}
	name := personName(p.Name)
	if name == "" {
		return false, reject("a Practitioner needs a name")
	}
	agb := identifierValue(p.Identifier, SystemAGB)
	if agb != "" && !validAGB(agb) {
		return false, reject("AGB code %q is not 8 digits", agb)
	}
	uzi := identifierValue(p.Identifier, SystemUZI)
	specialism := ""
	if len(p.Qualification) > 0 {
		specialism = conceptText(&p.Qualification[0].Code)
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	row := dossier.Practitioner{Name: name, AGB: nonEmpty(agb), UZI: nonEmpty(uzi), Specialism: specialism, FHIRID: &e.id}
	merged := false
	if found && prev.RowID.Valid {
		row.ID = prev.RowID.Int64
	} else if row.ID, err = r.sameRow(e, store.TargetPractitioners); err != nil {
		return false, err
	} else {
		merged = row.ID != 0
	}
	if row.ID != 0 {
		// Keep what a PractitionerRole said (organisation, specialism) unless this resource says better.
		old, err := r.tx.PractitionerInTx(row.ID)
		if err != nil {
			return false, err
		}
		row.OrganisationID = old.OrganisationID
		if row.Specialism == "" {
			row.Specialism = old.Specialism
		}
	}
	if err := r.tx.PutPractitioner(&row); err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetPractitioners, row.ID, found, "", nil); err != nil {
		return false, err
	}
	e.party = &party{typ: "Practitioner", name: name, specialism: row.Specialism, agb: agb, rowID: row.ID}
	return !found && !merged, nil
}

// importPractitionerRole records the specialism and organisation of a practitioner. References to the
// role then mean its practitioner (a prescriber with a specialism).
func (r *run) importPractitionerRole(e *entry) (bool, error) {
	var pr PractitionerRole
	if err := decode(e, &pr); err != nil {
		return false, err
	}
	if pr.Practitioner == nil {
		return r.organisationRole(e, &pr)
	}
	t, err := r.require(pr.Practitioner, "practitioner", "Practitioner")
	if err != nil {
		return false, err
	}
	prac, err := r.partyFromTarget(t)
	if err != nil {
		return false, err
	}
	var orgID *int64
	if ot, ok := r.optional(pr.Organization, "Organization"); ok {
		org, err := r.partyFromTarget(ot)
		if err != nil {
			return false, err
		}
		orgID = &org.rowID
	}
	specialism := conceptsText(pr.Specialty)
	if specialism == "" {
		specialism = conceptsText(pr.Code)
	}
	if err := r.tx.SetPractitionerRole(prac.rowID, specialism, orgID); err != nil {
		return false, err
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if agb := identifierValue(pr.Identifier, SystemAGB); agb != "" && prac.agb == "" {
		prac.agb = agb
	}
	if err := r.record(e, store.TargetPractitioners, prac.rowID, found, "", nil); err != nil {
		return false, err
	}
	if specialism != "" {
		prac.specialism = specialism
	}
	e.party = &prac
	// The practitioner's cached details now carry the role's specialism.
	r.parties[t.typ+"/"+t.id] = prac
	return !found, nil
}

// organisationRole imports a PractitionerRole that names no practitioner (FHIR allows it: nl-core uses it
// for "a healthcare provider of this organisation"). References to it then mean its organisation. Without
// an organisation either it names nobody the portal could show: skipped, not wrong.
func (r *run) organisationRole(e *entry, pr *PractitionerRole) (bool, error) {
	ot, ok := r.optional(pr.Organization, "Organization")
	if !ok {
		return false, skip("PractitionerRole without practitioner or a known organisation names nobody the portal can show")
	}
	org, err := r.partyFromTarget(ot)
	if err != nil {
		return false, err
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetOrganisations, org.rowID, found, "", nil); err != nil {
		return false, err
	}
	e.party = &org
	return !found, nil
}

// partyFromTarget gives the details of a resolved practitioner, role or organisation.
func (r *run) partyFromTarget(t target) (party, error) {
	if t.entry != nil && t.entry.party != nil {
		if p, ok := r.parties[t.typ+"/"+t.id]; ok {
			return p, nil
		}
		return *t.entry.party, nil
	}
	key := t.typ + "/" + t.id
	if p, ok := r.parties[key]; ok {
		return p, nil
	}
	ident := t.ident
	var p party
	switch ident.Target {
	case store.TargetPractitioners:
		row, err := r.tx.PractitionerInTx(ident.RowID.Int64)
		if err != nil {
			return party{}, err
		}
		p = party{typ: "Practitioner", name: row.Name, specialism: row.Specialism, agb: deref(row.AGB), rowID: row.ID}
	case store.TargetOrganisations:
		row, err := r.tx.OrganisationInTx(ident.RowID.Int64)
		if err != nil {
			return party{}, err
		}
		p = party{typ: "Organization", name: row.Name, ura: deref(row.URA), agb: deref(row.AGB), rowID: row.ID}
	default:
		return party{}, reject("%s is not a practitioner or organisation", key)
	}
	r.parties[key] = p
	return p, nil
}

// partyOf resolves an optional author, performer or prescriber; when it resolves nowhere the display
// text of the reference still names the person.
func (r *run) partyOf(ref *Reference) party {
	if ref == nil {
		return party{}
	}
	if t, ok := r.optional(ref, "Practitioner", "PractitionerRole", "Organization"); ok {
		if p, err := r.partyFromTarget(t); err == nil {
			if p.name == "" {
				p.name = ref.Display
			}
			return p
		}
	}
	p := party{name: strings.TrimSpace(ref.Display)}
	if ref.Identifier != nil {
		switch ref.Identifier.System {
		case SystemAGB:
			p.typ, p.agb = "Practitioner", ref.Identifier.Value
		case SystemURA:
			p.typ, p.ura = "Organization", ref.Identifier.Value
		}
	}
	return p
}

// firstParty returns the first of several references that names someone.
func (r *run) firstParty(refs []Reference) party {
	for i := range refs {
		if p := r.partyOf(&refs[i]); p.name != "" {
			return p
		}
	}
	return party{}
}

// importPatient upserts a patient. A BSN is required (elfproef checked) unless the importer gives test
// data a synthetic one; the hospital patient number is the identifier typed MR, else derived.
func (r *run) importPatient(e *entry) (bool, error) {
	var p Patient
	if err := decode(e, &p); err != nil {
		return false, err
	}
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	var current *access.Patient
	if found && prev.RowID.Valid {
		cur, err := r.tx.PatientInTx(prev.RowID.Int64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		if err == nil {
			current = &cur
		}
	}
	row := access.Patient{ID: knownRow(prev, found), FHIRID: &e.id}
	bsn := identifierValue(p.Identifier, SystemBSN)
	switch {
	case bsn != "" && !access.ValidBSN(bsn):
		return false, reject("BSN %q is not valid: it must be 9 digits passing the elfproef", bsn)
	case bsn == "" && !r.im.SyntheticBSN:
		return false, reject("the patient has no BSN (identifier system %s); a Dutch dossier needs one. Import test data with --synthetic-bsn to give it a synthetic test BSN", SystemBSN)
	}
	family, prefix, given, initials := dutchName(p.Name)
	if family == "" {
		return false, reject("the patient has no family name")
	}
	row.FamilyName, row.FamilyPrefix, row.GivenNames, row.Initials = family, prefix, given, initials
	if p.BirthDate == "" {
		// Not wrong (the zib allows it), but the portal cannot use it: providers find a patient by BSN
		// and birth date together, and the minors' consent rules need the age.
		return false, skip("the patient has no birth date; the portal finds patients by BSN and birth date together, so a patient without one cannot be opened")
	}
	if row.BirthDate, err = parseDate(p.BirthDate); err != nil {
		return false, reject("birthDate: %v", err)
	}
	merged, err := r.settleIdentity(e, &row, &current, bsn, row.BirthDate)
	if err != nil {
		return false, err
	}
	switch p.Gender {
	case "male", "female", "other", "unknown":
		row.Sex = p.Gender
	default:
		row.Sex = access.SexUnknown
	}
	if p.DeceasedBoolean != nil && *p.DeceasedBoolean {
		row.Deceased = true
	}
	if p.DeceasedDateTime != "" {
		at, err := parseDateTime(p.DeceasedDateTime)
		if err != nil {
			return false, reject("deceasedDateTime: %v", err)
		}
		row.Deceased, row.DeceasedAt = true, &at
	}
	if merged {
		// Another system's record number is not the hospital's: the dossier keeps its patient number.
		row.PatientNumber = current.PatientNumber
	} else if row.PatientNumber, err = r.patientNumber(e, row.ID, p.Identifier, current); err != nil {
		return false, err
	}
	if err := r.tx.PutPatient(&row); err != nil {
		return false, err
	}
	if err := r.putPatientName(&row, p.Name); err != nil {
		return false, err
	}
	if err := r.record(e, store.TargetPatients, row.ID, found, "", nil); err != nil {
		return false, err
	}
	e.patient = &row
	r.patients[row.ID] = row
	r.touched[row.ID] = true
	if err := r.generalPractitioners(e, &p, row); err != nil {
		return false, err
	}
	return !found && !merged, nil
}

// patientNumber is the hospital patient number: the identifier typed MR (HL7 v2-0203), else the number the
// patient already has, else one derived from the FHIR id ("F" and seven digits).
func (r *run) patientNumber(e *entry, rowID int64, ids []Identifier, current *access.Patient) (string, error) {
	number := ""
	for _, id := range ids {
		if hasIdentifierType(id, "MR") && strings.TrimSpace(id.Value) != "" {
			number = strings.TrimSpace(id.Value)
			break
		}
	}
	if number == "" {
		number = identifierValue(ids, SystemPatientNumber)
	}
	if number != "" {
		if owner, ownerFHIR, ok, err := r.numberOwner(number); err != nil {
			return "", err
		} else if ok && owner != rowID {
			return "", reject("patient number %s already belongs to another patient (Patient/%s)", number, ownerFHIR)
		}
		return number, nil
	}
	if current != nil {
		return current.PatientNumber, nil
	}
	for attempt := 0; ; attempt++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("zorgverlenersportaal patient number\x00Patient/%s\x00%d", e.id, attempt)))
		candidate := fmt.Sprintf("F%07d", binary.BigEndian.Uint32(sum[:4])%10000000)
		_, _, ok, err := r.numberOwner(candidate)
		if err != nil {
			return "", err
		}
		if !ok {
			return candidate, nil
		}
	}
}

// numberOwner returns the row and FHIR id of the patient holding a hospital patient number, if any.
func (r *run) numberOwner(number string) (int64, string, bool, error) {
	id, fhirID, err := r.tx.PatientIDByNumber(number)
	if errors.Is(err, store.ErrNotFound) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, err
	}
	return id, fhirID, true, nil
}

// officialName picks the name to use: the official one, else the first.
func officialName(names []HumanName) *HumanName {
	for i := range names {
		if names[i].Use == "official" {
			return &names[i]
		}
	}
	if len(names) > 0 {
		return &names[0]
	}
	return nil
}

// dutchName splits a person's name the Dutch way (see names.go): the own family name without its
// voorvoegsel, the voorvoegsel, the given names as written and the initials.
func dutchName(names []HumanName) (family, prefix, given, initials string) {
	n := nameInformation(names)
	return n.OwnName, n.OwnPrefix, n.GivenNames, n.Initials
}

// personName is a practitioner's name as the dossier shows it: text, else given names and family name.
func personName(names []HumanName) string {
	n := officialName(names)
	if n == nil {
		return ""
	}
	if t := strings.TrimSpace(n.Text); t != "" {
		return t
	}
	family, prefix, given, _ := dutchName([]HumanName{*n})
	return strings.Join(strings.Fields(strings.Join([]string{given, prefix, family}, " ")), " ")
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
