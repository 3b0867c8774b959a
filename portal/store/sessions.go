package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// EndSession records that a session ended before its cookie expired, so that the portal refuses every
// copy of the cookie, also after a restart. Rows of sessions whose cookies have expired since are removed
// in the same transaction: the table holds at most a day's logouts.
func (s *Store) EndSession(ctx context.Context, id string, endedAt, expiresAt time.Time) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO ended_sessions (session_id, ended_at, expires_at)
			VALUES (?, ?, ?)
			ON CONFLICT (session_id) DO NOTHING`, id, endedAt.UTC(), expiresAt.UTC()); err != nil {
			return fmt.Errorf("store: end session: %w", translate(err))
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM ended_sessions
			WHERE expires_at < ?`, endedAt.UTC()); err != nil {
			return fmt.Errorf("store: forget expired sessions: %w", err)
		}
		return nil
	})
}

// EndedSessions returns the ended sessions whose cookies have not expired at now, with the moment each
// expires; the portal loads them when it starts.
func (s *Store) EndedSessions(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	var rows []struct {
		ID        string    `db:"session_id"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	if err := s.read.SelectContext(ctx, &rows, `
		SELECT session_id, expires_at
		FROM ended_sessions
		WHERE expires_at >= ?`, now.UTC()); err != nil {
		return nil, fmt.Errorf("store: ended sessions: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.ID] = r.ExpiresAt
	}
	return out, nil
}
