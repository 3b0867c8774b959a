package portal

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/publicid"
	"zorgverlenersportaal/portal/store"
)

// fieldErrors maps a form field to the message key of what is wrong with it; the templates show the
// message next to the field and in the summary at the top of the form.
type fieldErrors map[string]string

// Any reports whether a form has an error.
func (e fieldErrors) Any() bool { return len(e) > 0 }

// accessProvider is the access rules' view of an admitted provider.
func accessProvider(p auth.Provider) access.Provider {
	if d := p.Delegation; d != nil {
		// An employee acting on a mandate is, for the access rules, the provider they act for (within
		// the mandate's categories, see decideAll), of the same organisation.
		return access.Provider{UZI: d.GrantorUZI, Name: d.GrantorName, AGB: d.GrantorAGB, URA: p.SubscriberNumber, Role: d.GrantorRole, Delegated: true}
	}
	return access.Provider{UZI: p.UZINumber, Name: p.DisplayName(), AGB: p.AGB, URA: p.SubscriberNumber, Role: p.RoleCode}
}

// pathID reads a numeric id from the path; anything else is "not found", as an unknown id would be.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), store.ErrNotFound)
	}
	return id, nil
}

// pathPublicID reads a public id (portal/publicid) from the path: the id of a patient or of a dossier item
// in an address. Anything that is not one (an old sequential number, a path trick) is "not found", exactly
// like a well-formed id that belongs to nothing, so the answer says nothing about which ids exist.
func pathPublicID(c echo.Context, name string) (string, error) {
	id := c.Param(name)
	if !publicid.Valid(id) {
		return "", fmt.Errorf("%s: not a public id: %w", name, store.ErrNotFound)
	}
	return id, nil
}

// formValue is a field of the submitted form body with the surrounding spaces a paste brings along
// removed. It never reads the URL's query: a BSN put in a URL would end up in browser histories and
// server logs, so a form that sends one there is not answered as if it had sent it properly.
func formValue(c echo.Context, name string) string {
	return strings.TrimSpace(c.Request().PostFormValue(name))
}

// bsnValue reads a BSN field as a provider types or pastes it: the screens print a BSN as 1234.56.782,
// documents print it with spaces, so dots, spaces (also non-breaking ones) and hyphens between the digits
// are taken out; what remains is checked (nine digits, elfproef) by the caller as before.
func bsnValue(c echo.Context, name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', ' ', '\u00a0', '\u202f', '-', '\t':
			return -1
		}
		return r
	}, formValue(c, name))
}

// parseDay reads a date field (YYYY-MM-DD, what <input type="date"> sends) as the start of that day in
// Amsterdam.
func parseDay(s string) (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), access.Amsterdam)
	return d, err == nil
}

// dayValue writes a moment as the value of a date field: its day in Amsterdam.
func dayValue(t time.Time) string { return t.In(access.Amsterdam).Format(time.DateOnly) }

// momentOf turns the day staff typed into the moment a decision or relationship starts: today means now
// (so that it counts from this very request), an earlier or later day its midnight in Amsterdam.
func momentOf(day, now time.Time) time.Time {
	if dayValue(day) == dayValue(now) {
		return now
	}
	return day
}
