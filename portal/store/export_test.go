package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// Statement is one SQL statement the store ran, with its arguments, as the recording driver saw it.
type Statement struct {
	Query string
	Args  []any
}

// Recorder collects the statements of a store opened with OpenRecorded.
type Recorder struct {
	mu         sync.Mutex
	statements []Statement
	on         bool
}

// Start clears what was recorded and records from now on.
func (r *Recorder) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statements, r.on = nil, true
}

// Stop ends recording and returns what was recorded.
func (r *Recorder) Stop() []Statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.statements
}

func (r *Recorder) record(query string, args []driver.NamedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on {
		return
	}
	s := Statement{Query: strings.TrimSpace(query)}
	for _, a := range args {
		s.Args = append(s.Args, a.Value)
	}
	r.statements = append(r.statements, s)
}

var (
	registerRecorder sync.Once
	recorder         = &Recorder{}
)

// OpenRecorded opens a store whose every query goes through a driver that records it (one recorder for
// the test binary: tests that use it do not run in parallel).
func OpenRecorded(ctx context.Context, path string) (*Store, *Recorder, error) {
	registerRecorder.Do(func() { sql.Register("sqlite3-recording", recordingDriver{}) })
	st, err := openWith(ctx, path, "sqlite3-recording", "")
	return st, recorder, err
}

type recordingDriver struct{}

func (recordingDriver) Open(name string) (driver.Conn, error) {
	c, err := (&sqlite3.SQLiteDriver{}).Open(name)
	if err != nil {
		return nil, err
	}
	return &recordingConn{SQLiteConn: c.(*sqlite3.SQLiteConn)}, nil
}

// recordingConn is the SQLite connection with its queries recorded.
type recordingConn struct {
	*sqlite3.SQLiteConn
}

func (c *recordingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	recorder.record(query, args)
	return c.SQLiteConn.QueryContext(ctx, query, args)
}

func (c *recordingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	recorder.record(query, args)
	return c.SQLiteConn.ExecContext(ctx, query, args)
}
