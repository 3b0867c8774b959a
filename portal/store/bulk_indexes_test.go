package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// accessLogIndexes lists the access log's indexes with their definitions.
func accessLogIndexes(t *testing.T, s *Store) []string {
	t.Helper()
	var defs []string
	if err := s.read.SelectContext(context.Background(), &defs,
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_log' AND sql IS NOT NULL ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	return defs
}

// TestWithoutAccessLogIndexesBuildsThemAgain: inside, the access log has no secondary index; afterwards
// it has exactly the ones the migrations made, also when the work inside failed, and the failure is
// returned.
func TestWithoutAccessLogIndexesBuildsThemAgain(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := accessLogIndexes(t, s)
	if len(before) < 3 {
		t.Fatalf("the migrations made %d access-log indexes: %v", len(before), before)
	}
	failed := errors.New("generation failed")
	for _, result := range []error{nil, failed} {
		err := s.WithoutAccessLogIndexes(context.Background(), func() error {
			if inside := accessLogIndexes(t, s); len(inside) != 0 {
				t.Errorf("indexes still there while appending: %v", inside)
			}
			return result
		})
		if !errors.Is(err, result) || (result == nil && err != nil) {
			t.Errorf("returned %v, want %v", err, result)
		}
		if after := accessLogIndexes(t, s); !slices.Equal(after, before) {
			t.Errorf("indexes after (work returned %v):\n%v\nwant\n%v", result, after, before)
		}
	}
}
