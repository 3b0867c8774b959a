package auth

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/uzi"
)

// ErrAGBNeeded means the provider's card carries no AGB code (00000000) and no code has been linked yet:
// the portal asks the provider for it on the first-entry page.
var ErrAGBNeeded = errors.New("auth: the provider must give an AGB code")

// ErrAGBEntryNotAllowed means an AGB code was offered although the card carries one or a code is already
// linked; a provider whose linked registration ended cannot escape the lock-out by typing another code.
var ErrAGBEntryNotAllowed = errors.New("auth: an AGB code cannot be entered for this card")

// ErrNoLink is what a LinkStore returns when no AGB code is linked to the UZI number.
var ErrNoLink = errors.New("auth: no AGB code linked to this UZI number")

// ErrLinkedElsewhere is what a LinkStore returns when a typed code is already linked to another UZI number.
var ErrLinkedElsewhere = errors.New("auth: AGB code already linked to another UZI number")

// Where a linked AGB code came from.
const (
	// LinkSourceCard: the AGB field of the UZI card, put there by the UZI-register.
	LinkSourceCard = "card"
	// LinkSourceEntered: typed by the provider on the first-entry page and confirmed by the register.
	LinkSourceEntered = "entered"
)

// OutcomeAdmitted is the outcome of an AGB check that admitted the provider; a refused check records the
// refusal reason instead.
const OutcomeAdmitted = "admitted"

// AGBLink is the remembered link from a UZI number to the AGB code that admission accepted, with when it
// was made and the result of the latest check against the register.
type AGBLink struct {
	UZINumber string
	Code      string
	Source    string
	LinkedAt  time.Time
	CheckedAt time.Time
	Outcome   string
	// HolderName, HolderURA and HolderOrg describe the card the link was saved for, so that an
	// administrator deciding a conflicting claim sees who holds the code.
	HolderName string
	HolderURA  string
	HolderOrg  string
}

// LinkStore keeps the UZI -> AGB links (the portal's database).
type LinkStore interface {
	// AGBLink returns the link of a UZI number, or an error wrapping ErrNoLink.
	AGBLink(ctx context.Context, uziNumber string) (AGBLink, error)
	// SaveAGBLink creates or replaces the link of link.UZINumber. A code typed by the provider that is
	// already linked to another UZI number is refused with an error wrapping ErrLinkedElsewhere; a code from
	// a card that passed the check takes over the code from links that other people typed.
	SaveAGBLink(ctx context.Context, link AGBLink) error
	// RecordAGBCheck records when the link of a UZI number was last checked and with what outcome.
	RecordAGBCheck(ctx context.Context, uziNumber string, at time.Time, outcome string) error
	// AGBLinksOfCode returns every link of an AGB code.
	AGBLinksOfCode(ctx context.Context, code string) ([]AGBLink, error)
	// SaveAGBClaim records a typed code that waits for the administrator.
	SaveAGBClaim(ctx context.Context, claim AGBClaim) error
	// LatestAGBClaim returns the newest claim of a UZI number, or an error wrapping ErrNoClaim.
	LatestAGBClaim(ctx context.Context, uziNumber string) (AGBClaim, error)
	// OrganisationAGBCodes returns the AGB codes the hospital's data gives the organisation of a URA.
	OrganisationAGBCodes(ctx context.Context, ura string) ([]string, error)
}

// Admission applies every rule of DESIGN.md §2 that is decided after the TLS handshake, when a session
// starts: card type and role (Policy), the online revocation check when configured, and a valid AGB code
// (from the card, or linked earlier, re-checked against the register at every login). Revocation against
// the CRL is checked on every request by Revocation.Check, not here.
type Admission struct {
	policy     Policy
	revocation *Revocation
	register   agb.Lookup
	links      LinkStore
	now        func() time.Time
	attempts   *attemptLimiter
}

// NewAdmission builds the admission rules from their parts; now is the clock (nil: time.Now), which
// decides the Dutch calendar day the AGB register is checked for.
func NewAdmission(policy Policy, revocation *Revocation, register agb.Lookup, links LinkStore, now func() time.Time) *Admission {
	if now == nil {
		now = time.Now
	}
	return &Admission{policy: policy, revocation: revocation, register: register, links: links, now: now,
		attempts: newAttemptLimiter(maxAGBAttempts, agbAttemptWindow)}
}

// Policy returns the card-type and role policy.
func (a *Admission) Policy() Policy { return a.policy }

// screen applies the rules that do not involve the AGB register.
func (a *Admission) screen(ctx context.Context, p *Provider, chain []*x509.Certificate) error {
	if err := a.policy.Check(p.Identity); err != nil {
		return err
	}
	p.Administrator = a.policy.IsAdministrator(p.Identity)
	if a.revocation != nil {
		if err := a.revocation.CheckOnline(ctx, chain); err != nil {
			return err
		}
	}
	return nil
}

// needsNoAGB reports the card holders who are admitted without an AGB code: N cards (administrators and,
// when configured, delegated staff) belong to employees, who are not care providers and have no AGB
// registration of their own.
func needsNoAGB(p *Provider) bool { return p.CardType == uzi.CardMedewerkerOpNaam }

// Admit decides whether the provider may start a session, and fills in p.AGB (the code the rest of the
// portal uses for relationships held by the provider) and p.Administrator. It returns nil, ErrAGBNeeded
// (ask for the code), a *Refusal, or another error (the database failed).
//
// The AGB code is the card's when the card carries one, else the code linked earlier; either is checked
// against the register now, so an ended registration locks the provider out at the next login. The
// outcome is remembered with the link.
func (a *Admission) Admit(ctx context.Context, p *Provider, chain []*x509.Certificate) error {
	if err := a.screen(ctx, p, chain); err != nil {
		return err
	}
	if needsNoAGB(p) {
		p.AGB = ""
		return nil
	}
	now := a.now()
	if p.HasAGB() {
		reg, err := a.check(ctx, p, p.AGBCode)
		link := AGBLink{UZINumber: p.UZINumber, Code: p.AGBCode, Source: LinkSourceCard, LinkedAt: now, CheckedAt: now, Outcome: outcome(err),
			HolderName: p.DisplayName(), HolderURA: p.SubscriberNumber, HolderOrg: p.Organisation}
		if serr := a.links.SaveAGBLink(ctx, link); serr != nil {
			return fmt.Errorf("auth: remember AGB link of %s: %w", p.UZINumber, serr)
		}
		if err != nil {
			return err
		}
		p.AGB = string(reg.Code)
		return nil
	}
	link, err := a.links.AGBLink(ctx, p.UZINumber)
	if errors.Is(err, ErrNoLink) {
		return ErrAGBNeeded
	}
	if err != nil {
		return fmt.Errorf("auth: AGB link of %s: %w", p.UZINumber, err)
	}
	reg, err := a.check(ctx, p, link.Code)
	if rerr := a.links.RecordAGBCheck(ctx, p.UZINumber, now, outcome(err)); rerr != nil {
		return fmt.Errorf("auth: record AGB check of %s: %w", p.UZINumber, rerr)
	}
	if err != nil {
		return err
	}
	p.AGB = string(reg.Code)
	return nil
}

// NeedsAGBEntry reports whether the first-entry page applies to the provider: a card that passes the
// policy, carries no AGB code and has none linked. A refusal of the policy is returned as an error.
func (a *Admission) NeedsAGBEntry(ctx context.Context, p *Provider, chain []*x509.Certificate) (bool, error) {
	if err := a.screen(ctx, p, chain); err != nil {
		return false, err
	}
	if needsNoAGB(p) || p.HasAGB() {
		return false, nil
	}
	_, err := a.links.AGBLink(ctx, p.UZINumber)
	switch {
	case errors.Is(err, ErrNoLink):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("auth: AGB link of %s: %w", p.UZINumber, err)
	}
	return false, nil
}

// AcceptAGB checks a code the provider typed on the first-entry page. The register must confirm it
// (exists as zorgverlener, active today, a qualification that fits the UZI role, the card's surname);
// each refusal is a *Refusal with its own reason, and after maxAGBAttempts refusals within
// agbAttemptWindow further codes are refused without looking them up. A code on another person's card
// is refused: the card is the UZI-register's own statement.
//
// A surname is not enough to link a code by typing. The code is linked at once (p.AGB set) only when the
// register's record fits the card beyond it: the initials, and the organisation where the register names
// the person's workplaces (holderClaim); and only when nobody else typed it before. Otherwise the claim
// waits for the hospital's administrator, who sees both holders of a conflicting code, and an error
// wrapping ErrAGBClaimPending is returned; while a claim waits, no other code can be typed.
// ErrAGBEntryNotAllowed is returned when the card carries a code or one is linked already.
func (a *Admission) AcceptAGB(ctx context.Context, p *Provider, chain []*x509.Certificate, typed string) error {
	needed, err := a.NeedsAGBEntry(ctx, p, chain)
	if err != nil {
		return err
	}
	if !needed {
		return ErrAGBEntryNotAllowed
	}
	if _, pending, err := a.PendingClaim(ctx, p.UZINumber); err != nil {
		return fmt.Errorf("auth: AGB code claim of %s: %w", p.UZINumber, err)
	} else if pending {
		return fmt.Errorf("%w: a claim of this card waits already", ErrAGBClaimPending)
	}
	now := a.now()
	if !a.attempts.allow(p.UZINumber, now) {
		return &Refusal{Reason: ReasonAGBTooManyAttempts,
			Detail: fmt.Sprintf("more than %d refused AGB codes within %s", maxAGBAttempts, agbAttemptWindow)}
	}
	reg, err := a.check(ctx, p, typed)
	if err != nil {
		// Only answers of the register count towards the limit: a malformed code, or a register that did
		// not answer, reveals nothing about the register.
		if reason, _ := agb.ReasonOf(err); reason != agb.ReasonInvalidCode && reason != agb.ReasonNoCode && reason != agb.ReasonUnavailable {
			a.attempts.fail(p.UZINumber, now)
		}
		return err
	}
	code := string(reg.Code)
	holders, err := a.links.AGBLinksOfCode(ctx, code)
	if err != nil {
		return fmt.Errorf("auth: AGB links of %s: %w", code, err)
	}
	for _, h := range holders {
		if h.UZINumber != p.UZINumber && h.Source == LinkSourceCard {
			a.attempts.fail(p.UZINumber, now)
			return &Refusal{Reason: ReasonAGBLinkedElsewhere, Detail: fmt.Sprintf("%s is on the UZI card of %s", code, h.UZINumber)}
		}
	}
	for _, h := range holders {
		if h.UZINumber != p.UZINumber {
			return a.queueClaim(ctx, p, code, ClaimLinkedElsewhere,
				fmt.Sprintf("%s is linked to UZI %s (%s, URA %s), who typed it on %s", code, h.UZINumber, h.HolderName, h.HolderURA,
					h.LinkedAt.UTC().Format(time.DateOnly)), h.UZINumber)
		}
	}
	reason, detail, err := a.holderClaim(ctx, p, reg)
	if err != nil {
		return err
	}
	if reason != "" {
		return a.queueClaim(ctx, p, code, reason, detail, "")
	}
	link := AGBLink{UZINumber: p.UZINumber, Code: code, Source: LinkSourceEntered, LinkedAt: now, CheckedAt: now, Outcome: OutcomeAdmitted,
		HolderName: p.DisplayName(), HolderURA: p.SubscriberNumber, HolderOrg: p.Organisation}
	if err := a.links.SaveAGBLink(ctx, link); err != nil {
		if errors.Is(err, ErrLinkedElsewhere) {
			// Somebody typed it in the meantime: the administrator decides, as above.
			return a.queueClaim(ctx, p, code, ClaimLinkedElsewhere, code+" was linked to another UZI number while this card typed it", "")
		}
		return fmt.Errorf("auth: link AGB code of %s: %w", p.UZINumber, err)
	}
	a.attempts.reset(p.UZINumber)
	p.AGB = string(reg.Code)
	return nil
}

// check runs the register check for one code and turns a refusal into a *Refusal keyed agb.<reason>.
func (a *Admission) check(ctx context.Context, p *Provider, code string) (agb.Registration, error) {
	reg, err := agb.CheckCode(ctx, a.register, code, p.RoleCode, p.Surname, agb.Today(a.now()))
	if err != nil {
		return agb.Registration{}, agbRefusal(err)
	}
	return reg, nil
}

// outcome is what the link remembers of a check.
func outcome(err error) string {
	if err == nil {
		return OutcomeAdmitted
	}
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return strings.TrimSpace(err.Error())
}

// The first-entry page stops guessing: after maxAGBAttempts refused codes within agbAttemptWindow a card
// must wait. Ten is plenty for typing errors; codes that are not even well-formed do not count.
const (
	maxAGBAttempts   = 10
	agbAttemptWindow = 15 * time.Minute
)

// attemptLimiter counts refused AGB codes per UZI number in a sliding window. It is kept in memory: a
// restart forgets the counts, which costs an attacker a restart per five guesses.
type attemptLimiter struct {
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, failures: map[string][]time.Time{}}
}

// recent drops failures that left the window and returns the rest; the caller holds mu.
func (l *attemptLimiter) recent(key string, now time.Time) []time.Time {
	kept := l.failures[key][:0]
	for _, t := range l.failures[key] {
		if now.Sub(t) < l.window {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = kept
	return kept
}

func (l *attemptLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now)) < l.max
}

func (l *attemptLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.recent(key, now), now)
}

func (l *attemptLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
