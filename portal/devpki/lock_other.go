//go:build !unix

package devpki

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

const (
	// lockRetry is how often a waiting operation tries the lock again.
	lockRetry = 20 * time.Millisecond
	// lockStale is the age after which a lock file left by a crashed process is taken over; no operation
	// of this package holds the lock that long.
	lockStale = 10 * time.Minute
)

// acquireLock is the fallback for systems without flock: an exclusively created marker file next to path.
// Unlike flock it survives a crash, so a marker older than lockStale is considered abandoned.
func acquireLock(ctx context.Context, path string, timeout time.Duration) (release func() error, err error) {
	marker := path + ".held"
	deadline := time.Now().Add(timeout)
	for {
		f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, modePrivate)
		if err == nil {
			_ = f.Close()
			return func() error {
				if err := os.Remove(marker); err != nil {
					return fmt.Errorf("release lock: %w", err)
				}
				return nil
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("take lock: %w", err)
		}
		if st, serr := os.Stat(marker); serr == nil && time.Since(st.ModTime()) > lockStale {
			_ = os.Remove(marker)
			continue
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%w (waited %s for %s)", ErrLocked, timeout, marker)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("take lock: %w", ctx.Err())
		case <-time.After(lockRetry):
		}
	}
}
