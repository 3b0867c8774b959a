package agb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RemoteConfig configures a RemoteLookup. Zero values take the defaults
// noted per field, so RemoteConfig{BaseURL: "..."} is a working setup.
type RemoteConfig struct {
	// BaseURL is the root of the contracted feed, for example
	// "https://agb.example.nl/v1"; a registration is fetched from
	// {BaseURL}/zorgverleners/{code}. Use https in production.
	BaseURL string
	// Client performs the requests. Nil uses a client that does not follow
	// redirects (a redirect must not carry the feed's credentials elsewhere;
	// it counts as "register unavailable").
	Client *http.Client
	// Header is added to every request, for the feed's credentials (an API
	// key header or Authorization).
	Header http.Header
	// Timeout bounds one lookup, including reading the answer. Default 5 s:
	// a provider is waiting at the login page.
	Timeout time.Duration
	// TTL is how long a found registration is reused. Default 10 minutes, so
	// an ended registration locks a provider out at most that much later than
	// the register says; a negative value disables positive caching.
	TTL time.Duration
	// NegativeTTL is how long "not in the register" is reused. Default 1
	// minute, short, because a provider who was just registered will retry
	// at once; a negative value disables negative caching.
	NegativeTTL time.Duration
	// MaxEntries bounds the cache. Default 10000.
	MaxEntries int
}

// RemoteLookup is a Lookup backed by a contracted Vektis AGB feed over HTTP,
// with a timeout and a small TTL cache of definite answers.
//
// The feed contract (no public specification exists, so this is the
// contract the hospital agrees with its supplier):
//
//	GET {BaseURL}/zorgverleners/{code}
//	Accept: application/json
//
//	200 OK, Content-Type application/json, body (at most 1 MiB):
//	{
//	  "agbcode": "01000001",            // must equal {code}
//	  "soort": "zorgverlener",          // zorgverlener | onderneming | vestiging
//	  "achternaam": "Vries",            // person registrations
//	  "voorvoegsel": "de",
//	  "voorletters": "J.",
//	  "voornaam": "Jan",
//	  "naam": "",                       // onderneming and vestiging
//	  "begindatum": "2010-01-01",       // YYYY-MM-DD
//	  "einddatum": null,                // YYYY-MM-DD, "" or null: open
//	  "status": "actief",               // actief | beeindigd
//	  "kwalificaties": [
//	    {"kwalificatie": "0101", "begindatum": "2010-01-01", "einddatum": null}
//	  ],
//	  "relaties": [
//	    {"relatie_agbcode": "71001001", "relatiesoort": "werkzaam-bij",
//	     "rol": "", "begindatum": "2010-01-01", "einddatum": null}
//	  ]
//	}
//
//	404 Not Found: no such code (cached for NegativeTTL, reported as ErrNotFound)
//	anything else, a timeout, a redirect, a body that is not valid JSON or
//	not a valid registration: ErrUnavailable, never cached.
//
// The field names are those of the import file's columns (see
// ParseRegisterCSV), so one vocabulary describes the register everywhere.
// Unknown fields are ignored so the supplier can add fields without breaking
// the portal.
type RemoteLookup struct {
	base        string
	client      *http.Client
	header      http.Header
	timeout     time.Duration
	ttl         time.Duration
	negativeTTL time.Duration
	cache       *ttlCache
	now         func() time.Time
}

// maxFeedBody bounds one feed answer: one registration is a few kilobytes.
const maxFeedBody = 1 << 20

// NewRemoteLookup checks cfg and returns the feed client. It refuses a base
// URL that is not absolute http(s), because a typo there would otherwise
// surface only as "register unavailable" at the first login.
func NewRemoteLookup(cfg RemoteConfig) (*RemoteLookup, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("agb: remote lookup base URL %q must be an absolute http or https URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("agb: remote lookup base URL %q must not have a query or fragment", cfg.BaseURL)
	}
	r := &RemoteLookup{
		base:        strings.TrimRight(cfg.BaseURL, "/"),
		client:      cfg.Client,
		header:      cfg.Header.Clone(),
		timeout:     cfg.Timeout,
		ttl:         cfg.TTL,
		negativeTTL: cfg.NegativeTTL,
		now:         time.Now,
	}
	if r.timeout <= 0 {
		r.timeout = 5 * time.Second
	}
	if r.ttl == 0 {
		r.ttl = 10 * time.Minute
	}
	if r.negativeTTL == 0 {
		r.negativeTTL = time.Minute
	}
	maxEntries := cfg.MaxEntries
	if maxEntries <= 0 {
		maxEntries = 10000
	}
	r.cache = newTTLCache(maxEntries)
	if r.client == nil {
		r.client = &http.Client{
			Timeout: r.timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return r, nil
}

// Lookup implements Lookup against the feed, answering from the cache when
// a definite answer for code is still fresh.
func (r *RemoteLookup) Lookup(ctx context.Context, code Code) (Registration, error) {
	if _, err := ParseCode(string(code)); err != nil {
		return Registration{}, err
	}
	if e, ok := r.cache.get(code, r.now()); ok {
		if !e.found {
			return Registration{}, fmt.Errorf("%w: %s", ErrNotFound, code)
		}
		return e.reg, nil
	}
	reg, err := r.fetch(ctx, code)
	switch {
	case err == nil:
		if r.ttl > 0 {
			r.cache.put(code, cacheEntry{reg: reg, found: true, expires: r.now().Add(r.ttl)}, r.now())
		}
		return reg, nil
	case errors.Is(err, ErrNotFound):
		if r.negativeTTL > 0 {
			r.cache.put(code, cacheEntry{expires: r.now().Add(r.negativeTTL)}, r.now())
		}
		return Registration{}, err
	}
	return Registration{}, err
}

func (r *RemoteLookup) fetch(ctx context.Context, code Code) (Registration, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/zorgverleners/"+string(code), nil)
	if err != nil {
		return Registration{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return Registration{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFeedBody+1))
	if err != nil {
		return Registration{}, fmt.Errorf("%w: reading answer for %s: %w", ErrUnavailable, code, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return Registration{}, fmt.Errorf("%w: %s", ErrNotFound, code)
	default:
		return Registration{}, fmt.Errorf("%w: feed answered %s for %s", ErrUnavailable, resp.Status, code)
	}
	if len(body) > maxFeedBody {
		return Registration{}, fmt.Errorf("%w: answer for %s is larger than %d bytes", ErrUnavailable, code, maxFeedBody)
	}
	reg, err := decodeFeedRegistration(body)
	if err != nil {
		return Registration{}, fmt.Errorf("%w: answer for %s: %w", ErrUnavailable, code, err)
	}
	if reg.Code != code {
		return Registration{}, fmt.Errorf("%w: asked for %s, feed answered %s", ErrUnavailable, code, reg.Code)
	}
	return reg, nil
}

// feedRegistration is the JSON shape documented on RemoteLookup.
type feedRegistration struct {
	AGBCode       string              `json:"agbcode"`
	Soort         string              `json:"soort"`
	Achternaam    string              `json:"achternaam"`
	Voorvoegsel   string              `json:"voorvoegsel"`
	Voorletters   string              `json:"voorletters"`
	Voornaam      string              `json:"voornaam"`
	Naam          string              `json:"naam"`
	Begindatum    Date                `json:"begindatum"`
	Einddatum     Date                `json:"einddatum"`
	Status        string              `json:"status"`
	Kwalificaties []feedQualification `json:"kwalificaties"`
	Relaties      []feedRelation      `json:"relaties"`
}

type feedQualification struct {
	Kwalificatie string `json:"kwalificatie"`
	Begindatum   Date   `json:"begindatum"`
	Einddatum    Date   `json:"einddatum"`
}

type feedRelation struct {
	RelatieAGBCode string `json:"relatie_agbcode"`
	Relatiesoort   string `json:"relatiesoort"`
	Rol            string `json:"rol"`
	Begindatum     Date   `json:"begindatum"`
	Einddatum      Date   `json:"einddatum"`
}

// decodeFeedRegistration turns one feed answer into a validated
// Registration; anything malformed is an error, because admitting on a
// half-understood answer would not be failing closed.
func decodeFeedRegistration(body []byte) (Registration, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var f feedRegistration
	if err := dec.Decode(&f); err != nil {
		return Registration{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Registration{}, errors.New("invalid JSON: data after the registration object")
	}
	reg := Registration{
		Code:      Code(f.AGBCode),
		Kind:      Kind(f.Soort),
		Surname:   f.Achternaam,
		Prefix:    f.Voorvoegsel,
		Initials:  f.Voorletters,
		GivenName: f.Voornaam,
		Name:      f.Naam,
		Start:     f.Begindatum,
		End:       f.Einddatum,
		Status:    Status(f.Status),
	}
	for _, q := range f.Kwalificaties {
		reg.Qualifications = append(reg.Qualifications, Qualification{
			Code: Kwalificatie(q.Kwalificatie), Start: q.Begindatum, End: q.Einddatum,
		})
	}
	for _, rel := range f.Relaties {
		reg.Relations = append(reg.Relations, Relation{
			OtherCode: Code(rel.RelatieAGBCode), Kind: RelationKind(rel.Relatiesoort),
			Role: rel.Rol, Start: rel.Begindatum, End: rel.Einddatum,
		})
	}
	if err := reg.Validate(); err != nil {
		return Registration{}, err
	}
	return reg, nil
}
