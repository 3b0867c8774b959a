package command

import (
	"context"
	"fmt"
	"time"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devagb"
	"zorgverlenersportaal/portal/store"
)

// seedAGBRegister fills an empty AGB register with the demo register of portal/devagb, so that the demo
// cards can log in (and the AGB refusals can be tried); a register that holds anything is left as it is,
// so an operator's own import survives a restart of the demo. The seeding is logged as an import.
func seedAGBRegister(ctx context.Context, st *store.Store) error {
	n, err := st.CountAGBRegistrations(ctx)
	if err != nil || n > 0 {
		return err
	}
	regs, err := devagb.Registrations()
	if err != nil {
		return err
	}
	log := audit.New(st)
	_, err = st.ImportAGBRegister(ctx, regs, time.Now(), func(s store.AGBImportSummary) store.LogEntry {
		return log.Entry(audit.Record{Event: audit.EventImport, Outcome: audit.Success, Reason: "agb-register",
			User:   audit.User{Name: "demo"},
			Detail: fmt.Sprintf("demo AGB register: %d registrations added", s.Added)})
	})
	return err
}
