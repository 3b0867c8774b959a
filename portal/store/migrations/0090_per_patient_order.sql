-- The access decision reads a patient's relationships (by start) and consents (by id) on every page. With
-- an index on the patient alone SQLite sorted those few rows in a temporary B-tree per query, which cost
-- more than finding them; these indexes give them in the order asked (the rowid, which is the id, closes
-- every index), so the plans need no sort. The relationship index replaces the one on the patient alone.
CREATE INDEX relationships_patient_from ON relationships (patient_id, valid_from);
DROP INDEX relationships_patient;
CREATE INDEX consents_patient ON consents (patient_id);
