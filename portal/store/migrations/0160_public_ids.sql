-- Public ids: the ids that addresses carry for patients and for the dossier items that have an address of
-- their own (a lab result's trend, a report, a letter, an attachment). The row ids are sequential, and an
-- address with one let a provider walk the hospital's patients by counting; a public id is 128 random bits
-- written as 32 characters of the alphabet ghjklmnpqrstvwxz (portal/publicid: four bits a character, no
-- digits, so that an id never reads as a BSN or a date). Row ids stay internal and in the access log.
--
-- SQL writes one as the hexadecimal of 16 random bytes with each hexadecimal digit replaced by the
-- character of the same value (no target is a hexadecimal digit, so the replacements cannot run into each
-- other). Existing rows get one here. A row inserted without one (the FHIR import, hand registration) gets
-- one from the trigger right after its insert, in the same statement; the bulk generator brings its
-- own. Once set, a public id never changes, so that an address stays the same. Patients are looked up
-- by public id alone (a unique index), attachments by theirs (a unique index; there are few). Lab
-- results, reports and letters are always looked up together with their patient, through the patient's
-- own index (tens to hundreds of rows): an index on their public ids would add a fifth to a generated
-- database (16 MiB of 130 for 20,000 patients, nearly all of it lab results) and nothing a page needs.

ALTER TABLE patients ADD COLUMN public_id TEXT
    CHECK (public_id IS NULL OR (length(public_id) = 32 AND public_id NOT GLOB '*[^ghjklmnpqrstvwxz]*'));
UPDATE patients SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z');
CREATE UNIQUE INDEX patients_public_id ON patients (public_id);
CREATE TRIGGER patients_public_id_new AFTER INSERT ON patients WHEN NEW.public_id IS NULL
BEGIN
    UPDATE patients SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z') WHERE id = NEW.id;
END;
CREATE TRIGGER patients_public_id_kept BEFORE UPDATE OF public_id ON patients
    WHEN OLD.public_id IS NOT NULL AND NEW.public_id IS NOT OLD.public_id
BEGIN
    SELECT RAISE(ABORT, 'public id of patients never changes');
END;

ALTER TABLE lab_results ADD COLUMN public_id TEXT
    CHECK (public_id IS NULL OR (length(public_id) = 32 AND public_id NOT GLOB '*[^ghjklmnpqrstvwxz]*'));
UPDATE lab_results SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z');
CREATE TRIGGER lab_results_public_id_new AFTER INSERT ON lab_results WHEN NEW.public_id IS NULL
BEGIN
    UPDATE lab_results SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z') WHERE id = NEW.id;
END;
CREATE TRIGGER lab_results_public_id_kept BEFORE UPDATE OF public_id ON lab_results
    WHEN OLD.public_id IS NOT NULL AND NEW.public_id IS NOT OLD.public_id
BEGIN
    SELECT RAISE(ABORT, 'public id of lab_results never changes');
END;

ALTER TABLE reports ADD COLUMN public_id TEXT
    CHECK (public_id IS NULL OR (length(public_id) = 32 AND public_id NOT GLOB '*[^ghjklmnpqrstvwxz]*'));
UPDATE reports SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z');
CREATE TRIGGER reports_public_id_new AFTER INSERT ON reports WHEN NEW.public_id IS NULL
BEGIN
    UPDATE reports SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z') WHERE id = NEW.id;
END;
CREATE TRIGGER reports_public_id_kept BEFORE UPDATE OF public_id ON reports
    WHEN OLD.public_id IS NOT NULL AND NEW.public_id IS NOT OLD.public_id
BEGIN
    SELECT RAISE(ABORT, 'public id of reports never changes');
END;

ALTER TABLE letters ADD COLUMN public_id TEXT
    CHECK (public_id IS NULL OR (length(public_id) = 32 AND public_id NOT GLOB '*[^ghjklmnpqrstvwxz]*'));
UPDATE letters SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z');
CREATE TRIGGER letters_public_id_new AFTER INSERT ON letters WHEN NEW.public_id IS NULL
BEGIN
    UPDATE letters SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z') WHERE id = NEW.id;
END;
CREATE TRIGGER letters_public_id_kept BEFORE UPDATE OF public_id ON letters
    WHEN OLD.public_id IS NOT NULL AND NEW.public_id IS NOT OLD.public_id
BEGIN
    SELECT RAISE(ABORT, 'public id of letters never changes');
END;

ALTER TABLE attachments ADD COLUMN public_id TEXT
    CHECK (public_id IS NULL OR (length(public_id) = 32 AND public_id NOT GLOB '*[^ghjklmnpqrstvwxz]*'));
UPDATE attachments SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z');
CREATE UNIQUE INDEX attachments_public_id ON attachments (public_id);
CREATE TRIGGER attachments_public_id_new AFTER INSERT ON attachments WHEN NEW.public_id IS NULL
BEGIN
    UPDATE attachments SET public_id = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(hex(randomblob(16)), '0', 'g'), '1', 'h'), '2', 'j'), '3', 'k'), '4', 'l'), '5', 'm'), '6', 'n'), '7', 'p'), '8', 'q'), '9', 'r'), 'A', 's'), 'B', 't'), 'C', 'v'), 'D', 'w'), 'E', 'x'), 'F', 'z') WHERE id = NEW.id;
END;
CREATE TRIGGER attachments_public_id_kept BEFORE UPDATE OF public_id ON attachments
    WHEN OLD.public_id IS NOT NULL AND NEW.public_id IS NOT OLD.public_id
BEGIN
    SELECT RAISE(ABORT, 'public id of attachments never changes');
END;
