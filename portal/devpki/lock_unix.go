//go:build unix

package devpki

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockRetry is how often a waiting operation tries the lock again.
const lockRetry = 20 * time.Millisecond

// acquireLock takes an exclusive flock on path, waiting at most timeout. flock is released by the kernel
// when the process dies, so a crashed "pki revoke" never leaves the folder locked; and it conflicts between
// two opens of the file in one process too, so two PKI values in one test exclude each other like two
// processes do. bbolt takes its own flock per database file and waits for it forever by default, which is
// why every use of an authority is guarded by this lock with a timeout.
func acquireLock(ctx context.Context, path string, timeout time.Duration) (release func() error, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, modePrivate)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() error {
				uerr := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				cerr := f.Close()
				if uerr != nil {
					return fmt.Errorf("release lock: %w", uerr)
				}
				if cerr != nil {
					return fmt.Errorf("release lock: %w", cerr)
				}
				return nil
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("take lock: %w", err)
		}
		if !time.Now().Before(deadline) {
			_ = f.Close()
			return nil, fmt.Errorf("%w (waited %s for %s)", ErrLocked, timeout, path)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("take lock: %w", ctx.Err())
		case <-time.After(lockRetry):
		}
	}
}
