package portal

import (
	"context"
	"sync"
	"time"

	"zorgverlenersportaal/portal/store"
)

// sessionLedger is the portal's auth.SessionLedger: the sessions that ended before their cookies expired,
// in memory for the check on every request and in the database so that a restart does not bring them
// back. It forgets a session once its cookie has expired by itself.
type sessionLedger struct {
	store *store.Store
	now   func() time.Time

	mu    sync.RWMutex
	ended map[string]time.Time // session id -> when its cookie expires anyway
}

// newSessionLedger loads the ended sessions whose cookies are still alive.
func newSessionLedger(ctx context.Context, st *store.Store, now func() time.Time) (*sessionLedger, error) {
	ended, err := st.EndedSessions(ctx, now())
	if err != nil {
		return nil, err
	}
	return &sessionLedger{store: st, now: now, ended: ended}, nil
}

// Ended reports whether the session was ended.
func (l *sessionLedger) Ended(id string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, ok := l.ended[id]
	return ok
}

// End records the session as ended, durably first: a logout that is not written must not look done.
func (l *sessionLedger) End(ctx context.Context, id string, until time.Time) error {
	now := l.now()
	if err := l.store.EndSession(ctx, id, now, until); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ended[id] = until
	for other, expires := range l.ended {
		if expires.Before(now) {
			delete(l.ended, other)
		}
	}
	return nil
}
