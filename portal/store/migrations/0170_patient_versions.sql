-- A version per patient that every change to what the access decision reads moves: the patient row, its
-- relationships and its consents. The store keeps the decision's facts of a patient in memory and reads
-- only this one row per request to know whether they still hold; the triggers move it whatever writes
-- (the portal, an import, a command, or SQL by hand), so that a consent withdrawn or a relationship ended
-- is honoured on the very next request, on every instance.
CREATE TABLE patient_versions (
    patient_id INTEGER PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL
);
INSERT INTO patient_versions (patient_id, version) SELECT id, 1 FROM patients;

CREATE TRIGGER patient_versions_patient_insert AFTER INSERT ON patients
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patient_versions_patient_update AFTER UPDATE ON patients
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER patient_versions_relationship_insert AFTER INSERT ON relationships
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patient_versions_relationship_update AFTER UPDATE ON relationships
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patient_versions_relationship_delete AFTER DELETE ON relationships
BEGIN
    UPDATE patient_versions SET version = version + 1 WHERE patient_id = OLD.patient_id;
END;

CREATE TRIGGER patient_versions_consent_insert AFTER INSERT ON consents
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patient_versions_consent_update AFTER UPDATE ON consents
BEGIN
    INSERT INTO patient_versions (patient_id, version) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
    INSERT INTO patient_versions (patient_id, version) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patient_versions_consent_delete AFTER DELETE ON consents
BEGIN
    UPDATE patient_versions SET version = version + 1 WHERE patient_id = OLD.patient_id;
END;
