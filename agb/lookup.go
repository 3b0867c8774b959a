package agb

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Lookup finds the registration for an AGB code.
//
// The portal's own register (imported into SQLite), the in-memory MapRegister
// and the RemoteLookup feed client all implement it, so that the admission
// code does not care where the register lives. Implementations must return:
//
//   - the registration, with Code equal to the requested code, or
//   - an error wrapping ErrNotFound when the register has no such code, or
//   - an error wrapping ErrUnavailable for every other failure (unreachable,
//     timeout, malformed answer, cancelled context), because the portal must
//     refuse rather than guess when it cannot ask the register, or
//   - an error wrapping ErrInvalidCode when code is not a valid AGB code.
type Lookup interface {
	Lookup(ctx context.Context, code Code) (Registration, error)
}

// ErrNotFound means the register answered and has no registration with the
// code; it is a definite "no", which is why it may be cached.
var ErrNotFound = errors.New("agb: code not in register")

// ErrUnavailable means the register could not give a definite answer. The
// portal fails closed on it: nobody is admitted on an unverified code.
var ErrUnavailable = errors.New("agb: register unavailable")

// MapRegister is an in-memory Lookup. Tests use it, and it is the simplest
// register for a demo: load the import file, Put every registration, serve.
// It is safe for concurrent use and hands out copies, so callers cannot alter
// the stored registrations.
type MapRegister struct {
	mu   sync.RWMutex
	regs map[Code]Registration
}

// NewMapRegister returns a register holding regs. It refuses an invalid
// registration or a code given twice, because a silently replaced record
// would make the register say something the data source never said.
func NewMapRegister(regs ...Registration) (*MapRegister, error) {
	m := &MapRegister{regs: make(map[Code]Registration, len(regs))}
	for _, r := range regs {
		if _, dup := m.regs[r.Code]; dup {
			return nil, fmt.Errorf("%w: %s given twice", ErrInvalidRegistration, r.Code)
		}
		if err := m.Put(r); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Put stores a validated copy of r, replacing any registration with the same
// code; replacing is how a register update (a re-import) arrives.
func (m *MapRegister) Put(r Registration) error {
	if err := r.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.regs == nil {
		m.regs = make(map[Code]Registration)
	}
	m.regs[r.Code] = r.Clone()
	return nil
}

// Delete removes the registration with code, if any; it models a code that
// disappears from the register.
func (m *MapRegister) Delete(code Code) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.regs, code)
}

// Len returns the number of registrations, for import summaries.
func (m *MapRegister) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.regs)
}

// Lookup implements Lookup. A cancelled context yields ErrUnavailable like
// any other failure to answer, so MapRegister behaves like a real register in
// tests of the fail-closed path.
func (m *MapRegister) Lookup(ctx context.Context, code Code) (Registration, error) {
	if err := ctx.Err(); err != nil {
		return Registration{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if _, err := ParseCode(string(code)); err != nil {
		return Registration{}, err
	}
	m.mu.RLock()
	r, ok := m.regs[code]
	m.mu.RUnlock()
	if !ok {
		return Registration{}, fmt.Errorf("%w: %s", ErrNotFound, code)
	}
	return r.Clone(), nil
}
