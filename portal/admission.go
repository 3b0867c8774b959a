package portal

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/uzi"
)

// agbLinks is the store as the auth package's LinkStore: the UZI -> AGB links and the typed codes that
// wait for the administrator, in the portal database.
type agbLinks struct{ st *store.Store }

func (l agbLinks) AGBLink(ctx context.Context, uziNumber string) (auth.AGBLink, error) {
	link, err := l.st.AGBLink(ctx, uziNumber)
	if errors.Is(err, store.ErrNotFound) {
		return auth.AGBLink{}, fmt.Errorf("%w: %w", auth.ErrNoLink, err)
	}
	if err != nil {
		return auth.AGBLink{}, err
	}
	return authLink(link), nil
}

func authLink(link store.AGBLink) auth.AGBLink {
	return auth.AGBLink{UZINumber: link.UZINumber, Code: link.AGBCode, Source: link.Source,
		LinkedAt: link.LinkedAt, CheckedAt: link.CheckedAt, Outcome: link.Outcome,
		HolderName: link.HolderName, HolderURA: link.HolderURA, HolderOrg: link.HolderOrg}
}

func (l agbLinks) SaveAGBLink(ctx context.Context, link auth.AGBLink) error {
	err := l.st.SaveAGBLink(ctx, store.AGBLink{UZINumber: link.UZINumber, AGBCode: link.Code, Source: link.Source,
		LinkedAt: link.LinkedAt, CheckedAt: link.CheckedAt, Outcome: link.Outcome,
		HolderName: link.HolderName, HolderURA: link.HolderURA, HolderOrg: link.HolderOrg})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w: %w", auth.ErrLinkedElsewhere, err)
	}
	return err
}

func (l agbLinks) RecordAGBCheck(ctx context.Context, uziNumber string, at time.Time, outcome string) error {
	return l.st.RecordAGBCheck(ctx, uziNumber, at, outcome)
}

func (l agbLinks) AGBLinksOfCode(ctx context.Context, code string) ([]auth.AGBLink, error) {
	links, err := l.st.AGBLinksOfCode(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]auth.AGBLink, len(links))
	for i, link := range links {
		out[i] = authLink(link)
	}
	return out, nil
}

func (l agbLinks) SaveAGBClaim(ctx context.Context, c auth.AGBClaim) error {
	_, err := l.st.SaveAGBClaim(ctx, store.AGBClaim{UZINumber: c.UZINumber, AGBCode: c.Code, HolderName: c.HolderName,
		HolderGivenName: c.HolderGivenName, HolderURA: c.HolderURA, HolderOrg: c.HolderOrg, HolderRole: c.HolderRole,
		Reason: c.Reason, Detail: c.Detail, OtherUZI: c.OtherUZI, ClaimedAt: c.ClaimedAt})
	return err
}

func (l agbLinks) LatestAGBClaim(ctx context.Context, uziNumber string) (auth.AGBClaim, error) {
	c, err := l.st.LatestAGBClaim(ctx, uziNumber)
	if errors.Is(err, store.ErrNotFound) {
		return auth.AGBClaim{}, fmt.Errorf("%w: %w", auth.ErrNoClaim, err)
	}
	if err != nil {
		return auth.AGBClaim{}, err
	}
	return auth.AGBClaim{ID: c.ID, UZINumber: c.UZINumber, Code: c.AGBCode, HolderName: c.HolderName,
		HolderGivenName: c.HolderGivenName, HolderURA: c.HolderURA, HolderOrg: c.HolderOrg, HolderRole: c.HolderRole,
		Reason: c.Reason, Detail: c.Detail, OtherUZI: c.OtherUZI, ClaimedAt: c.ClaimedAt, Status: c.Status}, nil
}

func (l agbLinks) OrganisationAGBCodes(ctx context.Context, ura string) ([]string, error) {
	return l.st.OrganisationAGBCodes(ctx, ura)
}

// handshakeLogsPerMinute bounds the access-log records of refused handshakes per client address: anyone
// on the network can fail a handshake, and the append-only log must not be theirs to fill.
const handshakeLogsPerMinute = 20

// handshakeRefused records a failed TLS handshake (a card refused at the door is recorded by refuseAtDoor
// instead). The structured server log gets it with the reason: a warning, except for the routine end of a
// browser's spare connection (debug); the access log gets it when a certificate was presented (a card
// whose handshake signature did not verify), within handshakeLogsPerMinute per client address. What
// the certificate says about its holder is recorded as a claim in the detail, never as the user: the
// certificate was not verified (the JSON key "claimed" of the detail).
func (s *Server) handshakeRefused(f auth.HandshakeFailure) {
	host := f.RemoteAddr
	if h, _, err := net.SplitHostPort(f.RemoteAddr); err == nil {
		host = h
	}
	attrs := []any{"reason", f.Reason, "remote", f.RemoteAddr, "err", f.Err}
	var claim, fingerprint string
	var claimed uzi.Identity
	if f.Certificate != nil {
		claim = certificateClaim(f.Certificate)
		claimed, _ = uzi.Parse(f.Certificate, s.profile)
		fingerprint = auth.Fingerprint(f.Certificate)
		attrs = append(attrs, "certificate", claim, "claimed_uzi", claimed.UZINumber, "fingerprint", fingerprint)
	}
	s.monitor.handshakeRefusals.With(labelOrOther(f.Reason)).Inc()
	if f.Routine() {
		// A browser's spare connection, closed unused: no refusal, nothing for an operator to act on.
		s.logger.Debug("TLS handshake ended by the client", attrs...)
		return
	}
	s.logger.Warn("TLS handshake failed", attrs...)
	if f.Certificate == nil {
		return
	}
	if !s.handshakes.allow(host, s.now()) {
		s.logger.Warn("TLS handshake refusal not written to the access log: too many from this address", "remote", f.RemoteAddr)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.audit.Append(ctx, audit.Record{
		Event:   audit.EventLoginRefused,
		Outcome: audit.Refused,
		Reason:  f.Reason,
		Source:  audit.Source{ClientIP: host, CertFingerprint: fingerprint},
		Detail:  claimDetail(claimed, claim, fmt.Sprintf("TLS handshake refused: %v", f.Err)),
	})
	if err != nil {
		s.logger.Error("refused TLS handshake could not be written to the access log", "err", err, "remote", f.RemoteAddr)
	}
}

// certificateClaim describes an unverified certificate for the logs: subject, issuer and validity.
func certificateClaim(cert *x509.Certificate) string {
	return fmt.Sprintf("unverified certificate of %q issued by %q, valid %s to %s",
		cert.Subject.CommonName, cert.Issuer.CommonName,
		cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
}

// claimDetail is the access-log detail of a refused certificate: what it claims about its holder under
// the JSON key "claimed" (never in the record's user fields: the portal did not accept the certificate as
// that person's card), the certificate itself when it was not verified, and the refusal.
func claimDetail(id uzi.Identity, certificate, refusal string) string {
	type claim struct {
		UZI          string `json:"uzi,omitempty"`
		Name         string `json:"name,omitempty"`
		CardType     string `json:"card_type,omitempty"`
		Role         string `json:"role,omitempty"`
		AGB          string `json:"agb,omitempty"`
		URA          string `json:"ura,omitempty"`
		Organisation string `json:"organisation,omitempty"`
	}
	detail := struct {
		Claimed     claim  `json:"claimed"`
		Certificate string `json:"certificate,omitempty"`
		Refusal     string `json:"refusal"`
	}{
		Claimed: claim{UZI: id.UZINumber, Name: id.CommonName, CardType: string(id.CardType), Role: id.RoleCode,
			AGB: id.AGBCode, URA: id.SubscriberNumber, Organisation: id.Organisation},
		Certificate: certificate,
		Refusal:     refusal,
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return refusal
	}
	return string(b)
}

// ipWindowLimiter allows a number of events per key in a fixed time window.
type ipWindowLimiter struct {
	max    int
	window time.Duration

	mu     sync.Mutex
	start  time.Time
	counts map[string]int
}

func newIPWindowLimiter(max int, window time.Duration) *ipWindowLimiter {
	return &ipWindowLimiter{max: max, window: window, counts: map[string]int{}}
}

// allow counts one event for key and reports whether it is within the limit.
func (l *ipWindowLimiter) allow(key string, now time.Time) bool {
	return l.count(key, now) <= l.max
}

// count counts one event for key and returns how many the window holds now, this one included.
func (l *ipWindowLimiter) count(key string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	l.counts[key]++
	return l.counts[key]
}

// over reports, without counting, whether key has already gone beyond the limit in this window.
func (l *ipWindowLimiter) over(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	return l.counts[key] > l.max
}

// roll starts a new window when the current one is over (or the clock went back).
func (l *ipWindowLimiter) roll(now time.Time) {
	if now.Sub(l.start) >= l.window || now.Before(l.start) {
		l.start = now
		clear(l.counts)
	}
}
