-- AGB codes typed on the first-entry page that the register's record does not clearly tie to the card
-- holder (other initials, another organisation) or that are already linked to another UZI number wait
-- here for the hospital's administrator, who confirms or refuses them. A surname alone is shared by too
-- many people to link a code by typing. At most one claim per UZI number waits at a time; decided claims
-- stay as the record of who decided what.

CREATE TABLE agb_claims (
    id                INTEGER  PRIMARY KEY,
    uzi_number        TEXT     NOT NULL CHECK (length(uzi_number) = 9 AND uzi_number NOT GLOB '*[^0-9]*'),
    agb_code          TEXT     NOT NULL CHECK (length(agb_code) = 8 AND agb_code NOT GLOB '*[^0-9]*'),
    holder_name       TEXT     NOT NULL,
    holder_given_name TEXT     NOT NULL DEFAULT '',
    holder_ura        TEXT     NOT NULL,
    holder_org        TEXT     NOT NULL DEFAULT '',
    holder_role       TEXT     NOT NULL,
    reason            TEXT     NOT NULL CHECK (reason IN ('initials', 'organisation', 'linked-elsewhere')),
    detail            TEXT     NOT NULL DEFAULT '',
    other_uzi         TEXT     NOT NULL DEFAULT '',
    claimed_at        DATETIME NOT NULL,
    status            TEXT     NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'refused')),
    decided_at        DATETIME,
    decided_by        TEXT     NOT NULL DEFAULT '',
    CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE UNIQUE INDEX agb_claims_one_pending ON agb_claims (uzi_number) WHERE status = 'pending';
CREATE INDEX agb_claims_by_uzi ON agb_claims (uzi_number, id);

-- The name and organisation of the card each link was made for, so that an administrator deciding a
-- conflict sees both holders of the code.
ALTER TABLE agb_links ADD COLUMN holder_name TEXT NOT NULL DEFAULT '';
ALTER TABLE agb_links ADD COLUMN holder_ura  TEXT NOT NULL DEFAULT '';
ALTER TABLE agb_links ADD COLUMN holder_org  TEXT NOT NULL DEFAULT '';
