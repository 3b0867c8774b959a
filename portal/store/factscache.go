package store

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
)

// factsCache keeps the access decision's facts of recently opened patients (the patient row, its
// relationships and consents), each with the patient's version (migration 0170). A request reads only the
// version; when it is the one the facts were read at, the facts are still the database's, because every
// change to them moves the version inside the same transaction. The cache holds facts, never decisions:
// the decision is made per request, for the provider of that request.
type factsCache struct {
	mu      sync.Mutex
	entries map[int64]cachedFacts
}

type cachedFacts struct {
	version int64
	facts   access.PatientFacts
}

// factsCacheSize bounds the cache: a few thousand patients opened in a day are far below it; when full,
// it starts again empty, which costs one full read per patient.
const factsCacheSize = 20000

// get returns a copy of the facts of patient id read at version, if the cache has them.
func (c *factsCache) get(id, version int64) (access.PatientFacts, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || e.version != version {
		return access.PatientFacts{}, false
	}
	return copyFacts(e.facts), true
}

// put keeps the facts of patient id read at version.
func (c *factsCache) put(id, version int64, f access.PatientFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= factsCacheSize {
		c.entries = map[int64]cachedFacts{}
	}
	c.entries[id] = cachedFacts{version: version, facts: copyFacts(f)}
}

// copyFacts copies the slices, so that a caller that changes its facts cannot change the cache's.
func copyFacts(f access.PatientFacts) access.PatientFacts {
	f.Relationships = slices.Clone(f.Relationships)
	f.Consents = slices.Clone(f.Consents)
	return f
}

// cachedPatientFacts reads the patient's version inside the read transaction q and returns the cached
// facts when they were read at that version, else reads them (in the same transaction, so that version
// and facts are one snapshot) and keeps them.
func (s *Store) cachedPatientFacts(ctx context.Context, q sqlx.QueryerContext, patientID int64) (access.PatientFacts, error) {
	var version int64
	if err := sqlx.GetContext(ctx, q, &version, `SELECT version FROM patient_versions WHERE patient_id = ?`, patientID); err != nil {
		return access.PatientFacts{}, fmt.Errorf("store: patient %d: %w", patientID, translate(err))
	}
	if f, ok := s.facts.get(patientID, version); ok {
		return f, nil
	}
	f, err := patientFacts(ctx, q, patientID)
	if err != nil {
		return access.PatientFacts{}, err
	}
	s.facts.put(patientID, version, f)
	return f, nil
}
