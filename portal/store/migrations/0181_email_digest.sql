-- The optional e-mail digest: a provider (by UZI number) registers an address, confirms it through a link
-- with a random token (only its SHA-256 is kept, and only until it is used or expires), and then gets at
-- most one mail a day saying how many new items wait. The provider's identity is kept beside the address
-- because the digest is counted outside any request: the access rules need the AGB code, URA and role,
-- the access log names whom it notified.

CREATE TABLE digest_subscriptions (
    uzi_number       TEXT     PRIMARY KEY CHECK (length(uzi_number) = 9),
    name             TEXT     NOT NULL,
    role_code        TEXT     NOT NULL,
    agb              TEXT     NOT NULL DEFAULT '',
    ura              TEXT     NOT NULL DEFAULT '',
    organisation     TEXT     NOT NULL DEFAULT '',
    address          TEXT     NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
    token_hash       TEXT,
    token_expires_at DATETIME,
    registered_at    DATETIME NOT NULL,
    confirmed_at     DATETIME,
    CHECK ((token_hash IS NULL) = (token_expires_at IS NULL))
);

-- One row per provider and (Amsterdam) day on which a digest was queued: the primary key is what makes
-- "at most one a day" hold, also with several portal instances.
CREATE TABLE digest_days (
    uzi_number TEXT    NOT NULL,
    day        TEXT    NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    items      INTEGER NOT NULL CHECK (items > 0),
    PRIMARY KEY (uzi_number, day)
) WITHOUT ROWID;

-- Mail waiting for the relay, retried with backoff. The body is emptied once the mail is delivered or
-- given up (a confirmation carries its token).
CREATE TABLE mail_outbox (
    id              INTEGER  PRIMARY KEY,
    uzi_number      TEXT     NOT NULL,
    kind            TEXT     NOT NULL CHECK (kind IN ('confirm', 'digest')),
    items           INTEGER  NOT NULL DEFAULT 0,
    recipient       TEXT     NOT NULL,
    subject         TEXT     NOT NULL,
    body            TEXT     NOT NULL,
    created_at      DATETIME NOT NULL,
    attempts        INTEGER  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_error      TEXT     NOT NULL DEFAULT '',
    sent_at         DATETIME,
    given_up_at     DATETIME
);

CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
