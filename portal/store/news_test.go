package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

// TestSeenItemsDecideWhatIsNew: news is what happened after the provider last saw the item. An item seen
// before it happened (an encounter seen before its discharge) is still news; a later look takes it away
// and an older moment never brings it back; a look by one provider leaves another's news alone; kinds that cannot be
// news are ignored; the news comes newest first and within the window.
func TestSeenItemsDecideWhatIsNew(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if _, err := dataset.Generate(ctx, st, dataset.Options{Patients: 300, Seed: 1, Now: now}); err != nil {
		t.Fatal(err)
	}
	gp, _ := devpki.CardByName(devpki.CardGP)
	since := now.AddDate(0, 0, -30)
	news := func(uzi string) []store.NewsItem {
		t.Helper()
		items, err := st.NewsFor(ctx, uzi, gp.AGB, gp.URA, since, now, 100000)
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	all := news(gp.UZINumber)
	if len(all) == 0 {
		t.Fatal("the generated practice has no news")
	}
	for i, it := range all {
		if it.At.After(now) || !it.At.After(since) {
			t.Errorf("item %+v outside the window", it)
		}
		if i > 0 && it.At.After(all[i-1].At) {
			t.Fatal("news not newest first")
		}
	}
	// The newest item; an encounter's discharge behaves the same as a letter: the moment it happened.
	discharge := &all[0]
	has := func(items []store.NewsItem, kind store.NewsKind, id int64) bool {
		for _, it := range items {
			if it.Kind == kind && it.ItemID == id {
				return true
			}
		}
		return false
	}
	mark := func(at time.Time, items ...store.SeenItem) {
		t.Helper()
		if err := st.MarkSeen(ctx, gp.UZINumber, discharge.PatientID, items, at); err != nil {
			t.Fatal(err)
		}
	}
	enc := store.SeenItem{Kind: discharge.ItemKind, ID: discharge.ItemID}
	mark(discharge.At.Add(-time.Hour), enc, store.SeenItem{Kind: "medication", ID: 1})
	if !has(news(gp.UZINumber), discharge.Kind, discharge.ItemID) {
		t.Error("an item seen before it happened is no longer news")
	}
	mark(discharge.At.Add(time.Minute), enc)
	if has(news(gp.UZINumber), discharge.Kind, discharge.ItemID) {
		t.Error("the item is still news after the provider saw it")
	}
	mark(discharge.At.Add(-48*time.Hour), enc)
	if has(news(gp.UZINumber), discharge.Kind, discharge.ItemID) {
		t.Error("an older look moved the moment back")
	}
	if other := news("900999999"); !has(other, discharge.Kind, discharge.ItemID) {
		t.Error("one provider's look took away another's news")
	}
	byPatient, err := st.NewsOfPatients(ctx, "900999999", []int64{discharge.PatientID}, since, now)
	if err != nil || !has(byPatient, discharge.Kind, discharge.ItemID) {
		t.Errorf("news of the patient: %v, %d items", err, len(byPatient))
	}
	for _, it := range byPatient {
		if it.PatientID != discharge.PatientID {
			t.Errorf("news of patient %d among patient %d's", it.PatientID, discharge.PatientID)
		}
	}
}
