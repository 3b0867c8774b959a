package portal

import (
	"testing"
	"time"
)

// TestHandshakeLogLimiter: refused handshakes reach the access log at most max times per address per
// window, so that nobody on the network can fill the append-only log.
func TestHandshakeLogLimiter(t *testing.T) {
	l := newIPWindowLimiter(3, time.Minute)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !l.allow("192.0.2.1", t0.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("event %d refused", i+1)
		}
	}
	if l.allow("192.0.2.1", t0.Add(10*time.Second)) {
		t.Error("a fourth event within the window was allowed")
	}
	if !l.allow("192.0.2.2", t0.Add(10*time.Second)) {
		t.Error("another address was limited too")
	}
	if !l.allow("192.0.2.1", t0.Add(time.Minute)) {
		t.Error("the next window did not start afresh")
	}
}
