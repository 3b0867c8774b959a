package store

import "fmt"

// A report or letter is listed only when it has something to show. When a re-import leaves one that was
// shown before with nothing (its only attachment of a kind the portal does not show, its results all
// skipped), the import removes it, with its attachments, from the dossier.

// DeleteReport removes an imported report and its attachments (the foreign key cascades).
func (t *ImportTx) DeleteReport(id int64) error {
	if _, err := t.exec(`DELETE FROM reports WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete report %d: %w", id, err)
	}
	return nil
}

// DeleteLetter removes an imported letter and its attachments (the foreign key cascades).
func (t *ImportTx) DeleteLetter(id int64) error {
	if _, err := t.exec(`DELETE FROM letters WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete letter %d: %w", id, err)
	}
	return nil
}
