package devagb

import (
	"context"
	"testing"
	"time"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/portal/devpki"
)

// TestTheDemoRegisterFitsTheDemoCards checks the register against the cards with the agb package's own
// rules: every card that may log in finds its registration, and each test code gives its intended refusal
// to Bram Jansen (gp-no-agb).
func TestTheDemoRegisterFitsTheDemoCards(t *testing.T) {
	regs, err := Registrations()
	if err != nil {
		t.Fatal(err)
	}
	register, err := agb.NewMapRegister(regs...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	today := agb.Today(time.Now())
	for _, card := range devpki.Cards {
		if card.Type != devpki.CardTypeZorgverlener || card.AGB == "00000000" {
			continue
		}
		if _, err := agb.CheckCode(ctx, register, card.AGB, card.Role, card.Surname, today); err != nil {
			t.Errorf("card %s (AGB %s): %v", card.Name, card.AGB, err)
		}
	}
	bram, _ := devpki.CardByName(devpki.CardGPNoAGB)
	if _, err := agb.CheckCode(ctx, register, CodeGPNoAGB, bram.Role, bram.Surname, today); err != nil {
		t.Errorf("Bram Jansen's own code: %v", err)
	}
	for code, want := range map[string]agb.Reason{
		CodeEnded:            agb.ReasonEnded,
		CodePharmacistJansen: agb.ReasonNoFittingQualification,
		CodeOtherSurname:     agb.ReasonSurnameMismatch,
		CodePractice:         agb.ReasonNotZorgverlener,
		CodeUnknown:          agb.ReasonNotFound,
	} {
		_, err := agb.CheckCode(ctx, register, code, bram.Role, bram.Surname, today)
		if got, _ := agb.ReasonOf(err); got != want {
			t.Errorf("code %s for Bram Jansen: %v, want %s", code, err, want)
		}
	}
}
