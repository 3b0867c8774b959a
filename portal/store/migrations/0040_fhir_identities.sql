-- Identities of imported FHIR resources, so that a later bundle can point at a resource imported earlier
-- (a patient bundle naming the Practitioner of the practitioner bundle) and a re-import updates in place.
-- One row per imported resource: where it went (target table and row), and for the types without a table
-- of their own (Medication, Binary) the content a later reference needs.
CREATE TABLE fhir_resources (
    id            INTEGER PRIMARY KEY,
    resource_type TEXT    NOT NULL,
    fhir_id       TEXT    NOT NULL,
    target        TEXT    NOT NULL DEFAULT '',
    row_id        INTEGER,
    content_type  TEXT    NOT NULL DEFAULT '',
    content       BLOB,
    imported_at   DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    UNIQUE (resource_type, fhir_id)
);
-- urn:uuid references say nothing of the type: they are looked up by id alone.
CREATE INDEX fhir_resources_fhir_id ON fhir_resources (fhir_id);

-- Business identifiers of imported resources (AGB, URA, UZI, BSN, ...), for conditional references such as
-- Practitioner?identifier=http://fhir.nl/fhir/NamingSystem/agb-z|01012345 and for logical references.
CREATE TABLE fhir_identifiers (
    resource_type TEXT NOT NULL,
    system        TEXT NOT NULL,
    value         TEXT NOT NULL,
    fhir_id       TEXT NOT NULL,
    PRIMARY KEY (resource_type, system, value, fhir_id)
) WITHOUT ROWID;
CREATE INDEX fhir_identifiers_resource ON fhir_identifiers (resource_type, fhir_id);
