package access

import (
	"fmt"
	"slices"
	"time"

	"zorgverlenersportaal/config"
)

// Policy is the hospital's configurable part of the access rules: the role-scope matrix, the default
// lifetimes of relationships and the emergency procedure. The fixed part (a relationship and consent are
// both needed, no consent is no, some roles never see anything) lives in the methods, not here.
type Policy struct {
	// RoleScopes maps a UZI role code or prefix pattern ("01.015", "01.0*", "17.*") to its scope.
	RoleScopes map[string]RoleScope
	// Lifetimes is the default lifetime of each kind of relationship that expires by itself.
	Lifetimes map[RelationshipKind]time.Duration
	// Emergency governs the emergency procedure.
	Emergency EmergencyPolicy
}

// RoleScope is one row of the role-scope matrix: whose consent applies to a role, and what it may see.
type RoleScope struct {
	Recipient  RecipientCategory
	Categories []Category
}

// Permits reports whether the scope includes the data category.
func (s RoleScope) Permits(c Category) bool {
	return s.Recipient != "" && slices.Contains(s.Categories, c)
}

// Empty reports whether the role may see nothing at all.
func (s RoleScope) Empty() bool { return s.Recipient == "" || len(s.Categories) == 0 }

// EmergencyPolicy is the configurable part of the emergency procedure.
type EmergencyPolicy struct {
	Enabled         bool
	Duration        time.Duration
	MinReasonLength int
	// MaxPerDay is how many emergencies one provider (AGB code) may open in any 24 hours.
	MaxPerDay int
}

// NeverAdmittedRoles get nothing whatever the configuration says: company doctors, insurance doctors and
// public-health doctors (the seeds: insurers, company doctors and employers never get access), and cards
// without a care-provider role.
var NeverAdmittedRoles = []string{"01.008", "01.048", "01.055", "00.000"}

// ScopeOf returns the scope of a UZI role: the most specific matching pattern wins (the exact code, then
// the longest prefix), and a role nothing matches gets nothing.
func (p Policy) ScopeOf(role string) RoleScope {
	if role == "" || slices.Contains(NeverAdmittedRoles, role) {
		return RoleScope{}
	}
	best, bestLen := RoleScope{}, -1
	for pattern, scope := range p.RoleScopes {
		n := patternMatch(pattern, role)
		if n > bestLen {
			best, bestLen = scope, n
		}
	}
	return best
}

// patternMatch gives how specific a match of pattern on role is (-1: no match); config.RolePatternMatch
// is the one rule, shared with the start-up check that admission and role scope agree.
func patternMatch(pattern, role string) int { return config.RolePatternMatch(pattern, role) }

// RecipientOf is the consent recipient category of a role ("" when the role may see nothing).
func (p Policy) RecipientOf(role string) RecipientCategory {
	s := p.ScopeOf(role)
	if s.Empty() {
		return ""
	}
	return s.Recipient
}

// DefaultUntil gives the end of a new relationship of this kind starting at from, when staff did not set
// one: nil for the registered GP practice and the pharmacy of record (they last until changed).
func (p Policy) DefaultUntil(kind RelationshipKind, from time.Time) *time.Time {
	if kind.OpenEnded() {
		return nil
	}
	d, ok := p.Lifetimes[kind]
	if !ok || d <= 0 {
		d = 24 * time.Hour // a kind without a configured lifetime is short-lived rather than endless
	}
	until := from.Add(d)
	return &until
}

// PolicyFromConfig turns the access section of the configuration into a Policy. config.Validate has
// checked the values; an unknown one here is still an error rather than a silently wider policy.
func PolicyFromConfig(c config.AccessConfig) (Policy, error) {
	p := Policy{
		RoleScopes: map[string]RoleScope{},
		Lifetimes: map[RelationshipKind]time.Duration{
			Referrer:           days(c.RelationshipDays.Referrer),
			DischargeRecipient: days(c.RelationshipDays.DischargeRecipient),
			Invited:            days(c.RelationshipDays.Invited),
			Covering:           days(c.RelationshipDays.Covering),
			Emergency:          c.Emergency.Duration.Duration,
		},
		Emergency: EmergencyPolicy{
			Enabled:         c.Emergency.Enabled,
			Duration:        c.Emergency.Duration.Duration,
			MinReasonLength: c.Emergency.MinReasonLength,
			MaxPerDay:       c.Emergency.MaxPerDay,
		},
	}
	for pattern, sc := range c.RoleScope {
		scope := RoleScope{Recipient: RecipientCategory(sc.Recipient)}
		if scope.Recipient != "" && !scope.Recipient.Valid() {
			return Policy{}, fmt.Errorf("access: role scope %s: unknown recipient category %q", pattern, sc.Recipient)
		}
		for _, name := range sc.Categories {
			cat := Category(name)
			if !cat.Valid() {
				return Policy{}, fmt.Errorf("access: role scope %s: unknown data category %q", pattern, name)
			}
			scope.Categories = append(scope.Categories, cat)
		}
		p.RoleScopes[pattern] = scope
	}
	return p, nil
}

// DefaultPolicy is the policy of the default configuration (DESIGN.md §3).
func DefaultPolicy() Policy {
	p, err := PolicyFromConfig(config.Default("").Access)
	if err != nil {
		panic(err) // the defaults are checked by the tests
	}
	return p
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// Valid reports whether c is one of the nine data categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Valid reports whether r is one of the five recipient categories.
func (r RecipientCategory) Valid() bool { return slices.Contains(RecipientCategories, r) }
