package devpki

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	// DefaultCRLBaseURL is where the demo server serves the CRLs when the data folder is created without
	// Options.CRLBaseURL; every card's CRL distribution point starts with it.
	DefaultCRLBaseURL = "http://localhost:8480/crl/"
	// DefaultLockTimeout is how long an operation waits for another one on the same data folder; issuing
	// all cards takes a few seconds, a revocation or CRL renewal well under one.
	DefaultLockTimeout = 30 * time.Second
)

// Options configure Ensure. Only Dir is required.
type Options struct {
	// Dir is the data folder; it is created when missing.
	Dir string
	// CRLBaseURL is the URL under which CRLHandler is reachable, ending in "/"; a card's CRL distribution
	// point is CRLBaseURL + "zorgverlener-ca.crl" or "medewerker-op-naam-ca.crl". It is fixed when the folder
	// is created: empty means the folder's value (DefaultCRLBaseURL for a new folder), and a different value
	// for an existing folder is ErrCRLBaseURLChanged, because the cards would point at the wrong place.
	CRLBaseURL string
	// Cards lists the cards to create; nil means all of Cards, an empty non-nil slice none. Tests name only
	// the cards they need, because RSA key generation dominates the time Ensure takes.
	Cards []string
	// Now is the clock used for certificate validity; nil means time.Now. The CRLs' thisUpdate and
	// nextUpdate always follow the real clock, because the smallstep authority sets them.
	Now func() time.Time
	// LockTimeout bounds the wait for another operation on the same folder; zero means DefaultLockTimeout.
	LockTimeout time.Duration
}

// normalise checks the options and fills in defaults, except CRLBaseURL, which depends on the folder.
func (o Options) normalise() (Options, []CardSpec, error) {
	if o.Dir == "" {
		return o, nil, fmt.Errorf("%w: Dir is empty", ErrInvalidOptions)
	}
	if o.CRLBaseURL != "" {
		u, err := normaliseCRLBaseURL(o.CRLBaseURL)
		if err != nil {
			return o, nil, err
		}
		o.CRLBaseURL = u
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	specs := Cards
	if o.Cards != nil {
		specs = make([]CardSpec, 0, len(o.Cards))
		for _, name := range o.Cards {
			s, err := CardByName(name)
			if err != nil {
				return o, nil, err
			}
			specs = append(specs, s)
		}
	}
	return o, specs, nil
}

// normaliseCRLBaseURL requires an absolute http(s) URL and makes it end in "/".
func normaliseCRLBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: CRLBaseURL: %w", ErrInvalidOptions, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: CRLBaseURL %q is not an absolute http(s) URL without query", ErrInvalidOptions, raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// ocspURL derives the OCSP URL written into the cards from the CRL base URL: the same origin, path /ocsp.
// No responder answers there yet; the URL is present because real cards carry one.
func ocspURL(crlBaseURL string) string {
	u, err := url.Parse(crlBaseURL)
	if err != nil {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/ocsp"}).String()
}
