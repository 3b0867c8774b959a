package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"zorgverlenersportaal/agb"
)

func sampleRegistrations() []agb.Registration {
	return []agb.Registration{
		{Code: "01001001", Kind: agb.KindOnderneming, Name: "Huisartsenpraktijk De Linde", Start: agb.MustDate(2004, 1, 1), Status: agb.StatusActive},
		{Code: "01012345", Kind: agb.KindZorgverlener, Surname: "Vries", Prefix: "de", Initials: "A.", GivenName: "Anna",
			Start: agb.MustDate(2008, 3, 1), Status: agb.StatusActive,
			Qualifications: []agb.Qualification{{Code: "0101", Start: agb.MustDate(2008, 3, 1)}, {Code: "0110", Start: agb.MustDate(2012, 1, 1), End: agb.MustDate(2020, 12, 31)}},
			Relations:      []agb.Relation{{OtherCode: "01001001", Kind: agb.RelationEmployment, Role: "eigenaar", Start: agb.MustDate(2008, 3, 1)}}},
	}
}

func TestImportAGBRegisterRoundTripsAndUpdatesInPlace(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	regs := sampleRegistrations()
	sum, err := s.ImportAGBRegister(ctx, regs, time.Now(), nil)
	if err != nil || sum.Added != 2 || sum.Updated != 0 || sum.Qualifications != 2 || sum.Relations != 1 {
		t.Fatalf("first import: %+v, %v", sum, err)
	}
	got, err := s.AGBRegistration(ctx, "01012345")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, regs[1]) {
		t.Fatalf("read back\n got %+v\nwant %+v", got, regs[1])
	}

	// Re-import: the registration ends, its qualifications and relations are the file's (replaced).
	changed := regs[1].Clone()
	changed.End, changed.Status = agb.MustDate(2025, 6, 30), agb.StatusEnded
	changed.Qualifications = []agb.Qualification{{Code: "0101", Start: agb.MustDate(2008, 3, 1), End: agb.MustDate(2025, 6, 30)}}
	changed.Relations = nil
	sum, err = s.ImportAGBRegister(ctx, []agb.Registration{changed}, time.Now(), nil)
	if err != nil || sum.Added != 0 || sum.Updated != 1 {
		t.Fatalf("re-import: %+v, %v", sum, err)
	}
	got, _ = s.AGBRegistration(ctx, "01012345")
	if !reflect.DeepEqual(got, changed) {
		t.Fatalf("after re-import\n got %+v\nwant %+v", got, changed)
	}
	if n, _ := s.CountAGBRegistrations(ctx); n != 2 {
		t.Errorf("registrations not in the file were touched: %d left", n)
	}
}

func TestImportAGBRegisterIsOneTransactionWithItsLogRecord(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	chain := func(prev string, r *AccessRecord) { r.PrevHash, r.Hash, r.HashFormat = prev, prev+"x", 2 }
	record := func(sum AGBImportSummary) LogEntry {
		return LogEntry{Record: AccessRecord{At: "2026-01-01T00:00:00.000Z", Event: "import", Outcome: "success", Reason: "agb-register"}, Chain: chain}
	}
	if _, err := s.ImportAGBRegister(ctx, sampleRegistrations(), time.Now(), record); err != nil {
		t.Fatal(err)
	}
	recs, _ := s.AccessRecordsAfter(ctx, 0, 10)
	if len(recs) != 1 || recs[0].Event != "import" {
		t.Fatalf("log: %+v", recs)
	}
	// A registration that does not validate rolls back the whole file, and its log record.
	bad := sampleRegistrations()
	bad[0].Name = "Renamed"
	bad = append(bad, agb.Registration{Code: "01099999", Kind: agb.KindZorgverlener, Start: agb.MustDate(2020, 1, 1), Status: agb.StatusActive})
	if _, err := s.ImportAGBRegister(ctx, bad, time.Now(), record); err == nil {
		t.Fatal("an invalid registration was imported")
	}
	got, _ := s.AGBRegistration(ctx, "01001001")
	if got.Name != "Huisartsenpraktijk De Linde" {
		t.Errorf("half an import was kept: %q", got.Name)
	}
	if recs, _ := s.AccessRecordsAfter(ctx, 0, 10); len(recs) != 1 {
		t.Errorf("a failed import left %d log records", len(recs))
	}
}

func TestAGBRegisterLookup(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if _, err := s.ImportAGBRegister(ctx, sampleRegistrations(), time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	reg := AGBRegister{Store: s}
	if r, err := reg.Lookup(ctx, "01012345"); err != nil || r.Surname != "Vries" {
		t.Fatalf("found: %+v, %v", r, err)
	}
	if _, err := reg.Lookup(ctx, "01099999"); !errors.Is(err, agb.ErrNotFound) {
		t.Errorf("missing code: %v", err)
	}
	if _, err := reg.Lookup(ctx, "0109"); !errors.Is(err, agb.ErrInvalidCode) {
		t.Errorf("bad code: %v", err)
	}
	s.Close()
	if _, err := reg.Lookup(ctx, "01012345"); !errors.Is(err, agb.ErrUnavailable) {
		t.Errorf("closed database: %v, want ErrUnavailable", err)
	}
}

func TestAGBLinks(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	link := func(uzi, code, source, outcome string, at time.Time) AGBLink {
		return AGBLink{UZINumber: uzi, AGBCode: code, Source: source, LinkedAt: at, CheckedAt: at, Outcome: outcome}
	}
	if _, err := s.AGBLink(ctx, "900100002"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no link: %v", err)
	}
	if err := s.SaveAGBLink(ctx, link("900100002", "01023456", AGBLinkEntered, "admitted", t0)); err != nil {
		t.Fatal(err)
	}
	// Another UZI number cannot type the same code.
	if err := s.SaveAGBLink(ctx, link("900100099", "01023456", AGBLinkEntered, "admitted", t0)); !errors.Is(err, ErrConflict) {
		t.Fatalf("same code typed twice: %v", err)
	}
	// A later check keeps linked_at and records the outcome.
	if err := s.RecordAGBCheck(ctx, "900100002", t0.Add(time.Hour), "agb.ended"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.AGBLink(ctx, "900100002")
	if !got.LinkedAt.Equal(t0) || !got.CheckedAt.Equal(t0.Add(time.Hour)) || got.Outcome != "agb.ended" {
		t.Fatalf("after check: %+v", got)
	}
	if err := s.RecordAGBCheck(ctx, "900100098", t0, "admitted"); !errors.Is(err, ErrNotFound) {
		t.Errorf("check of an unlinked UZI number: %v", err)
	}
	// A card that carries the code and passes the check takes it over from the typed link.
	if err := s.SaveAGBLink(ctx, link("900100050", "01023456", AGBLinkFromCard, "agb.ended", t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AGBLink(ctx, "900100002"); err != nil {
		t.Fatalf("a refused card took the code over: %v", err)
	}
	if err := s.SaveAGBLink(ctx, link("900100050", "01023456", AGBLinkFromCard, "admitted", t0.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AGBLink(ctx, "900100002"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the typed link survived the card's code: %v", err)
	}
	got, _ = s.AGBLink(ctx, "900100050")
	if !got.LinkedAt.Equal(t0) || got.Outcome != "admitted" {
		t.Errorf("card link: %+v", got)
	}
	links, err := s.AGBLinksOfCode(ctx, "01023456")
	if err != nil || len(links) != 1 || links[0].UZINumber != "900100050" {
		t.Errorf("links of code: %+v, %v", links, err)
	}
}
