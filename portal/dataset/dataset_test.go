package dataset_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

var moment = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func providerOf(t *testing.T, card string) access.Provider {
	t.Helper()
	c, err := devpki.CardByName(card)
	if err != nil {
		t.Fatal(err)
	}
	return access.Provider{UZI: c.UZINumber, AGB: c.AGB, URA: c.URA, Role: c.Role}
}

// TestGeneratedDataSet generates a small data set and checks that it is what the load test needs: valid
// and unique BSNs, dossiers with lab series, medication and letters with attachments, rows that satisfy
// every constraint of the schema, patients that each load card may open, and an access log whose chain
// verifies.
func TestGeneratedDataSet(t *testing.T) {
	st := open(t)
	const patients, records = 400, 3000
	var progress []dataset.Progress
	res, err := dataset.Generate(t.Context(), st, dataset.Options{Patients: patients, LogRecords: records, Seed: 7, Now: moment, ChunkSize: 150,
		Progress: func(p dataset.Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Patients != patients || res.FirstID != 1 || res.LastID != patients || res.LogRecords != records || res.Rows["patients"] != patients {
		t.Fatalf("result %+v", res)
	}
	if len(progress) != 3+1 { // three chunks of patients, one batch of records
		t.Errorf("progress reported %d times: %+v", len(progress), progress)
	}
	if err := st.IntegrityCheck(t.Context()); err != nil {
		t.Fatalf("the generated rows break the schema: %v", err)
	}
	if n, _ := st.PatientCount(t.Context()); n != patients {
		t.Fatalf("%d patients in the database", n)
	}

	bsns := map[string]bool{}
	pol := access.DefaultPolicy()
	now := moment
	visible := map[string]int{}
	cards := []string{devpki.CardGP, devpki.CardGPOther, devpki.CardPharmacist, devpki.CardSpecialist, devpki.CardElderlyCarePhysician, devpki.CardNurse}
	var labs, letters, meds, withSeries int
	for id := res.FirstID; id <= res.LastID; id++ {
		f, err := st.PatientFacts(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		p := f.Patient
		if !access.ValidBSN(p.BSN) || bsns[p.BSN] || p.BSN != dataset.BSN(id) || p.PatientNumber != dataset.PatientNumber(id) || !p.BSNSynthetic {
			t.Fatalf("patient %d: BSN %q (valid %v, seen %v), number %q", id, p.BSN, access.ValidBSN(p.BSN), bsns[p.BSN], p.PatientNumber)
		}
		bsns[p.BSN] = true
		if p.BirthDate.After(now) || p.FamilyName == "" {
			t.Fatalf("patient %d: %+v", id, p)
		}
		for _, card := range cards {
			if d := pol.Decide(providerOf(t, card), f, access.Summary, now); d.Allowed {
				visible[card]++
			}
		}
		lab, err := st.LabResults(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		labs += len(lab)
		tests, err := st.LabTests(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, lt := range tests {
			if lt.Count >= 3 {
				withSeries++
				break
			}
		}
		ls, err := st.Letters(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			letters++
			if len(l.Attachments) != 1 || l.Attachments[0].ContentType != dossier.ContentHTML || l.Attachments[0].Size < 300 {
				t.Fatalf("letter %d of patient %d: attachments %+v", l.ID, id, l.Attachments)
			}
			a, err := st.Attachment(t.Context(), id, l.Attachments[0].ID)
			if err != nil || len(a.Data) != int(a.Size) {
				t.Fatalf("attachment of letter %d: %v", l.ID, err)
			}
		}
		ms, err := st.Medications(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		meds += len(ms)
	}
	if withSeries != patients {
		t.Errorf("%d of %d patients have a lab series of 3 or more values", withSeries, patients)
	}
	if labs < 8*patients || letters < patients/2 || meds < patients {
		t.Errorf("thin dossiers: %d lab results, %d letters, %d medications for %d patients", labs, letters, meds, patients)
	}
	// Every load card finds patients it may open; the gp card (De Linde) most of all.
	if visible[devpki.CardGP] < patients*7/10 {
		t.Errorf("the gp card may open %d of %d patients", visible[devpki.CardGP], patients)
	}
	for _, card := range cards {
		if visible[card] == 0 {
			t.Errorf("the %s card may open none of the patients", card)
		}
	}

	v, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
	if err != nil || v.Records != records {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	recs, err := st.AccessRecordsAfter(t.Context(), 0, records)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := time.Parse(audit.TimeLayout, recs[0].At)
	last, _ := time.Parse(audit.TimeLayout, recs[len(recs)-1].At)
	if !first.Before(last) || !last.Before(now) || now.Sub(first) > 366*24*time.Hour {
		t.Errorf("records from %s to %s, want the year before %s", recs[0].At, recs[len(recs)-1].At, now)
	}
	// The log names generated patients exactly: a patient's report finds its records.
	named := 0
	for _, r := range recs {
		if r.PatientBSN != "" {
			if !bsns[r.PatientBSN] {
				t.Fatalf("record %d names BSN %s, which no generated patient has", r.ID, r.PatientBSN)
			}
			named++
		}
	}
	if named < records*9/10 {
		t.Errorf("only %d of %d records name a patient", named, records)
	}

	// A second generation continues after the first: new ids, new BSNs, the same chain.
	res2, err := dataset.Generate(t.Context(), st, dataset.Options{Patients: 10, LogRecords: 10, Seed: 7, Now: moment})
	if err != nil || res2.FirstID != patients+1 {
		t.Fatalf("second generation: %+v, %v", res2, err)
	}
	if v, err := audit.Verify(t.Context(), st, audit.VerifyOptions{}); err != nil || v.Records != records+10 {
		t.Fatalf("verify after the second generation: %+v, %v", v, err)
	}
}

// TestGenerationIsDeterministic: the same seed gives the same patients, another seed others.
func TestGenerationIsDeterministic(t *testing.T) {
	patientsOf := func(seed uint64) []access.Patient {
		st := open(t)
		if _, err := dataset.Generate(t.Context(), st, dataset.Options{Patients: 30, Seed: seed, Now: moment}); err != nil {
			t.Fatal(err)
		}
		var out []access.Patient
		for id := int64(1); id <= 30; id++ {
			p, err := st.Patient(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
			out = append(out, p)
		}
		return out
	}
	a, b, c := patientsOf(3), patientsOf(3), patientsOf(4)
	same, differ := true, false
	for i := range a {
		same = same && a[i].FamilyName == b[i].FamilyName && a[i].BirthDate.Equal(b[i].BirthDate) && a[i].GivenNames == b[i].GivenNames
		differ = differ || a[i].FamilyName != c[i].FamilyName || !a[i].BirthDate.Equal(c[i].BirthDate)
	}
	if !same || !differ {
		t.Fatalf("same seed same data: %v; other seed other data: %v", same, differ)
	}
}

func TestBSNsAreValidAndUnique(t *testing.T) {
	seen := map[string]int64{}
	for id := int64(1); id <= 200_000; id++ {
		b := dataset.BSN(id)
		if !access.ValidBSN(b) || len(b) != 9 {
			t.Fatalf("BSN(%d) = %s is not valid", id, b)
		}
		if other, dup := seen[b]; dup {
			t.Fatalf("BSN(%d) = BSN(%d) = %s", id, other, b)
		}
		seen[b] = id
	}
	if _, err := dataset.Generate(context.Background(), open(t), dataset.Options{Patients: -1}); err == nil {
		t.Error("a negative patient count was accepted")
	}
}
