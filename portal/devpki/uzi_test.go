package devpki

import (
	"errors"
	"testing"

	"zorgverlenersportaal/uzi"
)

// The portal reads the development cards with the uzi package's development profile; a card that it
// could not read would make the demo useless, so every card is parsed here the way the portal parses it.
func TestCardsParseWithTheDevelopmentProfile(t *testing.T) {
	p := sharedPKI(t)
	profile := uzi.DevelopmentProfile()
	profile.AdmitEmployeeCards = true
	for _, name := range []string{CardGP, CardEmployee} {
		card := mustCard(t, p, name)
		id, err := uzi.Parse(card.Authentication.Certificate, profile)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id.UZINumber != card.Spec.UZINumber || id.SubscriberNumber != card.Spec.URA || id.RoleCode != card.Spec.Role || id.AGBCode != card.Spec.AGB {
			t.Errorf("%s parsed as %+v", name, id)
		}
		for _, u := range []Usage{UsageSigning, UsageEncryption} {
			_, err := uzi.Parse(card.Credential(u).Certificate, profile)
			if !errors.Is(err, uzi.ErrNotUZI) || uzi.ReasonOf(err) != "key-usage" {
				t.Errorf("%s %s certificate: err = %v, want key-usage refusal", name, u, err)
			}
		}
	}
}
