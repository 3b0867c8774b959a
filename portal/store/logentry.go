package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

// ErrLogNotWritten means a change was not made because its access-log record could not be written: a
// change to consent or relationships and the record of who made it are one transaction.
var ErrLogNotWritten = errors.New("the access log could not be written; nothing was changed")

// LogEntry is the access-log record of a change, prepared by the audit package (which owns the record's
// content and its hash) and appended by the store in the change's own transaction. The store fills in
// what only it knows: the patient's BSN and number and the id of the row it wrote.
type LogEntry struct {
	Record AccessRecord
	Chain  func(prev string, rec *AccessRecord)
}

// appendEntry appends the change's record inside tx. A change without a record is not made.
func appendEntry(ctx context.Context, tx *sqlx.Tx, e LogEntry, p access.Patient, objectID int64) error {
	if e.Chain == nil {
		return fmt.Errorf("%w: the change came without its access-log record", ErrLogNotWritten)
	}
	rec := e.Record
	if p.ID != 0 {
		rec.PatientBSN, rec.PatientNumber = p.BSN, p.PatientNumber
	}
	if objectID != 0 {
		rec.ObjectIDs = fmt.Sprint(objectID)
	}
	if err := appendAccessRecords(ctx, tx, []AccessRecord{rec}, e.Chain); err != nil {
		return fmt.Errorf("%w: %w", ErrLogNotWritten, err)
	}
	return nil
}
