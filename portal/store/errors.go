package store

import (
	"database/sql"
	"errors"

	"github.com/mattn/go-sqlite3"
)

// Sentinel errors the rest of the portal branches on; the web layer maps them to HTTP status in one place.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change would break a uniqueness or integrity rule (a duplicate BSN, say).
	ErrConflict = errors.New("conflict")
)

// translate turns driver errors into the store's sentinels so that no caller needs to know SQLite.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return errors.Join(ErrConflict, err)
	}
	return err
}
