package portal

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// adminPatientPage is the hospital's view of one patient's consent and relationships, with the forms to
// change them. A form that was refused comes back with the values typed and what is wrong.
type adminPatientPage struct {
	Patient  access.Patient
	Age      int
	Deciders access.Registrant
	Consents []consentRow
	// HasGranted says whether any category has consent in force, i.e. whether there is something to withdraw.
	HasGranted    bool
	History       []access.Consent
	Relationships []relationshipRow
	Grant         consentForm
	Withdraw      consentForm
	Relation      relationshipForm
	// EndForm is the end form of one relationship that came back with an error.
	EndForm endForm
	// Saved names what was just changed (a message key suffix), for the confirmation.
	Saved string
	Today string

	Recipients  []access.RecipientCategory
	Registrants []access.Registrant
	Channels    []access.Channel
	Kinds       []access.RelationshipKind
	Lifetimes   map[access.RelationshipKind]int
}

// consentRow is where consent for one recipient category stands now.
type consentRow struct {
	Category access.RecipientCategory
	State    access.ConsentState
	Record   *access.Consent
	LapsesAt *time.Time
}

// relationshipRow is one relationship with its state now.
type relationshipRow struct {
	access.Relationship
	State access.RelationshipState
}

// consentForm is the form that registers a grant or refusal, or a withdrawal.
type consentForm struct {
	Category     string
	Status       string
	RegisteredBy string
	Channel      string
	GivenOn      string
	Note         string
	Errors       fieldErrors
	Rule         access.Reason
}

// relationshipForm is the form that adds a relationship.
type relationshipForm struct {
	Kind       string
	HolderKind string
	HolderCode string
	HolderName string
	MandateURA string
	ValidFrom  string
	ValidUntil string
	Reason     string
	Errors     fieldErrors
	Rule       access.Reason
}

// endForm is the form that ends one relationship.
type endForm struct {
	ID     int64
	Reason string
	Error  string
	Rule   access.Reason
}

// savedKeys are the confirmations a redirect may ask for; anything else in the query is ignored.
var savedKeys = []string{"consent", "withdrawn", "relationship", "ended"}

// showAdminPatient shows a patient's consent (now and its history) and relationships. Staff looking at
// them is logged like any other look at a patient.
func (s *Server) showAdminPatient(c echo.Context) error {
	page := adminPatientPage{}
	if saved := c.QueryParam("saved"); slices.Contains(savedKeys, saved) {
		page.Saved = saved
	}
	return s.renderAdminPatient(c, page, http.StatusOK, true)
}

func (s *Server) renderAdminPatient(c echo.Context, page adminPatientPage, status int, logView bool) error {
	ctx := c.Request().Context()
	pub, err := pathPublicID(c, "id")
	if err != nil {
		return err
	}
	facts, err := s.store.PatientFactsByPublicID(ctx, pub)
	if err != nil {
		return err
	}
	now := s.now()
	if logView {
		p := c.Get(ctxProvider).(*auth.Provider)
		if err := s.audit.Append(ctx, audit.Record{Event: audit.EventAdminAction, Outcome: audit.Success, User: auditUser(*p),
			PatientBSN: facts.Patient.BSN, PatientNumber: facts.Patient.PatientNumber,
			Source: s.auditSource(c, p.Fingerprint), Detail: "administration: view consent and relationships"}); err != nil {
			return err
		}
	}
	page.Patient = facts.Patient
	page.Age = facts.Patient.AgeAt(now)
	page.Deciders = access.Deciders(page.Age)
	page.Today = dayValue(now)
	page.History = facts.ConsentHistory()
	for _, cat := range access.RecipientCategories {
		state, rec := facts.CurrentConsent(cat, now)
		row := consentRow{Category: cat, State: state, Record: rec}
		if rec != nil && state == access.ConsentStateGranted {
			row.LapsesAt = rec.LapsesAt(facts.Patient)
			page.HasGranted = true
		}
		page.Consents = append(page.Consents, row)
	}
	for i := len(facts.Relationships) - 1; i >= 0; i-- { // newest first
		r := facts.Relationships[i]
		page.Relationships = append(page.Relationships, relationshipRow{Relationship: r, State: r.StateAt(now)})
	}
	page.Recipients, page.Registrants, page.Channels = access.RecipientCategories, access.Registrants, access.Channels
	for _, k := range access.RelationshipKinds {
		if k != access.Emergency {
			page.Kinds = append(page.Kinds, k)
		}
	}
	page.Lifetimes = map[access.RelationshipKind]int{}
	for k, d := range s.policy.Lifetimes {
		page.Lifetimes[k] = int(d / (24 * time.Hour))
	}
	if page.Grant.GivenOn == "" {
		page.Grant.GivenOn = page.Today
	}
	if page.Withdraw.GivenOn == "" {
		page.Withdraw.GivenOn = page.Today
	}
	if page.Relation.ValidFrom == "" {
		page.Relation.ValidFrom = page.Today
	}
	return s.views.render(c, status, "admin_patient", s.page(c, "admin.patient.title", page))
}

// readConsentForm reads the grant/refuse or withdraw form; withdraw fixes the status.
func readConsentForm(c echo.Context, withdraw bool) consentForm {
	f := consentForm{
		Category:     formValue(c, "category"),
		Status:       formValue(c, "status"),
		RegisteredBy: formValue(c, "registered_by"),
		Channel:      formValue(c, "channel"),
		GivenOn:      formValue(c, "given_on"),
		Note:         formValue(c, "note"),
		Errors:       fieldErrors{},
	}
	if withdraw {
		f.Status = string(access.ConsentWithdrawn)
	}
	if !access.RecipientCategory(f.Category).Valid() {
		f.Errors["category"] = "admin.error.category"
	}
	if st := access.ConsentStatus(f.Status); !st.Valid() || (!withdraw && st == access.ConsentWithdrawn) {
		f.Errors["status"] = "admin.error.status"
	}
	if !access.Registrant(f.RegisteredBy).Valid() {
		f.Errors["registered_by"] = "admin.error.registered_by"
	}
	if !slices.Contains(access.Channels, access.Channel(f.Channel)) {
		f.Errors["channel"] = "admin.error.channel"
	}
	if _, ok := parseDay(f.GivenOn); !ok {
		f.Errors["given_on"] = "admin.error.date"
	}
	if len(f.Note) > 1000 {
		f.Errors["note"] = "admin.error.too_long"
	}
	return f
}

// consentRuleFields says which field a consent rule is about, so that the message stands next to it.
var consentRuleFields = map[access.Reason]string{
	access.ReasonMinorUnder12:      "registered_by",
	access.ReasonMinor12To15:       "registered_by",
	access.ReasonPatient16OrOlder:  "registered_by",
	access.ReasonGivenInFuture:     "given_on",
	access.ReasonGivenBeforeBirth:  "given_on",
	access.ReasonNothingToWithdraw: "category",

	access.ReasonWithdrawalBeforeGrant: "given_on",
}

// registerConsent registers a grant or refusal; changeConsent does the work for withdrawals too.
func (s *Server) registerConsent(c echo.Context) error { return s.changeConsent(c, false) }

// withdrawConsent withdraws a grant; it counts from the provider's very next request.
func (s *Server) withdrawConsent(c echo.Context) error { return s.changeConsent(c, true) }

func (s *Server) changeConsent(c echo.Context, withdraw bool) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	pub, err := pathPublicID(c, "id")
	if err != nil {
		return err
	}
	patient, err := s.store.PatientByPublicID(ctx, pub)
	if err != nil {
		return err
	}
	id := patient.ID
	form := readConsentForm(c, withdraw)
	page := adminPatientPage{}
	back := func(status int) error {
		if withdraw {
			page.Withdraw = form
		} else {
			page.Grant = form
		}
		return s.renderAdminPatient(c, page, status, false)
	}
	if form.Errors.Any() {
		return back(http.StatusUnprocessableEntity)
	}
	now := s.now()
	day, _ := parseDay(form.GivenOn)
	consent := access.Consent{
		PatientID:    id,
		Category:     access.RecipientCategory(form.Category),
		Status:       access.ConsentStatus(form.Status),
		RegisteredBy: access.Registrant(form.RegisteredBy),
		Channel:      access.Channel(form.Channel),
		GivenAt:      momentOf(day, now),
		RecordedBy:   access.OperatorName(accessProvider(*p)),
		RecordedAt:   now,
		Note:         form.Note,
	}
	detail := fmt.Sprintf("consent %s for %s, registered by %s via %s, given %s", consent.Status, consent.Category,
		consent.RegisteredBy, consent.Channel, form.GivenOn)
	_, err = s.store.RegisterConsent(ctx, consent, s.adminEntry(c, audit.EventConsentChange, detail))
	if reason := access.ReasonOf(err); reason != "" {
		if err := s.logAdminRefusal(c, audit.EventConsentChange, patient, reason, detail); err != nil {
			return err
		}
		form.Rule = reason
		if field, ok := consentRuleFields[reason]; ok {
			form.Errors[field] = "access.reason." + string(reason)
		}
		return back(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	saved := "consent"
	if withdraw {
		saved = "withdrawn"
	}
	return c.Redirect(http.StatusSeeOther, adminPatientPath(patient)+"?saved="+saved+"#consent")
}

// relationshipRuleFields says which field a relationship rule is about.
var relationshipRuleFields = map[access.Reason]string{
	access.ReasonUnknownKind:              "kind",
	access.ReasonEmergencyOnlyByProcedure: "kind",
	access.ReasonHolderKind:               "holder_kind",
	access.ReasonHolderAGB:                "holder_code",
	access.ReasonHolderURA:                "holder_code",
	access.ReasonMandateURA:               "mandate_ura",
	access.ReasonMandateSelf:              "mandate_ura",
	access.ReasonMandateNotCovering:       "mandate_ura",
	access.ReasonValidFromMissing:         "valid_from",
	access.ReasonUntilBeforeFrom:          "valid_until",
}

// addRelationship registers a relationship; without an end date the kind's default lifetime applies
// (the registered GP practice and the pharmacy of record last until changed).
func (s *Server) addRelationship(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	pub, err := pathPublicID(c, "id")
	if err != nil {
		return err
	}
	patient, err := s.store.PatientByPublicID(ctx, pub)
	if err != nil {
		return err
	}
	id := patient.ID
	form := relationshipForm{
		Kind:       formValue(c, "kind"),
		HolderKind: formValue(c, "holder_kind"),
		HolderCode: formValue(c, "holder_code"),
		HolderName: formValue(c, "holder_name"),
		MandateURA: formValue(c, "mandate_ura"),
		ValidFrom:  formValue(c, "valid_from"),
		ValidUntil: formValue(c, "valid_until"),
		Reason:     formValue(c, "reason"),
		Errors:     fieldErrors{},
	}
	back := func(status int) error {
		return s.renderAdminPatient(c, adminPatientPage{Relation: form}, status, false)
	}
	kind := access.RelationshipKind(form.Kind)
	if !kind.Valid() || kind == access.Emergency {
		form.Errors["kind"] = "admin.error.kind"
	}
	if form.HolderKind != string(access.HolderProvider) && form.HolderKind != string(access.HolderOrganisation) {
		form.Errors["holder_kind"] = "admin.error.holder_kind"
	}
	from, ok := parseDay(form.ValidFrom)
	if !ok {
		form.Errors["valid_from"] = "admin.error.date"
	}
	var until *time.Time
	if form.ValidUntil != "" {
		last, ok := parseDay(form.ValidUntil)
		if !ok {
			form.Errors["valid_until"] = "admin.error.date"
		} else {
			end := last.AddDate(0, 0, 1) // the last day counts in full
			until = &end
		}
	}
	if len(form.Reason) > 1000 || len(form.HolderName) > 200 {
		form.Errors["reason"] = "admin.error.too_long"
	}
	if form.Errors.Any() {
		return back(http.StatusUnprocessableEntity)
	}
	now := s.now()
	r := access.Relationship{
		PatientID:  id,
		HolderKind: access.HolderKind(form.HolderKind),
		HolderName: form.HolderName,
		Kind:       kind,
		Source:     "admin",
		ValidFrom:  momentOf(from, now),
		ValidUntil: until,
		Reason:     form.Reason,
		CreatedBy:  access.OperatorName(accessProvider(*p)),
		CreatedAt:  now,
	}
	code := form.HolderCode
	if r.HolderKind == access.HolderProvider {
		r.HolderAGB = &code
	} else {
		r.HolderURA = &code
	}
	if form.MandateURA != "" {
		mandate := form.MandateURA
		r.MandateURA = &mandate
	}
	if r.ValidUntil == nil {
		r.ValidUntil = s.policy.DefaultUntil(kind, r.ValidFrom)
	}
	detail := fmt.Sprintf("add %s relationship held by %s %s", r.Kind, r.HolderKind, code)
	_, err = s.store.AddRelationship(ctx, r, s.adminEntry(c, audit.EventRelationshipChange, detail))
	if reason := access.ReasonOf(err); reason != "" {
		if err := s.logAdminRefusal(c, audit.EventRelationshipChange, patient, reason, detail); err != nil {
			return err
		}
		form.Rule = reason
		if field, ok := relationshipRuleFields[reason]; ok {
			form.Errors[field] = "access.reason." + string(reason)
		}
		return back(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminPatientPath(patient)+"?saved=relationship#relationships")
}

// endRelationship ends a relationship now; from the provider's next request it opens nothing.
func (s *Server) endRelationship(c echo.Context) error {
	p := c.Get(ctxProvider).(*auth.Provider)
	ctx := c.Request().Context()
	pub, err := pathPublicID(c, "id")
	if err != nil {
		return err
	}
	relID, err := pathID(c, "rid")
	if err != nil {
		return err
	}
	patient, err := s.store.PatientByPublicID(ctx, pub)
	if err != nil {
		return err
	}
	id := patient.ID
	form := endForm{ID: relID, Reason: formValue(c, "end_reason")}
	if form.Reason == "" || len(form.Reason) > 1000 {
		form.Error = "admin.error.end_reason"
		return s.renderAdminPatient(c, adminPatientPage{EndForm: form}, http.StatusUnprocessableEntity, false)
	}
	detail := fmt.Sprintf("end relationship %d: %s", relID, form.Reason)
	_, err = s.store.EndRelationship(ctx, store.RelationshipEnd{ID: relID, PatientID: id, By: access.OperatorName(accessProvider(*p)),
		Reason: form.Reason, At: s.now()}, s.adminEntry(c, audit.EventRelationshipChange, detail))
	if reason := access.ReasonOf(err); reason != "" {
		if err := s.logAdminRefusal(c, audit.EventRelationshipChange, patient, reason, detail); err != nil {
			return err
		}
		form.Rule = reason
		form.Error = "access.reason." + string(reason)
		return s.renderAdminPatient(c, adminPatientPage{EndForm: form}, http.StatusUnprocessableEntity, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminPatientPath(patient)+"?saved=ended#relationships")
}
