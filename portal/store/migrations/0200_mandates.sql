-- Mandates (machtigingen): a provider lets a named colleague of the same organisation, who holds an
-- employee card, read the data of the provider's patients on the provider's behalf, limited to some
-- categories and to at most a year. Ending a mandate sets ended_at; a mandate is never deleted, so that
-- the access log's "on behalf of" can always be traced to the permission it rested on.
CREATE TABLE mandates (
    id            INTEGER PRIMARY KEY,
    ura           TEXT     NOT NULL,
    grantor_uzi   TEXT     NOT NULL,
    grantor_name  TEXT     NOT NULL,
    grantor_agb   TEXT     NOT NULL,
    grantor_role  TEXT     NOT NULL,
    delegate_uzi  TEXT     NOT NULL,
    delegate_name TEXT     NOT NULL DEFAULT '',
    categories    TEXT     NOT NULL CHECK (categories <> ''),
    valid_from    DATETIME NOT NULL,
    valid_until   DATETIME NOT NULL,
    created_at    DATETIME NOT NULL,
    ended_at      DATETIME,
    ended_by      TEXT,
    CHECK (valid_until > valid_from),
    CHECK (delegate_uzi <> grantor_uzi)
);
CREATE INDEX mandates_delegate ON mandates (delegate_uzi, ura);
CREATE INDEX mandates_grantor ON mandates (grantor_uzi);
