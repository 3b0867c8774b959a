package devpki

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestCardsTable(t *testing.T) {
	nine := regexp.MustCompile(`^[0-9]{9}$`)
	eight := regexp.MustCompile(`^[0-9]{8}$`)
	role := regexp.MustCompile(`^[0-9]{2}\.[0-9]{3}$`)
	names := map[string]bool{}
	uzis := map[string]bool{}
	for _, c := range Cards {
		t.Run(c.Name, func(t *testing.T) {
			if names[c.Name] || uzis[c.UZINumber] {
				t.Errorf("duplicate name or UZI number")
			}
			names[c.Name], uzis[c.UZINumber] = true, true
			if !nine.MatchString(c.UZINumber) || !eight.MatchString(c.URA) || !eight.MatchString(c.AGB) {
				t.Errorf("UZI %q, URA %q or AGB %q malformed", c.UZINumber, c.URA, c.AGB)
			}
			if !role.MatchString(c.Role) {
				t.Errorf("role %q malformed", c.Role)
			}
			switch c.Type {
			case CardTypeZorgverlener:
				if strings.HasPrefix(c.Role, "00.") || c.Title == "" {
					t.Errorf("Z card with role %q and title %q", c.Role, c.Title)
				}
			case CardTypeMedewerkerOpNaam:
				if c.Role != "00.000" || c.Title != "" {
					t.Errorf("N card with role %q and title %q", c.Role, c.Title)
				}
			default:
				t.Errorf("card type %q", c.Type)
			}
			fields := strings.Split(c.UZIString(), "-")
			if len(fields) != 7 || fields[0] != c.Issuer().OIDCA() || fields[1] != "1" || fields[3] != string(c.Type) {
				t.Errorf("UZI string %q", c.UZIString())
			}
			if got, err := CardByName(c.Name); err != nil || got.UZINumber != c.UZINumber {
				t.Errorf("CardByName(%q) = %v, %v", c.Name, got, err)
			}
		})
	}
	if len(Cards) != 13 {
		t.Errorf("%d cards, want 13", len(Cards))
	}
	if _, err := CardByName("gp "); !errors.Is(err, ErrUnknownCard) {
		t.Errorf("CardByName(unknown) error = %v, want ErrUnknownCard", err)
	}
	admin, _ := CardByName(CardAdmin)
	if admin.URA != HospitalURA || admin.Organisation != HospitalName || admin.Issuer() != MedewerkerOpNaamCA {
		t.Errorf("admin card %+v does not belong to the hospital", admin)
	}
	if gp, _ := CardByName(CardGP); gp.UZIString() != "2.16.528.1.1007.99.9002-1-900100001-Z-90000101-01.015-01012345" {
		t.Errorf("gp UZI string = %q", gp.UZIString())
	}
}
