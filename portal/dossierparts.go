package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// This file holds the data of the dossier's partial templates (views/partials: banner, tabs, labflag,
// badge, trend), so that a screen only fills these structs from the store and calls the partial:
//
//	{{template "banner" part .Lang .Data.Banner}}
//	{{template "tabs" part .Lang .Data.Tabs}}
//	<td>{{.Value}} {{template "labflag" part $.Lang .Flag}}</td>
//	{{template "badge" part $.Lang (statusBadge .Status)}}
//	{{template "trend" part .Lang .Data.Trend}}

// Part hands a partial its data together with the page's language, which every partial needs for its
// words; the template function part builds it.
type Part struct {
	Lang string
	Data any
}

// AllergyStatus is what the banner says about allergies. "Nothing recorded" and "recorded that there
// are none" are different facts for a prescriber, so they are different values.
type AllergyStatus string

// Allergy statuses.
const (
	AllergiesUnknown   AllergyStatus = "unknown"
	AllergiesNoneKnown AllergyStatus = "none"
	AllergiesPresent   AllergyStatus = "present"
)

// PatientBanner is the data of the patient banner, the first thing on every dossier tab.
type PatientBanner struct {
	GivenNames string
	// GivenNames and FamilyName are the name as dutchname.Name writes it: FamilyName is the family name in
	// use with its voorvoegsels ("van Putten-van der Giessen"); the banner emphasises it.
	FamilyName    string
	PatientNumber string
	BirthDate     time.Time
	// Age is in whole years today, or at death for a deceased patient.
	Age int
	// BSN is formatted for reading aloud over the phone: 1234.56.782.
	BSN             string
	Sex             string
	Allergy         AllergyStatus
	Allergies       []string
	Deceased        bool
	DeceasedAt      *time.Time
	TreatmentLimits []string
	// Minor is set for a living patient under 18: who decides about consent (WGBO) and how a provider
	// talks to the family depend on it, so the banner says it.
	Minor bool
	// AllergiesHidden and LimitsHidden leave out what the provider's role may not see: the allergy
	// status belongs to the allergies category, the treatment limits to the summary.
	AllergiesHidden bool
	LimitsHidden    bool

	// Directives are the treatment directives in force (zib TreatmentDirective2), shown with the
	// treatment limits; AdvanceDirectives the advance directives (wilsverklaringen); Alerts the alerts
	// in force (zib Alert). All three belong to the summary category, like the treatment limits.
	Directives        []BannerDirective
	AdvanceDirectives []BannerDirective
	Alerts            []BannerAlert
}

// BannerDirective is a treatment directive as the banner says it: the treatment, the decision taken
// about it, and when and with whom it was agreed.
type BannerDirective struct {
	Treatment     string
	Decision      dossier.Decision
	Specification string
	AgreedAt      *time.Time
	AgreedWith    string
	Comment       string
}

// BannerAlert is an alert as the banner says it.
type BannerAlert struct {
	Text     string
	Category string
	Since    *time.Time
	// ContraIndication marks a medication contra-indication.
	ContraIndication bool
}

// BannerClinical is what the banner shows beyond the patient record itself: allergies and active
// treatment limits (behandelbeperkingen), as the store's queries return them.
type BannerClinical struct {
	// Allergies names each recorded allergy or intolerance.
	Allergies []string
	// NoKnownAllergies is true when "no known allergies" was recorded explicitly.
	NoKnownAllergies bool
	// TreatmentLimits describes each active treatment limit ("Niet reanimeren").
	TreatmentLimits []string
	// Directives, AdvanceDirectives and Alerts are those in force (see PatientBanner).
	Directives        []BannerDirective
	AdvanceDirectives []BannerDirective
	Alerts            []BannerAlert
}

// NewPatientBanner builds the banner of a patient on a day (the age is counted in Dutch time).
func NewPatientBanner(p access.Patient, clinical BannerClinical, now time.Time) PatientBanner {
	name := p.Name()
	b := PatientBanner{
		GivenNames:      name.Given(),
		FamilyName:      name.Family(),
		PatientNumber:   p.PatientNumber,
		BirthDate:       p.BirthDate,
		BSN:             formatBSN(p.BSN),
		Sex:             p.Sex,
		Allergies:       clinical.Allergies,
		Deceased:        p.Deceased,
		DeceasedAt:      p.DeceasedAt,
		TreatmentLimits: clinical.TreatmentLimits,

		Directives:        clinical.Directives,
		AdvanceDirectives: clinical.AdvanceDirectives,
		Alerts:            clinical.Alerts,
	}
	switch {
	case len(clinical.Allergies) > 0:
		b.Allergy = AllergiesPresent
	case clinical.NoKnownAllergies:
		b.Allergy = AllergiesNoneKnown
	default:
		b.Allergy = AllergiesUnknown
	}
	switch b.Sex {
	case access.SexMale, access.SexFemale, access.SexOther:
	default:
		b.Sex = access.SexUnknown
	}
	day := now
	if p.Deceased && p.DeceasedAt != nil {
		day = *p.DeceasedAt
	}
	b.Age = p.AgeOn(day.In(amsterdam))
	b.Minor = !p.Deceased && b.Age < 18
	return b
}

// formatBSN groups a nine-digit BSN as 1234.56.782, the way it is printed on Dutch documents.
func formatBSN(bsn string) string {
	if len(bsn) != 9 {
		return bsn
	}
	return bsn[:4] + "." + bsn[4:6] + "." + bsn[6:]
}

// DossierTab is one tab of the dossier: a data category the provider may see.
type DossierTab struct {
	Category access.Category
	Href     string
	Current  bool
}

// DossierTabs lists the tabs of the permitted categories in the order of access.Categories, marking the
// current one. href gives each category's address.
func DossierTabs(permitted []access.Category, current access.Category, href func(access.Category) string) []DossierTab {
	allowed := map[access.Category]bool{}
	for _, c := range permitted {
		allowed[c] = true
	}
	var tabs []DossierTab
	for _, c := range access.Categories {
		if allowed[c] {
			tabs = append(tabs, DossierTab{Category: c, Href: href(c), Current: c == current})
		}
	}
	return tabs
}

// LabFlag is how a lab value relates to its reference range, as the lab table shows it.
type LabFlag string

// Lab flags; the empty flag is a normal value.
const (
	LabNormal       LabFlag = ""
	LabHigh         LabFlag = "high"
	LabLow          LabFlag = "low"
	LabCriticalHigh LabFlag = "critical-high"
	LabCriticalLow  LabFlag = "critical-low"
	LabAbnormal     LabFlag = "abnormal"
)

// LabFlagOf takes the laboratory's interpretation (FHIR ObservationInterpretation: H, HH, HU, L, LL, LU,
// A, AA, N) when there is one, because its range may differ from the one stored; without one it compares
// the value with the range. Any of value, low and high may be nil.
func LabFlagOf(interpretation string, value, low, high *float64) LabFlag {
	switch strings.ToUpper(strings.TrimSpace(interpretation)) {
	case "H", "HU", ">":
		return LabHigh
	case "HH":
		return LabCriticalHigh
	case "L", "LU", "<":
		return LabLow
	case "LL":
		return LabCriticalLow
	case "A", "AA":
		return LabAbnormal
	case "N":
		return LabNormal
	}
	switch {
	case value == nil:
		return LabNormal
	case high != nil && *value > *high:
		return LabHigh
	case low != nil && *value < *low:
		return LabLow
	}
	return LabNormal
}

// Flagged reports whether the value deserves a flag at all.
func (f LabFlag) Flagged() bool { return f != LabNormal }

// Symbol is the arrow the table shows: up for high, down for low, doubled when critical.
func (f LabFlag) Symbol() string {
	switch f {
	case LabHigh:
		return "↑"
	case LabCriticalHigh:
		return "↑↑"
	case LabLow:
		return "↓"
	case LabCriticalLow:
		return "↓↓"
	case LabAbnormal:
		return "!"
	}
	return ""
}

// Class is the CSS modifier of the flag.
func (f LabFlag) Class() string { return string(f) }

// Key is the message key of the word a screen reader says instead of the arrow.
func (f LabFlag) Key() string { return "labflag." + string(f) }

// Badge is a status shown as a word in a coloured outline.
type Badge struct {
	Key  string // message key of the word
	Tone string // CSS modifier: final, preliminary, amended, cancelled, error, neutral
}

// badgeTones maps the FHIR statuses of reports, letters and medication to the badge tone.
var badgeTones = map[string]string{
	"final": "final", "current": "final", "active": "final", "completed": "final",
	"preliminary": "preliminary", "partial": "preliminary", "registered": "preliminary", "on-hold": "preliminary",
	"amended": "amended", "corrected": "amended", "appended": "amended",
	"cancelled": "cancelled", "stopped": "cancelled", "superseded": "cancelled",
	"entered-in-error": "error",
}

// badgeKeys maps statuses that share a word to it.
var badgeKeys = map[string]string{
	"current": "final", "partial": "preliminary", "registered": "preliminary", "corrected": "amended", "appended": "amended",
}

// StatusBadge gives the badge of a status as stored; an unknown status gets a neutral badge that says
// so, rather than a guess.
func StatusBadge(status string) Badge {
	status = strings.ToLower(strings.TrimSpace(status))
	tone, ok := badgeTones[status]
	if !ok {
		return Badge{Key: "status.other", Tone: "neutral"}
	}
	if k, ok := badgeKeys[status]; ok {
		status = k
	}
	return Badge{Key: "status." + status, Tone: tone}
}

// partial renders one partial template on its own in a language, with the functions of every page; the
// template gets Part{Lang: lang, Data: data}, as a page passes it with {{template name (part $l data)}}.
func (r *renderer) partial(name, lang string, data any) (template.HTML, error) {
	for _, t := range r.set(lang) {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, Part{Lang: lang, Data: data}); err != nil {
			return "", fmt.Errorf("views: render partial %s: %w", name, err)
		}
		return template.HTML(buf.String()), nil
	}
	return "", fmt.Errorf("views: no pages parsed")
}

// RenderPartial renders one partial template (views/partials) for a language on its own. The browser
// tests use it to check components with the real stylesheet before a screen uses them; fragments for
// progressive enhancement can use it later.
func (s *Server) RenderPartial(name, lang string, data any) (template.HTML, error) {
	return s.views.partial(name, lang, data)
}
