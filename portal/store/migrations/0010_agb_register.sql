-- The hospital's copy of the AGB register (Vektis), imported from its register file with `agb import`, and
-- the link from a provider's UZI number to the AGB code admission accepted. Calendar days are DATE
-- ("YYYY-MM-DD"); an open end is NULL. Times are DATETIME in UTC.

-- One registration: a zorgverlener (person), onderneming or vestiging.
CREATE TABLE agb_registrations (
    code        TEXT     PRIMARY KEY CHECK (length(code) = 8 AND code NOT GLOB '*[^0-9]*'),
    kind        TEXT     NOT NULL CHECK (kind IN ('zorgverlener', 'onderneming', 'vestiging')),
    surname     TEXT     NOT NULL DEFAULT '',
    prefix      TEXT     NOT NULL DEFAULT '',
    initials    TEXT     NOT NULL DEFAULT '',
    given_name  TEXT     NOT NULL DEFAULT '',
    name        TEXT     NOT NULL DEFAULT '',
    start_date  DATE     NOT NULL,
    end_date    DATE     CHECK (end_date IS NULL OR end_date >= start_date),
    status      TEXT     NOT NULL CHECK (status IN ('actief', 'beeindigd')),
    imported_at DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

-- The kwalificaties of a registration; a re-import replaces them all.
CREATE TABLE agb_qualifications (
    code         TEXT NOT NULL REFERENCES agb_registrations (code) ON DELETE CASCADE,
    kwalificatie TEXT NOT NULL CHECK (length(kwalificatie) = 4 AND kwalificatie NOT GLOB '*[^0-9]*'),
    start_date   DATE NOT NULL,
    end_date     DATE CHECK (end_date IS NULL OR end_date >= start_date),
    PRIMARY KEY (code, kwalificatie, start_date)
);

-- Relations from a registration to another AGB code (which need not be in the register); a re-import
-- replaces them all.
CREATE TABLE agb_relations (
    code       TEXT NOT NULL REFERENCES agb_registrations (code) ON DELETE CASCADE,
    other_code TEXT NOT NULL CHECK (length(other_code) = 8 AND other_code NOT GLOB '*[^0-9]*'),
    kind       TEXT NOT NULL CHECK (kind IN ('werkzaam-bij', 'arbeidsrelatie', 'vestiging-van', 'verbonden-met')),
    role       TEXT NOT NULL DEFAULT '',
    start_date DATE NOT NULL,
    end_date   DATE CHECK (end_date IS NULL OR end_date >= start_date),
    PRIMARY KEY (code, other_code, kind, start_date)
);
CREATE INDEX agb_relations_other ON agb_relations (other_code);

-- The AGB code admission accepted for a UZI number: from the card, or typed by the provider on the
-- first-entry page. No foreign key to agb_registrations: a code may leave the register, and the next
-- check then says so. checked_at and outcome record the latest check against the register ("admitted" or
-- the refusal reason).
CREATE TABLE agb_links (
    uzi_number TEXT     PRIMARY KEY CHECK (length(uzi_number) = 9 AND uzi_number NOT GLOB '*[^0-9]*'),
    agb_code   TEXT     NOT NULL CHECK (length(agb_code) = 8 AND agb_code NOT GLOB '*[^0-9]*'),
    source     TEXT     NOT NULL CHECK (source IN ('card', 'entered')),
    linked_at  DATETIME NOT NULL,
    checked_at DATETIME NOT NULL,
    outcome    TEXT     NOT NULL
);
CREATE INDEX agb_links_code ON agb_links (agb_code);
