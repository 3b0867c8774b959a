package command

import (
	"context"
	"fmt"
	"time"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/demodata"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

// seedDemoDossiers fills the demo database with the demo world through the FHIR import, on the first run
// only: a database that has patients is left as it is, so changes made while trying the demo survive a
// restart.
func seedDemoDossiers(ctx context.Context, st *store.Store) error {
	n, err := st.PatientCount(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	im := fhir.NewImporter(st, audit.New(st))
	im.User = audit.User{Name: "demo seed"}
	if _, err := demodata.Import(ctx, im, time.Now()); err != nil {
		return fmt.Errorf("seed demo dossiers: %w", err)
	}
	return nil
}
