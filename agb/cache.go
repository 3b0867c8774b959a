package agb

import (
	"sync"
	"time"
)

// ttlCache remembers definite register answers (a registration, or "not in
// the register") for a short time, so a burst of logins does not hammer the
// feed. Errors are never stored: a register that was down a second ago must
// be asked again.
type ttlCache struct {
	mu      sync.Mutex
	max     int
	entries map[Code]cacheEntry
}

type cacheEntry struct {
	reg     Registration
	found   bool
	expires time.Time
}

func newTTLCache(max int) *ttlCache {
	return &ttlCache{max: max, entries: make(map[Code]cacheEntry)}
}

// get returns the entry for code if it has not expired at now.
func (c *ttlCache) get(code Code, now time.Time) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[code]
	if !ok {
		return cacheEntry{}, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, code)
		return cacheEntry{}, false
	}
	e.reg = e.reg.Clone()
	return e, true
}

// put stores e for code. When the cache is full it first drops expired
// entries and then, if still full, the entry closest to expiry; the cache is
// small, so a linear sweep is cheaper than the bookkeeping of an LRU list.
func (c *ttlCache) put(code Code, e cacheEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, exists := c.entries[code]; !exists && len(c.entries) >= c.max {
		var oldest Code
		var oldestAt time.Time
		for k, v := range c.entries {
			if !now.Before(v.expires) {
				delete(c.entries, k)
				continue
			}
			if oldest == "" || v.expires.Before(oldestAt) {
				oldest, oldestAt = k, v.expires
			}
		}
		if len(c.entries) >= c.max {
			delete(c.entries, oldest)
		}
	}
	e.reg = e.reg.Clone()
	c.entries[code] = e
}

func (c *ttlCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
