-- The core of the dossier: patients, what the hospital knows of them, who may see it and the access log.
-- Times are DATETIME in UTC, calendar days are DATE ("YYYY-MM-DD"). Every row imported from FHIR keeps
-- its source id in fhir_id so that a re-import updates in place.

CREATE TABLE patients (
    id             INTEGER PRIMARY KEY,
    bsn            TEXT    NOT NULL UNIQUE CHECK (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*'),
    bsn_synthetic  INTEGER NOT NULL DEFAULT 0 CHECK (bsn_synthetic IN (0, 1)),
    patient_number TEXT    NOT NULL UNIQUE,
    family_name    TEXT    NOT NULL,
    family_prefix  TEXT    NOT NULL DEFAULT '',
    given_names    TEXT    NOT NULL DEFAULT '',
    initials       TEXT    NOT NULL DEFAULT '',
    birth_date     DATE    NOT NULL,
    sex            TEXT    NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    deceased       INTEGER NOT NULL DEFAULT 0 CHECK (deceased IN (0, 1)),
    deceased_at    DATETIME,
    fhir_id        TEXT    UNIQUE,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX patients_bsn_birth ON patients (bsn, birth_date);

-- Treatment limits (behandelbeperkingen, e.g. "niet reanimeren") shown in the patient banner.
CREATE TABLE treatment_limits (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code        TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'active',
    recorded_at DATETIME,
    fhir_id     TEXT    UNIQUE
);
CREATE INDEX treatment_limits_patient ON treatment_limits (patient_id);

-- A treatment relationship (behandelrelatie): held by one provider (AGB code) or one organisation (URA).
CREATE TABLE relationships (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    holder_kind TEXT    NOT NULL CHECK (holder_kind IN ('provider', 'organisation')),
    holder_agb  TEXT,
    holder_ura  TEXT,
    holder_name TEXT    NOT NULL DEFAULT '',
    kind        TEXT    NOT NULL CHECK (kind IN ('registered_gp', 'pharmacy', 'referrer', 'discharge_recipient',
                                                 'invited', 'covering', 'emergency')),
    mandate_ura TEXT,
    source      TEXT    NOT NULL,
    source_ref  TEXT    UNIQUE,
    valid_from  DATETIME NOT NULL,
    valid_until DATETIME,
    reason      TEXT    NOT NULL DEFAULT '',
    created_by  TEXT    NOT NULL,
    created_at  DATETIME NOT NULL,
    ended_at    DATETIME,
    ended_by    TEXT,
    end_reason  TEXT,
    CHECK ((holder_kind = 'provider' AND holder_agb IS NOT NULL AND holder_ura IS NULL)
        OR (holder_kind = 'organisation' AND holder_ura IS NOT NULL AND holder_agb IS NULL)),
    CHECK (kind <> 'covering' OR mandate_ura IS NOT NULL),
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);
CREATE INDEX relationships_patient ON relationships (patient_id);
CREATE INDEX relationships_holder_agb ON relationships (holder_agb, patient_id) WHERE holder_agb IS NOT NULL;
CREATE INDEX relationships_holder_ura ON relationships (holder_ura, patient_id) WHERE holder_ura IS NOT NULL;

-- Consent (toestemming) per recipient category, as a history: the newest row of a (patient, category) is
-- the one in force; no row means no.
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    category      TEXT    NOT NULL CHECK (category IN ('huisartsen', 'apotheken', 'medisch_specialisten',
                                                       'ouderen_gehandicaptenzorg', 'verpleging_thuiszorg')),
    status        TEXT    NOT NULL CHECK (status IN ('granted', 'refused', 'withdrawn')),
    registered_by TEXT    NOT NULL CHECK (registered_by IN ('patient', 'representative', 'both')),
    channel       TEXT    NOT NULL CHECK (channel IN ('desk', 'patient_portal', 'form', 'import')),
    given_at      DATETIME NOT NULL,
    recorded_by   TEXT    NOT NULL,
    recorded_at   DATETIME NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    source_ref    TEXT    UNIQUE
);
CREATE INDEX consents_patient_category ON consents (patient_id, category, id);

CREATE TABLE organisations (
    id      INTEGER PRIMARY KEY,
    ura     TEXT,
    agb     TEXT,
    name    TEXT NOT NULL,
    city    TEXT NOT NULL DEFAULT '',
    fhir_id TEXT UNIQUE
);

CREATE TABLE practitioners (
    id            INTEGER PRIMARY KEY,
    agb           TEXT,
    uzi           TEXT,
    name          TEXT NOT NULL,
    specialism    TEXT NOT NULL DEFAULT '',
    organisation_id INTEGER REFERENCES organisations (id),
    fhir_id       TEXT UNIQUE
);

-- Contacts: admissions, outpatient visits, emergency visits.
CREATE TABLE encounters (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    class         TEXT    NOT NULL CHECK (class IN ('inpatient', 'outpatient', 'emergency', 'home', 'virtual', 'other')),
    status        TEXT    NOT NULL,
    type          TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    department    TEXT    NOT NULL DEFAULT '',
    practitioner  TEXT    NOT NULL DEFAULT '',
    location      TEXT    NOT NULL DEFAULT '',
    start_at      DATETIME NOT NULL,
    end_at        DATETIME,
    discharge_disposition TEXT NOT NULL DEFAULT '',
    fhir_id       TEXT UNIQUE
);
CREATE INDEX encounters_patient ON encounters (patient_id, start_at);
CREATE INDEX encounters_open_admissions ON encounters (patient_id) WHERE class = 'inpatient' AND end_at IS NULL;

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    department   TEXT    NOT NULL DEFAULT '',
    practitioner TEXT    NOT NULL DEFAULT '',
    start_at     DATETIME NOT NULL,
    end_at       DATETIME,
    fhir_id      TEXT UNIQUE
);
CREATE INDEX appointments_patient ON appointments (patient_id, start_at);

-- Procedures, operations among them.
CREATE TABLE procedures (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system  TEXT    NOT NULL DEFAULT '',
    code         TEXT    NOT NULL DEFAULT '',
    display      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    performer    TEXT    NOT NULL DEFAULT '',
    start_at     DATETIME,
    end_at       DATETIME,
    encounter_id INTEGER REFERENCES encounters (id) ON DELETE SET NULL,
    fhir_id      TEXT UNIQUE
);
CREATE INDEX procedures_patient ON procedures (patient_id, start_at);

-- Problems and diagnoses.
CREATE TABLE conditions (
    id                  INTEGER PRIMARY KEY,
    patient_id          INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system         TEXT    NOT NULL DEFAULT '',
    code                TEXT    NOT NULL DEFAULT '',
    display             TEXT    NOT NULL,
    clinical_status     TEXT    NOT NULL DEFAULT '',
    verification_status TEXT    NOT NULL DEFAULT '',
    category            TEXT    NOT NULL DEFAULT '',
    onset_at            DATETIME,
    abatement_at        DATETIME,
    recorded_at         DATETIME,
    fhir_id             TEXT UNIQUE
);
CREATE INDEX conditions_patient ON conditions (patient_id, onset_at);

CREATE TABLE allergies (
    id                  INTEGER PRIMARY KEY,
    patient_id          INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system         TEXT    NOT NULL DEFAULT '',
    code                TEXT    NOT NULL DEFAULT '',
    display             TEXT    NOT NULL,
    type                TEXT    NOT NULL DEFAULT '',
    category            TEXT    NOT NULL DEFAULT '',
    criticality         TEXT    NOT NULL DEFAULT '',
    clinical_status     TEXT    NOT NULL DEFAULT '',
    verification_status TEXT    NOT NULL DEFAULT '',
    reaction            TEXT    NOT NULL DEFAULT '',
    onset_at            DATETIME,
    recorded_at         DATETIME,
    fhir_id             TEXT UNIQUE
);
CREATE INDEX allergies_patient ON allergies (patient_id);

-- Medication overview: what the patient uses or was prescribed, with start, stop and why it stopped.
CREATE TABLE medications (
    id                    INTEGER PRIMARY KEY,
    patient_id            INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_kind           TEXT    NOT NULL CHECK (source_kind IN ('statement', 'request')),
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
    stop_reason           TEXT    NOT NULL DEFAULT '',
    fhir_id               TEXT UNIQUE
);
CREATE INDEX medications_patient ON medications (patient_id, start_at);

-- Laboratory results; one row per test per moment. Vital signs are kept apart (vital_signs).
CREATE TABLE lab_results (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system    TEXT    NOT NULL DEFAULT '',
    code           TEXT    NOT NULL,
    display        TEXT    NOT NULL,
    value_num      REAL,
    value_text     TEXT    NOT NULL DEFAULT '',
    comparator     TEXT    NOT NULL DEFAULT '',
    unit           TEXT    NOT NULL DEFAULT '',
    ref_low        REAL,
    ref_high       REAL,
    ref_text       TEXT    NOT NULL DEFAULT '',
    interpretation TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT 'final',
    effective_at   DATETIME NOT NULL,
    report_fhir_id TEXT,
    fhir_id        TEXT UNIQUE
);
CREATE INDEX lab_results_patient ON lab_results (patient_id, code, effective_at);

CREATE TABLE vital_signs (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    code_system  TEXT    NOT NULL DEFAULT '',
    code         TEXT    NOT NULL,
    display      TEXT    NOT NULL,
    value_num    REAL,
    value_text   TEXT    NOT NULL DEFAULT '',
    unit         TEXT    NOT NULL DEFAULT '',
    effective_at DATETIME NOT NULL,
    fhir_id      TEXT UNIQUE
);
CREATE INDEX vital_signs_patient ON vital_signs (patient_id, code, effective_at);

-- Reports: radiology, pathology and function tests (ECG, spirometry, Holter); content in attachments.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('radiology', 'pathology', 'ecg', 'spirometry', 'holter', 'laboratory', 'other')),
    code_system  TEXT    NOT NULL DEFAULT '',
    code         TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    author       TEXT    NOT NULL DEFAULT '',
    conclusion   TEXT    NOT NULL DEFAULT '',
    effective_at DATETIME,
    issued_at    DATETIME,
    fhir_id      TEXT UNIQUE
);
CREATE INDEX reports_patient ON reports (patient_id, effective_at);

-- Letters: discharge letters, specialist letters, referral answers; content in attachments.
CREATE TABLE letters (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL CHECK (kind IN ('discharge', 'specialist', 'referral', 'other')),
    type_code         TEXT    NOT NULL DEFAULT '',
    title             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    author            TEXT    NOT NULL DEFAULT '',
    author_specialism TEXT    NOT NULL DEFAULT '',
    written_at        DATETIME NOT NULL,
    fhir_id           TEXT UNIQUE
);
CREATE INDEX letters_patient ON letters (patient_id, written_at);

-- The content of a report or a letter: PDF, plain text or HTML (sanitised when shown).
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    letter_id    INTEGER REFERENCES letters (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL,
    title        TEXT    NOT NULL DEFAULT '',
    data         BLOB    NOT NULL,
    sha256       TEXT    NOT NULL,
    CHECK ((report_id IS NULL) <> (letter_id IS NULL)),
    UNIQUE (report_id, letter_id, position)
);
CREATE INDEX attachments_report ON attachments (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX attachments_letter ON attachments (letter_id) WHERE letter_id IS NOT NULL;

CREATE TABLE imaging_studies (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status         TEXT    NOT NULL,
    started_at     DATETIME,
    modality       TEXT    NOT NULL DEFAULT '',
    description    TEXT    NOT NULL DEFAULT '',
    body_site      TEXT    NOT NULL DEFAULT '',
    series_count   INTEGER NOT NULL DEFAULT 0,
    instance_count INTEGER NOT NULL DEFAULT 0,
    fhir_id        TEXT UNIQUE
);
CREATE INDEX imaging_studies_patient ON imaging_studies (patient_id, started_at);

-- The access log (NEN 7513). Append-only: the triggers refuse UPDATE and DELETE; every record carries the
-- hash of the previous one so that a forged or missing record breaks the chain.
CREATE TABLE access_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    outcome          TEXT    NOT NULL,
    reason           TEXT    NOT NULL DEFAULT '',
    user_uzi         TEXT    NOT NULL DEFAULT '',
    user_name        TEXT    NOT NULL DEFAULT '',
    user_role        TEXT    NOT NULL DEFAULT '',
    user_agb         TEXT    NOT NULL DEFAULT '',
    user_ura         TEXT    NOT NULL DEFAULT '',
    on_behalf_of     TEXT    NOT NULL DEFAULT '',
    patient_bsn      TEXT    NOT NULL DEFAULT '',
    patient_number   TEXT    NOT NULL DEFAULT '',
    object_category  TEXT    NOT NULL DEFAULT '',
    object_ids       TEXT    NOT NULL DEFAULT '',
    basis            TEXT    NOT NULL DEFAULT '',
    emergency        INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1)),
    client_ip        TEXT    NOT NULL DEFAULT '',
    cert_fingerprint TEXT    NOT NULL DEFAULT '',
    request_id       TEXT    NOT NULL DEFAULT '',
    detail           TEXT    NOT NULL DEFAULT '',
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL UNIQUE
);
CREATE INDEX access_log_patient ON access_log (patient_bsn, at) WHERE patient_bsn <> '';
CREATE INDEX access_log_user ON access_log (user_uzi, at) WHERE user_uzi <> '';
CREATE INDEX access_log_emergency ON access_log (at) WHERE emergency = 1;

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only: records cannot be changed');
END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only: records cannot be deleted');
END;
