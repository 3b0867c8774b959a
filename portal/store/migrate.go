package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
)

// migrations are numbered SQL files, applied in name order, each once and in its own transaction.
// A migration that has been released is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the migrations not yet applied, in name order, up to and including through (all of
// them when through is empty).
func (s *Store) migrate(ctx context.Context, through string) error {
	if _, err := s.write.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS schema_migrations (
		    name       TEXT PRIMARY KEY,
		    applied_at DATETIME NOT NULL
		)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if through != "" && name > through {
			break
		}
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", name, err)
	}
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		var applied int
		if err := tx.GetContext(ctx, &applied, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if applied > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UTC()); err != nil {
			return fmt.Errorf("store: record migration %s: %w", name, err)
		}
		return nil
	})
}

// Migrations lists the applied migrations in order; `go run . demo` prints nothing of it, tests check it.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	var names []string
	err := s.read.SelectContext(ctx, &names, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list applied migrations: %w", err)
	}
	return names, nil
}
