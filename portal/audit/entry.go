package audit

import "zorgverlenersportaal/portal/store"

// Entry prepares the record of a change (consent, relationship, emergency access, review) to be appended
// by the store inside the change's own transaction: the change and the record of who made it are written
// together or not at all. The store fills in the patient and the id of the row it wrote.
func (l *Log) Entry(r Record) store.LogEntry {
	return store.LogEntry{Record: l.row(r), Chain: Chain}
}
