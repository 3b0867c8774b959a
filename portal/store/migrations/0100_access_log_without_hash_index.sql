-- The access log without a unique index on its hashes.
--
-- 0001 declared `hash TEXT NOT NULL UNIQUE`. That index keys every record by 64 random hex characters, so
-- each append landed on a random leaf of an index as large as the log's own ids: once the index outgrew
-- the writer's cache, nearly every record read a page from the file and wrote a whole page to the WAL, and
-- the index cost about as much as the rest of the insert together (appends to a log of 0.7 M records:
-- 118-129 µs of CPU per record with it, 61-68 µs without).
--
-- Nothing needs it. No query looks a record up by its hash; the chain is kept by the sequence triggers
-- (each record carries the next id and the hash of the head) and checked by `audit verify`, which
-- recomputes every hash in id order; and a hash covers the record's id and its predecessor's hash, so two
-- records cannot share one unless SHA-256 collides. Tamper evidence does not rest on the index.
--
-- SQLite cannot drop a constraint, so the table is rebuilt: every record is copied as it is (same ids,
-- same hashes, the chain unchanged), the old table is dropped, and the indexes and every trigger that
-- guards the log are created again exactly as 0001, 0030 left them. The triggers go first so that nothing
-- refers to the table while it is replaced; the whole migration is one transaction, so the log is never
-- seen unguarded or half copied. On a log of ten million records this takes minutes, once.

DROP TRIGGER access_log_no_update;
DROP TRIGGER access_log_delete_only_purged;
DROP TRIGGER access_log_insert_in_sequence;
DROP TRIGGER access_log_move_head;
DROP TRIGGER access_log_head_forward_only;
DROP TRIGGER access_log_anchor_forward_only;

CREATE TABLE access_log_rebuilt (
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
    hash             TEXT    NOT NULL,
    user_org         TEXT    NOT NULL DEFAULT '',
    hash_format      INTEGER NOT NULL DEFAULT 1 CHECK (hash_format IN (1, 2))
);

INSERT INTO access_log_rebuilt (
    id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura, on_behalf_of,
    patient_bsn, patient_number, object_category, object_ids, basis, emergency, client_ip, cert_fingerprint,
    request_id, detail, prev_hash, hash, user_org, hash_format)
SELECT id, at, event, outcome, reason, user_uzi, user_name, user_role, user_agb, user_ura, on_behalf_of,
       patient_bsn, patient_number, object_category, object_ids, basis, emergency, client_ip, cert_fingerprint,
       request_id, detail, prev_hash, hash, user_org, hash_format
FROM access_log
ORDER BY id;

DROP TABLE access_log;
ALTER TABLE access_log_rebuilt RENAME TO access_log;

CREATE INDEX access_log_patient ON access_log (patient_bsn, at) WHERE patient_bsn <> '';
CREATE INDEX access_log_user_id ON access_log (user_uzi, id) WHERE user_uzi <> '';
CREATE INDEX access_log_emergency_id ON access_log (id) WHERE emergency = 1;

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only: records cannot be changed');
END;

CREATE TRIGGER access_log_delete_only_purged BEFORE DELETE ON access_log
WHEN OLD.id > (SELECT purged_id FROM access_log_anchor)
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only: only records at or below the retention anchor can be purged');
END;

CREATE TRIGGER access_log_insert_in_sequence BEFORE INSERT ON access_log
WHEN NEW.id IS NOT (SELECT last_id + 1 FROM access_log_head)
  OR NEW.prev_hash IS NOT (SELECT last_hash FROM access_log_head)
BEGIN
    SELECT RAISE(ABORT, 'access_log: a record must carry the next id and the hash of the last record');
END;

CREATE TRIGGER access_log_move_head AFTER INSERT ON access_log
BEGIN
    UPDATE access_log_head SET last_id = NEW.id, last_hash = NEW.hash;
END;

CREATE TRIGGER access_log_head_forward_only BEFORE UPDATE ON access_log_head
WHEN NEW.only IS NOT OLD.only
  OR NEW.last_id IS NOT OLD.last_id + 1
  OR NEW.last_hash IS NOT (SELECT hash FROM access_log WHERE id = NEW.last_id)
BEGIN
    SELECT RAISE(ABORT, 'access_log_head moves only to the record just appended');
END;

CREATE TRIGGER access_log_anchor_forward_only BEFORE UPDATE ON access_log_anchor
WHEN NEW.only IS NOT OLD.only
  OR NEW.purged_id <= OLD.purged_id
  OR NEW.purged_count < OLD.purged_count
  OR NEW.purged_hash IS NOT (SELECT hash FROM access_log WHERE id = NEW.purged_id)
  OR NEW.purged_at IS NOT (SELECT at FROM access_log WHERE id = NEW.purged_id)
  OR EXISTS (SELECT 1 FROM access_log
             WHERE id > OLD.purged_id AND id <= NEW.purged_id
               AND at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 years'))
BEGIN
    SELECT RAISE(ABORT, 'access_log_anchor moves only forward, to an existing record, over records older than one year');
END;
