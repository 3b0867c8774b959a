package audit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
)

// Actor is who acts and from where, built once per request (or per command run); its methods build the
// complete record of each event, so that a handler cannot forget a field NEN 7513 asks for.
type Actor struct {
	User   User
	Source Source
}

// SystemActor is the actor of work no person does at a screen: an import run, a command-line report. The
// name says which program it was and which operating-system account ran it.
func SystemActor(program, account string) Actor {
	return Actor{User: User{Name: program + " (" + account + ")"}, Source: Source{ClientIP: "local"}}
}

// Patient identifies the patient a record is about.
type Patient struct {
	BSN    string
	Number string // the hospital's patient number
}

// PatientOf takes the identifiers of a stored patient.
func PatientOf(p access.Patient) Patient {
	return Patient{BSN: p.BSN, Number: p.PatientNumber}
}

// Basis is why access was allowed: the treatment relationship and the consent it rests on, or the
// emergency procedure. It is stored in the basis column as text that ParseBasis reads back, so that the
// patient's report can say it in words.
type Basis struct {
	Relationship   access.RelationshipKind
	RelationshipID int64
	Consent        access.RecipientCategory
	ConsentID      int64
}

// Emergency reports whether access rested on the emergency procedure.
func (b Basis) Emergency() bool { return b.Relationship == access.Emergency }

// String writes "relationship=registered_gp#12 consent=huisartsen#5" (ids left out when zero).
func (b Basis) String() string {
	var parts []string
	if b.Relationship != "" {
		parts = append(parts, "relationship="+string(b.Relationship)+idSuffix(b.RelationshipID))
	}
	if b.Consent != "" {
		parts = append(parts, "consent="+string(b.Consent)+idSuffix(b.ConsentID))
	}
	return strings.Join(parts, " ")
}

func idSuffix(id int64) string {
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

// ParseBasis reads what Basis.String wrote, and the longer form access.Basis.String writes
// ("relationship 12 registered_gp provider 01012345 from ... (active); consent 5 huisartsen granted by
// patient via desk at ... (in_force); emergency"). ok is false for text in any other form (a basis written
// by hand), which a report then shows as it is.
func ParseBasis(s string) (b Basis, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Basis{}, true
	}
	if !strings.Contains(s, "=") {
		return parseDecisionBasis(s)
	}
	for part := range strings.FieldsSeq(s) {
		key, value, found := strings.Cut(part, "=")
		if !found {
			return Basis{}, false
		}
		name, idText, _ := strings.Cut(value, "#")
		var id int64
		if idText != "" {
			n, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				return Basis{}, false
			}
			id = n
		}
		switch key {
		case "relationship":
			b.Relationship, b.RelationshipID = access.RelationshipKind(name), id
		case "consent":
			b.Consent, b.ConsentID = access.RecipientCategory(name), id
		default:
			return Basis{}, false
		}
	}
	return b, true
}

// parseDecisionBasis reads the form of access.Basis.String: parts separated by "; ", each starting with
// what it is and its id.
func parseDecisionBasis(s string) (b Basis, ok bool) {
	for part := range strings.SplitSeq(s, "; ") {
		f := strings.Fields(part)
		switch {
		case len(f) >= 3 && (f[0] == "relationship" || f[0] == "consent"):
			id, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return Basis{}, false
			}
			if f[0] == "relationship" {
				b.Relationship, b.RelationshipID = access.RelationshipKind(f[2]), id
			} else {
				b.Consent, b.ConsentID = access.RecipientCategory(f[2]), id
			}
		case len(f) == 1 && f[0] == "emergency":
			if b.Relationship == "" {
				b.Relationship = access.Emergency
			}
		default:
			return Basis{}, false
		}
	}
	return b, true
}

func (a Actor) record(e Event, o Outcome) Record {
	return Record{Event: e, Outcome: o, User: a.User, Source: a.Source}
}

func (a Actor) about(e Event, o Outcome, p Patient) Record {
	r := a.record(e, o)
	r.PatientBSN, r.PatientNumber = p.BSN, p.Number
	return r
}

// JoinIDs writes item ids for the object column: "12,13,20".
func JoinIDs[T ~int64 | ~int | ~string](ids []T) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ",")
}

// Login is a successful login.
func (a Actor) Login() Record { return a.record(EventLogin, Success) }

// LoginRefused is a refused login; reason is the stable refusal key, detail the technical cause.
func (a Actor) LoginRefused(reason, detail string) Record {
	r := a.record(EventLoginRefused, Refused)
	r.Reason, r.Detail = reason, detail
	return r
}

// View is a look at one category of a patient's data, with the ids of the items shown and the basis.
func (a Actor) View(p Patient, category access.Category, itemIDs string, b Basis) Record {
	r := a.about(EventView, Success, p)
	r.Category, r.ObjectIDs, r.Basis, r.Emergency = string(category), itemIDs, b.String(), b.Emergency()
	return r
}

// Shown is what a page showed of one data category: the category and the ids of its items.
type Shown struct {
	Category access.Category
	Items    []string
}

// PageView is one look at a patient: a page is one access event (NEN 7513), and its one record lists every
// category it showed, the page's own first, in the category column ("lab,allergies,summary"), and every
// item it showed in the object column, each named with its kind ("lab/812,allergy/3").
func (a Actor) PageView(p Patient, shown []Shown, b Basis) Record {
	r := a.about(EventView, Success, p)
	cats := make([]string, 0, len(shown))
	var items []string
	for _, s := range shown {
		cats = append(cats, string(s.Category))
		items = append(items, s.Items...)
	}
	r.Category, r.ObjectIDs, r.Basis, r.Emergency = strings.Join(cats, ","), strings.Join(items, ","), b.String(), b.Emergency()
	return r
}

// Export is a download of a patient's letters and reports as one package: category "documents", the ids
// of every document and attachment in it, and the basis.
func (a Actor) Export(p Patient, itemIDs string, b Basis) Record {
	r := a.about(EventExport, Success, p)
	r.Category, r.ObjectIDs, r.Basis, r.Emergency = "documents", itemIDs, b.String(), b.Emergency()
	return r
}

// ViewRefused is a refused look at a category; reason is the decision's reason ("no_consent", ...).
func (a Actor) ViewRefused(p Patient, category access.Category, reason string) Record {
	r := a.about(EventView, Refused, p)
	r.Category, r.Reason = string(category), reason
	return r
}

// Search outcomes the patient search distinguishes (DESIGN.md §3): found, not found, no consent, no
// relationship (emergency access possible).
const (
	SearchFound          = "found"
	SearchNotFound       = "not_found"
	SearchNoConsent      = "no_consent"
	SearchNoRelationship = "no_relationship"
)

// Search is one patient search, misses too. The patient is what was searched for (the BSN typed, and the
// patient number when a patient was found); birthDate is the date typed, kept in the detail.
func (a Actor) Search(searched Patient, birthDate string, result string) Record {
	o := Success
	switch result {
	case SearchNotFound:
		o = NotFound
	case SearchNoConsent, SearchNoRelationship:
		o = Refused
	}
	r := a.about(EventSearch, o, searched)
	r.Reason = result
	if birthDate != "" {
		r.Detail = "birth_date=" + birthDate
	}
	return r
}

// EmergencyAccess is the start of an emergency access (noodprocedure): the reason the provider stated
// and until when the emergency relationship runs.
func (a Actor) EmergencyAccess(p Patient, reason string, relationshipID int64, until time.Time) Record {
	r := a.about(EventEmergencyAccess, Success, p)
	r.Reason, r.Emergency = reason, true
	r.Basis = Basis{Relationship: access.Emergency, RelationshipID: relationshipID}.String()
	r.Category, r.ObjectIDs = "relationship", idSuffixless(relationshipID)
	r.Detail = "until=" + until.UTC().Format(TimeLayout)
	return r
}

func idSuffixless(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// ConsentChange is a registered consent decision: which category, the new status, and how and by whom
// it was given.
func (a Actor) ConsentChange(p Patient, c access.Consent) Record {
	r := a.about(EventConsentChange, Success, p)
	r.Category, r.ObjectIDs = "consent", idSuffixless(c.ID)
	r.Basis = Basis{Consent: c.Category, ConsentID: c.ID}.String()
	r.Detail = fmt.Sprintf("category=%s status=%s registered_by=%s channel=%s", c.Category, c.Status, c.RegisteredBy, c.Channel)
	return r
}

// ConsentChangeRefused is a consent registration that broke a rule (the WGBO rules for minors, say).
func (a Actor) ConsentChangeRefused(p Patient, category access.RecipientCategory, reason string) Record {
	r := a.about(EventConsentChange, Refused, p)
	r.Category, r.Reason, r.Detail = "consent", reason, "category="+string(category)
	return r
}

// RelationshipChange is a treatment relationship created, changed or ended; change says which.
func (a Actor) RelationshipChange(p Patient, rel access.Relationship, change string) Record {
	r := a.about(EventRelationshipChange, Success, p)
	r.Category, r.ObjectIDs, r.Reason = "relationship", idSuffixless(rel.ID), change
	r.Basis = Basis{Relationship: rel.Kind, RelationshipID: rel.ID}.String()
	r.Emergency = rel.Kind == access.Emergency
	holder := ""
	if rel.HolderAGB != nil {
		holder = "agb=" + *rel.HolderAGB
	}
	if rel.HolderURA != nil {
		holder = strings.TrimSpace(holder + " ura=" + *rel.HolderURA)
	}
	r.Detail = strings.TrimSpace(fmt.Sprintf("kind=%s %s", rel.Kind, holder))
	return r
}

// Import is one import run (a FHIR bundle, an AGB register file): what was imported and how it went.
// Imports that touch one patient's dossier also get a record per patient (ImportedPatient).
func (a Actor) Import(source string, accepted, rejected int, outcome Outcome) Record {
	r := a.record(EventImport, outcome)
	r.Category, r.Detail = "import", fmt.Sprintf("source=%s accepted=%d rejected=%d", source, accepted, rejected)
	return r
}

// ImportedPatient is data of one patient written by an import.
func (a Actor) ImportedPatient(p Patient, source string, categories []access.Category) Record {
	r := a.about(EventImport, Success, p)
	r.Category, r.ObjectIDs, r.Detail = "import", JoinIDs(categories), "source="+source
	return r
}

// AdminAction is something an administrator did; patient is the zero Patient when none is involved.
func (a Actor) AdminAction(action string, p Patient, object, detail string) Record {
	r := a.about(EventAdminAction, Success, p)
	r.Reason, r.Category, r.Detail = action, object, detail
	return r
}

// Report kinds: what part of the log was read.
const (
	ReportPatient     = "patient"      // all accesses to one patient in a period (the patient's right to know)
	ReportOwn         = "own_accesses" // a provider's own recent accesses
	ReportEmergencies = "emergency_review"
)

// Report is a read of the log itself (NEN 7513: reading the log is logged too). For a patient report the
// patient is named, so that the patient's next overview shows that one was made.
func (a Actor) Report(kind string, p Patient, detail string) Record {
	r := a.about(EventReport, Success, p)
	r.Reason, r.Category, r.Detail = kind, "access_log", detail
	return r
}

// Notification is an e-mail digest delivered to the provider's registered address: it told them that
// this many new items wait, and nothing about any patient.
func (a Actor) Notification(items int, address string) Record {
	r := a.record(EventNotification, Success)
	r.Detail = fmt.Sprintf("e-mail digest: %d new item(s) in the portal, sent to %s", items, address)
	return r
}
