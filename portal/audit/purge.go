package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zorgverlenersportaal/portal/store"
)

// ErrWithinRetention means a purge asked to remove records the retention period still keeps.
var ErrWithinRetention = errors.New("records inside the retention period cannot be purged")

// ErrNothingToPurge means no record was old enough to go; nothing changed.
var ErrNothingToPurge = store.ErrNothingToPurge

// RetentionCutoff is the oldest time the log must still cover on a day: records from before it may be
// purged. Retention is counted in whole calendar years, as the rule is stated.
func RetentionCutoff(now time.Time, retentionYears int) time.Time {
	return now.UTC().AddDate(-retentionYears, 0, 0)
}

// Purge removes the records written before `before`, which must not lie inside the retention period
// (RetentionCutoff of now). The database moves the retention anchor to the last record removed, so that
// verification still checks the rest of the chain from there, and the purge is itself recorded as an
// admin action in the chain by the actor. A zero `before` purges everything the retention allows.
func (l *Log) Purge(ctx context.Context, a Actor, before time.Time, retentionYears int) (store.PurgeResult, error) {
	cutoff := RetentionCutoff(l.now(), retentionYears)
	if before.IsZero() {
		before = cutoff
	}
	if before.After(cutoff) {
		return store.PurgeResult{}, fmt.Errorf("%w: the retention of %d years keeps everything from %s", ErrWithinRetention, retentionYears, cutoff.Format(time.DateOnly))
	}
	at := l.now().UTC().Format(TimeLayout)
	return l.Store.PurgeAccessRecords(ctx, before.UTC().Format(TimeLayout), func(res store.PurgeResult) store.AccessRecord {
		return rowAt(a.AdminAction(ActionPurge, Patient{}, "access_log", purgeDetail(res, before)), at)
	}, Chain)
}
