package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// A run imports one bundle inside its transaction: it indexes the entries, imports them in dependency
// order (organisations before practitioners before patients before what points at patients), resolves
// references within the bundle and against what was imported before, and keeps the counts.

// entryState says how far an entry got.
type entryState int

const (
	statePending entryState = iota
	stateDone
	stateRejected
	stateSkipped
)

// entry is one bundle entry during a run.
type entry struct {
	index   int
	fullURL string
	typ     string
	id      string // the FHIR id the portal stores: resource.id, else taken from fullUrl
	raw     json.RawMessage
	ids     []Identifier
	state   entryState
	reason  string // why it was rejected

	ident   store.FHIRIdentity // what was recorded, once done
	party   *party             // practitioners, roles and organisations, once done
	patient *access.Patient    // patients, once done
	med     *medicationInfo    // medications, once done
	binary  *binaryContent     // binaries, once done
}

func (e *entry) name() string {
	if e.id == "" {
		return fmt.Sprintf("%s (entry %d)", e.typ, e.index+1)
	}
	return e.typ + "/" + e.id
}

// header is the part of every resource read before its type is known.
type header struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []Identifier `json:"identifier"`
	DateTime     string       `json:"dateTime"` // Consent: decisions are imported in time order
}

// importOrder is the order of resource types within a bundle: every type comes after the types it points
// at. Types not listed are counted and skipped.
var importOrder = map[string]int{
	"Organization":        0,
	"Practitioner":        1,
	"PractitionerRole":    2,
	"Patient":             3,
	"Medication":          4,
	"Device":              4,
	"Binary":              4,
	"Encounter":           5,
	"EpisodeOfCare":       6,
	"CareTeam":            6,
	"Condition":           7,
	"AllergyIntolerance":  7,
	"Procedure":           8,
	"MedicationStatement": 8,
	"MedicationRequest":   8,
	"Observation":         9,
	"ImagingStudy":        9,
	"DeviceUseStatement":  9,
	"DiagnosticReport":    10,
	"DocumentReference":   11,
	"Appointment":         11,
	"Consent":             12,
	"Flag":                13,

	// MP9 3.0 toedieningsafspraak, verstrekking and medicatietoediening, beside the other medication.
	"MedicationDispense":       8,
	"MedicationAdministration": 8,
}

type run struct {
	im       *Importer
	tx       *store.ImportTx
	res      *Result
	now      time.Time
	entries  []*entry
	byURL    map[string]*entry
	byTypeID map[string]*entry
	broken   []string
	parties  map[string]party
	resolved map[string]target
	patients map[int64]access.Patient
	touched  map[int64]bool
	dates    map[*entry]string
	// reserved are the BSNs the Patients of this bundle (and of the other files of the run) bring; a
	// synthetic BSN is never drawn from them.
	reserved map[string]bool
	// renumbered are the synthetic patients that gave up their number to a real patient in this bundle.
	renumbered []Renumbering
}

// Errors of one resource, returned by the per-type import functions.
type (
	// rejectError rejects the resource: it is listed with the reason and the rest of the bundle goes on.
	rejectError struct{ reason string }
	// brokenError rejects the whole bundle: a required reference resolves nowhere.
	brokenError struct{ reason string }
	// skipError skips the resource on purpose (a kind of data the portal does not show).
	skipError struct{ reason string }
)

func (e *rejectError) Error() string { return e.reason }
func (e *brokenError) Error() string { return e.reason }
func (e *skipError) Error() string   { return e.reason }

func reject(format string, args ...any) error { return &rejectError{fmt.Sprintf(format, args...)} }
func broken(format string, args ...any) error { return &brokenError{fmt.Sprintf(format, args...)} }
func skip(format string, args ...any) error   { return &skipError{fmt.Sprintf(format, args...)} }

func newRun(im *Importer, tx *store.ImportTx, b *Bundle, res *Result, now time.Time, reserved map[string]bool) (*run, error) {
	r := &run{
		im: im, tx: tx, res: res, now: now,
		byURL: map[string]*entry{}, byTypeID: map[string]*entry{},
		parties: map[string]party{}, resolved: map[string]target{}, patients: map[int64]access.Patient{}, touched: map[int64]bool{},
		dates: map[*entry]string{}, reserved: map[string]bool{},
	}
	for bsn := range reserved {
		r.reserved[bsn] = true
	}
	for i, be := range b.Entry {
		e := &entry{index: i, fullURL: strings.TrimSpace(be.FullURL), raw: be.Resource}
		if len(be.Resource) == 0 || string(be.Resource) == "null" {
			e.typ = "(no resource)"
			e.state = stateRejected
			method := ""
			if be.Request != nil {
				method = be.Request.Method + " " + be.Request.URL
			}
			e.reason = strings.TrimSpace("the entry has no resource; the portal imports resources and never deletes " + method)
			r.entries = append(r.entries, e)
			continue
		}
		var h header
		if err := json.Unmarshal(be.Resource, &h); err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrMalformed, i+1, err)
		}
		if h.ResourceType == "" {
			return nil, fmt.Errorf("%w: entry %d has a resource without resourceType", ErrMalformed, i+1)
		}
		e.typ, e.ids = h.ResourceType, h.Identifier
		e.id = strings.TrimSpace(h.ID)
		if e.id == "" {
			e.id = idFromURL(e.fullURL, e.typ)
		}
		if e.fullURL != "" {
			if other, dup := r.byURL[e.fullURL]; dup {
				return nil, fmt.Errorf("%w: entries %d and %d share the fullUrl %s", ErrMalformed, other.index+1, i+1, e.fullURL)
			}
			r.byURL[e.fullURL] = e
		}
		if e.id != "" {
			r.byTypeID[e.typ+"/"+e.id] = e
		}
		if e.typ == "Consent" {
			r.dates[e] = h.DateTime
		}
		if e.typ == "Patient" {
			if bsn := identifierValue(h.Identifier, SystemBSN); bsn != "" {
				r.reserved[bsn] = true
			}
		}
		r.entries = append(r.entries, e)
	}
	return r, nil
}

// idFromURL takes the id out of a fullUrl: urn:uuid:X gives X, .../Type/id gives id.
func idFromURL(fullURL, typ string) string {
	switch {
	case strings.HasPrefix(fullURL, "urn:uuid:"):
		return strings.TrimPrefix(fullURL, "urn:uuid:")
	case strings.HasPrefix(fullURL, "urn:oid:"):
		return strings.TrimPrefix(fullURL, "urn:oid:")
	}
	if t, id, ok := typeAndID(fullURL); ok && t == typ {
		return id
	}
	return ""
}

// typeAndID splits the tail of a literal reference or URL: .../Type/id or .../Type/id/_history/v.
func typeAndID(ref string) (string, string, bool) {
	ref = strings.TrimSuffix(ref, "/")
	parts := strings.Split(ref, "/")
	if n := len(parts); n >= 4 && parts[n-2] == "_history" {
		parts = parts[:n-2]
	}
	n := len(parts)
	if n < 2 {
		return "", "", false
	}
	typ, id := parts[n-2], parts[n-1]
	if typ == "" || id == "" || typ[0] < 'A' || typ[0] > 'Z' {
		return "", "", false
	}
	return typ, id, true
}

// importAll imports the entries in dependency order and decides the fate of the bundle.
func (r *run) importAll() error {
	ordered := make([]*entry, len(r.entries))
	copy(ordered, r.entries)
	sort.SliceStable(ordered, func(i, j int) bool {
		pi, pj := priority(ordered[i].typ), priority(ordered[j].typ)
		if pi != pj {
			return pi < pj
		}
		if ordered[i].typ == "Consent" && ordered[j].typ == "Consent" {
			return r.dates[ordered[i]] < r.dates[ordered[j]]
		}
		return false
	})
	for _, e := range ordered {
		if e.state == stateRejected {
			r.rejected(e, e.reason)
			continue
		}
		if err := r.importEntry(e); err != nil {
			return err
		}
	}
	if len(r.broken) > 0 {
		return fmt.Errorf("%w: %s", ErrBrokenReference, strings.Join(r.broken, "; "))
	}
	r.res.Renumbered = r.renumbered
	for id := range r.touched {
		p, ok := r.patients[id]
		if !ok {
			var err error
			if p, err = r.tx.PatientInTx(id); err != nil {
				return err
			}
		}
		r.res.patients = append(r.res.patients, patientKey{bsn: p.BSN, number: p.PatientNumber})
	}
	sort.Slice(r.res.patients, func(i, j int) bool { return r.res.patients[i].number < r.res.patients[j].number })
	return nil
}

func priority(typ string) int {
	if p, ok := importOrder[typ]; ok {
		return p
	}
	return 99
}

// importEntry imports one entry and books the outcome; only a database error stops the run.
func (r *run) importEntry(e *entry) error {
	if _, known := importOrder[e.typ]; !known {
		e.state = stateSkipped
		r.skipped(e, notImportedReason(e.typ))
		return nil
	}
	if e.id == "" {
		r.rejected(e, "the resource has no id and its entry no fullUrl to take one from, so a re-import could not find it again")
		return nil
	}
	var created bool
	renumbered := len(r.renumbered)
	err := r.tx.Attempt(func() error {
		var err error
		created, err = r.dispatch(e)
		return err
	})
	if err != nil {
		// The savepoint undid the renumberings this resource made: forget them too.
		for _, rn := range r.renumbered[renumbered:] {
			delete(r.patients, rn.patientID)
		}
		r.renumbered = r.renumbered[:renumbered]
	}
	var re *rejectError
	var be *brokenError
	var se *skipError
	switch {
	case err == nil:
		e.state = stateDone
		if created {
			r.res.count(e.typ).Imported++
		} else {
			r.res.count(e.typ).Updated++
		}
	case errors.As(err, &re):
		r.rejected(e, re.reason)
	case errors.As(err, &be):
		e.state = stateRejected
		e.reason = be.reason
		r.broken = append(r.broken, e.name()+": "+be.reason)
	case errors.As(err, &se):
		e.state = stateSkipped
		r.skipped(e, se.reason)
	default:
		return fmt.Errorf("%s: %w", e.name(), err)
	}
	return nil
}

func (r *run) rejected(e *entry, reason string) {
	e.state = stateRejected
	e.reason = reason
	r.res.count(e.typ).Rejected++
	r.res.Rejected = append(r.res.Rejected, Rejection{Resource: e.name(), Reason: reason})
}

func (r *run) skipped(e *entry, reason string) {
	r.res.count(e.typ).Skipped++
	if r.res.Skipped == nil {
		r.res.Skipped = map[string]int{}
	}
	r.res.Skipped[reason]++
}

func (r *run) dispatch(e *entry) (bool, error) {
	switch e.typ {
	case "Organization":
		return r.importOrganization(e)
	case "Practitioner":
		return r.importPractitioner(e)
	case "PractitionerRole":
		return r.importPractitionerRole(e)
	case "Patient":
		return r.importPatient(e)
	case "Medication":
		return r.importMedication(e)
	case "Binary":
		return r.importBinary(e)
	case "Encounter":
		return r.importEncounter(e)
	case "EpisodeOfCare":
		return r.importEpisodeOfCare(e)
	case "CareTeam":
		return r.importCareTeam(e)
	case "Condition":
		return r.importCondition(e)
	case "AllergyIntolerance":
		return r.importAllergy(e)
	case "Procedure":
		return r.importProcedure(e)
	case "MedicationStatement", "MedicationRequest", "MedicationDispense", "MedicationAdministration":
		return r.importMedicationRecord(e)
	case "Observation":
		return r.importObservation(e)
	case "ImagingStudy":
		return r.importImagingStudy(e)
	case "DiagnosticReport":
		return r.importDiagnosticReport(e)
	case "DocumentReference":
		return r.importDocumentReference(e)
	case "Appointment":
		return r.importAppointment(e)
	case "Consent":
		return r.importConsent(e)
	case "Flag":
		return r.importFlag(e)
	case "Device":
		return r.importDevice(e)
	case "DeviceUseStatement":
		return r.importDeviceUseStatement(e)
	}
	return false, skip("%s is not imported by the portal", e.typ)
}

// decode reads an entry's resource into its type; a resource that does not fit its type is rejected.
func decode(e *entry, v any) error {
	if err := json.Unmarshal(e.raw, v); err != nil {
		return reject("the %s does not have the structure of a FHIR R4 %s: %v", e.typ, e.typ, err)
	}
	return nil
}

// decodeRaw reads part of an entry's resource (for a display text), ignoring what does not fit.
func decodeRaw(e *entry, v any) error {
	return json.Unmarshal(e.raw, v)
}

// existing looks the resource up among the imported ones: found tells imported from updated.
func (r *run) existing(e *entry) (store.FHIRIdentity, bool, error) {
	id, err := r.tx.Identity(e.typ, e.id)
	if errors.Is(err, store.ErrNotFound) {
		return store.FHIRIdentity{}, false, nil
	}
	if err != nil {
		return store.FHIRIdentity{}, false, err
	}
	return id, true, nil
}

// knownRow is the row a re-imported resource lives in, so the store updates it by id.
func knownRow(prev store.FHIRIdentity, found bool) int64 {
	if found && prev.RowID.Valid {
		return prev.RowID.Int64
	}
	return 0
}

// putRow stores a resource's row where an earlier import of the same resource put it (or in a new row),
// through put, and records the resource; it reports whether the resource is new. It is the one way a
// plain clinical row is imported, so a re-import always updates rather than duplicates.
func (r *run) putRow(e *entry, target string, rowID *int64, put func() error) (bool, error) {
	prev, found, err := r.existing(e)
	if err != nil {
		return false, err
	}
	*rowID = knownRow(prev, found)
	if err := put(); err != nil {
		return false, err
	}
	return !found, r.record(e, target, *rowID, found, "", nil)
}

// record remembers the imported resource (target table and row) and its identifiers, and marks the entry
// done for the references that follow.
func (r *run) record(e *entry, target string, rowID int64, existed bool, contentType string, content []byte) error {
	ident := store.FHIRIdentity{ResourceType: e.typ, FHIRID: e.id, Target: target, ContentType: contentType, Content: content}
	if rowID != 0 {
		ident.RowID.Int64, ident.RowID.Valid = rowID, true
	}
	var ids []store.FHIRIdentifier
	for _, id := range e.ids {
		if v := strings.TrimSpace(id.Value); v != "" {
			ids = append(ids, store.FHIRIdentifier{System: id.System, Value: v})
		}
	}
	// A fullUrl that is not derived from the id is remembered too, so that a later bundle's urn:uuid
	// reference to it resolves.
	if e.fullURL != "" && e.fullURL != "urn:uuid:"+e.id && !strings.HasSuffix(e.fullURL, "/"+e.typ+"/"+e.id) {
		ids = append(ids, store.FHIRIdentifier{System: "urn:ietf:rfc:3986", Value: e.fullURL})
	}
	if err := r.tx.RecordIdentity(ident, ids, existed); err != nil {
		return err
	}
	e.ident = ident
	return nil
}
