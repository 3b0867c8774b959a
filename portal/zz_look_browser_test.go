//go:build browser

package portal_test

import (
	"fmt"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/portaltest/browser"
)

func TestZZLook(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	b := browser.Open(t, env, devpki.CardGP)
	b.Visit("/")
	b.Screenshot("home")
	b.Axe(t)
	p := env.Patient(t, "999993847")
	for _, cat := range []string{"", "/encounters", "/problems", "/allergies", "/medication", "/lab", "/reports", "/letters", "/imaging"} {
		b.Visit(fmt.Sprintf("/patients/%d%s", p.ID, cat))
		b.Screenshot("hvdberg" + cat)
		b.Axe(t)
	}
	m := env.Patient(t, "999993653")
	b.Visit(fmt.Sprintf("/patients/%d/letters", m.ID))
	b.Follow("main table tbody tr:first-child a")
	b.Screenshot("letter")
	b.Axe(t)
	b.Visit(fmt.Sprintf("/patients/%d/lab", p.ID))
	b.Follow("main table.lab-table tbody tr:first-child a")
	b.Screenshot("trend")
	b.Axe(t)
}
