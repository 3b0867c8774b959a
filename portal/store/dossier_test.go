package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

func ptr[T any](v T) *T { return &v }

var day0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func at(days int) time.Time { return day0.AddDate(0, 0, days) }

// seedDossier writes two patients with a small dossier each through the import transaction.
func seedDossier(t *testing.T, s *Store) (p1, p2 access.Patient) {
	t.Helper()
	ctx := context.Background()
	err := s.Import(ctx, day0, func(tx *ImportTx) error {
		p1 = access.Patient{BSN: "999993653", PatientNumber: "1001", FamilyName: "Jansen", BirthDate: day0.AddDate(-70, 0, 0), Sex: "male", FHIRID: ptr("p1")}
		p2 = access.Patient{BSN: "999990408", PatientNumber: "1002", FamilyName: "Bakker", BirthDate: day0.AddDate(-8, 0, 0), Sex: "female", FHIRID: ptr("p2")}
		for _, p := range []*access.Patient{&p1, &p2} {
			if err := tx.PutPatient(p); err != nil {
				return err
			}
		}
		for _, e := range []dossier.Encounter{
			{PatientID: p1.ID, Class: dossier.ClassOutpatient, Status: "finished", StartAt: at(-300), EndAt: ptr(at(-300)), FHIRID: ptr("e1")},
			{PatientID: p1.ID, Class: dossier.ClassInpatient, Status: "in-progress", StartAt: at(-3), FHIRID: ptr("e2")},
			{PatientID: p1.ID, Class: dossier.ClassEmergency, Status: "finished", StartAt: at(-1), EndAt: ptr(at(-1)), FHIRID: ptr("e3")},
			{PatientID: p2.ID, Class: dossier.ClassOutpatient, Status: "finished", StartAt: at(-2), FHIRID: ptr("e4")},
		} {
			if err := tx.PutEncounter(&e); err != nil {
				return err
			}
		}
		for i, v := range []float64{41, 37, 33, 29} {
			r := dossier.LabResult{PatientID: p1.ID, CodeSystem: "http://loinc.org", Code: "62238-1", Display: "eGFR", ValueNum: ptr(v),
				Unit: "mL/min", RefLow: ptr(60.0), EffectiveAt: at(-90 * (4 - i)), FHIRID: ptr("egfr" + string(rune('a'+i)))}
			if err := tx.PutLabResult(&r); err != nil {
				return err
			}
		}
		k := dossier.LabResult{PatientID: p1.ID, CodeSystem: "http://loinc.org", Code: "2823-3", Display: "Kalium", ValueNum: ptr(6.1),
			Unit: "mmol/L", RefHigh: ptr(5.0), Interpretation: "H", EffectiveAt: at(-3), FHIRID: ptr("k1")}
		if err := tx.PutLabResult(&k); err != nil {
			return err
		}
		other := dossier.LabResult{PatientID: p2.ID, CodeSystem: "http://loinc.org", Code: "62238-1", Display: "eGFR", ValueNum: ptr(95.0), EffectiveAt: at(-5), FHIRID: ptr("egfr-p2")}
		if err := tx.PutLabResult(&other); err != nil {
			return err
		}
		rep := dossier.Report{PatientID: p1.ID, Kind: dossier.ReportECG, Title: "ECG", Status: "final", EffectiveAt: ptr(at(-3)), FHIRID: ptr("r1")}
		if err := tx.PutReport(&rep, []dossier.Attachment{{AttachmentInfo: dossier.AttachmentInfo{ContentType: "text/plain", Title: "ECG"}, Data: []byte("sinusritme")}}); err != nil {
			return err
		}
		lab := dossier.Report{PatientID: p1.ID, Kind: dossier.ReportLaboratory, Title: "Elektrolyten", Status: "final", EffectiveAt: ptr(at(-3)), FHIRID: ptr("r2")}
		if err := tx.PutReport(&lab, nil); err != nil {
			return err
		}
		l := dossier.Letter{PatientID: p1.ID, Kind: dossier.LetterDischarge, Title: "Ontslagbrief", Status: "final", WrittenAt: at(-1), FHIRID: ptr("l1")}
		if err := tx.PutLetter(&l, []dossier.Attachment{
			{AttachmentInfo: dossier.AttachmentInfo{ContentType: "application/pdf"}, Data: []byte("%PDF-1.4")},
			{AttachmentInfo: dossier.AttachmentInfo{ContentType: "text/plain"}, Data: []byte("tekst")},
		}); err != nil {
			return err
		}
		l2 := dossier.Letter{PatientID: p2.ID, Kind: dossier.LetterSpecialist, Title: "Brief", Status: "final", WrittenAt: at(-1), FHIRID: ptr("l2")}
		if err := tx.PutLetter(&l2, []dossier.Attachment{{AttachmentInfo: dossier.AttachmentInfo{ContentType: "text/plain"}, Data: []byte("van p2")}}); err != nil {
			return err
		}
		for _, tl := range []dossier.TreatmentLimit{
			{PatientID: p1.ID, Description: "Oud", Status: "inactive", RecordedAt: ptr(at(-10)), FHIRID: ptr("t1")},
			{PatientID: p1.ID, Description: "Niet reanimeren", Status: "active", RecordedAt: ptr(at(-20)), FHIRID: ptr("t2")},
		} {
			if err := tx.PutTreatmentLimit(&tl); err != nil {
				return err
			}
		}
		a := dossier.Allergy{PatientID: p1.ID, CodeSystem: dossier.SNOMED, Code: dossier.NoKnownAllergyCode, Display: "Geen allergie bekend", FHIRID: ptr("a1")}
		if err := tx.PutAllergy(&a); err != nil {
			return err
		}
		m := dossier.Medication{PatientID: p1.ID, SourceKind: dossier.FromStatement, Drug: "Metformine", Status: "stopped", StartAt: ptr(at(-900)), StopAt: ptr(at(-100)), StopReason: "nierfunctie", FHIRID: ptr("m1")}
		if err := tx.PutMedication(&m); err != nil {
			return err
		}
		m2 := dossier.Medication{PatientID: p1.ID, SourceKind: dossier.FromRequest, Drug: "Insuline", Status: "active", StartAt: ptr(at(-99)), FHIRID: ptr("m2")}
		return tx.PutMedication(&m2)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p1, p2
}

func TestDossierLists(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	p1, p2 := seedDossier(t, s)

	encs, err := s.Encounters(ctx, p1.ID)
	if err != nil || len(encs) != 3 || !encs[0].IsOpenAdmission() || *encs[1].FHIRID != "e3" || *encs[2].FHIRID != "e1" {
		t.Errorf("encounters (open admission first, then newest): %+v %v", encs, err)
	}
	series, err := s.LabSeries(ctx, p1.ID, "http://loinc.org", "62238-1")
	if err != nil || len(series) != 4 || *series[0].ValueNum != 41 || *series[3].ValueNum != 29 {
		t.Errorf("eGFR series oldest first, only this patient's: %+v %v", series, err)
	}
	for _, r := range series {
		if r.Flag() != dossier.FlagLow {
			t.Errorf("eGFR %v below 60 not flagged low", *r.ValueNum)
		}
	}
	if any, _ := s.LabSeries(ctx, p1.ID, "", "62238-1"); len(any) != 4 {
		t.Errorf("series without code system: %d", len(any))
	}
	tests, err := s.LabTests(ctx, p1.ID)
	if err != nil || len(tests) != 2 || tests[0].Display != "Kalium" || tests[1].Count != 4 || !tests[1].LastAt.Equal(at(-90)) || !tests[1].FirstAt.Equal(at(-360)) {
		t.Errorf("lab tests: %+v %v", tests, err)
	}
	all, _ := s.LabResults(ctx, p1.ID)
	if len(all) != 5 || all[0].Code != "2823-3" {
		t.Errorf("lab results newest first: %+v", all)
	}

	reports, _ := s.Reports(ctx, p1.ID)
	if len(reports) != 2 {
		t.Fatalf("reports: %+v", reports)
	}
	notLab, _ := s.Reports(ctx, p1.ID, dossier.ReportECG, dossier.ReportRadiology)
	if len(notLab) != 1 || notLab[0].Kind != dossier.ReportECG || len(notLab[0].Attachments) != 1 || notLab[0].Attachments[0].Size != int64(len("sinusritme")) {
		t.Errorf("reports filtered by kind with attachments: %+v", notLab)
	}
	rep, err := s.Report(ctx, p1.ID, notLab[0].PublicID)
	if err != nil || len(rep.Attachments) != 1 {
		t.Errorf("report: %+v %v", rep, err)
	}
	if _, err := s.Report(ctx, p2.ID, notLab[0].PublicID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another patient's report: %v", err)
	}

	letters, _ := s.Letters(ctx, p1.ID)
	if len(letters) != 1 || len(letters[0].Attachments) != 2 || letters[0].Attachments[0].ContentType != "application/pdf" || letters[0].Attachments[1].Position != 1 {
		t.Fatalf("letters: %+v", letters)
	}
	letter, err := s.Letter(ctx, p1.ID, letters[0].PublicID)
	if err != nil || len(letter.Attachments) != 2 {
		t.Errorf("letter: %+v %v", letter, err)
	}
	if _, err := s.Letter(ctx, p2.ID, letters[0].PublicID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another patient's letter: %v", err)
	}
	a, err := s.Attachment(ctx, p1.ID, letters[0].Attachments[1].ID)
	if err != nil || string(a.Data) != "tekst" || a.ContentType != "text/plain" {
		t.Errorf("attachment: %+v %v", a, err)
	}
	if _, err := s.Attachment(ctx, p2.ID, letters[0].Attachments[1].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("an attachment read through another patient: %v", err)
	}
	p2letters, _ := s.Letters(ctx, p2.ID)
	if _, err := s.Attachment(ctx, p1.ID, p2letters[0].Attachments[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("p2's attachment read through p1: %v", err)
	}

	limits, _ := s.TreatmentLimits(ctx, p1.ID)
	if len(limits) != 2 || limits[0].Description != "Niet reanimeren" {
		t.Errorf("treatment limits, active first: %+v", limits)
	}
	allergies, _ := s.Allergies(ctx, p1.ID)
	if dossier.AllergyStatusOf(allergies) != dossier.AllergiesNoneKnown {
		t.Errorf("allergy status: %+v", allergies)
	}
	if none, _ := s.Allergies(ctx, p2.ID); dossier.AllergyStatusOf(none) != dossier.AllergiesUnknown {
		t.Errorf("a patient without allergy entries has status %s", dossier.AllergyStatusOf(none))
	}
	meds, _ := s.Medications(ctx, p1.ID)
	if len(meds) != 2 || meds[0].Drug != "Insuline" || !meds[0].IsCurrent(day0) || meds[1].IsCurrent(day0) || meds[1].StopReason != "nierfunctie" {
		t.Errorf("medications: %+v", meds)
	}
	counts, err := s.DossierCounts(ctx, p1.ID)
	want := map[access.Category]int{access.Summary: 2, access.Encounters: 3, access.Problems: 0, access.Allergies: 1,
		access.Medication: 2, access.Lab: 5, access.Reports: 1, access.Letters: 1, access.Imaging: 0}
	if err != nil || len(counts) != len(want) {
		t.Fatalf("counts: %v %v", counts, err)
	}
	for c, n := range want {
		if counts[c] != n {
			t.Errorf("count %s = %d, want %d", c, counts[c], n)
		}
	}
	if n, _ := s.PatientCount(ctx); n != 2 {
		t.Errorf("patient count %d", n)
	}
}

func TestImportTransactionIsAllOrNothing(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Import(ctx, day0, func(tx *ImportTx) error {
		p := access.Patient{BSN: "999993653", PatientNumber: "1", FamilyName: "X", BirthDate: day0, Sex: "male", FHIRID: ptr("p")}
		if err := tx.PutPatient(&p); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if n, _ := s.PatientCount(ctx); n != 0 {
		t.Errorf("a failed import left %d patients", n)
	}
}

func TestAttemptUndoesOnlyTheFailedResource(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	err := s.Import(ctx, day0, func(tx *ImportTx) error {
		kept := access.Patient{BSN: "999993653", PatientNumber: "1", FamilyName: "Kept", BirthDate: day0, Sex: "male", FHIRID: ptr("kept")}
		if err := tx.Attempt(func() error { return tx.PutPatient(&kept) }); err != nil {
			return err
		}
		failed := tx.Attempt(func() error {
			p := access.Patient{BSN: "999990408", PatientNumber: "2", FamilyName: "Undone", BirthDate: day0, Sex: "male", FHIRID: ptr("undone")}
			if err := tx.PutPatient(&p); err != nil {
				return err
			}
			return errors.New("rejected")
		})
		if failed == nil {
			t.Error("Attempt swallowed the error")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := s.AllPatients(ctx)
	if len(ps) != 1 || ps[0].FamilyName != "Kept" {
		t.Errorf("patients: %+v", ps)
	}
}

func TestUpsertsKeepRowIDs(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	p, _ := seedDossier(t, s)
	letters, _ := s.Letters(ctx, p.ID)
	before := letters[0]
	err := s.Import(ctx, day0, func(tx *ImportTx) error {
		// No id given: the letter is found by its FHIR id, its first attachment keeps its id, the second goes.
		l := dossier.Letter{PatientID: p.ID, Kind: dossier.LetterDischarge, Title: "Ontslagbrief v2", Status: "amended", WrittenAt: at(0), FHIRID: ptr("l1")}
		if err := tx.PutLetter(&l, []dossier.Attachment{{AttachmentInfo: dossier.AttachmentInfo{ContentType: "application/pdf"}, Data: []byte("%PDF-1.7")}}); err != nil {
			return err
		}
		if l.ID != before.ID {
			t.Errorf("letter id %d, want %d", l.ID, before.ID)
		}
		// With the id given (found through fhir_resources), the update goes by id.
		e := dossier.Encounter{ID: 2, PatientID: p.ID, Class: dossier.ClassInpatient, Status: "finished", StartAt: at(-3), EndAt: ptr(at(0)), FHIRID: ptr("e2")}
		return tx.PutEncounter(&e)
	})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.Letter(ctx, p.ID, before.PublicID)
	if after.Title != "Ontslagbrief v2" || len(after.Attachments) != 1 || after.Attachments[0].ID != before.Attachments[0].ID {
		t.Errorf("letter after update: %+v", after)
	}
	encs, _ := s.Encounters(ctx, p.ID)
	for _, e := range encs {
		if e.IsOpenAdmission() {
			t.Errorf("the admission was not closed by its update: %+v", e)
		}
	}
}

func TestRelationshipsFromTheImport(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	p, _ := seedDossier(t, s)
	rel := func(ref, ura string) *access.Relationship {
		return &access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: ptr(ura), Kind: access.RegisteredGP,
			Source: "fhir", SourceRef: ptr(ref), ValidFrom: day0}
	}
	put := func(fn func(tx *ImportTx) error) {
		t.Helper()
		if err := s.Import(ctx, day0, fn); err != nil {
			t.Fatal(err)
		}
	}
	put(func(tx *ImportTx) error {
		if err := tx.PutRelationship(rel("Patient/p1|gp|ura:90000101", "90000101")); err != nil {
			return err
		}
		return tx.PutRelationship(rel("Patient/p1|gp|ura:90000102", "90000102"))
	})
	// The source names only the second practice now: the first ends.
	put(func(tx *ImportTx) error {
		n, err := tx.EndRelationshipsNotIn("Patient/p1|gp|", []string{"Patient/p1|gp|ura:90000102"}, "changed GP")
		if n != 1 {
			t.Errorf("%d relationships ended, want 1", n)
		}
		return err
	})
	hist, _ := s.RelationshipHistory(ctx, p.ID)
	if len(hist) != 2 || hist[0].EndedAt == nil || *hist[0].EndedBy != ImportedBy || hist[1].EndedAt != nil {
		t.Fatalf("history: %+v", hist)
	}
	// Named again by the source: opened again, because the import ended it.
	put(func(tx *ImportTx) error { return tx.PutRelationship(rel("Patient/p1|gp|ura:90000101", "90000101")) })
	hist, _ = s.RelationshipHistory(ctx, p.ID)
	if hist[0].EndedAt != nil {
		t.Errorf("a relationship the import ended was not reopened: %+v", hist[0])
	}
	// Ended by a person in the portal: a re-import leaves it ended.
	if _, err := s.write.ExecContext(ctx, `UPDATE relationships SET ended_at = ?, ended_by = 'admin 900100011', end_reason = 'wrong' WHERE id = ?`, day0, hist[0].ID); err != nil {
		t.Fatal(err)
	}
	put(func(tx *ImportTx) error { return tx.PutRelationship(rel("Patient/p1|gp|ura:90000101", "90000101")) })
	hist, _ = s.RelationshipHistory(ctx, p.ID)
	if hist[0].EndedAt == nil || *hist[0].EndedBy != "admin 900100011" {
		t.Errorf("a relationship ended by a person was reopened by the import: %+v", hist[0])
	}
	if from, err := func() (time.Time, error) {
		var f time.Time
		err := s.Import(ctx, day0, func(tx *ImportTx) error {
			var err error
			f, err = tx.RelationshipValidFrom("Patient/p1|gp|ura:90000102")
			return err
		})
		return f, err
	}(); err != nil || !from.Equal(day0) {
		t.Errorf("valid from %v, %v", from, err)
	}
}

func TestIdentityLookups(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	err := s.Import(ctx, day0, func(tx *ImportTx) error {
		if _, err := tx.Identity("Practitioner", "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown identity: %v", err)
		}
		a := FHIRIdentity{ResourceType: "Practitioner", FHIRID: "a", Target: TargetPractitioners}
		a.RowID.Int64, a.RowID.Valid = 7, true
		if err := tx.RecordIdentity(a, []FHIRIdentifier{{System: "agb", Value: "01012345"}, {System: "uzi", Value: "900100001"}}, false); err != nil {
			return err
		}
		b := FHIRIdentity{ResourceType: "Medication", FHIRID: "a", ContentType: "application/json", Content: []byte(`{"drug":"x"}`)}
		if err := tx.RecordIdentity(b, nil, false); err != nil {
			return err
		}
		got, err := tx.Identity("Practitioner", "a")
		if err != nil || got.RowID.Int64 != 7 || got.Target != TargetPractitioners {
			t.Errorf("identity: %+v %v", got, err)
		}
		byID, _ := tx.IdentitiesByID("a")
		if len(byID) != 2 {
			t.Errorf("by id alone: %+v", byID)
		}
		byAGB, _ := tx.IdentitiesByIdentifier("Practitioner", "agb", "01012345")
		anySystem, _ := tx.IdentitiesByIdentifier("Practitioner", "", "900100001")
		if len(byAGB) != 1 || len(anySystem) != 1 {
			t.Errorf("by identifier: %+v %+v", byAGB, anySystem)
		}
		// Re-recorded without the UZI number: the old identifiers go.
		if err := tx.RecordIdentity(a, []FHIRIdentifier{{System: "agb", Value: "01012345"}}, true); err != nil {
			return err
		}
		if gone, _ := tx.IdentitiesByIdentifier("Practitioner", "uzi", "900100001"); len(gone) != 0 {
			t.Errorf("a dropped identifier still resolves: %+v", gone)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
