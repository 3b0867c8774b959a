package audit

import "zorgverlenersportaal/portal/store"

// Entry turns a record into the row the store writes, stamped with the log's clock. It is for changes that
// must be committed in the same transaction as their log record (an import of the AGB register): the
// store method takes the row and Chain, and writes both or neither.
func (l *Log) Entry(r Record) store.AccessRecord {
	return l.row(r)
}
