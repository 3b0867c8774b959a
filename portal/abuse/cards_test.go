package abuse

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// issueCard has the development UZI-register issue a card that is not in its table (the same person's
// card for another organisation, a colleague with the same surname), as the register itself would: the
// authentication certificate of spec, with the key of the card base.
func issueCard(t *testing.T, env *portaltest.Env, base string, spec devpki.CardSpec) tls.Certificate {
	t.Helper()
	key := env.Card(t, base).Authentication.Key
	tmpl, err := env.PKI.SpecTemplate(spec, devpki.UsageAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := env.PKI.IssueCustom(context.Background(), spec.Issuer(), tmpl, key.Public())
	if err != nil {
		t.Fatal(err)
	}
	tc, err := env.PKI.TLSCertificate(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// TestAdministratorCards: the administration is the hospital's, so an administrator is the person named
// in hospital.administrators acting for the hospital (an N card of the hospital's URA), not anybody whose
// card carries that UZI number.
func TestAdministratorCards(t *testing.T) {
	t.Parallel()
	// Delegated staff is admitted, so that another organisation's N card gets in as an ordinary card and
	// only the administrator's check stands between it and /admin.
	env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) { c.UZI.AdmitEmployeeCards = true }})
	admin, _ := devpki.CardByName(devpki.CardAdmin)

	adminRefused := func(t *testing.T, card tls.Certificate) {
		t.Helper()
		c := env.ClientWith(t, &card)
		before := lastRecordID(t, env)
		resp := get(t, c, "/admin")
		if resp.Status == http.StatusOK {
			t.Fatal("the administration opened")
		}
		findRecord(t, env, before, "the refused administration", func(r store.AccessRecord) bool {
			return r.UserUZI == admin.UZINumber && (r.Reason == "not-administrator" || r.Reason == "card-type-refused" || r.Reason == "no-mandate")
		})
	}

	runAttacks(t, []attack{
		{
			name:    "administrator's UZI number on an N card of another organisation",
			defence: "auth.Policy.IsAdministrator: an N card issued for hospital.ura",
			try: func(t *testing.T) {
				other := admin
				other.URA, other.Organisation = "90000101", "Huisartsenpraktijk De Linde"
				adminRefused(t, issueCard(t, env, devpki.CardAdmin, other))
			},
		},
		{
			name:    "the hospital's N card of somebody not named administrator",
			defence: "auth.Policy.IsAdministrator: the UZI number in hospital.administrators",
			try: func(t *testing.T) {
				colleague := admin
				colleague.UZINumber, colleague.GivenName, colleague.Surname = "900100099", "Kees", "Dekker"
				card := issueCard(t, env, devpki.CardAdmin, colleague)
				if resp := get(t, env.ClientWith(t, &card), "/admin"); resp.Status == http.StatusOK {
					t.Fatal("the administration opened")
				}
			},
		},
	})
	// The real administrator card still opens the administration: the defence is not a locked door.
	if resp := get(t, env.Client(t, devpki.CardAdmin), "/admin"); resp.Status != http.StatusOK {
		t.Fatalf("the administrator's own card: status %d", resp.Status)
	}
}

// TestAGBCodeClaims: the first-entry page asks a card without an AGB code for it. A surname is shared by
// many (and either half of a double-barrelled name matched), so typing a colleague's code must not make
// the typist that colleague, must not lock the owner out, and a session must not outlive its link.
func TestAGBCodeClaims(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{})
	ctx := context.Background()
	bram, _ := devpki.CardByName(devpki.CardGPNoAGB) // the owner of 01023456, whose card carries no code
	anna, _ := devpki.CardByName(devpki.CardGP)      // the owner of 01012345, whose card carries it
	const bramsCode, annasCode = "01023456", "01012345"

	// lookalike is a card the register really issued to somebody else: another UZI number, the same
	// surname, given names and organisation as chosen, no AGB code on the card.
	lookalike := func(t *testing.T, of devpki.CardSpec, uziNumber, givenName, ura, org string) *portaltest.Client {
		spec := of
		spec.UZINumber, spec.GivenName, spec.URA, spec.Organisation, spec.AGB = uziNumber, givenName, ura, org, "00000000"
		card := issueCard(t, env, devpki.CardGPNoAGB, spec)
		return env.ClientWith(t, &card)
	}
	// typeCode submits a code on the first-entry page.
	typeCode := func(t *testing.T, c *portaltest.Client, code string) *portaltest.Response {
		t.Helper()
		if resp := get(t, c, "/agb-code"); resp.Status != http.StatusOK {
			t.Fatalf("first-entry page: status %d", resp.Status)
		}
		return c.Post(t, "/agb-code", url.Values{"agb": {code}})
	}
	// notAdmitted fails when the client has a session (the start page opens).
	notAdmitted := func(t *testing.T, c *portaltest.Client, what string) {
		t.Helper()
		if resp := get(t, c, "/"); resp.Status == http.StatusOK {
			t.Fatalf("%s: the start page opened", what)
		}
	}
	linkOf := func(uziNumber string) string {
		l, err := env.Store.AGBLink(ctx, uziNumber)
		if err != nil {
			return ""
		}
		return l.AGBCode
	}

	runAttacks(t, []attack{
		{
			name:    "a colleague's AGB code with the same surname typed on the first-entry page",
			defence: "auth.Admission.AcceptAGB: the register's initials (and workplace) must fit the card, else the code waits for the administrator",
			try: func(t *testing.T) {
				pieter := lookalike(t, bram, "900100072", "Pieter", "90000102", "Huisartsenpraktijk Het Anker")
				resp := typeCode(t, pieter, bramsCode)
				if resp.Status == http.StatusSeeOther {
					t.Fatalf("the typed code was accepted (to %s)", resp.Header.Get("Location"))
				}
				want(t, "the first-entry page", resp, http.StatusAccepted)
				if !strings.Contains(resp.Body, "wacht op bevestiging") {
					t.Error("the page does not say that the code waits for the hospital")
				}
				notAdmitted(t, pieter, "after typing the colleague's code")
				if got := linkOf("900100072"); got != "" {
					t.Fatalf("the colleague's code %s was linked", got)
				}
				// Typing again does not get round the queue.
				if resp := pieter.Post(t, "/agb-code", url.Values{"agb": {bramsCode}}); resp.Status == http.StatusSeeOther {
					t.Fatal("a second try was accepted")
				}
			},
		},
		{
			name:    "a look-alike types the owner's code first and so locks the owner out",
			defence: "a code typed by somebody else is never taken over by typing and never refused for good: the administrator sees both holders and decides; the moved link ends the look-alike's session",
			try: func(t *testing.T) {
				impostor := lookalike(t, bram, "900100073", bram.GivenName, bram.URA, bram.Organisation)
				if resp := typeCode(t, impostor, bramsCode); resp.Status != http.StatusSeeOther {
					t.Fatalf("setting up: the look-alike's code: status %d", resp.Status)
				}
				if resp := get(t, impostor, "/"); resp.Status != http.StatusOK {
					t.Fatalf("setting up: the look-alike's session: %d", resp.Status)
				}
				owner := env.Client(t, devpki.CardGPNoAGB)
				resp := typeCode(t, owner, bramsCode)
				if resp.Status != http.StatusAccepted || !strings.Contains(resp.Body, "wacht op bevestiging") {
					t.Fatalf("the owner's own code: status %d, not queued for the administrator", resp.Status)
				}
				claim, err := env.Store.LatestAGBClaim(ctx, bram.UZINumber)
				if err != nil || claim.Status != store.AGBClaimPending || claim.OtherUZI != "900100073" {
					t.Fatalf("the owner's claim: %+v, %v", claim, err)
				}
				admin := env.Client(t, devpki.CardAdmin)
				queue := get(t, admin, "/admin/agb-claims")
				want(t, "the administrator's queue", queue, http.StatusOK)
				for _, holder := range []string{bram.UZINumber, "900100073"} {
					if !strings.Contains(queue.Body, holder) {
						t.Errorf("the queue does not show holder %s", holder)
					}
				}
				before := lastRecordID(t, env)
				decided := admin.Post(t, fmt.Sprintf("/admin/agb-claims/%d/decide", claim.ID), url.Values{"decision": {"confirm"}})
				if decided.Status != http.StatusSeeOther {
					t.Fatalf("confirming: status %d", decided.Status)
				}
				findRecord(t, env, before, "the confirmation", func(r store.AccessRecord) bool {
					return r.Event == "admin_action" && r.Reason == "agb-claim-confirm" && strings.Contains(r.Detail, bram.UZINumber)
				})
				if got := linkOf(bram.UZINumber); got != bramsCode {
					t.Fatalf("the owner's link after the confirmation: %q", got)
				}
				if resp := get(t, owner, "/"); resp.Status != http.StatusOK {
					t.Fatalf("the owner after the confirmation: status %d", resp.Status)
				}
				if resp := get(t, impostor, "/"); resp.Status == http.StatusOK {
					t.Fatal("the look-alike's open session kept the moved code")
				}
				notAdmitted(t, impostor, "the look-alike after the code moved")
			},
		},
		{
			name:    "an open session keeps a typed code after the owner's card took it back",
			defence: "requireSession: auth.Admission.LinkStillHolds on every request of a session whose code was typed",
			try: func(t *testing.T) {
				impostor := lookalike(t, anna, "900100074", anna.GivenName, anna.URA, anna.Organisation)
				if resp := typeCode(t, impostor, annasCode); resp.Status != http.StatusSeeOther {
					t.Fatalf("setting up: the look-alike's code: status %d", resp.Status)
				}
				if resp := get(t, impostor, "/"); resp.Status != http.StatusOK {
					t.Fatalf("setting up: the look-alike's session: %d", resp.Status)
				}
				// The owner logs in with the card that carries the code: the register's own statement.
				if resp := get(t, env.Client(t, devpki.CardGP), "/"); resp.Status != http.StatusOK {
					t.Fatalf("the owner's card: status %d", resp.Status)
				}
				before := lastRecordID(t, env)
				if resp := get(t, impostor, "/"); resp.Status == http.StatusOK {
					t.Fatal("the look-alike's open session kept the code")
				}
				findRecord(t, env, before, "the ended session", func(r store.AccessRecord) bool {
					return r.UserUZI == "900100074" && r.Reason == "agb.link-changed"
				})
			},
		},
	})
}

// TestConsentWithdrawalDates: a withdrawal is the newest decision or it is nothing. One dated before the
// grant it withdraws would be stored as history, answered "saved", and change nothing: the desk would
// believe the patient's data closed while it stays open.
func TestConsentWithdrawalDates(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	jong := env.Patient(t, bsnDeJong)

	runAttacks(t, []attack{
		{
			name:    "consent withdrawal dated before the grant it withdraws",
			defence: "access.CheckConsentChange: a withdrawal dated before the grant in force is refused with the reason (withdrawal-before-grant)",
			try: func(t *testing.T) {
				facts, err := env.Store.PatientFacts(context.Background(), jong.ID)
				if err != nil {
					t.Fatal(err)
				}
				state, grant := facts.CurrentConsent(access.Huisartsen, time.Now())
				if state != access.ConsentStateGranted {
					t.Fatalf("setting up: de Jong's consent for GPs is %s", state)
				}
				before := grant.GivenAt.In(access.Amsterdam).AddDate(0, 0, -1).Format(time.DateOnly)
				admin := env.Client(t, devpki.CardAdmin)
				get(t, admin, portaltest.AdminPatientPath(jong))
				resp := admin.Post(t, portaltest.AdminPatientPath(jong, "consents", "withdraw"), url.Values{
					"category": {string(access.Huisartsen)}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {before}})
				if resp.Status == http.StatusSeeOther {
					t.Fatalf("the backdated withdrawal was saved (to %s)", resp.Header.Get("Location"))
				}
				want(t, "the withdrawal form", resp, http.StatusUnprocessableEntity)
				if !strings.Contains(resp.Body, "gedateerd vóór de toestemming") {
					t.Error("the form does not say why the withdrawal was refused")
				}
				after, err := env.Store.PatientFacts(context.Background(), jong.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(after.Consents) != len(facts.Consents) {
					t.Error("a consent record was written")
				}
			},
		},
	})
}

// TestRevocationWindow: a card the UZI-register revoked keeps working until the portal downloads the
// register's next CRL. The register publishes one every hour; with a refresh of an hour the card got
// another hour on top (56 minutes measured). The portal's clock is moved instead of waiting.
func TestRevocationWindow(t *testing.T) {
	t.Parallel()
	clock := portaltest.NewClock(time.Now())
	env := portaltest.Start(t, portaltest.Options{
		PrivatePKI: []string{devpki.CardGP},
		Server:     []portal.Option{portal.WithClock(clock.Now)},
	})
	runAttacks(t, []attack{
		{
			name:    "revoked card used for most of an hour after the register published the revocation",
			defence: "revocation.refresh defaults to a quarter of the register's hourly publication (15m, at most 1h); a request starts a refresh that is due",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				if resp := get(t, gp, "/"); resp.Status != http.StatusOK {
					t.Fatalf("setting up: the card before its revocation: %d", resp.Status)
				}
				// The register revokes the card and publishes its CRL; twenty minutes pass.
				if err := env.PKI.Revoke(context.Background(), devpki.CardGP); err != nil {
					t.Fatal(err)
				}
				clock.Advance(20 * time.Minute)
				deadline := time.Now().Add(10 * time.Second) // only stops a broken build from hanging
				for {
					resp := get(t, gp, "/")
					if resp.Status == http.StatusForbidden && strings.Contains(resp.Body, "ingetrokken") {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("twenty minutes after the register published the revocation the card is not refused (status %d)", resp.Status)
					}
					time.Sleep(50 * time.Millisecond)
				}
			},
		},
	})
}
