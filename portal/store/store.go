// Package store is the only package that speaks SQL. It keeps the portal's data in one SQLite file:
// a single writer connection (SQLite allows one writer at a time; queuing in Go is cheaper than
// SQLITE_BUSY retries) and a pool of read-only connections for the pages, which WAL lets run beside it.
//
// Every exported method is one transaction; unexported helpers take a transaction and hold the SQL.
package store

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Store is an open portal database.
type Store struct {
	write *sqlx.DB
	read  *sqlx.DB
	path  string
	// accessInserts are the access log's INSERT statements by row count, prepared once on the writer.
	accessInserts map[int]*sqlx.Stmt
	// facts keeps the access decision's facts per patient, checked against the patient's version.
	facts factsCache
}

// Open opens (creating when needed) the database file at path and applies the embedded migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	return openWith(ctx, path, "sqlite3", "")
}

// openWith opens the store through the named database/sql driver: "sqlite3", or in tests a wrapper
// around it that records the statements the store runs. It applies the migrations up to and including
// through, or all of them when through is empty (tests make a database as an earlier release left it).
func openWith(ctx context.Context, path, driver, through string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	write, err := sqlx.Open(driver, dsn(abs, url.Values{
		"_journal_mode":    {"WAL"},
		"_busy_timeout":    {"5000"},
		"_foreign_keys":    {"on"},
		"_synchronous":     {"NORMAL"},
		"_txlock":          {"immediate"},
		"_stmt_cache_size": {stmtCacheSize},
		"_cache_size":      {writerCacheSize},
	}))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	s := &Store{write: write, path: abs}
	if err := s.migrate(ctx, through); err != nil {
		write.Close()
		return nil, err
	}
	if err := s.prepareAccessInserts(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sqlx.Open(driver, dsn(abs, url.Values{
		"mode":             {"ro"},
		"_stmt_cache_size": {stmtCacheSize},
		"_busy_timeout":    {"5000"},
		"_foreign_keys":    {"on"},
		"_txlock":          {"deferred"},
	}))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", abs, err)
	}
	n := max(2, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s.read = read
	return s, nil
}

// stmtCacheSize is how many prepared statements each connection keeps (the driver's statement cache): a
// page view runs the same few statements every time, and parsing them again cost about as much as
// running them.
const stmtCacheSize = "128"

// writerCacheSize is the page cache of the writer connection, in KiB (negative: SQLite's unit of KiB). The
// access log's patient index takes a record at a random place (and until migration 0100 so did a unique
// index on its hash), so with SQLite's default of 2 MiB nearly every append read index pages from the file
// again; the writer is the only connection whose
// cache survives other connections' commits (a reader's is emptied whenever the log grows), so this is
// where a larger cache pays. 32 MiB holds the indexes' upper levels even for ten million records.
const writerCacheSize = "-32768"

// dsn builds a file: URI so that every pooled connection gets the same pragmas (a PRAGMA run on the pool
// would reach only one connection).
func dsn(path string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: path, RawQuery: params.Encode()}
	return u.String()
}

// Close closes both connection pools.
func (s *Store) Close() error {
	var err error
	for _, stmt := range s.accessInserts {
		stmt.Close()
	}
	if s.read != nil {
		err = s.read.Close()
	}
	if werr := s.write.Close(); werr != nil {
		err = werr
	}
	return err
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers; the health endpoint uses it.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.GetContext(ctx, &one, `SELECT 1`); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// CheckWritable takes the write lock that every access-log record needs and lets it go again without
// writing anything: the health endpoint's answer to "could the next record be written?" (a database
// turned read-only, or locked by another process for longer than ctx allows, cannot).
func (s *Store) CheckWritable(ctx context.Context) error {
	tx, err := s.write.BeginTxx(ctx, nil) // BEGIN IMMEDIATE (DSN): takes the database's write lock
	if err != nil {
		return fmt.Errorf("store: take the write lock: %w", err)
	}
	defer tx.Rollback()
	var head int64
	if err := tx.GetContext(ctx, &head, `SELECT last_id FROM access_log_head`); err != nil {
		return fmt.Errorf("store: read the head of the access log: %w", err)
	}
	return nil
}

// inWriteTx runs fn in one write transaction (BEGIN IMMEDIATE through the DSN) and commits when fn
// returns nil.
func (s *Store) inWriteTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.write.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// inDurableWriteTx is inWriteTx for writes that must survive a power loss once it returns: the access
// log (no log, no data: a page may show data only after its record is on disk), and every change that
// writes its own access-log record in its transaction (logentry.go).
//
// The DSN runs the writer with synchronous=NORMAL, which in WAL mode does not sync the WAL on commit (it
// syncs only at checkpoints): a commit survives a crash of the process, not of the machine. Rather than
// syncing the WAL file by hand after the commit (which would depend on SQLite's file layout), the
// transaction runs with synchronous=FULL, under which SQLite itself syncs the WAL before the commit
// returns. The pragma is per connection, so the one writer connection is reserved for the whole
// transaction and set back to NORMAL afterwards; other writes keep their cheaper setting. The access
// log's group commit makes one such transaction, and so one sync, cover a whole batch of records.
func (s *Store) inDurableWriteTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	conn, err := s.write.Connx(ctx)
	if err != nil {
		return fmt.Errorf("store: reserve writer: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return fmt.Errorf("store: synchronous=FULL: %w", err)
	}
	// Best effort: a connection left at FULL is slower, never less safe.
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`)
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}
