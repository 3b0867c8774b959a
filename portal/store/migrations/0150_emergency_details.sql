-- What the review of an emergency access needs beyond the relationship itself:
--
--  * category: the kind of situation the provider chose from the form's short list (stored as its code,
--    so that the hospital can count and compare emergencies);
--  * prior_*: the provider's own relationship with the patient that no longer, or not yet, opened the
--    dossier when the emergency was opened (ended, expired, starting later): an emergency must not stand
--    in for it unseen, so the review shows it.
--
-- One row per emergency relationship, written in the same transaction. Emergencies opened before this
-- migration have none; the review shows them without a category.

CREATE TABLE emergency_details (
    relationship_id       INTEGER PRIMARY KEY REFERENCES relationships (id) ON DELETE CASCADE,
    category              TEXT    NOT NULL CHECK (category IN ('acute-presentation', 'out-of-hours',
                                  'unable-to-communicate', 'continuity-of-care', 'medication-safety', 'other')),
    prior_relationship_id INTEGER REFERENCES relationships (id) ON DELETE SET NULL,
    prior_kind            TEXT    NOT NULL DEFAULT '',
    prior_state           TEXT    NOT NULL DEFAULT '' CHECK (prior_state IN ('', 'ended', 'expired', 'not_yet_valid', 'active')),
    prior_at              DATETIME
);

CREATE TRIGGER emergency_details_only_emergency BEFORE INSERT ON emergency_details
WHEN (SELECT kind FROM relationships WHERE id = NEW.relationship_id) IS NOT 'emergency'
BEGIN
    SELECT RAISE(ABORT, 'only emergency relationships have emergency details');
END;

-- The cap counts a provider's emergencies of the last 24 hours.
CREATE INDEX relationships_emergency_holder ON relationships (holder_agb, created_at) WHERE kind = 'emergency';
