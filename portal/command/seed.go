package command

import (
	"fmt"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"

	"context"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/store"
)

// seedDemo opens the demo database (applying migrations) and fills it with demo data once.
func seedDemo(ctx context.Context, cfg config.Config) error {
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return err
	}
	if err := seedAGBRegister(ctx, st); err != nil {
		st.Close()
		return err
	}
	if err := seedDemoDossiers(ctx, st); err != nil {
		st.Close()
		return err
	}
	if err := seedDemoMandate(ctx, st); err != nil {
		st.Close()
		return err
	}
	return st.Close()
}

// seedDemoMandate gives the demo one mandate ready: the GP Anna de Vries lets her practice's employee
// Hanna Meijer (the employee card) read the lab results and letters of her patients for three months.
func seedDemoMandate(ctx context.Context, st *store.Store) error {
	gp, _ := devpki.CardByName(devpki.CardGP)
	employee, _ := devpki.CardByName(devpki.CardEmployee)
	if ms, err := st.MandatesOfGrantor(ctx, gp.UZINumber); err != nil || len(ms) > 0 {
		return err
	}
	now := time.Now()
	m := access.Mandate{URA: gp.URA, GrantorUZI: gp.UZINumber, GrantorName: gp.GivenName + " " + gp.Surname, GrantorAGB: gp.AGB,
		GrantorRole: gp.Role, DelegateUZI: employee.UZINumber, DelegateName: employee.GivenName + " " + employee.Surname,
		Categories: access.CategoryList{access.Lab, access.Letters}, ValidFrom: now.Add(-time.Hour),
		ValidUntil: now.AddDate(0, 3, 0), CreatedAt: now}
	log := audit.New(st)
	entry := log.Entry(audit.SystemActor("demo seed", "demo").AdminAction("mandate-grant", audit.Patient{}, "mandate",
		"demo: mandate for the practice's employee, lab and letters"))
	if _, err := st.CreateMandate(ctx, m, entry); err != nil {
		return fmt.Errorf("seed demo mandate: %w", err)
	}
	return nil
}
