package fhir

import (
	"sort"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// A Consent is either a consent to share through the portal (scope patient-privacy) or a treatment
// directive (scope treatment or adr, or category SNOMED 11291000146105 / 11341000146107), which becomes a
// treatment limit. The import profile of a consent to share (see docs/fhir-import.md):
//   - status active + provision.type permit = granted; active + deny = refused; inactive = withdrawn;
//   - provision.actor[].role coded in SystemRecipientCategory names the recipient categories (one row per
//     category); an actor without such a code, nested provisions or an unknown code are ambiguous;
//   - performer: the Patient = registered by the patient, a RelatedPerson = by a representative, both =
//     both; dateTime is when the decision was given; the consent-channel extension says how it came in;
//   - the WGBO rules for minors are checked at the age on dateTime.
// Each decision is its own Consent: a withdrawal is a new Consent with status inactive and its own dateTime.

func (r *run) importConsent(e *entry) (bool, error) {
	var c Consent
	if err := decode(e, &c); err != nil {
		return false, err
	}
	pat, err := r.patientOf(c.Patient, "patient")
	if err != nil {
		return false, err
	}
	scope := firstCode(c.Scope, SystemConsentScope)
	directive := scope == "treatment" || scope == "adr"
	for i := range c.Category {
		if codeIn(&c.Category[i], SystemSNOMED, snomedTreatmentInstructions) || codeIn(&c.Category[i], SystemSNOMED, snomedAdvanceDirective) {
			directive = true
		}
	}
	if directive {
		return r.treatmentDirective(e, &c, pat)
	}
	if len(c.ModifierExtension) > 0 {
		// A modifier extension changes what the consent means; the portal reads none on a consent to share.
		return false, reject("modifierExtension %s on a consent to share is not understood; it may change what the consent means", c.ModifierExtension[0].URL)
	}
	if scope != "patient-privacy" {
		return false, reject("Consent scope %q is neither patient-privacy (consent to share) nor a treatment directive (treatment, adr)", scope)
	}
	var status access.ConsentStatus
	switch {
	case c.Status == "active" && c.Provision != nil && c.Provision.Type == "permit":
		status = access.ConsentGranted
	case c.Status == "active" && c.Provision != nil && c.Provision.Type == "deny":
		status = access.ConsentRefused
	case c.Status == "active":
		return false, reject("an active Consent needs provision.type permit or deny")
	case c.Status == "inactive":
		status = access.ConsentWithdrawn
	default:
		return false, reject("Consent status %q does not map to granted, refused or withdrawn (active permit, active deny, inactive)", c.Status)
	}
	if c.Provision == nil {
		return false, reject("a Consent needs a provision naming the recipient categories")
	}
	if len(c.Provision.Provision) > 0 {
		return false, reject("nested provisions are ambiguous for the portal, which keeps one decision per recipient category")
	}
	var categories []access.RecipientCategory
	for i, a := range c.Provision.Actor {
		code := firstCode(&a.Role, SystemRecipientCategory)
		if code == "" {
			return false, reject("provision.actor[%d] has no recipient category (role from %s): consent for one specific recipient does not map to the portal's consent per category", i, SystemRecipientCategory)
		}
		cat, ok := recipientCategories[code]
		if !ok {
			return false, reject("provision.actor[%d]: %q is not a recipient category of %s", i, code, SystemRecipientCategory)
		}
		if !containsCategory(categories, cat) {
			categories = append(categories, cat)
		}
	}
	if len(categories) == 0 {
		return false, reject("the Consent names no recipient category (provision.actor.role from %s)", SystemRecipientCategory)
	}
	if c.DateTime == "" {
		return false, reject("a Consent needs dateTime: when the decision was given")
	}
	given, err := parseDateTime(c.DateTime)
	if err != nil {
		return false, reject("dateTime: %v", err)
	}
	registrant, err := r.registrant(c.Performer, pat)
	if err != nil {
		return false, err
	}
	if err := checkMinor(pat, registrant, given); err != nil {
		return false, err
	}
	channel := access.ChannelImport
	for _, x := range c.Extension {
		if x.URL != ExtensionConsentChannel {
			continue
		}
		switch access.Channel(x.ValueCode) {
		case access.ChannelDesk, access.ChannelPatientPortal, access.ChannelForm:
			channel = access.Channel(x.ValueCode)
		default:
			return false, reject("consent channel %q is not desk, patient_portal or form", x.ValueCode)
		}
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	sort.Slice(categories, func(i, j int) bool { return categoryIndex(categories[i]) < categoryIndex(categories[j]) })
	for _, cat := range categories {
		ref := "Consent/" + e.id + "|" + string(cat)
		row := access.Consent{
			PatientID: pat.ID, Category: cat, Status: status, RegisteredBy: registrant, Channel: channel,
			GivenAt: given, SourceRef: &ref, // the reference is the record's source, not a note for the administrator
		}
		if err := r.tx.PutConsent(&row); err != nil {
			return false, err
		}
	}
	return !found, r.record(e, store.TargetConsents, 0, found, "", nil)
}

// registrant decides who gave a consent from its performers: the patient, a representative (a
// RelatedPerson), or both.
func (r *run) registrant(performers []Reference, pat access.Patient) (access.Registrant, error) {
	byPatient, byRepresentative := false, false
	for i := range performers {
		ref := &performers[i]
		typ := ref.Type
		if typ == "" {
			if e, ok := r.byURL[ref.Reference]; ok {
				typ = e.typ
			} else if t, _, ok := typeAndID(ref.Reference); ok {
				typ = t
			}
		}
		switch typ {
		case "Patient":
			if ref.Reference != "" {
				if t, ok := r.optional(ref, "Patient"); ok && t.rowID() != pat.ID {
					return "", reject("performer %s is another patient", refString(ref))
				}
			}
			byPatient = true
		case "RelatedPerson":
			byRepresentative = true
		default:
			return "", reject("performer %s: who gave the consent must be the Patient or a RelatedPerson (parent, guardian)", refString(ref))
		}
	}
	switch {
	case byPatient && byRepresentative:
		return access.ByBoth, nil
	case byPatient:
		return access.ByPatient, nil
	case byRepresentative:
		return access.ByRepresentative, nil
	}
	return "", reject("a Consent needs a performer: the Patient, a RelatedPerson (representative), or both")
}

// checkMinor applies the WGBO to a decision on the day it was given: under 12 the parent or guardian
// decides, from 12 to 15 the patient and a parent or guardian together, from 16 the patient alone.
func checkMinor(p access.Patient, who access.Registrant, given time.Time) error {
	age := p.AgeOn(given)
	day := given.Format(time.DateOnly)
	switch {
	case age < 12 && who != access.ByRepresentative:
		return reject("the patient was %d on %s: under 12 a parent or guardian decides (WGBO), but the consent was registered by %s", age, day, who)
	case age >= 12 && age < 16 && who != access.ByBoth:
		return reject("the patient was %d on %s: from 12 to 15 the patient and a parent or guardian decide together (WGBO), but the consent was registered by %s", age, day, who)
	case age >= 16 && who != access.ByPatient:
		return reject("the patient was %d on %s: from 16 the patient decides alone (WGBO), but the consent was registered by %s", age, day, who)
	}
	return nil
}

func containsCategory(list []access.RecipientCategory, c access.RecipientCategory) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func categoryIndex(c access.RecipientCategory) int {
	for i, x := range access.RecipientCategories {
		if x == c {
			return i
		}
	}
	return len(access.RecipientCategories)
}
