-- nl-core (zib 2020) data the portal shows besides the hospital's own profile.

-- zib NameInformation: the partner's family name with its voorvoegsel, the assembly order (NL1-NL4) and
-- the calling name; family_name and family_prefix stay the patient's own family name.
ALTER TABLE patients ADD COLUMN partner_name   TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN partner_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN name_order     TEXT NOT NULL DEFAULT '' CHECK (name_order IN ('', 'NL1', 'NL2', 'NL3', 'NL4'));
ALTER TABLE patients ADD COLUMN calling_name   TEXT NOT NULL DEFAULT '';

-- zib AllergyIntolerance: the severity of the worst reaction (mild, moderate, severe), apart from the
-- criticality (the risk of a future reaction), which the table already holds.
ALTER TABLE allergies ADD COLUMN reaction_severity TEXT NOT NULL DEFAULT ''
    CHECK (reaction_severity IN ('', 'mild', 'moderate', 'severe'));

-- zib TreatmentDirective2 and AdvanceDirective: what was decided about the treatment (permit = wel,
-- deny = niet, other = anders, with the specification), with whom and when it was agreed, when it ended.
ALTER TABLE treatment_limits ADD COLUMN kind          TEXT NOT NULL DEFAULT 'limit'
    CHECK (kind IN ('limit', 'directive', 'advance_directive'));
ALTER TABLE treatment_limits ADD COLUMN decision      TEXT NOT NULL DEFAULT ''
    CHECK (decision IN ('', 'permit', 'deny', 'other'));
ALTER TABLE treatment_limits ADD COLUMN specification TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_limits ADD COLUMN agreed_with   TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_limits ADD COLUMN comment       TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_limits ADD COLUMN ends_at       DATETIME;

-- zib Alert (FHIR Flag): a warning the banner shows while it is active, such as MRSA carriage or a
-- medication contra-indication.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL DEFAULT '',
    code_system TEXT    NOT NULL DEFAULT '',
    code        TEXT    NOT NULL DEFAULT '',
    display     TEXT    NOT NULL,
    category    TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('active', 'inactive')),
    start_at    DATETIME,
    end_at      DATETIME,
    comment     TEXT    NOT NULL DEFAULT '',
    fhir_id     TEXT    UNIQUE
);
CREATE INDEX alerts_patient ON alerts (patient_id);

-- zib MedicalDevice (FHIR DeviceUseStatement with its Device): the aids and implants a patient uses.
CREATE TABLE medical_devices (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system TEXT    NOT NULL DEFAULT '',
    code        TEXT    NOT NULL DEFAULT '',
    display     TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    body_site   TEXT    NOT NULL DEFAULT '',
    indication  TEXT    NOT NULL DEFAULT '',
    start_at    DATETIME,
    end_at      DATETIME,
    note        TEXT    NOT NULL DEFAULT '',
    fhir_id     TEXT    UNIQUE
);
CREATE INDEX medical_devices_patient ON medical_devices (patient_id);
