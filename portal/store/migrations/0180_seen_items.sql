-- What is new: per provider (UZI number), which items of a patient's dossier they have seen and when.
--
-- An item is news for a provider when something happened to it (an admission began or ended, a letter was
-- written, a report issued, a lab value measured) after the provider last saw it, or when they never saw
-- it. Keying on the item rather than on a per-category "last looked" moment keeps a letter that arrives
-- late (written last week, imported today) new until it is opened, and lets opening one letter leave the
-- other new letters new. An encounter is one item: seen while the patient was in hospital, its discharge
-- is news again.
--
-- kind is the item's kind as the access log names it (encounter, letter, report, lab); seen_at is the
-- latest moment the provider's screen showed it. Rows go with their patient.

CREATE TABLE seen_items (
    uzi_number TEXT    NOT NULL CHECK (length(uzi_number) = 9),
    kind       TEXT    NOT NULL CHECK (kind IN ('encounter', 'letter', 'report', 'lab')),
    item_id    INTEGER NOT NULL,
    patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    seen_at    DATETIME NOT NULL,
    PRIMARY KEY (uzi_number, kind, item_id)
) WITHOUT ROWID;

CREATE INDEX seen_items_patient ON seen_items (patient_id);

-- The news query starts from a provider's patients (their relationships) and reads each patient's recent
-- items; lab results had no index by patient and time.
CREATE INDEX lab_results_patient_effective ON lab_results (patient_id, effective_at);
