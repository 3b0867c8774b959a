package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"zorgverlenersportaal/agb"
)

// ErrAGBClaimPending means the typed AGB code was not linked: it waits for the hospital's administrator,
// because the register's record does not clearly belong to the card holder or somebody else typed the
// code before. The first-entry page says so; the provider is not admitted until it is confirmed.
var ErrAGBClaimPending = errors.New("auth: the AGB code waits for the hospital administrator")

// ErrNoClaim is what a LinkStore returns when a UZI number never claimed a code.
var ErrNoClaim = errors.New("auth: no AGB code claim of this UZI number")

// Why a typed AGB code waits for the administrator; the values are stored with the claim and select the
// explanation on the first-entry page and in the administrator's queue.
const (
	// ClaimInitials: the register's initials do not fit the given names on the card.
	ClaimInitials = "initials"
	// ClaimOrganisation: the register names the organisations the person works for, and the one the card
	// is issued for is not among them.
	ClaimOrganisation = "organisation"
	// ClaimLinkedElsewhere: the code is already linked to another UZI number that typed it; the
	// administrator, who sees both holders, decides whose it is.
	ClaimLinkedElsewhere = "linked-elsewhere"
)

// The states of a claim.
const (
	ClaimStatusPending   = "pending"
	ClaimStatusConfirmed = "confirmed"
	ClaimStatusRefused   = "refused"
)

// AGBClaim is a typed AGB code that waits for (or was decided by) the hospital's administrator, with the
// card that typed it.
type AGBClaim struct {
	ID              int64
	UZINumber       string
	Code            string
	HolderName      string
	HolderGivenName string
	HolderURA       string
	HolderOrg       string
	HolderRole      string
	Reason          string
	Detail          string
	OtherUZI        string
	ClaimedAt       time.Time
	Status          string
}

// holderClaim describes why the register's record of a code that passed the register check may not be
// the card holder's; "" means it fits.
func (a *Admission) holderClaim(ctx context.Context, p *Provider, reg agb.Registration) (reason, detail string, err error) {
	if !agb.InitialsFit(p.GivenName, reg.Initials) {
		return ClaimInitials, fmt.Sprintf("the card's given names %q do not fit the register's initials %q of %s",
			p.GivenName, reg.Initials, reg.Code), nil
	}
	fits, known, detail, err := a.organisationFits(ctx, p, reg)
	if err != nil {
		return "", "", err
	}
	if known && !fits {
		return ClaimOrganisation, detail, nil
	}
	return "", "", nil
}

// organisationFits compares the organisations the register says the person works for (active employment
// and works-at relations) with the organisation the card is issued for: a workplace fits when the
// hospital's data gives the card's URA that AGB code, or when the register's name of the workplace is the
// card's organisation name (subject O). known is false when the register names no workplace: then there
// is nothing to compare, and the initials decide.
func (a *Admission) organisationFits(ctx context.Context, p *Provider, reg agb.Registration) (fits, known bool, detail string, err error) {
	places := agb.Workplaces(reg, agb.Today(a.now()))
	if len(places) == 0 {
		return false, false, "", nil
	}
	codes, err := a.links.OrganisationAGBCodes(ctx, p.SubscriberNumber)
	if err != nil {
		return false, false, "", fmt.Errorf("auth: AGB codes of URA %s: %w", p.SubscriberNumber, err)
	}
	var names []string
	for _, place := range places {
		if slices.Contains(codes, string(place)) {
			return true, true, "", nil
		}
		org, err := a.register.Lookup(ctx, place)
		switch {
		case errors.Is(err, agb.ErrNotFound):
			continue
		case err != nil:
			return false, false, "", agbRefusal(fmt.Errorf("%w: looking up workplace %s: %w", agb.ErrUnavailable, place, err))
		}
		if agb.SameOrganisationName(org.Name, p.Organisation) {
			return true, true, "", nil
		}
		names = append(names, fmt.Sprintf("%s %q", place, org.Name))
	}
	return false, true, fmt.Sprintf("the register has %s working at %s; the card is issued for URA %s %q",
		reg.Code, strings.Join(names, ", "), p.SubscriberNumber, p.Organisation), nil
}

// queueClaim records a typed code for the administrator and returns the error that says so.
func (a *Admission) queueClaim(ctx context.Context, p *Provider, code, reason, detail, other string) error {
	claim := AGBClaim{UZINumber: p.UZINumber, Code: code, HolderName: p.DisplayName(), HolderGivenName: p.GivenName,
		HolderURA: p.SubscriberNumber, HolderOrg: p.Organisation, HolderRole: p.RoleCode,
		Reason: reason, Detail: detail, OtherUZI: other, ClaimedAt: a.now(), Status: ClaimStatusPending}
	if err := a.links.SaveAGBClaim(ctx, claim); err != nil {
		return fmt.Errorf("auth: AGB code claim of %s: %w", p.UZINumber, err)
	}
	return fmt.Errorf("%w: %s: %s", ErrAGBClaimPending, reason, detail)
}

// PendingClaim returns the claim of the provider that waits for the administrator, if any.
func (a *Admission) PendingClaim(ctx context.Context, uziNumber string) (AGBClaim, bool, error) {
	c, ok, err := a.LatestClaim(ctx, uziNumber)
	return c, ok && c.Status == ClaimStatusPending, err
}

// LatestClaim returns the newest claim of the provider, pending or decided, so that the first-entry page
// can say what became of it; ok is false when there is none.
func (a *Admission) LatestClaim(ctx context.Context, uziNumber string) (AGBClaim, bool, error) {
	c, err := a.links.LatestAGBClaim(ctx, uziNumber)
	switch {
	case errors.Is(err, ErrNoClaim):
		return AGBClaim{}, false, nil
	case err != nil:
		return AGBClaim{}, false, err
	}
	return c, true, nil
}

// LinkStillHolds reports whether an open session's AGB code is still the provider's. The code must still
// be the one linked to the UZI number, and the latest register check must have admitted it: a typed code
// the administrator gave to somebody else, or one refused at a later login, ends the session at its next
// request. The register is asked again once per Dutch calendar day of the session (registrations end at
// the end of a day), so a registration that ended, whether the code is on the card or was typed, also
// ends the session on the first request of the next day. A register that cannot answer does not end a
// session (it is asked again at the next request); a definite refusal does. N cards have no code.
func (a *Admission) LinkStillHolds(ctx context.Context, p *Provider, sessionAGB string) (bool, error) {
	if needsNoAGB(p) {
		return true, nil
	}
	link, err := a.links.AGBLink(ctx, p.UZINumber)
	switch {
	case errors.Is(err, ErrNoLink):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("auth: AGB link of %s: %w", p.UZINumber, err)
	}
	if link.Code != sessionAGB || link.Outcome != OutcomeAdmitted {
		return false, nil
	}
	now := a.now()
	if !agb.Today(link.CheckedAt).Before(agb.Today(now)) {
		return true, nil
	}
	_, cerr := a.check(ctx, p, link.Code)
	if reason, _ := agb.ReasonOf(cerr); reason == agb.ReasonUnavailable {
		return true, nil
	}
	if err := a.links.RecordAGBCheck(ctx, p.UZINumber, now, outcome(cerr)); err != nil {
		return false, fmt.Errorf("auth: record AGB check of %s: %w", p.UZINumber, err)
	}
	return cerr == nil, nil
}
