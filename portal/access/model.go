// Package access holds the model of who may see what — patients, treatment relationships, consent, data
// categories — and the one pure decision over it. It imports nothing that does I/O, so that the decision
// can be tested as a table over every combination and reasoned about on its own.
package access

import (
	"time"
	_ "time/tzdata" // birthdays and the days of the forms are Dutch calendar days on any host

	"zorgverlenersportaal/portal/dutchname"
)

// Patient is the person whose hospital dossier a provider wants to see.
type Patient struct {
	ID            int64      `db:"id"`
	BSN           string     `db:"bsn"`
	BSNSynthetic  bool       `db:"bsn_synthetic"`
	PatientNumber string     `db:"patient_number"`
	FamilyName    string     `db:"family_name"`
	FamilyPrefix  string     `db:"family_prefix"`
	GivenNames    string     `db:"given_names"`
	Initials      string     `db:"initials"`
	BirthDate     time.Time  `db:"birth_date"`
	Sex           string     `db:"sex"`
	Deceased      bool       `db:"deceased"`
	DeceasedAt    *time.Time `db:"deceased_at"`
	FHIRID        *string    `db:"fhir_id"`
	CreatedAt     time.Time  `db:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at"`

	// PartnerName, PartnerPrefix, NameOrder (NL1-NL4) and CallingName complete the name as zib
	// NameInformation records it; FamilyName and FamilyPrefix are the patient's own family name.
	PartnerName   string `db:"partner_name"`
	PartnerPrefix string `db:"partner_prefix"`
	NameOrder     string `db:"name_order"`
	CallingName   string `db:"calling_name"`
	// PublicID is the id that addresses carry (portal/publicid): random, so that an address does not let
	// anyone count through the hospital's patients. ID stays internal and in the access log.
	PublicID string `db:"public_id"`
}

// AgeOn gives the patient's age in whole years on a day; the consent rules for minors turn on it. The day
// is taken as it reads in the location of day; use AgeAt for a moment.
func (p Patient) AgeOn(day time.Time) int {
	by, bm, bd := p.BirthDate.Date()
	y, m, d := day.Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// AgeAt gives the patient's age at a moment, counted in Dutch calendar days: a child born on 3 May turns
// twelve at midnight in Amsterdam, whatever the server's time zone.
func (p Patient) AgeAt(moment time.Time) int {
	return p.AgeOn(moment.In(Amsterdam))
}

// BirthdayMoment is the moment (midnight in Amsterdam) the patient turns age years. A child born on
// 29 February turns twelve on 1 March in a year without that day, the same day AgeAt counts.
func (p Patient) BirthdayMoment(age int) time.Time {
	y, m, d := p.BirthDate.Date()
	return time.Date(y+age, m, d, 0, 0, 0, 0, Amsterdam)
}

// Name is the patient's name in its Dutch parts; every screen writes a patient's name through it, so
// that the family name in use (own, partner's, or both in the recorded order) is the same everywhere.
func (p Patient) Name() dutchname.Name {
	return dutchname.Name{
		OwnPrefix: p.FamilyPrefix, OwnName: p.FamilyName,
		PartnerPrefix: p.PartnerPrefix, PartnerName: p.PartnerName,
		Order:      dutchname.ParseOrder(p.NameOrder),
		GivenNames: p.GivenNames, Initials: p.Initials, CallingName: p.CallingName,
	}
}

// DisplayName is the name on one line as the screens and logs write it (dutchname.Name.Full).
func (p Patient) DisplayName() string {
	return p.Name().Full()
}

// Amsterdam is the time zone in which birthdays, the days staff type into forms and the dates on the
// screens are counted. The zone database is embedded, so it does not depend on the host.
var Amsterdam = mustLoadLocation("Europe/Amsterdam")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // the embedded zone database has every zone; this cannot happen
	}
	return loc
}

// Sex values as stored; they follow FHIR administrative gender.
const (
	SexMale    = "male"
	SexFemale  = "female"
	SexOther   = "other"
	SexUnknown = "unknown"
)

// RelationshipKind says how a treatment relationship came about; it decides its default lifetime and is
// shown to the provider as the basis of access.
type RelationshipKind string

// The kinds of treatment relationship of DESIGN.md §3.
const (
	RegisteredGP       RelationshipKind = "registered_gp"
	PharmacyOfRecord   RelationshipKind = "pharmacy"
	Referrer           RelationshipKind = "referrer"
	DischargeRecipient RelationshipKind = "discharge_recipient"
	Invited            RelationshipKind = "invited"
	Covering           RelationshipKind = "covering"
	Emergency          RelationshipKind = "emergency"
)

// RelationshipKinds lists every kind in the order the screens show them.
var RelationshipKinds = []RelationshipKind{RegisteredGP, PharmacyOfRecord, Referrer, DischargeRecipient, Invited, Covering, Emergency}

// HolderKind says whether one provider or a whole organisation holds a relationship.
type HolderKind string

// Holders: one provider by AGB code, or one organisation by URA (every admitted card of that URA acts for it).
const (
	HolderProvider     HolderKind = "provider"
	HolderOrganisation HolderKind = "organisation"
)

// Relationship is one treatment relationship between a patient and a provider or organisation. For a
// covering relationship (waarneming) the holder is the covering practice and MandateURA the organisation
// whose patient it is and which gave the mandate.
type Relationship struct {
	ID         int64            `db:"id"`
	PatientID  int64            `db:"patient_id"`
	HolderKind HolderKind       `db:"holder_kind"`
	HolderAGB  *string          `db:"holder_agb"`
	HolderURA  *string          `db:"holder_ura"`
	HolderName string           `db:"holder_name"`
	Kind       RelationshipKind `db:"kind"`
	MandateURA *string          `db:"mandate_ura"`
	Source     string           `db:"source"`
	SourceRef  *string          `db:"source_ref"`
	ValidFrom  time.Time        `db:"valid_from"`
	ValidUntil *time.Time       `db:"valid_until"`
	Reason     string           `db:"reason"`
	CreatedBy  string           `db:"created_by"`
	CreatedAt  time.Time        `db:"created_at"`
	EndedAt    *time.Time       `db:"ended_at"`
	EndedBy    *string          `db:"ended_by"`
	EndReason  *string          `db:"end_reason"`
}

// RecipientCategory is the kind of provider a patient consents to share with (the way of sharing, not
// per document).
type RecipientCategory string

// The recipient categories of DESIGN.md §3.
const (
	Huisartsen               RecipientCategory = "huisartsen"
	Apotheken                RecipientCategory = "apotheken"
	MedischSpecialisten      RecipientCategory = "medisch_specialisten"
	OuderenGehandicaptenzorg RecipientCategory = "ouderen_gehandicaptenzorg"
	VerplegingThuiszorg      RecipientCategory = "verpleging_thuiszorg"
)

// RecipientCategories lists every category in the order the consent screen shows them.
var RecipientCategories = []RecipientCategory{Huisartsen, Apotheken, MedischSpecialisten, OuderenGehandicaptenzorg, VerplegingThuiszorg}

// ConsentStatus is what the patient decided; withdrawn ends an earlier grant and counts as no.
type ConsentStatus string

// Consent statuses. No record at all means no, too.
const (
	ConsentGranted   ConsentStatus = "granted"
	ConsentRefused   ConsentStatus = "refused"
	ConsentWithdrawn ConsentStatus = "withdrawn"
)

// Registrant says who gave a consent decision: it matters for minors (WGBO).
type Registrant string

// Who registered a consent decision.
const (
	ByPatient        Registrant = "patient"
	ByRepresentative Registrant = "representative"
	ByBoth           Registrant = "both"
)

// Channel says how a consent decision reached the hospital.
type Channel string

// Consent channels.
const (
	ChannelDesk          Channel = "desk"
	ChannelPatientPortal Channel = "patient_portal"
	ChannelForm          Channel = "form"
	ChannelImport        Channel = "import"
)

// Consent is one registered consent decision; the newest per (patient, category) is in force.
type Consent struct {
	ID           int64             `db:"id"`
	PatientID    int64             `db:"patient_id"`
	Category     RecipientCategory `db:"category"`
	Status       ConsentStatus     `db:"status"`
	RegisteredBy Registrant        `db:"registered_by"`
	Channel      Channel           `db:"channel"`
	GivenAt      time.Time         `db:"given_at"`
	RecordedBy   string            `db:"recorded_by"`
	RecordedAt   time.Time         `db:"recorded_at"`
	Note         string            `db:"note"`
	SourceRef    *string           `db:"source_ref"`
}

// Category is a kind of dossier data; a provider's role decides which categories they may see.
type Category string

// The data categories of DESIGN.md §3, in the order of the dossier tabs.
const (
	Summary    Category = "summary"
	Encounters Category = "encounters"
	Problems   Category = "problems"
	Allergies  Category = "allergies"
	Medication Category = "medication"
	Lab        Category = "lab"
	Reports    Category = "reports"
	Letters    Category = "letters"
	Imaging    Category = "imaging"
)

// Categories lists every data category in tab order.
var Categories = []Category{Summary, Encounters, Problems, Allergies, Medication, Lab, Reports, Letters, Imaging}
