-- Emergency accesses (relationships of kind 'emergency') are reviewed by the hospital afterwards: who
-- reviewed, when, and what they concluded. A relationship is reviewed once; only emergency ones are.

CREATE TABLE emergency_reviews (
    relationship_id INTEGER PRIMARY KEY REFERENCES relationships (id) ON DELETE CASCADE,
    reviewed_at     DATETIME NOT NULL,
    reviewed_by     TEXT     NOT NULL CHECK (length(trim(reviewed_by)) > 0),
    note            TEXT     NOT NULL CHECK (length(trim(note)) > 0)
);

CREATE TRIGGER emergency_reviews_only_emergency BEFORE INSERT ON emergency_reviews
WHEN (SELECT kind FROM relationships WHERE id = NEW.relationship_id) IS NOT 'emergency'
BEGIN
    SELECT RAISE(ABORT, 'only emergency relationships are reviewed');
END;

-- The review list reads emergency relationships newest first.
CREATE INDEX relationships_emergency ON relationships (created_at) WHERE kind = 'emergency';
