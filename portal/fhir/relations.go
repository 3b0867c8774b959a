package fhir

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// Treatment relationships come from three places (the portal's import profile, see docs/fhir-import.md):
//   - Patient.generalPractitioner: a registered GP practice (Organization with URA) or GP (AGB);
//   - CareTeam: one relationship per participant whose role is coded in SystemRelationshipKind, held by
//     the participant's member (Practitioner/PractitionerRole with AGB or Organization with URA); a
//     covering practice names the mandating practice in onBehalfOf;
//   - EpisodeOfCare: one relationship of the kind coded in its type, held by the careManager (AGB) or else
//     the managingOrganization (URA).
// Every relationship keeps source "fhir" and a source reference naming the resource, the kind and the
// holder, so a re-import updates it; one that the source no longer names is ended.

// SourceFHIR is the source of relationships made by the import.
const SourceFHIR = "fhir"

// holder resolves the holder of a relationship: a practitioner by AGB code or an organisation by URA. A
// logical reference (identifier only) with an AGB or URA is enough, even when nothing of that holder was
// imported.
func (r *run) holder(ref *Reference, field string) (party, error) {
	if ref != nil && strings.TrimSpace(ref.Reference) == "" && ref.Identifier != nil {
		system, value := ref.Identifier.System, strings.TrimSpace(ref.Identifier.Value)
		t, err := r.resolve(ref, "Practitioner", "PractitionerRole", "Organization")
		var ue *unresolvedError
		if errors.As(err, &ue) || (err == nil && t.entry != nil && t.entry.state != stateDone) {
			switch {
			case system == SystemAGB && validAGB(value):
				return party{typ: "Practitioner", agb: value, name: ref.Display}, nil
			case system == SystemAGB:
				return party{}, reject("%s: AGB code %q is not 8 digits", field, value)
			case system == SystemURA && validURA(value):
				return party{typ: "Organization", ura: value, name: ref.Display}, nil
			case system == SystemURA:
				return party{}, reject("%s: URA %q is not 8 digits", field, value)
			}
		}
	}
	t, err := r.require(ref, field, "Practitioner", "PractitionerRole", "Organization")
	if err != nil {
		return party{}, err
	}
	h, err := r.partyFromTarget(t)
	if err != nil {
		return party{}, err
	}
	switch {
	case h.typ == "Practitioner" && validAGB(h.agb):
		return h, nil
	case h.typ == "Organization" && validURA(h.ura):
		return h, nil
	case h.typ == "Practitioner":
		return party{}, &noHolderError{fmt.Sprintf("%s %s has no AGB code (%s), so it cannot hold a treatment relationship", field, t.typ+"/"+t.id, SystemAGB)}
	default:
		return party{}, &noHolderError{fmt.Sprintf("%s %s has no URA (%s), so it cannot hold a treatment relationship", field, t.typ+"/"+t.id, SystemURA)}
	}
}

// noHolderError means a reference resolves to a practitioner without AGB code or an organisation without
// URA. Where the portal's import profile asks for a holder (a CareTeam role, an EpisodeOfCare type) that
// is wrong data and rejects the resource; a Patient.generalPractitioner, which any FHIR sender fills, it
// only leaves without a relationship.
type noHolderError struct{ reason string }

func (e *noHolderError) Error() string { return e.reason }

// requiredHolder is holder for the relationships the import profile declares: no holder is wrong data.
func (r *run) requiredHolder(ref *Reference, field string) (party, error) {
	h, err := r.holder(ref, field)
	var nh *noHolderError
	if errors.As(err, &nh) {
		return party{}, reject("%s", nh.reason)
	}
	return h, err
}

func holderKey(h party) string {
	if h.typ == "Practitioner" {
		return "agb:" + h.agb
	}
	return "ura:" + h.ura
}

// relationshipSpec is one relationship before it is written.
type relationshipSpec struct {
	kind       access.RelationshipKind
	holder     party
	mandateURA string
	from       *time.Time
	until      *time.Time
	reason     string
	sourceRef  string
}

// build checks a relationship and completes its validity: a missing start keeps the start of an earlier
// import (else now), a missing end takes the default lifetime of the kind.
func (r *run) build(p access.Patient, s relationshipSpec) (access.Relationship, error) {
	rel := access.Relationship{
		PatientID:  p.ID,
		HolderName: s.holder.name,
		Kind:       s.kind,
		Source:     SourceFHIR,
		Reason:     s.reason,
	}
	ref := s.sourceRef
	rel.SourceRef = &ref
	if s.holder.typ == "Practitioner" {
		rel.HolderKind = access.HolderProvider
		agb := s.holder.agb
		rel.HolderAGB = &agb
	} else {
		rel.HolderKind = access.HolderOrganisation
		ura := s.holder.ura
		rel.HolderURA = &ura
	}
	if s.kind == access.Covering {
		if s.mandateURA == "" {
			return rel, reject("a covering relationship needs the mandating practice (onBehalfOf, an Organization with URA)")
		}
		m := s.mandateURA
		rel.MandateURA = &m
	}
	switch {
	case s.from != nil:
		rel.ValidFrom = *s.from
	default:
		from, err := r.tx.RelationshipValidFrom(ref)
		switch {
		case errors.Is(err, store.ErrNotFound):
			rel.ValidFrom = r.now
		case err != nil:
			return rel, err
		default:
			rel.ValidFrom = from
		}
	}
	switch {
	case s.until != nil:
		rel.ValidUntil = s.until
	default:
		if d, ok := r.im.RelationshipValidity[s.kind]; ok && d > 0 {
			until := rel.ValidFrom.Add(d)
			rel.ValidUntil = &until
		}
	}
	if rel.ValidUntil != nil && !rel.ValidUntil.After(rel.ValidFrom) {
		return rel, reject("the %s relationship of %s ends (%s) before it starts (%s)", s.kind, holderKey(s.holder),
			rel.ValidUntil.Format(time.RFC3339), rel.ValidFrom.Format(time.RFC3339))
	}
	return rel, nil
}

// periodTimes parses a validity period.
func periodTimes(p *Period, field string) (from, until *time.Time, err error) {
	if p == nil {
		return nil, nil, nil
	}
	if from, err = optionalTime(p.Start); err != nil {
		return nil, nil, reject("%s.start: %v", field, err)
	}
	if until, err = optionalTime(p.End); err != nil {
		return nil, nil, reject("%s.end: %v", field, err)
	}
	return from, until, nil
}

// writeRelationships writes the relationships one source resource produces and ends the ones it produced
// before and no longer does.
func (r *run) writeRelationships(prefix string, rels []access.Relationship, endReason string) error {
	keep := make([]string, 0, len(rels))
	for i := range rels {
		if err := r.tx.PutRelationship(&rels[i]); err != nil {
			return err
		}
		keep = append(keep, *rels[i].SourceRef)
	}
	_, err := r.tx.EndRelationshipsNotIn(prefix, keep, endReason)
	return err
}

// generalPractitioners turns Patient.generalPractitioner into registered-GP relationships. A GP reference
// that cannot hold a relationship (no AGB or URA: US sample data) is counted as skipped, a wrong one (an AGB
// code that is not 8 digits) is listed as rejected; the patient stays either way.
func (r *run) generalPractitioners(e *entry, p *Patient, pat access.Patient) error {
	prefix := "Patient/" + e.id + "|generalPractitioner|"
	var rels []access.Relationship
	for i := range p.GeneralPractitioner {
		field := fmt.Sprintf("generalPractitioner[%d]", i)
		h, err := r.holder(&p.GeneralPractitioner[i], field)
		var re *rejectError
		var nh *noHolderError
		if errors.As(err, &nh) {
			// Not wrong: a GP known to the sender without AGB code or URA. The patient stays; no relationship.
			if r.res.Skipped == nil {
				r.res.Skipped = map[string]int{}
			}
			r.res.Skipped["Patient.generalPractitioner without AGB code or URA: no relationship made"]++
			continue
		}
		if errors.As(err, &re) {
			r.res.Rejected = append(r.res.Rejected, Rejection{Resource: e.name() + " " + field, Reason: "no relationship made: " + re.reason})
			continue
		}
		if err != nil {
			return err
		}
		rel, err := r.build(pat, relationshipSpec{
			kind: access.RegisteredGP, holder: h, reason: "huisarts volgens het ziekenhuisdossier",
			sourceRef: prefix + holderKey(h),
		})
		if err != nil {
			return err
		}
		rels = append(rels, rel)
	}
	return r.writeRelationships(prefix, rels, "no longer the patient's general practitioner in the hospital's record")
}

// importCareTeam turns the coded participants of a CareTeam into relationships.
func (r *run) importCareTeam(e *entry) (bool, error) {
	var ct CareTeam
	if err := decode(e, &ct); err != nil {
		return false, err
	}
	pat, err := r.patientOf(ct.Subject, "subject")
	if err != nil {
		return false, err
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	prefix := "CareTeam/" + e.id + "|"
	var rels []access.Relationship
	switch ct.Status {
	case "", "active", "proposed":
		reason := conceptsText(ct.ReasonCode)
		if reason == "" && len(ct.Note) > 0 {
			reason = ct.Note[0].Text
		}
		for i, part := range ct.Participant {
			code := ""
			for j := range part.Role {
				if c := firstCode(&part.Role[j], SystemRelationshipKind); c != "" {
					code = c
					break
				}
			}
			if code == "" {
				continue
			}
			kind, ok := relationshipKinds[code]
			if !ok {
				return false, reject("participant[%d]: %q is not a relationship kind of %s", i, code, SystemRelationshipKind)
			}
			h, err := r.requiredHolder(part.Member, fmt.Sprintf("participant[%d].member", i))
			if err != nil {
				return false, err
			}
			spec := relationshipSpec{kind: kind, holder: h, reason: reason, sourceRef: prefix + string(kind) + "|" + holderKey(h)}
			if part.OnBehalfOf != nil {
				m, err := r.requiredHolder(part.OnBehalfOf, fmt.Sprintf("participant[%d].onBehalfOf", i))
				if err != nil {
					return false, err
				}
				spec.mandateURA = m.ura
			}
			period := part.Period
			if period == nil {
				period = ct.Period
			}
			if spec.from, spec.until, err = periodTimes(period, fmt.Sprintf("participant[%d].period", i)); err != nil {
				return false, err
			}
			if spec.from == nil {
				return false, reject("participant[%d]: a relationship needs a start (participant.period.start or CareTeam.period.start)", i)
			}
			rel, err := r.build(pat, spec)
			if err != nil {
				return false, err
			}
			rels = append(rels, rel)
		}
		if len(rels) == 0 && !found {
			// An ordinary care team (nl-core-CareTeam) without the portal's roles is not wrong data; it
			// just gives no provider outside the hospital a relationship. One imported before with roles
			// goes on below, so that the relationships it made end.
			return false, skip("CareTeam without a participant role from %s carries no treatment relationship", SystemRelationshipKind)
		}
	case "suspended", "inactive", "entered-in-error":
		// Every relationship this CareTeam made before ends.
	default:
		return false, reject("CareTeam status %q is not one of proposed, active, suspended, inactive, entered-in-error", ct.Status)
	}
	if err := r.writeRelationships(prefix, rels, "CareTeam "+e.id+" no longer names this relationship (status "+ct.Status+")"); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetRelationships, 0, found, "", nil)
}

// importEpisodeOfCare turns an EpisodeOfCare into one relationship.
func (r *run) importEpisodeOfCare(e *entry) (bool, error) {
	var ep EpisodeOfCare
	if err := decode(e, &ep); err != nil {
		return false, err
	}
	pat, err := r.patientOf(ep.Patient, "patient")
	if err != nil {
		return false, err
	}
	_, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	code := ""
	for i := range ep.Type {
		if c := firstCode(&ep.Type[i], SystemRelationshipKind); c != "" {
			code = c
			break
		}
	}
	if code == "" && !found {
		// An episode of the hospital's own care (nl-core-EpisodeOfCare) is not wrong data; it just holds
		// no relationship for a provider outside the hospital.
		return false, skip("EpisodeOfCare without a type from %s carries no treatment relationship", SystemRelationshipKind)
	}
	kind, ok := relationshipKinds[code]
	if !ok && code != "" {
		return false, reject("%q is not a relationship kind of %s", code, SystemRelationshipKind)
	}
	if kind == access.Covering {
		return false, reject("a covering relationship needs the mandating practice; send it as a CareTeam participant with onBehalfOf")
	}
	prefix := "EpisodeOfCare/" + e.id + "|"
	var rels []access.Relationship
	switch ep.Status {
	case "planned", "waitlist", "active", "onhold", "":
		if code == "" {
			// Imported before with a kind, now without: the relationship it made ends below.
			break
		}
		var h party
		switch {
		case ep.CareManager != nil:
			h, err = r.requiredHolder(ep.CareManager, "careManager")
		case ep.ManagingOrganization != nil:
			h, err = r.requiredHolder(ep.ManagingOrganization, "managingOrganization")
		default:
			err = reject("an EpisodeOfCare needs a careManager (AGB) or managingOrganization (URA) to hold the relationship")
		}
		if err != nil {
			return false, err
		}
		spec := relationshipSpec{kind: kind, holder: h, sourceRef: prefix + string(kind) + "|" + holderKey(h)}
		if spec.from, spec.until, err = periodTimes(ep.Period, "period"); err != nil {
			return false, err
		}
		if spec.from == nil {
			return false, reject("a relationship needs a start (EpisodeOfCare.period.start)")
		}
		rel, err := r.build(pat, spec)
		if err != nil {
			return false, err
		}
		rels = append(rels, rel)
	case "finished", "cancelled", "entered-in-error":
	default:
		return false, reject("EpisodeOfCare status %q is not known", ep.Status)
	}
	endReason := "EpisodeOfCare " + e.id + " ended (status " + ep.Status + ")"
	if code == "" {
		endReason = "EpisodeOfCare " + e.id + " no longer carries a relationship kind"
	}
	if err := r.writeRelationships(prefix, rels, endReason); err != nil {
		return false, err
	}
	return !found, r.record(e, store.TargetRelationships, 0, found, "", nil)
}
