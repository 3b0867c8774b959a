package access

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Mandate (machtiging) is a provider's permission for a named colleague of the same organisation, who
// holds an employee card (N card, such as a doktersassistent), to read the data of the provider's patients
// on the provider's behalf: which categories, from when until when. The colleague sees what the provider
// may see, limited to the mandate's categories, and never more than the provider; every look is logged
// with both of them.
type Mandate struct {
	ID int64 `db:"id"`
	// URA is the organisation both cards are issued for.
	URA string `db:"ura"`
	// The provider who grants it: UZI number, name, AGB code and role as their card and admission said.
	GrantorUZI  string `db:"grantor_uzi"`
	GrantorName string `db:"grantor_name"`
	GrantorAGB  string `db:"grantor_agb"`
	GrantorRole string `db:"grantor_role"`
	// The colleague who acts on it: UZI number and name (the name as the provider typed it; the card's
	// own name is shown when the colleague logs in).
	DelegateUZI  string `db:"delegate_uzi"`
	DelegateName string `db:"delegate_name"`
	// Categories are the data categories the mandate covers, as a comma-separated list in the store.
	Categories CategoryList `db:"categories"`
	ValidFrom  time.Time    `db:"valid_from"`
	ValidUntil time.Time    `db:"valid_until"`
	CreatedAt  time.Time    `db:"created_at"`
	EndedAt    *time.Time   `db:"ended_at"`
	EndedBy    *string      `db:"ended_by"`
}

// CategoryList is a list of data categories, kept in one column as "lab,letters".
type CategoryList []Category

// Scan reads "lab,letters".
func (l *CategoryList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
	default:
		return fmt.Errorf("access: categories from %T", src)
	}
	*l = nil
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, Category(part))
		}
	}
	return nil
}

// String writes "lab,letters".
func (l CategoryList) String() string {
	parts := make([]string, len(l))
	for i, c := range l {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}

// MaxMandate is the longest a mandate may run: a year, after which the provider grants it again if it is
// still needed, so that no forgotten permission lives on.
const MaxMandate = 366 * 24 * time.Hour

// Mandate states.
const (
	MandateActive  = "active"
	MandateNotYet  = "not_yet_valid"
	MandateExpired = "expired"
	MandateEnded   = "ended"
)

// StateAt says where the mandate stands at a moment.
func (m Mandate) StateAt(now time.Time) string {
	switch {
	case m.EndedAt != nil && !now.Before(*m.EndedAt):
		return MandateEnded
	case now.Before(m.ValidFrom):
		return MandateNotYet
	case !now.Before(m.ValidUntil):
		return MandateExpired
	}
	return MandateActive
}

// Covers reports whether the mandate includes a category.
func (m Mandate) Covers(c Category) bool { return slices.Contains(m.Categories, c) }

// Refusal reasons of a mandate (distinct from the covering practice's "mandate-*" reasons of a relationship).
const (
	ReasonDelegateNotColleague    Reason = "delegate-not-colleague"
	ReasonDelegateOtherURA        Reason = "delegate-other-ura"
	ReasonDelegateNoCategories    Reason = "delegate-no-categories"
	ReasonDelegateCategoryOutside Reason = "delegate-category-outside-scope"
	ReasonDelegateTooLong         Reason = "delegate-too-long"
	ReasonDelegatePeriod          Reason = "delegate-period"
	ReasonDelegateGrantorRole     Reason = "delegate-grantor-role"
	// ReasonDelegateExcludes refuses a category the mandate does not cover.
	ReasonDelegateExcludes Reason = "delegate-excludes-category"
)

// CheckMandate checks a mandate a provider wants to grant: the colleague is another person (a UZI number
// of nine digits), of the same organisation, the categories are within the provider's own scope, and
// the period is at most MaxMandate and does not end before it starts.
func (p Policy) CheckMandate(m Mandate, delegateURA string) error {
	scope := p.ScopeOf(m.GrantorRole)
	switch {
	case scope.Empty():
		return ruleError(ReasonDelegateGrantorRole, fmt.Sprintf("role %s sees no data, so it has nothing to delegate", m.GrantorRole))
	case len(m.DelegateUZI) != 9 || strings.Trim(m.DelegateUZI, "0123456789") != "" || m.DelegateUZI == m.GrantorUZI:
		return ruleError(ReasonDelegateNotColleague, "the colleague's UZI number must be nine digits and not the provider's own")
	case delegateURA != "" && delegateURA != m.URA:
		return ruleError(ReasonDelegateOtherURA, fmt.Sprintf("the colleague's card is issued for URA %s, not %s", delegateURA, m.URA))
	case len(m.Categories) == 0:
		return ruleError(ReasonDelegateNoCategories, "a mandate needs at least one category")
	case !m.ValidUntil.After(m.ValidFrom):
		return ruleError(ReasonDelegatePeriod, "the mandate ends before it starts")
	case m.ValidUntil.Sub(m.ValidFrom) > MaxMandate:
		return ruleError(ReasonDelegateTooLong, "a mandate runs at most a year")
	}
	for _, c := range m.Categories {
		if !scope.Permits(c) {
			return ruleError(ReasonDelegateCategoryOutside, fmt.Sprintf("category %s is not within the provider's own scope", c))
		}
	}
	return nil
}

// LimitToMandate refuses every category the mandate does not cover: a colleague acting on a mandate sees
// what the provider may see, and of that only what the mandate names.
func LimitToMandate(ds []Decision, m Mandate) []Decision {
	out := make([]Decision, len(ds))
	for i, d := range ds {
		if d.Allowed && !m.Covers(d.Category) {
			d.Allowed, d.Reason = false, ReasonDelegateExcludes
		}
		out[i] = d
	}
	return out
}
