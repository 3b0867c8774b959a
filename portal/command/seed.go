package command

import (
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
	return st.Close()
}
