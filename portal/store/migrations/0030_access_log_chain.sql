-- The access log (NEN 7513) made complete and checkable by the database itself, not only by `audit verify`:
--
--  * user_org: the name of the organisation the user acted for (the patient's overview names it, NEN 7513
--    ch. 9); hash_format: which fields a record's hash covers (1 = the records written before this
--    migration, 2 = also the id, the format and user_org).
--  * access_log_head: the id and hash of the newest record ever written. Every insert must carry the next
--    id and the head's hash as its prev_hash (an explicit sequence check: no gap, no fork, no id chosen at
--    will), and the head moves with it. Records cut off the end of the log are then missing against the
--    head, which verification reports.
--  * access_log_anchor: the retention anchor. Purging old records first moves the anchor to the last
--    record to go (its id, hash and time are copied from the record itself), and only records at or below
--    the anchor can be deleted: the log can lose its oldest records, in id order, and nothing else.
--    Verification starts from the anchor's hash. No record younger than one year can ever be anchored,
--    whatever the configured retention says: a floor against a mistaken setting.
--
-- Triggers guard every table: a record cannot be changed, nor deleted above the anchor; the head only
-- moves one record forward to the record just inserted; the anchor only moves forward.

ALTER TABLE access_log ADD COLUMN user_org TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN hash_format INTEGER NOT NULL DEFAULT 1 CHECK (hash_format IN (1, 2));

-- A provider's own accesses are paged by id; (user_uzi, id) replaces (user_uzi, at), so that an insert
-- touches one index fewer.
DROP INDEX access_log_user;
CREATE INDEX access_log_user_id ON access_log (user_uzi, id) WHERE user_uzi <> '';
-- The emergency accesses to review are paged by id as well.
DROP INDEX access_log_emergency;
CREATE INDEX access_log_emergency_id ON access_log (id) WHERE emergency = 1;

CREATE TABLE access_log_head (
    only      INTEGER PRIMARY KEY CHECK (only = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO access_log_head (only, last_id, last_hash)
SELECT 1,
       coalesce((SELECT max(id) FROM access_log), 0),
       coalesce((SELECT hash FROM access_log ORDER BY id DESC LIMIT 1),
                '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE access_log_anchor (
    only          INTEGER PRIMARY KEY CHECK (only = 1),
    purged_id     INTEGER NOT NULL,  -- the last purged record; 0 = nothing purged yet
    purged_hash   TEXT    NOT NULL,  -- its hash: the prev_hash of the first record kept
    purged_at     TEXT    NOT NULL,  -- its time (empty while nothing was purged)
    purged_count  INTEGER NOT NULL,  -- records purged in all
    updated_at    TEXT    NOT NULL
);
INSERT INTO access_log_anchor (only, purged_id, purged_hash, purged_at, purged_count, updated_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '', 0, '');

-- Inserts: the next id, chained to the head.
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

CREATE TRIGGER access_log_head_no_delete BEFORE DELETE ON access_log_head
BEGIN
    SELECT RAISE(ABORT, 'access_log_head cannot be deleted');
END;

-- Deletes: only records at or below the retention anchor (0001 refused every delete).
DROP TRIGGER access_log_no_delete;
CREATE TRIGGER access_log_delete_only_purged BEFORE DELETE ON access_log
WHEN OLD.id > (SELECT purged_id FROM access_log_anchor)
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only: only records at or below the retention anchor can be purged');
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

CREATE TRIGGER access_log_anchor_no_delete BEFORE DELETE ON access_log_anchor
BEGIN
    SELECT RAISE(ABORT, 'access_log_anchor cannot be deleted');
END;
