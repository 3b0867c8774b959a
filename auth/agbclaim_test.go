package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"zorgverlenersportaal/agb"
)

// TestTypedAGBCodeClaims: a typed code is linked at once only when the register's record fits the card
// beyond the surname and nobody typed it before; otherwise it waits for the administrator.
func TestTypedAGBCodeClaims(t *testing.T) {
	ctx := context.Background()
	const linde, anker = agb.Code("01001001"), agb.Code("01001002")
	withWorkplace := func(r agb.Registration, place agb.Code) agb.Registration {
		r.Relations = []agb.Relation{{OtherCode: place, Kind: agb.RelationEmployment, Start: agb.MustDate(2010, 1, 1)}}
		return r
	}
	reg := register(t,
		withWorkplace(gpRegistration("01023456", "Jansen", agb.Date{}), linde),
		gpRegistration("01012345", "Vries", agb.Date{}),
		agb.Registration{Code: linde, Kind: agb.KindOnderneming, Name: "Huisartsenpraktijk De Linde", Start: agb.MustDate(2004, 1, 1), Status: agb.StatusActive},
		agb.Registration{Code: anker, Kind: agb.KindOnderneming, Name: "Huisartsenpraktijk Het Anker", Start: agb.MustDate(2009, 1, 1), Status: agb.StatusActive},
	)
	card := func(uziNumber, given, surname, ura, org string) *Provider {
		p := &Provider{Identity: zCard("01.015")}
		p.UZINumber, p.GivenName, p.Surname, p.SubscriberNumber, p.Organisation = uziNumber, given, surname, ura, org
		p.CommonName = given + " " + surname
		return p
	}
	newAdmission := func() (*Admission, *memoryLinks) {
		links := &memoryLinks{links: map[string]AGBLink{}, orgs: map[string][]string{"90000109": {string(linde)}}}
		return NewAdmission(Policy{AdmittedRoles: []string{"01.015"}}, nil, reg, links, nil), links
	}
	pending := func(t *testing.T, links *memoryLinks, err error, uziNumber, reason string) AGBClaim {
		t.Helper()
		if !errors.Is(err, ErrAGBClaimPending) {
			t.Fatalf("got %v, want the claim to wait for the administrator", err)
		}
		c, lerr := links.LatestAGBClaim(ctx, uziNumber)
		if lerr != nil || c.Status != ClaimStatusPending || c.Reason != reason {
			t.Fatalf("claim %+v (%v), want pending %s", c, lerr, reason)
		}
		if _, linked := links.links[uziNumber]; linked {
			t.Fatalf("the code was linked while the claim waits: %+v", links.links[uziNumber])
		}
		return c
	}

	t.Run("a colleague with the same surname and other initials waits", func(t *testing.T) {
		a, links := newAdmission()
		p := card("900100040", "Pieter", "Jansen", "90000101", "Huisartsenpraktijk De Linde")
		c := pending(t, links, a.AcceptAGB(ctx, p, nil, "01023456"), p.UZINumber, ClaimInitials)
		if p.AGB != "" || c.HolderName != "Pieter Jansen" || c.Code != "01023456" {
			t.Errorf("provider AGB %q, claim %+v", p.AGB, c)
		}
		// While it waits, no other code can be typed, not even a fitting one.
		if err := a.AcceptAGB(ctx, p, nil, "01023456"); !errors.Is(err, ErrAGBClaimPending) {
			t.Errorf("second code while the claim waits: %v", err)
		}
		if _, ok, _ := a.PendingClaim(ctx, p.UZINumber); !ok {
			t.Error("PendingClaim does not see the claim")
		}
	})
	t.Run("the right person at another organisation waits", func(t *testing.T) {
		a, links := newAdmission()
		p := card("900100002", "Bram", "Jansen", "90000102", "Huisartsenpraktijk Het Anker")
		pending(t, links, a.AcceptAGB(ctx, p, nil, "01023456"), p.UZINumber, ClaimOrganisation)
	})
	t.Run("the right person at the register's organisation is linked, by name", func(t *testing.T) {
		a, links := newAdmission()
		p := card("900100002", "Bram", "Jansen", "90000101", "Huisartsenpraktijk De Linde")
		if err := a.AcceptAGB(ctx, p, nil, "01023456"); err != nil || p.AGB != "01023456" {
			t.Fatalf("err %v, AGB %q", err, p.AGB)
		}
		if l := links.links[p.UZINumber]; l.Source != LinkSourceEntered || l.HolderName != "Bram Jansen" {
			t.Errorf("link %+v", l)
		}
	})
	t.Run("the right person at the register's organisation is linked, by the hospital's URA data", func(t *testing.T) {
		a, _ := newAdmission()
		p := card("900100002", "Bram", "Jansen", "90000109", "Praktijk De Linde B.V.")
		if err := a.AcceptAGB(ctx, p, nil, "01023456"); err != nil || p.AGB != "01023456" {
			t.Fatalf("err %v, AGB %q", err, p.AGB)
		}
	})
	t.Run("a registration without workplaces: the initials decide", func(t *testing.T) {
		a, _ := newAdmission()
		p := card("900100001", "Anna", "de Vries", "90000555", "Elders")
		if err := a.AcceptAGB(ctx, p, nil, "01012345"); err != nil || p.AGB != "01012345" {
			t.Fatalf("err %v, AGB %q", err, p.AGB)
		}
	})
	t.Run("a code typed by somebody else before is never taken over by typing", func(t *testing.T) {
		a, links := newAdmission()
		first := card("900100050", "Bram", "Jansen", "90000101", "Huisartsenpraktijk De Linde")
		if err := a.AcceptAGB(ctx, first, nil, "01023456"); err != nil {
			t.Fatal(err)
		}
		owner := card("900100002", "Bram", "Jansen", "90000101", "Huisartsenpraktijk De Linde")
		c := pending(t, links, a.AcceptAGB(ctx, owner, nil, "01023456"), owner.UZINumber, ClaimLinkedElsewhere)
		if c.OtherUZI != first.UZINumber {
			t.Errorf("claim names %q as the other holder", c.OtherUZI)
		}
		if l := links.links[first.UZINumber]; l.Code != "01023456" {
			t.Errorf("the first holder's link changed: %+v", l)
		}
	})
	t.Run("a code on somebody else's card is refused outright", func(t *testing.T) {
		a, links := newAdmission()
		links.links["900100001"] = AGBLink{UZINumber: "900100001", Code: "01012345", Source: LinkSourceCard, Outcome: OutcomeAdmitted}
		p := card("900100060", "Anna", "de Vries", "90000101", "Huisartsenpraktijk De Linde")
		if got := reasonOf(a.AcceptAGB(ctx, p, nil, "01012345")); got != ReasonAGBLinkedElsewhere {
			t.Fatalf("got %q", got)
		}
		if _, err := links.LatestAGBClaim(ctx, p.UZINumber); !errors.Is(err, ErrNoClaim) {
			t.Error("a code on a card was queued for the administrator")
		}
	})
	t.Run("an open session's link must still hold", func(t *testing.T) {
		a, links := newAdmission()
		p := card("900100002", "Bram", "Jansen", "90000101", "Huisartsenpraktijk De Linde")
		if err := a.AcceptAGB(ctx, p, nil, "01023456"); err != nil {
			t.Fatal(err)
		}
		if ok, err := a.LinkStillHolds(ctx, p, "01023456"); !ok || err != nil {
			t.Fatalf("fresh link: %v %v", ok, err)
		}
		delete(links.links, p.UZINumber) // the administrator gave the code to somebody else
		if ok, _ := a.LinkStillHolds(ctx, p, "01023456"); ok {
			t.Error("a moved link still holds")
		}
		links.links[p.UZINumber] = AGBLink{UZINumber: p.UZINumber, Code: "01023456", Source: LinkSourceEntered, Outcome: "agb.ended"}
		if ok, _ := a.LinkStillHolds(ctx, p, "01023456"); ok {
			t.Error("a link refused at a later check still holds")
		}
		withCard := card("900100001", "Anna", "de Vries", "90000101", "Huisartsenpraktijk De Linde")
		withCard.AGBCode = "01012345"
		if err := a.Admit(ctx, withCard, nil); err != nil {
			t.Fatal(err)
		}
		if ok, _ := a.LinkStillHolds(ctx, withCard, "01012345"); !ok {
			t.Error("a code on the card itself does not hold")
		}
	})
	t.Run("a registration that ended ends the session on the next day", func(t *testing.T) {
		now := time.Date(2026, 12, 8, 21, 0, 0, 0, time.UTC) // 22:00 in Amsterdam
		ended := register(t, gpRegistration("01012345", "Vries", agb.Date{}))
		links := &memoryLinks{links: map[string]AGBLink{}}
		a := NewAdmission(Policy{AdmittedRoles: []string{"01.015"}}, nil, ended, links, func() time.Time { return now })
		p := card("900100001", "Anna", "de Vries", "90000101", "Huisartsenpraktijk De Linde")
		p.AGBCode = "01012345"
		if err := a.Admit(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
		// The register ends the registration today: it holds until the end of the day.
		if err := ended.Put(gpRegistration("01012345", "Vries", agb.Today(now))); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour) // 23:00, the same day
		if ok, err := a.LinkStillHolds(ctx, p, "01012345"); !ok || err != nil {
			t.Fatalf("on its last day: %v %v", ok, err)
		}
		now = now.Add(2 * time.Hour) // 01:00, the next day
		if ok, err := a.LinkStillHolds(ctx, p, "01012345"); ok || err != nil {
			t.Fatalf("the day after it ended: %v %v", ok, err)
		}
		if l := links.links[p.UZINumber]; l.Outcome != "agb.ended" {
			t.Errorf("the link does not record the refusal: %+v", l)
		}
	})
	t.Run("a register that cannot answer does not end the session", func(t *testing.T) {
		now := time.Date(2026, 12, 8, 21, 0, 0, 0, time.UTC) // 22:00 in Amsterdam
		links := &memoryLinks{links: map[string]AGBLink{}}
		up := NewAdmission(Policy{AdmittedRoles: []string{"01.015"}}, nil, reg, links, func() time.Time { return now })
		p := card("900100001", "Anna", "de Vries", "90000101", "Huisartsenpraktijk De Linde")
		p.AGBCode = "01012345"
		if err := up.Admit(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
		down := NewAdmission(Policy{AdmittedRoles: []string{"01.015"}}, nil, downLookup{}, links, func() time.Time { return now.Add(3 * time.Hour) })
		if ok, err := down.LinkStillHolds(ctx, p, "01012345"); !ok || err != nil {
			t.Fatalf("register down: %v %v", ok, err)
		}
	})
}
