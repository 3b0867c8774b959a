package abuse

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"

	"zorgverlenersportaal/config"
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
			return r.UserUZI == admin.UZINumber && (r.Reason == "not-administrator" || r.Reason == "card-type-refused")
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
