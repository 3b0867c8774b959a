package fhir

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// References are resolved in this order: the bundle (by fullUrl, by Type/id, by identifier for a
// conditional reference), then the resources imported before (fhir_resources by type and id, or by id
// alone for urn:uuid; fhir_identifiers for conditional and logical references). Supported forms:
// urn:uuid:/urn:oid:, relative Type/id, absolute .../Type/id (also with /_history/v), conditional
// Type?identifier=system|value, and a logical reference (identifier without reference).

// target is what a reference resolved to.
type target struct {
	typ, id string
	entry   *entry             // set when the target is in this bundle
	ident   store.FHIRIdentity // what was recorded of it (imported before, or done in this bundle)
}

func (t target) rowID() int64 {
	if t.entry != nil {
		return t.entry.ident.RowID.Int64
	}
	return t.ident.RowID.Int64
}

// errNoReference means the element is absent or empty.
var errNoReference = errors.New("no reference given")

// unresolvedError means a reference was given but points at nothing the portal knows.
type unresolvedError struct{ reason string }

func (e *unresolvedError) Error() string { return e.reason }

func unresolved(format string, args ...any) error {
	return &unresolvedError{fmt.Sprintf(format, args...)}
}

// refString shows a reference in a message.
func refString(ref *Reference) string {
	if ref == nil {
		return "(none)"
	}
	if ref.Reference != "" {
		return ref.Reference
	}
	if ref.Identifier != nil {
		return fmt.Sprintf("identifier %s|%s", ref.Identifier.System, ref.Identifier.Value)
	}
	if ref.Display != "" {
		return fmt.Sprintf("%q (display only)", ref.Display)
	}
	return "(empty)"
}

// resolve finds what a reference points at. types limits the acceptable resource types (none: any); a
// reference to another type is a *rejectError. What resolves to an imported resource is remembered for
// the rest of the bundle: a patient bundle names the same practitioners over and over.
func (r *run) resolve(ref *Reference, types ...string) (target, error) {
	if ref == nil {
		return target{}, errNoReference
	}
	key := ref.Reference + "\x00" + ref.Type + "\x00" + strings.Join(types, ",")
	if ref.Identifier != nil {
		key += "\x00" + ref.Identifier.System + "|" + ref.Identifier.Value
	}
	if t, ok := r.resolved[key]; ok {
		return t, nil
	}
	t, err := r.resolveUncached(ref, types...)
	if err == nil && t.entry == nil {
		r.resolved[key] = t
	}
	return t, err
}

func (r *run) resolveUncached(ref *Reference, types ...string) (target, error) {
	if ref == nil {
		return target{}, errNoReference
	}
	s := strings.TrimSpace(ref.Reference)
	if s == "" {
		if ref.Identifier != nil && strings.TrimSpace(ref.Identifier.Value) != "" {
			want := types
			if ref.Type != "" {
				want = []string{ref.Type}
			}
			return r.byIdentifier(want, ref.Identifier.System, strings.TrimSpace(ref.Identifier.Value), types)
		}
		return target{}, errNoReference
	}
	if strings.HasPrefix(s, "#") {
		return target{}, unresolved("a contained resource (%s) is only read for a Medication", s)
	}
	if e, ok := r.byURL[s]; ok {
		return r.entryTarget(e, types)
	}
	if strings.HasPrefix(s, "urn:uuid:") || strings.HasPrefix(s, "urn:oid:") {
		return r.byURN(s, types)
	}
	if i := strings.Index(s, "?"); i >= 0 {
		return r.conditional(s[:i], s[i+1:], types)
	}
	typ, id, ok := typeAndID(s)
	if !ok {
		return target{}, unresolved("%q is not a reference the portal understands", s)
	}
	if len(types) > 0 && !slices.Contains(types, typ) {
		return target{}, reject("%s points at a %s, expected %s", s, typ, strings.Join(types, " or "))
	}
	if e, ok := r.byTypeID[typ+"/"+id]; ok {
		return r.entryTarget(e, types)
	}
	ident, err := r.tx.Identity(typ, id)
	if errors.Is(err, store.ErrNotFound) {
		return target{}, unresolved("%s is neither in the bundle nor imported before", s)
	}
	if err != nil {
		return target{}, err
	}
	return target{typ: typ, id: id, ident: ident}, nil
}

func (r *run) entryTarget(e *entry, types []string) (target, error) {
	if len(types) > 0 && !slices.Contains(types, e.typ) {
		return target{}, reject("%s points at a %s, expected %s", e.name(), e.typ, strings.Join(types, " or "))
	}
	return target{typ: e.typ, id: e.id, entry: e, ident: e.ident}, nil
}

// byURN resolves urn:uuid / urn:oid references outside the bundle: by id alone (the id the portal took
// from the fullUrl), or by the fullUrl remembered as identifier.
func (r *run) byURN(s string, types []string) (target, error) {
	id := strings.TrimPrefix(strings.TrimPrefix(s, "urn:uuid:"), "urn:oid:")
	idents, err := r.tx.IdentitiesByID(id)
	if err != nil {
		return target{}, err
	}
	for _, typ := range types {
		aliases, err := r.tx.IdentitiesByIdentifier(typ, "urn:ietf:rfc:3986", s)
		if err != nil {
			return target{}, err
		}
		idents = append(idents, aliases...)
	}
	var found []store.FHIRIdentity
	for _, ident := range idents {
		if len(types) == 0 || slices.Contains(types, ident.ResourceType) {
			found = append(found, ident)
		}
	}
	switch len(found) {
	case 0:
		return target{}, unresolved("%s is neither in the bundle nor imported before", s)
	case 1:
		return target{typ: found[0].ResourceType, id: found[0].FHIRID, ident: found[0]}, nil
	default:
		return target{}, unresolved("%s matches %d imported resources of different types", s, len(found))
	}
}

// conditional resolves Type?identifier=system|value: in the bundle first, then among imported resources.
func (r *run) conditional(base, query string, types []string) (target, error) {
	typ := base
	if i := strings.LastIndex(base, "/"); i >= 0 {
		typ = base[i+1:]
	}
	if len(types) > 0 && !slices.Contains(types, typ) {
		return target{}, reject("%s?%s searches %s, expected %s", base, query, typ, strings.Join(types, " or "))
	}
	params, err := url.ParseQuery(query)
	if err != nil || len(params) != 1 || len(params["identifier"]) != 1 {
		return target{}, unresolved("conditional reference %s?%s: only a single identifier=system|value is supported", base, query)
	}
	system, value, hasSystem := strings.Cut(params["identifier"][0], "|")
	if !hasSystem {
		system, value = "", system
	}
	var matches []*entry
	for _, e := range r.entries {
		if e.typ != typ {
			continue
		}
		for _, id := range e.ids {
			if strings.TrimSpace(id.Value) == value && (system == "" || id.System == system) {
				matches = append(matches, e)
				break
			}
		}
	}
	switch len(matches) {
	case 1:
		return r.entryTarget(matches[0], types)
	case 0:
		return r.byIdentifier([]string{typ}, system, value, types)
	default:
		return target{}, unresolved("%s?%s matches %d entries of the bundle", base, query, len(matches))
	}
}

// byIdentifier finds an imported resource of one of the types by business identifier. Several resources
// that were merged into one row (the same practitioner under two ids) count as one.
func (r *run) byIdentifier(types []string, system, value string, allowed []string) (target, error) {
	if len(types) == 0 {
		return target{}, unresolved("identifier %s|%s: the reference does not say which type it points at", system, value)
	}
	var found []store.FHIRIdentity
	for _, typ := range types {
		if len(allowed) > 0 && !slices.Contains(allowed, typ) {
			return target{}, reject("the reference points at a %s, expected %s", typ, strings.Join(allowed, " or "))
		}
		idents, err := r.tx.IdentitiesByIdentifier(typ, system, value)
		if err != nil {
			return target{}, err
		}
		found = append(found, idents...)
	}
	if len(found) == 0 {
		return target{}, unresolved("no %s with identifier %s|%s in the bundle or imported before", strings.Join(types, "/"), system, value)
	}
	for _, f := range found[1:] {
		if f.ResourceType != found[0].ResourceType || f.Target != found[0].Target || f.RowID != found[0].RowID {
			return target{}, unresolved("identifier %s|%s matches %d different imported resources", system, value, len(found))
		}
	}
	return target{typ: found[0].ResourceType, id: found[0].FHIRID, ident: found[0]}, nil
}

// require resolves a reference the resource cannot do without. Absent: the resource is rejected.
// Resolving nowhere: the bundle is rejected (a broken reference). Pointing at a rejected entry: the
// resource is rejected with that entry's reason.
func (r *run) require(ref *Reference, field string, types ...string) (target, error) {
	t, err := r.resolve(ref, types...)
	var ue *unresolvedError
	switch {
	case errors.Is(err, errNoReference):
		return t, reject("%s is missing", field)
	case errors.As(err, &ue):
		return t, broken("%s %s: %s", field, refString(ref), ue.reason)
	case err != nil:
		return t, err
	}
	if t.entry != nil {
		switch t.entry.state {
		case stateRejected:
			return t, reject("%s %s was rejected: %s", field, t.entry.name(), t.entry.reason)
		case stateSkipped:
			// What rests on a resource the portal does not use is not wrong either: skipped with it.
			return t, skip("%s %s was skipped: %s", field, t.entry.name(), t.entry.reason)
		case statePending:
			return t, reject("%s %s comes later in the import order", field, t.entry.name())
		}
	}
	return t, nil
}

// optional resolves a reference the resource can do without: any failure gives ok false.
func (r *run) optional(ref *Reference, types ...string) (target, bool) {
	t, err := r.resolve(ref, types...)
	if err != nil {
		return target{}, false
	}
	if t.entry != nil && t.entry.state != stateDone {
		return target{}, false
	}
	return t, true
}

// patientOf resolves the required patient link of a resource (subject, patient).
func (r *run) patientOf(ref *Reference, field string) (access.Patient, error) {
	t, err := r.require(ref, field, "Patient")
	if err != nil {
		return access.Patient{}, err
	}
	id := t.rowID()
	p, ok := r.patients[id]
	if !ok {
		p, err = r.tx.PatientInTx(id)
		if err != nil {
			return access.Patient{}, err
		}
		r.patients[id] = p
	}
	r.touched[id] = true
	return p, nil
}

// encounterID resolves an optional encounter link to the encounter's row.
func (r *run) encounterID(ref *Reference) *int64 {
	t, ok := r.optional(ref, "Encounter")
	if !ok || t.rowID() == 0 {
		return nil
	}
	id := t.rowID()
	return &id
}
