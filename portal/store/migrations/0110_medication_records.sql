-- Medication records of every MP9 3.0 building block, grouped by pharmaceutical treatment.
--
-- Until now the table held what a MedicationRequest or MedicationStatement said, one row per resource id.
-- The Dutch medication standard (Medicatieproces 9, 3.0) sends seven building blocks over four resource
-- types: medicatieafspraak (MA), verstrekkingsverzoek (VV) and wisselend doseerschema (WDS) as
-- MedicationRequest, toedieningsafspraak (TA) and verstrekking (MVE) as MedicationDispense, medicatiegebruik
-- (MGB) as MedicationStatement and medicatietoediening (MTD) as MedicationAdministration. They are told
-- apart by their category code and belong together by the pharmaceutical treatment identifier (MBH); which
-- agreement is in force follows from the stop type, the period of use, the registration time and the links
-- between records, so all of these are kept.
--
-- SQLite cannot widen a CHECK constraint, so the table is rebuilt: every row is copied with the same id (a
-- record of the FHIR import points at it by id), the new columns take their defaults, and the index is
-- created again. Records without an MP9 category (category '') are read as before.

CREATE TABLE medications_rebuilt (
    id                    INTEGER PRIMARY KEY,
    patient_id            INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_kind           TEXT    NOT NULL CHECK (source_kind IN ('statement', 'request', 'dispense', 'administration')),
    -- MP9 building block: MA, VV, WDS, TA, MVE, MGB, MTD; '' for a record without an MP9 category.
    category              TEXT    NOT NULL DEFAULT '' CHECK (category IN ('', 'MA', 'VV', 'WDS', 'TA', 'MVE', 'MGB', 'MTD')),
    -- Business identifier of the record: a record that arrives again under another resource id is the same.
    identifier_system     TEXT    NOT NULL DEFAULT '',
    identifier_value      TEXT    NOT NULL DEFAULT '',
    -- Pharmaceutical treatment (medicamenteuze behandeling) the record belongs to.
    treatment_system      TEXT    NOT NULL DEFAULT '',
    treatment_value       TEXT    NOT NULL DEFAULT '',
    registered_at         DATETIME,
    -- ext-StopType: '' (none), 'paused' (onderbroken), 'stopped' (stopgezet), 'cancelled' (geannuleerd).
    stop_type             TEXT    NOT NULL DEFAULT '' CHECK (stop_type IN ('', 'paused', 'stopped', 'cancelled')),
    code_system           TEXT    NOT NULL DEFAULT '',
    code                  TEXT    NOT NULL DEFAULT '',
    drug                  TEXT    NOT NULL,
    strength              TEXT    NOT NULL DEFAULT '',
    dose                  TEXT    NOT NULL DEFAULT '',
    route                 TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL,
    reason                TEXT    NOT NULL DEFAULT '',
    prescriber            TEXT    NOT NULL DEFAULT '',
    prescriber_specialism TEXT    NOT NULL DEFAULT '',
    start_at              DATETIME,
    stop_at               DATETIME,
    -- The period of use as sent: a duration ("21 weken") and a condition ("Stoppen 1 dag voor operatie").
    duration              TEXT    NOT NULL DEFAULT '',
    period_condition      TEXT    NOT NULL DEFAULT '',
    stop_reason           TEXT    NOT NULL DEFAULT '',
    -- Dispense: amount handed over, when, for how many days, by whom.
    quantity              TEXT    NOT NULL DEFAULT '',
    handed_over_at        DATETIME,
    days_supply           TEXT    NOT NULL DEFAULT '',
    performer             TEXT    NOT NULL DEFAULT '',
    -- Links to other records by business identifier, JSON [{"rel":..,"system":..,"value":..}].
    links                 TEXT    NOT NULL DEFAULT '[]',
    fhir_id               TEXT UNIQUE
);

INSERT INTO medications_rebuilt (id, patient_id, source_kind, code_system, code, drug, strength, dose, route, status,
                                 reason, prescriber, prescriber_specialism, start_at, stop_at, stop_reason, fhir_id)
SELECT id, patient_id, source_kind, code_system, code, drug, strength, dose, route, status,
       reason, prescriber, prescriber_specialism, start_at, stop_at, stop_reason, fhir_id
FROM medications;

DROP TABLE medications;
ALTER TABLE medications_rebuilt RENAME TO medications;
CREATE INDEX medications_patient ON medications (patient_id, start_at);
CREATE INDEX medications_identifier ON medications (identifier_value, identifier_system) WHERE identifier_value <> '';
