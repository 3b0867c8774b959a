package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func ptr[T any](v T) *T { return &v }

type fixture struct {
	st  *store.Store
	log *audit.Log
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := audit.New(st)
	log.Now = func() time.Time { return now }
	return &fixture{st: st, log: log, ctx: context.Background()}
}

func (f *fixture) patient(t *testing.T, bsn, number string, birth time.Time) access.Patient {
	t.Helper()
	p, err := f.st.CreatePatient(f.ctx, access.Patient{BSN: bsn, PatientNumber: number, FamilyName: "Jansen", GivenNames: "Piet", BirthDate: birth, Sex: access.SexMale}, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) entry(event audit.Event) store.LogEntry {
	return f.log.Entry(audit.Record{Event: event, Outcome: audit.Success, User: audit.User{Name: "Karin Dekker", UZI: "900100011"}})
}

func (f *fixture) records(t *testing.T) []store.AccessRecord {
	t.Helper()
	recs, err := f.st.AccessRecordsAfter(f.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCreatePatientChecksTheBSNAndFindsByBSNAndBirthDate(t *testing.T) {
	f := newFixture(t)
	birth := time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC)
	p := f.patient(t, "999993847", "P001", birth)
	if !p.BirthDate.Equal(birth) || p.BSN != "999993847" {
		t.Fatalf("patient %+v", p)
	}
	_, err := f.st.CreatePatient(f.ctx, access.Patient{BSN: "999993848", PatientNumber: "P002", FamilyName: "X", BirthDate: birth, Sex: access.SexFemale}, now)
	if access.ReasonOf(err) != access.ReasonInvalidBSN {
		t.Fatalf("a BSN failing the elfproef: %v", err)
	}
	_, err = f.st.CreatePatient(f.ctx, access.Patient{BSN: "999993847", PatientNumber: "P003", FamilyName: "X", BirthDate: birth, Sex: access.SexFemale}, now)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a duplicate BSN: %v", err)
	}
	got, err := f.st.PatientByBSNAndBirthDate(f.ctx, "999993847", birth)
	if err != nil || got.ID != p.ID {
		t.Fatalf("search: %+v %v", got, err)
	}
	if _, err := f.st.PatientByBSNAndBirthDate(f.ctx, "999993847", birth.AddDate(0, 0, 1)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong birth date: %v", err)
	}
}

// TestConsentChangesAreCheckedAndLoggedInOneTransaction: a registration that breaks the minors' rules
// writes nothing; one that passes writes the consent and its log record together; and when the log
// record cannot be written, the consent is not written either.
func TestConsentChangesAreCheckedAndLoggedInOneTransaction(t *testing.T) {
	f := newFixture(t)
	child := f.patient(t, "999990408", "P010", time.Date(2013, 1, 20, 0, 0, 0, 0, time.UTC)) // 13 on 15 June 2026
	c := access.Consent{PatientID: child.ID, Category: access.Huisartsen, Status: access.ConsentGranted, RegisteredBy: access.ByRepresentative,
		Channel: access.ChannelDesk, GivenAt: now, RecordedBy: "Karin Dekker", RecordedAt: now}
	_, err := f.st.RegisterConsent(f.ctx, c, f.entry(audit.EventConsentChange))
	if access.ReasonOf(err) != access.ReasonMinor12To15 {
		t.Fatalf("parent alone for a 13-year-old: %v", err)
	}
	if h, _ := f.st.ConsentHistory(f.ctx, child.ID); len(h) != 0 || len(f.records(t)) != 0 {
		t.Fatalf("a refused registration wrote %d consents, %d log records", len(h), len(f.records(t)))
	}
	c.RegisteredBy = access.ByBoth
	saved, err := f.st.RegisterConsent(f.ctx, c, f.entry(audit.EventConsentChange))
	if err != nil {
		t.Fatal(err)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Event != "consent_change" || recs[0].PatientBSN != "999990408" || recs[0].ObjectIDs != "1" || recs[0].UserUZI != "900100011" {
		t.Fatalf("log %+v", recs)
	}
	if saved.ID != 1 {
		t.Fatalf("saved %+v", saved)
	}

	// A log record that cannot be written (its hash collides with the last one) takes the change with it.
	broken := f.entry(audit.EventConsentChange)
	broken.Chain = func(prev string, r *store.AccessRecord) { r.PrevHash, r.Hash = prev, recs[0].Hash }
	w := c
	w.Status, w.RegisteredBy, w.GivenAt, w.RecordedAt = access.ConsentWithdrawn, access.ByPatient, now.Add(time.Minute), now.Add(time.Minute)
	if _, err := f.st.RegisterConsent(f.ctx, w, broken); !errors.Is(err, store.ErrLogNotWritten) {
		t.Fatalf("withdrawal with an unwritable log record: %v", err)
	}
	facts, err := f.st.PatientFacts(f.ctx, child.ID)
	if err != nil {
		t.Fatal(err)
	}
	if state, _ := facts.CurrentConsent(access.Huisartsen, now.Add(time.Hour)); state != access.ConsentStateGranted || len(facts.Consents) != 1 {
		t.Fatalf("the withdrawal was written without its log record: %s, %d records", state, len(facts.Consents))
	}
	if _, err := f.st.RegisterConsent(f.ctx, w, store.LogEntry{Record: store.AccessRecord{Event: "consent_change"}}); !errors.Is(err, store.ErrLogNotWritten) {
		t.Fatalf("a change without a log record: %v", err)
	}
	if _, err := f.st.RegisterConsent(f.ctx, w, f.entry(audit.EventConsentChange)); err != nil {
		t.Fatal(err)
	}
	facts, _ = f.st.PatientFacts(f.ctx, child.ID)
	if state, _ := facts.CurrentConsent(access.Huisartsen, now.Add(time.Hour)); state != access.ConsentStateWithdrawn {
		t.Fatalf("after withdrawal: %s", state)
	}
	if h, _ := f.st.ConsentHistory(f.ctx, child.ID); len(h) != 2 || h[0].Status != access.ConsentWithdrawn {
		t.Fatalf("history %+v", h)
	}
}

func TestRelationshipsAddReplaceEndAndMyPatients(t *testing.T) {
	f := newFixture(t)
	p := f.patient(t, "999993847", "P001", time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC))
	q := f.patient(t, "999911120", "P002", time.Date(1970, 3, 1, 0, 0, 0, 0, time.UTC))
	gp := access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: ptr("90000101"), HolderName: "De Linde",
		Kind: access.RegisteredGP, Source: "admin", ValidFrom: now.Add(-100 * day), CreatedBy: "Karin Dekker", CreatedAt: now.Add(-100 * day)}
	first, err := f.st.AddRelationship(f.ctx, gp, f.entry(audit.EventRelationshipChange))
	if err != nil {
		t.Fatal(err)
	}
	invited := access.Relationship{PatientID: q.ID, HolderKind: access.HolderProvider, HolderAGB: ptr("01012345"), Kind: access.Invited,
		Source: "admin", ValidFrom: now.Add(-day), ValidUntil: ptr(now.Add(29 * day)), CreatedBy: "Karin Dekker", CreatedAt: now}
	if _, err := f.st.AddRelationship(f.ctx, invited, f.entry(audit.EventRelationshipChange)); err != nil {
		t.Fatal(err)
	}
	mine, err := f.st.RelationshipsForProvider(f.ctx, "01012345", "90000101", now)
	if err != nil || len(mine) != 2 {
		t.Fatalf("my patients: %+v %v", mine, err)
	}
	if other, _ := f.st.RelationshipsForProvider(f.ctx, "01034567", "90000102", now); len(other) != 0 {
		t.Fatalf("another practice sees %+v", other)
	}
	if later, _ := f.st.RelationshipsForProvider(f.ctx, "01012345", "", now.Add(30*day)); len(later) != 0 {
		t.Fatalf("an expired invitation is still listed: %+v", later)
	}

	// The patient changes GP practice: the old registration ends when the new one starts.
	gp2 := gp
	gp2.HolderURA, gp2.HolderName, gp2.ValidFrom, gp2.CreatedAt = ptr("90000102"), "Het Anker", now, now
	second, err := f.st.AddRelationship(f.ctx, gp2, f.entry(audit.EventRelationshipChange))
	if err != nil {
		t.Fatal(err)
	}
	rels, _ := f.st.Relationships(f.ctx, p.ID)
	for _, r := range rels {
		switch r.ID {
		case first.ID:
			if r.StateAt(now) != access.RelationshipEnded || r.EndReason == nil || !strings.Contains(*r.EndReason, "replaced") {
				t.Errorf("old registration %+v", r)
			}
		case second.ID:
			if r.StateAt(now) != access.RelationshipActive || r.ValidUntil != nil {
				t.Errorf("new registration %+v", r)
			}
		}
	}

	ended, err := f.st.EndRelationship(f.ctx, store.RelationshipEnd{ID: second.ID, PatientID: p.ID, By: "Karin Dekker", Reason: "patient verhuisd", At: now.Add(time.Hour)}, f.entry(audit.EventRelationshipChange))
	if err != nil || ended.StateAt(now.Add(time.Hour)) != access.RelationshipEnded {
		t.Fatalf("end: %+v %v", ended, err)
	}
	_, err = f.st.EndRelationship(f.ctx, store.RelationshipEnd{ID: second.ID, PatientID: p.ID, By: "Karin Dekker", Reason: "nog eens", At: now.Add(2 * time.Hour)}, f.entry(audit.EventRelationshipChange))
	if access.ReasonOf(err) != access.ReasonRelationshipAlreadyEnded {
		t.Fatalf("ending twice: %v", err)
	}
	_, err = f.st.EndRelationship(f.ctx, store.RelationshipEnd{ID: second.ID, PatientID: q.ID, By: "Karin Dekker", Reason: "x", At: now}, f.entry(audit.EventRelationshipChange))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ending through another patient: %v", err)
	}
	emergency := invited
	emergency.Kind = access.Emergency
	if _, err := f.st.AddRelationship(f.ctx, emergency, f.entry(audit.EventRelationshipChange)); access.ReasonOf(err) != access.ReasonEmergencyOnlyByProcedure {
		t.Fatalf("an emergency relationship by hand: %v", err)
	}
	recs := f.records(t)
	if len(recs) != 4 || recs[3].ObjectIDs != "3" || recs[3].PatientBSN != "999993847" {
		t.Fatalf("log %+v", recs)
	}
}

// TestEmergencyProcedureAndReview: a refused consent blocks the procedure (nothing written); with
// consent it creates a 24-hour personal relationship, listed for review until reviewed once.
func TestEmergencyProcedureAndReview(t *testing.T) {
	f := newFixture(t)
	pol := access.DefaultPolicy()
	p := f.patient(t, "999993847", "P001", time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC))
	specialist := access.Provider{UZI: "900100012", Name: "Lars van Dijk", AGB: "03012345", URA: "90000601", Role: "01.016"}
	reason := "Patiënt bewusteloos op onze SEH, medicatie en allergieën onbekend"
	req := access.EmergencyRequest{Category: access.EmergencyUnableToCommunicate, Reason: reason}
	consent := access.Consent{PatientID: p.ID, Category: access.MedischSpecialisten, Status: access.ConsentRefused, RegisteredBy: access.ByPatient,
		Channel: access.ChannelDesk, GivenAt: now.Add(-day), RecordedBy: "balie", RecordedAt: now}
	if _, err := f.st.RegisterConsent(f.ctx, consent, f.entry(audit.EventConsentChange)); err != nil {
		t.Fatal(err)
	}
	_, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, p.ID, req, now, f.entry(audit.EventEmergencyAccess))
	if access.ReasonOf(err) != access.ReasonConsentRefused {
		t.Fatalf("emergency despite a refusal: %v", err)
	}
	if list, _ := f.st.EmergencyAccesses(f.ctx, true); len(list) != 0 {
		t.Fatalf("refused procedure left %+v", list)
	}
	consent.Status, consent.GivenAt = access.ConsentGranted, now.Add(-time.Hour)
	if _, err := f.st.RegisterConsent(f.ctx, consent, f.entry(audit.EventConsentChange)); err != nil {
		t.Fatal(err)
	}
	rel, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, p.ID, req, now, f.entry(audit.EventEmergencyAccess))
	if err != nil {
		t.Fatal(err)
	}
	if rel.Kind != access.Emergency || rel.ValidUntil == nil || !rel.ValidUntil.Equal(now.Add(24*time.Hour)) || rel.Reason != reason {
		t.Fatalf("emergency relationship %+v", rel)
	}
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, p.ID, req, now, f.entry(audit.EventEmergencyAccess)); access.ReasonOf(err) != access.ReasonRelationshipExists {
		t.Fatalf("a second emergency while the first runs: %v", err)
	}
	list, err := f.st.EmergencyAccesses(f.ctx, false)
	if err != nil || len(list) != 1 || list[0].Patient.ID != p.ID || list[0].Review != nil {
		t.Fatalf("to review: %+v %v", list, err)
	}
	if d := list[0].Details; d == nil || d.Category != access.EmergencyUnableToCommunicate || d.PriorState != "" || d.PriorRelationshipID != nil {
		t.Fatalf("details for the review: %+v", d)
	}
	review := access.EmergencyReview{RelationshipID: rel.ID, ReviewedAt: now.Add(day), ReviewedBy: "Karin Dekker", Note: "Terecht: SEH-opname bevestigd"}
	if err := f.st.ReviewEmergency(f.ctx, review, f.entry(audit.EventAdminAction)); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReviewEmergency(f.ctx, review, f.entry(audit.EventAdminAction)); access.ReasonOf(err) != access.ReasonAlreadyReviewed {
		t.Fatalf("reviewed twice: %v", err)
	}
	if list, _ := f.st.EmergencyAccesses(f.ctx, false); len(list) != 0 {
		t.Fatalf("still to review: %+v", list)
	}
	all, _ := f.st.EmergencyAccesses(f.ctx, true)
	if len(all) != 1 || all[0].Review == nil || all[0].Review.Note != review.Note {
		t.Fatalf("all: %+v", all)
	}
	gp := access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: ptr("90000101"), Kind: access.RegisteredGP,
		Source: "admin", ValidFrom: now, CreatedBy: "Karin Dekker", CreatedAt: now}
	ordinary, err := f.st.AddRelationship(f.ctx, gp, f.entry(audit.EventRelationshipChange))
	if err != nil {
		t.Fatal(err)
	}
	review.RelationshipID = ordinary.ID
	if err := f.st.ReviewEmergency(f.ctx, review, f.entry(audit.EventAdminAction)); access.ReasonOf(err) != access.ReasonNotEmergency {
		t.Fatalf("reviewing an ordinary relationship: %v", err)
	}
}

// TestEmergencyCapAndPriorRelationship: an emergency over the provider's own expired relationship needs
// the provider's acknowledgement and is recorded with it for the review; the daily cap counts the
// provider's emergencies of the last 24 hours, in the same transaction, whatever the patient.
func TestEmergencyCapAndPriorRelationship(t *testing.T) {
	f := newFixture(t)
	pol := access.DefaultPolicy()
	pol.Emergency.MaxPerDay = 2
	specialist := access.Provider{UZI: "900100012", Name: "Lars van Dijk", AGB: "03012345", URA: "90000601", Role: "01.016"}
	req := access.EmergencyRequest{Category: access.EmergencyOutOfHours, Reason: "Avonddienst, patiënt kortademig, recente ontslagmedicatie onbekend"}
	bsns := []string{"999993847", "999993653", "999999151", "999993926"}
	patients := make([]access.Patient, len(bsns))
	for i, bsn := range bsns {
		patients[i] = f.patient(t, bsn, fmt.Sprintf("P%03d", i+1), time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC))
		consent := access.Consent{PatientID: patients[i].ID, Category: access.MedischSpecialisten, Status: access.ConsentGranted, RegisteredBy: access.ByPatient,
			Channel: access.ChannelDesk, GivenAt: now.Add(-40 * day), RecordedBy: "balie", RecordedAt: now.Add(-40 * day)}
		if _, err := f.st.RegisterConsent(f.ctx, consent, f.entry(audit.EventConsentChange)); err != nil {
			t.Fatal(err)
		}
	}
	until := now.Add(-3 * day)
	invited, err := f.st.AddRelationship(f.ctx, access.Relationship{PatientID: patients[0].ID, HolderKind: access.HolderProvider,
		HolderAGB: ptr(specialist.AGB), HolderName: specialist.Name, Kind: access.Invited, Source: "admin",
		ValidFrom: now.Add(-30 * day), ValidUntil: &until, CreatedBy: "Karin Dekker", CreatedAt: now.Add(-30 * day)}, f.entry(audit.EventRelationshipChange))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, patients[0].ID, req, now, f.entry(audit.EventEmergencyAccess)); access.ReasonOf(err) != access.ReasonEmergencyPriorNotAcknowledged {
		t.Fatalf("an emergency silently over an expired relationship: %v", err)
	}
	acknowledged := req
	acknowledged.AcknowledgedPrior = true
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, patients[0].ID, acknowledged, now, f.entry(audit.EventEmergencyAccess)); err != nil {
		t.Fatal(err)
	}
	list, err := f.st.EmergencyAccesses(f.ctx, false)
	if err != nil || len(list) != 1 || list[0].Details == nil {
		t.Fatalf("to review: %+v %v", list, err)
	}
	if d := list[0].Details; d.PriorState != access.RelationshipExpired || d.PriorKind != access.Invited || d.PriorRelationshipID == nil ||
		*d.PriorRelationshipID != invited.ID || d.PriorAt == nil || !d.PriorAt.Equal(until) || d.Category != access.EmergencyOutOfHours {
		t.Fatalf("the review does not show the expired relationship: %+v", d)
	}
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, patients[1].ID, req, now.Add(time.Hour), f.entry(audit.EventEmergencyAccess)); err != nil {
		t.Fatal(err)
	}
	if recent, err := f.st.RecentEmergencies(f.ctx, specialist.AGB, now.Add(2*time.Hour)); err != nil || len(recent) != 2 || !recent[0].Equal(now) || !recent[1].Equal(now.Add(time.Hour)) {
		t.Fatalf("recent emergencies %v, %v", recent, err)
	}
	before := len(f.records(t))
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, patients[2].ID, req, now.Add(2*time.Hour), f.entry(audit.EventEmergencyAccess)); access.ReasonOf(err) != access.ReasonEmergencyCapReached {
		t.Fatalf("a third emergency within 24 hours with a cap of two: %v", err)
	}
	if rels, _ := f.st.Relationships(f.ctx, patients[2].ID); len(rels) != 0 || len(f.records(t)) != before {
		t.Fatalf("the refused emergency left %+v", rels)
	}
	other := specialist
	other.AGB, other.UZI = "03099999", "900100099"
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, other, patients[2].ID, req, now.Add(2*time.Hour), f.entry(audit.EventEmergencyAccess)); err != nil {
		t.Fatalf("another provider's cap counted this one's emergencies: %v", err)
	}
	// 24 hours after the first emergency, one place is free again.
	if _, err := f.st.CreateEmergencyRelationship(f.ctx, pol, specialist, patients[3].ID, req, now.Add(24*time.Hour+time.Minute), f.entry(audit.EventEmergencyAccess)); err != nil {
		t.Fatalf("the cap does not roll over: %v", err)
	}
}
