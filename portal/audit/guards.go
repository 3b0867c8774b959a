package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zorgverlenersportaal/portal/store"
)

// ErrGuardMissing means a trigger that keeps the access log append-only was dropped or replaced: the
// chain may still verify, but the database no longer refuses changes to the log. The error is a
// *GuardError that names the triggers.
var ErrGuardMissing = errors.New("access log guard missing")

// GuardError names the guard triggers that are not as the migrations made them.
type GuardError struct {
	Guards []store.Guard
}

// Error reads "guard triggers not in place: access_log_no_update (missing), ...".
func (e *GuardError) Error() string {
	parts := make([]string, len(e.Guards))
	for i, g := range e.Guards {
		parts[i] = fmt.Sprintf("%s on %s (%s)", g.Name, g.Table, g.State)
	}
	return "guard triggers not in place: " + strings.Join(parts, ", ")
}

// Unwrap lets callers test for ErrGuardMissing.
func (e *GuardError) Unwrap() error { return ErrGuardMissing }

// CheckGuards returns a *GuardError naming every guard trigger of the access log that is missing or
// not the migrations' own definition, and nil when all are in place.
func CheckGuards(ctx context.Context, st *store.Store) error {
	guards, err := st.AccessLogGuards(ctx)
	if err != nil {
		return err
	}
	var bad []store.Guard
	for _, g := range guards {
		if g.State != store.GuardInPlace {
			bad = append(bad, g)
		}
	}
	if len(bad) > 0 {
		return &GuardError{Guards: bad}
	}
	return nil
}
