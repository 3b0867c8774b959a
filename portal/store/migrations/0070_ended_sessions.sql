-- Sessions that ended before their cookie would have expired by itself: a logout, or a cookie that turned
-- up with another card. Session cookies live in the browser, so without this table a copy of a cookie
-- taken before the logout would stay valid until its timeouts. A row is needed only until expires_at
-- (login + the absolute timeout); older rows are removed as new ones come in.

CREATE TABLE ended_sessions (
    session_id TEXT     PRIMARY KEY CHECK (length(session_id) BETWEEN 16 AND 64),
    ended_at   DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
) WITHOUT ROWID;

CREATE INDEX ended_sessions_expiry ON ended_sessions (expires_at);
