package auth

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Revocation tells a revoked UZI card from a good one, from the CRL of the card's issuing CA (DESIGN.md §2
// item 5). The CRL is located through the card's CRL distribution point, downloaded, checked against the
// issuing CA from the verified chain, kept per issuing CA, and refreshed in the background before its
// nextUpdate and at least every refresh interval. The check on a request is a map lookup, so it runs on
// every request: a card revoked while its session is open is stopped at the first request after the next
// refresh.
//
// It fails closed: while no valid CRL of an issuing CA is at hand (never downloaded, or nextUpdate plus the
// grace period has passed) every card of that CA is refused with ReasonRevocationUnavailable.
//
// Optionally the card's OCSP responder is asked as well, once per new session (CheckOnline); a "revoked"
// answer is then also enforced on every request.
type Revocation struct {
	client  *http.Client
	refresh time.Duration
	grace   time.Duration
	timeout time.Duration
	retry   time.Duration
	now     func() time.Time
	logger  *slog.Logger
	ocsp    *ocspChecker // nil when revocation.ocsp is off

	mu      sync.RWMutex
	issuers map[string]*issuerCRL // key: fingerprint of the issuing CA certificate
	wake    chan struct{}
}

// RevocationOptions configure a Revocation; zero values take the defaults noted per field.
type RevocationOptions struct {
	// Refresh is the longest time a CRL is kept without downloading it again (revocation.refresh);
	// default DefaultCRLRefresh.
	Refresh time.Duration
	// GracePeriod is how long after nextUpdate a CRL is still used when no newer one can be had
	// (revocation.grace_period); zero means none.
	GracePeriod time.Duration
	// FetchTimeout bounds one download (revocation.fetch_timeout); default 15 s.
	FetchTimeout time.Duration
	// OCSP also asks the OCSP responder named in the card, at the start of each session.
	OCSP bool
	// Client downloads CRLs and asks OCSP responders; nil uses a client with FetchTimeout.
	Client *http.Client
	// Now is the clock; nil is time.Now. Tests move it past nextUpdate to see the portal fail closed.
	Now func() time.Time
	// Logger receives download failures and refreshes; nil discards them.
	Logger *slog.Logger
}

// DefaultCRLRefresh is the refresh interval when none is configured: a quarter of the UZI-register's
// hourly CRL publication (config.DefaultCRLRefresh, which the configuration's default is).
const DefaultCRLRefresh = 15 * time.Minute

// maxCRLSize bounds one CRL download. The UZI-register's CRLs are a few megabytes at most; anything far
// larger is not a CRL we want to hold in memory.
const maxCRLSize = 64 << 20

// maxClockSkew is how far in the future a CRL's thisUpdate may lie before the CRL is distrusted.
const maxClockSkew = 5 * time.Minute

// NewRevocation builds the checker. It holds no CRL yet: the first card of each issuing CA brings the
// distribution point, and its CRL is downloaded then.
func NewRevocation(o RevocationOptions) *Revocation {
	if o.Refresh <= 0 {
		o.Refresh = DefaultCRLRefresh
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 15 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.FetchTimeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Revocation{
		client:  o.Client,
		refresh: o.Refresh,
		grace:   o.GracePeriod,
		timeout: o.FetchTimeout,
		retry:   min(o.Refresh, time.Minute),
		now:     o.Now,
		logger:  o.Logger,
		issuers: map[string]*issuerCRL{},
		wake:    make(chan struct{}, 1),
	}
	if o.OCSP {
		r.ocsp = newOCSPChecker(o.Client, o.FetchTimeout, o.Now)
	}
	return r
}

// issuerCRL is what the checker knows about one issuing CA.
type issuerCRL struct {
	issuer *x509.Certificate
	// fetching serialises downloads for this CA, so a burst of first requests downloads once.
	fetching sync.Mutex

	// Guarded by Revocation.mu.
	urls    []string
	crl     *crlSnapshot // nil until the first good download
	lastTry time.Time
	lastErr error
}

// crlSnapshot is one verified CRL, reduced to what the check needs.
type crlSnapshot struct {
	url        string
	number     *big.Int
	thisUpdate time.Time
	nextUpdate time.Time
	fetchedAt  time.Time
	revoked    map[string]struct{} // serial numbers in hex
}

// usableAt reports whether the CRL may still be relied on at now: until nextUpdate plus the grace period.
func (s *crlSnapshot) usableAt(now time.Time, grace time.Duration) bool {
	return !now.After(s.nextUpdate.Add(grace))
}

// Check refuses a revoked card and, failing closed, every card whose issuing CA has no usable CRL. chain is
// the verified chain of the request, leaf first; its second certificate is the issuing CA the CRL must be
// signed by. The result is nil or a *Refusal (ReasonRevoked or ReasonRevocationUnavailable).
func (r *Revocation) Check(ctx context.Context, chain []*x509.Certificate) error {
	if len(chain) < 2 {
		return unavailable("the verified chain holds no issuing CA to check the CRL against", nil)
	}
	leaf, issuer := chain[0], chain[1]
	urls := crlURLs(leaf)
	if len(urls) == 0 {
		return unavailable("the certificate names no http(s) CRL distribution point", nil)
	}
	e := r.entry(issuer, urls)
	snap, lastErr := r.state(e)
	if snap == nil {
		// Never downloaded yet (a first card of this CA): download now, unless a download failed so
		// recently that trying again would only slow every login down.
		if r.dueForFirstTry(e) {
			_ = r.fetch(ctx, e, false)
		}
		if snap, lastErr = r.state(e); snap == nil {
			return unavailable(fmt.Sprintf("no CRL of %s could be obtained", issuer.Subject.CommonName), lastErr)
		}
	}
	now := r.now()
	if !snap.usableAt(now, r.grace) {
		r.poke()
		return unavailable(fmt.Sprintf("the CRL of %s expired at %s and the grace period ended at %s; no newer one could be obtained",
			issuer.Subject.CommonName, snap.nextUpdate.UTC().Format(time.RFC3339), snap.nextUpdate.Add(r.grace).UTC().Format(time.RFC3339)), lastErr)
	}
	// A refresh that is due but has not run (the background loop sleeps on the wall clock, which may
	// have jumped, or is busy) is started now; this request still uses the CRL at hand.
	if !now.Before(r.due(e)) {
		r.poke()
	}
	serial := serialKey(leaf.SerialNumber)
	if _, revoked := snap.revoked[serial]; revoked {
		return &Refusal{Reason: ReasonRevoked, Detail: fmt.Sprintf("serial %s is on the CRL of %s (number %s)", serial, issuer.Subject.CommonName, snap.number),
			Err: ErrRevoked}
	}
	if r.ocsp != nil && r.ocsp.knownRevoked(leaf) {
		return &Refusal{Reason: ReasonRevoked, Detail: fmt.Sprintf("serial %s was reported revoked by the OCSP responder", serial), Err: ErrRevoked}
	}
	return nil
}

// CheckOnline asks the card's OCSP responder, when revocation.ocsp is on; the portal calls it once when a
// session starts. A "revoked" answer refuses (and is enforced by Check from then on). An unreachable
// responder or an "unknown" answer does not refuse: the CRL, which Check requires, remains the basis, and
// the failure is logged.
func (r *Revocation) CheckOnline(ctx context.Context, chain []*x509.Certificate) error {
	if r.ocsp == nil || len(chain) < 2 {
		return nil
	}
	revoked, err := r.ocsp.check(ctx, chain[0], chain[1])
	if err != nil {
		r.logger.WarnContext(ctx, "OCSP check failed; relying on the CRL", "issuer", chain[1].Subject.CommonName,
			"serial", serialKey(chain[0].SerialNumber), "err", err)
		return nil
	}
	if revoked {
		return &Refusal{Reason: ReasonRevoked, Detail: fmt.Sprintf("serial %s was reported revoked by the OCSP responder", serialKey(chain[0].SerialNumber)),
			Err: ErrRevoked}
	}
	return nil
}

// unavailable builds the fail-closed refusal.
func unavailable(detail string, cause error) *Refusal {
	if cause != nil {
		detail += ": " + cause.Error()
	}
	return &Refusal{Reason: ReasonRevocationUnavailable, Detail: detail, Err: ErrRevocationUnavailable}
}

// entry returns the record of an issuing CA, creating it for the first card of that CA, and remembers
// any distribution point URL not seen before.
func (r *Revocation) entry(issuer *x509.Certificate, urls []string) *issuerCRL {
	key := Fingerprint(issuer)
	r.mu.RLock()
	e, ok := r.issuers[key]
	known := ok && !slices.ContainsFunc(urls, func(u string) bool { return !slices.Contains(e.urls, u) })
	r.mu.RUnlock()
	if known {
		return e
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok = r.issuers[key]; !ok {
		e = &issuerCRL{issuer: issuer}
		r.issuers[key] = e
		r.poke()
	}
	for _, u := range urls {
		if !slices.Contains(e.urls, u) {
			e.urls = append(e.urls, u)
		}
	}
	return e
}

// state reads an issuer's CRL and last download error.
func (r *Revocation) state(e *issuerCRL) (*crlSnapshot, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return e.crl, e.lastErr
}

// dueForFirstTry reports whether a request may try to download a CRL that was never obtained.
func (r *Revocation) dueForFirstTry(e *issuerCRL) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return e.lastTry.IsZero() || !r.now().Before(e.lastTry.Add(r.retry))
}

// Refresh downloads the CRL of every known issuing CA now, whatever its age. The background loop does this
// by itself; Refresh is for operators and tests that must not wait for it.
func (r *Revocation) Refresh(ctx context.Context) error {
	var errs []error
	for _, e := range r.entries() {
		if err := r.fetch(ctx, e, true); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Run refreshes CRLs in the background until ctx ends: each one when it is refresh old, or earlier when its
// nextUpdate comes near, and a failed download again after a short pause. The portal runs it beside the
// server.
func (r *Revocation) Run(ctx context.Context) {
	for {
		timer := time.NewTimer(r.untilNextDue())
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-r.wake:
			timer.Stop()
		}
		for _, e := range r.entries() {
			_ = r.fetch(ctx, e, false)
		}
	}
}

// poke wakes the background loop, so that a new issuing CA or an expired CRL is seen at once.
func (r *Revocation) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Bounds of the background loop's sleep: it re-evaluates at least every minute (a changed clock, a new
// CA) and never spins.
const (
	minPoll = 10 * time.Millisecond
	maxPoll = time.Minute
)

// untilNextDue is the time until the earliest due refresh.
func (r *Revocation) untilNextDue() time.Duration {
	wait := maxPoll
	now := r.now()
	for _, e := range r.entries() {
		if d := r.due(e).Sub(now); d < wait {
			wait = d
		}
	}
	return max(wait, minPoll)
}

// due is when an issuer's CRL should next be downloaded: refresh after the last good download, or a tenth
// of the CRL's validity before its nextUpdate if that is earlier, but never sooner than the retry pause
// after the last download (a CA that keeps serving an old CRL is not asked again and again); after a
// failure, not before the retry pause has passed.
func (r *Revocation) due(e *issuerCRL) time.Time {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.dueLocked(e)
}

// dueLocked is due for a caller that holds r.mu.
func (r *Revocation) dueLocked(e *issuerCRL) time.Time {
	retryAt := e.lastTry.Add(r.retry)
	if e.crl == nil {
		return retryAt
	}
	at := e.crl.fetchedAt.Add(r.refresh)
	validity := e.crl.nextUpdate.Sub(e.crl.thisUpdate)
	if early := e.crl.nextUpdate.Add(-validity / 10); early.Before(at) {
		at = early
	}
	if floor := e.crl.fetchedAt.Add(r.retry); at.Before(floor) {
		at = floor
	}
	if e.lastErr != nil && at.Before(retryAt) {
		at = retryAt
	}
	return at
}

func (r *Revocation) entries() []*issuerCRL {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*issuerCRL, 0, len(r.issuers))
	for _, e := range r.issuers {
		out = append(out, e)
	}
	return out
}

// fetch downloads the CRL of one issuing CA from its distribution points, in the order they were seen,
// and keeps the first good one. Unless forced it does so only when due, judged after waiting for any
// download already in progress, so that a burst of callers downloads once.
func (r *Revocation) fetch(ctx context.Context, e *issuerCRL, force bool) error {
	e.fetching.Lock()
	defer e.fetching.Unlock()
	if !force && r.now().Before(r.due(e)) {
		return nil
	}
	r.mu.RLock()
	urls := append([]string(nil), e.urls...)
	r.mu.RUnlock()
	var errs []error
	for _, u := range urls {
		snap, err := r.download(ctx, u, e.issuer)
		if err == nil {
			err = r.keep(e, snap)
		}
		if err == nil {
			r.logger.DebugContext(ctx, "CRL refreshed", "issuer", e.issuer.Subject.CommonName, "url", u,
				"number", snap.number, "next_update", snap.nextUpdate, "revoked", len(snap.revoked))
			return nil
		}
		errs = append(errs, err)
	}
	err := errors.Join(errs...)
	r.mu.Lock()
	e.lastTry, e.lastErr = r.now(), err
	r.mu.Unlock()
	r.logger.WarnContext(ctx, "CRL download failed", "issuer", e.issuer.Subject.CommonName, "err", err)
	return err
}

// keep replaces the held CRL by a newer one. An older CRL (lower number, or earlier thisUpdate) is refused:
// CRLs travel over plain HTTP, and replaying an old one must not un-revoke a card.
func (r *Revocation) keep(e *issuerCRL, snap *crlSnapshot) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := e.crl; old != nil {
		if (snap.number != nil && old.number != nil && snap.number.Cmp(old.number) < 0) || snap.thisUpdate.Before(old.thisUpdate) {
			return fmt.Errorf("auth: CRL from %s (number %s, thisUpdate %s) is older than the one held (number %s, thisUpdate %s)",
				snap.url, snap.number, snap.thisUpdate.UTC().Format(time.RFC3339), old.number, old.thisUpdate.UTC().Format(time.RFC3339))
		}
	}
	e.crl, e.lastTry, e.lastErr = snap, snap.fetchedAt, nil
	return nil
}

// download fetches and verifies one CRL: issued by and signed by the issuing CA, with a nextUpdate, and
// not from the future.
func (r *Revocation) download(ctx context.Context, rawURL string, issuer *x509.Certificate) (*crlSnapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: CRL %s: %w", rawURL, err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: download CRL: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: download CRL %s: HTTP status %s", rawURL, resp.Status)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLSize+1))
	if err != nil {
		return nil, fmt.Errorf("auth: download CRL %s: %w", rawURL, err)
	}
	if len(der) > maxCRLSize {
		return nil, fmt.Errorf("auth: CRL %s is larger than %d bytes", rawURL, maxCRLSize)
	}
	return parseCRL(der, rawURL, issuer, r.now())
}

// parseCRL checks a downloaded CRL against its issuing CA and reduces it to a snapshot.
func parseCRL(der []byte, rawURL string, issuer *x509.Certificate, now time.Time) (*crlSnapshot, error) {
	if block, _ := pem.Decode(der); block != nil && block.Type == "X509 CRL" {
		der = block.Bytes
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("auth: CRL %s: %w", rawURL, err)
	}
	if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
		return nil, fmt.Errorf("auth: CRL %s is issued by %q, not by the card's CA %q", rawURL, crl.Issuer, issuer.Subject)
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return nil, fmt.Errorf("auth: CRL %s does not carry a valid signature of %q: %w", rawURL, issuer.Subject.CommonName, err)
	}
	if crl.NextUpdate.IsZero() {
		return nil, fmt.Errorf("auth: CRL %s has no nextUpdate, so it cannot be known to be current", rawURL)
	}
	if crl.ThisUpdate.After(now.Add(maxClockSkew)) {
		return nil, fmt.Errorf("auth: CRL %s has thisUpdate %s in the future", rawURL, crl.ThisUpdate.UTC().Format(time.RFC3339))
	}
	snap := &crlSnapshot{
		url:        rawURL,
		number:     crl.Number,
		thisUpdate: crl.ThisUpdate,
		nextUpdate: crl.NextUpdate,
		fetchedAt:  now,
		revoked:    make(map[string]struct{}, len(crl.RevokedCertificateEntries)),
	}
	for _, entry := range crl.RevokedCertificateEntries {
		if entry.SerialNumber != nil {
			snap.revoked[serialKey(entry.SerialNumber)] = struct{}{}
		}
	}
	return snap, nil
}

// crlURLs returns the http(s) CRL distribution points of a certificate (LDAP ones cannot be fetched).
func crlURLs(cert *x509.Certificate) []string {
	var out []string
	for _, raw := range cert.CRLDistributionPoints {
		if u, err := url.Parse(raw); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			out = append(out, raw)
		}
	}
	return out
}

func serialKey(n *big.Int) string {
	if n == nil {
		return ""
	}
	return strings.ToUpper(n.Text(16))
}

// CRLStatus describes the CRL held for one issuing CA, for monitoring: a later /metrics reads it.
type CRLStatus struct {
	// Issuer is the common name of the issuing CA.
	Issuer string
	// URL is where the held CRL came from (empty when none was ever obtained).
	URL string
	// Number is the CRL number of the held CRL.
	Number string
	// ThisUpdate and NextUpdate are the validity of the held CRL; FetchedAt when it was downloaded.
	ThisUpdate, NextUpdate, FetchedAt time.Time
	// Age is how old the held CRL is (now minus its thisUpdate).
	Age time.Duration
	// Usable reports whether the CRL may be relied on now (nextUpdate plus grace period not passed); when
	// false, cards of this CA are refused.
	Usable bool
	// Revoked is the number of revoked certificates the CRL lists.
	Revoked int
	// LastAttempt and LastError describe the last failed download since the last good one.
	LastAttempt time.Time
	LastError   string
	// NextRefresh is when the CRL is due to be downloaded again.
	NextRefresh time.Time
}

// Status reports the CRL of every issuing CA seen so far, sorted by issuer, for monitoring and alerting
// (a CRL that is not Usable locks the CA's card holders out).
func (r *Revocation) Status() []CRLStatus {
	now := r.now()
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]CRLStatus, 0, len(r.issuers))
	for _, e := range r.issuers {
		s := CRLStatus{Issuer: e.issuer.Subject.CommonName, LastAttempt: e.lastTry, NextRefresh: r.dueLocked(e)}
		if e.lastErr != nil {
			s.LastError = e.lastErr.Error()
		}
		if c := e.crl; c != nil {
			s.URL, s.ThisUpdate, s.NextUpdate, s.FetchedAt = c.url, c.thisUpdate, c.nextUpdate, c.fetchedAt
			if c.number != nil {
				s.Number = c.number.String()
			}
			s.Age = now.Sub(c.thisUpdate)
			s.Usable = c.usableAt(now, r.grace)
			s.Revoked = len(c.revoked)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Issuer < out[j].Issuer })
	return out
}
