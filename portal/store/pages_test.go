package store_test

import (
	"fmt"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// TestMyPatientsInPages: reading "my patients" page by page gives exactly the full list, in the same order
// (newest relationship first, by id among equals), whatever the page size: relationships held in person
// and through the organisation merged, ended, expired and future ones left out, ties on valid_from kept
// apart by id.
func TestMyPatientsInPages(t *testing.T) {
	f := newFixture(t)
	const agbCode, ura = "01012345", "90000101"
	err := f.st.BulkLoad(f.ctx, func(b *store.Bulk) error {
		for i := range 60 {
			birth := time.Date(1950+i%40, 1, 1, 0, 0, 0, 0, time.UTC)
			id, err := b.Patient(access.Patient{BSN: fmt.Sprintf("%09d", 100000000+i), PatientNumber: fmt.Sprintf("T%03d", i), FamilyName: "Test",
				BirthDate: birth, Sex: access.SexFemale, CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
			from := now.Add(-time.Duration(i%7) * day) // many ties on valid_from
			rel := access.Relationship{PatientID: id, Kind: access.RegisteredGP, Source: "test", ValidFrom: from, CreatedBy: "test", CreatedAt: from}
			switch i % 5 {
			case 0, 1:
				rel.HolderKind, rel.HolderURA = access.HolderOrganisation, ptr(ura)
			case 2:
				rel.HolderKind, rel.HolderAGB, rel.Kind, rel.ValidUntil = access.HolderProvider, ptr(agbCode), access.Invited, ptr(now.Add(10*day))
			case 3:
				rel.HolderKind, rel.HolderURA = access.HolderOrganisation, ptr("90000102") // another practice
			case 4:
				rel.HolderKind, rel.HolderURA = access.HolderOrganisation, ptr(ura)
				switch i % 3 {
				case 0:
					rel.EndedAt, rel.EndedBy, rel.EndReason = ptr(now.Add(-time.Hour)), ptr("test"), ptr("moved")
				case 1:
					rel.Kind, rel.ValidUntil = access.Invited, ptr(now.Add(-time.Hour)) // expired
				case 2:
					rel.ValidFrom, rel.CreatedAt = now.Add(day), now.Add(day) // not yet valid
				}
			}
			if err := b.Relationship(rel); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.st.RelationshipsForProvider(f.ctx, agbCode, ura, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 36 { // 24 by the organisation, 12 in person
		t.Fatalf("my patients: %d relationships, want 36", len(all))
	}
	for _, size := range []int{1, 5, 7, 36, 37, 500} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []access.PatientRelationship
			var cursor *store.RelationshipCursor
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				page, err := f.st.RelationshipsForProviderPage(f.ctx, agbCode, ura, now, cursor, size)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Items) > size {
					t.Fatalf("a page of %d holds %d", size, len(page.Items))
				}
				got = append(got, page.Items...)
				if page.Next == nil {
					break
				}
				cursor = page.Next
			}
			if len(got) != len(all) {
				t.Fatalf("pages gave %d relationships, the full list %d", len(got), len(all))
			}
			for i := range all {
				if got[i].Relationship.ID != all[i].Relationship.ID || got[i].Patient.ID != all[i].Patient.ID {
					t.Fatalf("item %d: relationship %d, want %d", i, got[i].Relationship.ID, all[i].Relationship.ID)
				}
			}
		})
	}
	if page, err := f.st.RelationshipsForProviderPage(f.ctx, "", "", now, nil, 10); err != nil || len(page.Items) != 0 {
		t.Fatalf("no holder: %+v %v", page, err)
	}
}
