package portaltest

import (
	"sync"
	"time"
)

// Clock is a portal clock a test moves forward (portal.WithClock(clk.Now)), so that sessions and
// relationships can expire without the test waiting for them.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's current moment; safe for the portal's goroutines while the test advances it.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
