package portal_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devagb"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// colleagueCard is a card the development UZI-register issues to a colleague of the gp-no-agb card's
// holder: the same surname and practice, other given names and UZI number, no AGB code on the card.
func colleagueCard(t *testing.T, env *portaltest.Env, uziNumber, givenName string) *portaltest.Client {
	t.Helper()
	spec, _ := devpki.CardByName(devpki.CardGPNoAGB)
	spec.UZINumber, spec.GivenName = uziNumber, givenName
	key := env.Card(t, devpki.CardGPNoAGB).Authentication.Key
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
	return env.ClientWith(t, &tc)
}

// TestAGBClaimQueue: a typed code that does not fit the card waits on /admin/agb-claims; the page says so
// in both languages; the administrator refuses it, once, and the provider is told; every decision is in
// the access log and a second decision changes nothing.
func TestAGBClaimQueue(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	ctx := context.Background()
	const pieterUZI = "900100081"
	pieter := colleagueCard(t, env, pieterUZI, "Pieter")

	pieter.Get(t, "/agb-code?lang=en")
	resp := pieter.Post(t, "/agb-code", url.Values{"agb": {devagb.CodeGPNoAGB}})
	if resp.Status != http.StatusAccepted ||
		!strings.Contains(resp.Body, html.EscapeString(catalog.T("en", "agbclaim.pending.title"))) ||
		!strings.Contains(resp.Body, html.EscapeString(catalog.T("en", "agbclaim.reason.initials"))) {
		t.Fatalf("pending page: %d\n%s", resp.Status, resp.Body)
	}
	if rec := lastOf(t, env, pieterUZI); rec.Event != "login_refused" || rec.Reason != "agb.awaiting-administrator" || !strings.Contains(rec.Detail, devagb.CodeGPNoAGB) {
		t.Errorf("access log: %s %q %q", rec.Event, rec.Reason, rec.Detail)
	}
	// Coming back later, the first-entry page still says the code waits, in Dutch too, and asks nothing.
	if again := pieter.Get(t, "/agb-code?lang=nl"); !strings.Contains(again.Body, html.EscapeString(catalog.T("nl", "agbclaim.pending.title"))) ||
		strings.Contains(again.Body, `name="agb"`) {
		t.Fatalf("first-entry page while the claim waits:\n%s", again.Body)
	}
	claim, err := env.Store.LatestAGBClaim(ctx, pieterUZI)
	if err != nil || claim.Reason != store.AGBClaimInitials || claim.HolderName != "Pieter Jansen" {
		t.Fatalf("claim %+v, %v", claim, err)
	}

	// A provider cannot decide a claim.
	gp := env.Client(t, devpki.CardGP)
	gp.Get(t, "/")
	if resp := gp.Post(t, fmt.Sprintf("/admin/agb-claims/%d/decide", claim.ID), url.Values{"decision": {"confirm"}}); resp.Status != http.StatusForbidden {
		t.Fatalf("a provider deciding: %d", resp.Status)
	}

	admin := env.Client(t, devpki.CardAdmin)
	home := admin.Get(t, "/admin")
	if !strings.Contains(home.Body, html.EscapeString(catalog.T("nl", "admin.agbclaims.link", 1))) {
		t.Errorf("the administration's start page does not count the waiting code")
	}
	queue := admin.Get(t, "/admin/agb-claims")
	if queue.Status != http.StatusOK || !strings.Contains(queue.Body, pieterUZI) || !strings.Contains(queue.Body, "B. ") {
		t.Fatalf("queue: %d\n%s", queue.Status, queue.Body)
	}
	path := fmt.Sprintf("/admin/agb-claims/%d/decide", claim.ID)
	if resp := admin.Post(t, path, url.Values{"decision": {"maybe"}}); resp.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(resp.Body, html.EscapeString(catalog.T("nl", "admin.agbclaims.error.decision"))) {
		t.Fatalf("an unknown decision: %d", resp.Status)
	}
	if resp := admin.Post(t, path, url.Values{"decision": {"refuse"}}); resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/agb-claims?saved=refused" {
		t.Fatalf("refusing: %d %s", resp.Status, resp.Header.Get("Location"))
	}
	if rec := lastOf(t, env, uziOf(t, devpki.CardAdmin)); rec.Event != "admin_action" || rec.Reason != "agb-claim-refuse" || !strings.Contains(rec.Detail, pieterUZI) {
		t.Errorf("access log: %s %q %q", rec.Event, rec.Reason, rec.Detail)
	}
	// The claim is decided: a second decision (another tab, another administrator) changes nothing.
	admin.Get(t, "/admin/agb-claims?all=1")
	if resp := admin.Post(t, path, url.Values{"decision": {"confirm"}}); resp.Status != http.StatusConflict ||
		!strings.Contains(resp.Body, html.EscapeString(catalog.T("nl", "admin.agbclaims.error.decided"))) {
		t.Fatalf("deciding twice: %d", resp.Status)
	}
	if _, err := env.Store.AGBLink(ctx, pieterUZI); err == nil {
		t.Fatal("a refused claim was linked")
	}
	recs := records(t, env)
	if rec := recs[len(recs)-2]; rec.Event != "admin_action" || rec.Outcome != "refused" || rec.Reason != "agb-claim-confirm" {
		t.Errorf("the refused second decision is not logged: %s %s %q", rec.Event, rec.Outcome, rec.Reason)
	}
	// The provider is told, and may type their own code.
	back := pieter.Get(t, "/agb-code")
	if !strings.Contains(back.Body, html.EscapeString(catalog.T("nl", "agbclaim.refused.title"))) || !strings.Contains(back.Body, `name="agb"`) {
		t.Fatalf("first-entry page after the refusal:\n%s", back.Body)
	}
	if resp := pieter.Get(t, "/"); resp.Status == http.StatusOK {
		t.Fatal("the refused claimant was admitted")
	}
}
