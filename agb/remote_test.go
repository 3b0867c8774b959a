package agb

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const feedGP = `{
  "agbcode": "01900001",
  "soort": "zorgverlener",
  "achternaam": "Vries",
  "voorvoegsel": "de",
  "voorletters": "J.",
  "voornaam": "Jan",
  "begindatum": "2010-03-01",
  "einddatum": null,
  "status": "actief",
  "kwalificaties": [{"kwalificatie": "0101", "begindatum": "2010-03-01", "einddatum": ""}],
  "relaties": [{"relatie_agbcode": "71900100", "relatiesoort": "werkzaam-bij", "rol": "", "begindatum": "2010-03-01"}],
  "extra_veld_van_leverancier": 42
}`

// fakeFeed is a programmable feed server that counts requests per path.
type fakeFeed struct {
	mu       sync.Mutex
	status   int
	body     string
	delay    time.Duration
	requests atomic.Int32
	lastReq  *http.Request
}

func (f *fakeFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	status, body, delay := f.status, f.body, f.delay
	f.lastReq = r.Clone(context.Background())
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status/100 == 3 {
		// Following this would reach this same handler and succeed.
		w.Header().Set("Location", "/v1/zorgverleners/01900001?followed=1")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (f *fakeFeed) setDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

func (f *fakeFeed) set(status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body = status, body
}

// newRemote starts a feed and a client with a controllable clock.
func newRemote(t *testing.T, cfg RemoteConfig) (*fakeFeed, *RemoteLookup, *time.Time) {
	t.Helper()
	feed := &fakeFeed{status: http.StatusOK, body: feedGP}
	srv := httptest.NewServer(feed)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/v1/"
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	r, err := NewRemoteLookup(cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return now }
	return feed, r, &now
}

func TestRemoteLookupAnswers(t *testing.T) {
	big := `{"agbcode":"01900001","x":"` + strings.Repeat("a", maxFeedBody) + `"}`
	tests := []struct {
		name       string
		status     int
		body       string
		delay      time.Duration
		wantErr    error
		wantDetail string
	}{
		{name: "found", status: 200, body: feedGP},
		{name: "404 is not found", status: 404, body: `{"error":"not found"}`, wantErr: ErrNotFound},
		{name: "500 is unavailable", status: 500, body: "oops", wantErr: ErrUnavailable, wantDetail: "500"},
		{name: "503 is unavailable", status: 503, wantErr: ErrUnavailable},
		{name: "401 is unavailable", status: 401, wantErr: ErrUnavailable, wantDetail: "401"},
		{name: "redirect is not followed", status: 302, wantErr: ErrUnavailable, wantDetail: "302"},
		{name: "timeout is unavailable", status: 200, body: feedGP, delay: 2 * time.Second, wantErr: ErrUnavailable},
		{name: "not JSON", status: 200, body: "<html>", wantErr: ErrUnavailable, wantDetail: "invalid JSON"},
		{name: "trailing data", status: 200, body: feedGP + "{}", wantErr: ErrUnavailable, wantDetail: "data after"},
		{name: "wrong date format", status: 200, body: strings.Replace(feedGP, `"2010-03-01"`, `"01-03-2010"`, 1),
			wantErr: ErrUnavailable, wantDetail: "DD-MM-YYYY"},
		{name: "invalid registration", status: 200, body: strings.Replace(feedGP, `"actief"`, `"?"`, 1),
			wantErr: ErrUnavailable, wantDetail: "status"},
		{name: "answer for another code", status: 200, body: strings.Replace(feedGP, `"01900001"`, `"01900002"`, 1),
			wantErr: ErrUnavailable, wantDetail: "feed answered 01900002"},
		{name: "answer too large", status: 200, body: big, wantErr: ErrUnavailable, wantDetail: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := RemoteConfig{Timeout: 10 * time.Second}
			if tt.delay > 0 {
				cfg.Timeout = 200 * time.Millisecond
			}
			feed, r, _ := newRemote(t, cfg)
			feed.set(tt.status, tt.body)
			feed.setDelay(tt.delay)
			got, err := r.Lookup(context.Background(), "01900001")
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Lookup = %v", err)
				}
				want := gp()
				if got.DisplayName() != want.DisplayName() || got.Start != want.Start || !got.End.IsZero() ||
					len(got.Qualifications) != 1 || got.Qualifications[0] != want.Qualifications[0] ||
					len(got.Relations) != 1 || got.Relations[0] != want.Relations[0] {
					t.Fatalf("Lookup = %+v, want %+v", got, want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantDetail) {
				t.Fatalf("Lookup error = %v, want %v containing %q", err, tt.wantErr, tt.wantDetail)
			}
		})
	}
}

func TestRemoteLookupRequest(t *testing.T) {
	feed, r, _ := newRemote(t, RemoteConfig{Header: http.Header{"X-Api-Key": {"secret"}}})
	if _, err := r.Lookup(context.Background(), "01900001"); err != nil {
		t.Fatal(err)
	}
	feed.mu.Lock()
	req := feed.lastReq
	feed.mu.Unlock()
	if req.Method != http.MethodGet || req.URL.Path != "/v1/zorgverleners/01900001" {
		t.Fatalf("request = %s %s", req.Method, req.URL.Path)
	}
	if req.Header.Get("X-Api-Key") != "secret" || req.Header.Get("Accept") != "application/json" {
		t.Fatalf("headers = %v", req.Header)
	}
	if _, err := r.Lookup(context.Background(), "0190"); !errors.Is(err, ErrInvalidCode) {
		t.Fatalf("invalid code: %v", err)
	}
	if feed.requests.Load() != 1 {
		t.Fatal("an invalid code reached the feed")
	}
}

func TestRemoteLookupCache(t *testing.T) {
	ctx := context.Background()
	t.Run("positive hit, then expiry", func(t *testing.T) {
		feed, r, now := newRemote(t, RemoteConfig{TTL: 10 * time.Minute})
		for i := 0; i < 3; i++ {
			if _, err := r.Lookup(ctx, "01900001"); err != nil {
				t.Fatal(err)
			}
		}
		if n := feed.requests.Load(); n != 1 {
			t.Fatalf("%d requests, want 1 (cache hit)", n)
		}
		*now = now.Add(10*time.Minute - time.Nanosecond)
		_, _ = r.Lookup(ctx, "01900001")
		if n := feed.requests.Load(); n != 1 {
			t.Fatalf("%d requests just before expiry, want 1", n)
		}
		// The register ends the code; after the TTL the portal sees it.
		feed.set(200, strings.Replace(feedGP, `"einddatum": null`, `"einddatum": "2025-06-14"`, 1))
		*now = now.Add(time.Nanosecond)
		got, err := r.Lookup(ctx, "01900001")
		if err != nil || feed.requests.Load() != 2 || got.End != MustDate(2025, time.June, 14) {
			t.Fatalf("after expiry: %+v, %v, %d requests", got.End, err, feed.requests.Load())
		}
	})
	t.Run("negative hit, then expiry", func(t *testing.T) {
		feed, r, now := newRemote(t, RemoteConfig{NegativeTTL: time.Minute})
		feed.set(404, "")
		for i := 0; i < 2; i++ {
			if _, err := r.Lookup(ctx, "01900001"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Lookup = %v", err)
			}
		}
		if n := feed.requests.Load(); n != 1 {
			t.Fatalf("%d requests, want 1 (negative cache hit)", n)
		}
		feed.set(200, feedGP) // newly registered
		*now = now.Add(time.Minute)
		if _, err := r.Lookup(ctx, "01900001"); err != nil || feed.requests.Load() != 2 {
			t.Fatalf("after negative expiry: %v, %d requests", err, feed.requests.Load())
		}
	})
	t.Run("errors are never cached", func(t *testing.T) {
		feed, r, _ := newRemote(t, RemoteConfig{})
		feed.set(500, "")
		if _, err := r.Lookup(ctx, "01900001"); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Lookup = %v", err)
		}
		feed.set(200, feedGP)
		if _, err := r.Lookup(ctx, "01900001"); err != nil {
			t.Fatalf("the error was cached: %v", err)
		}
		if n := feed.requests.Load(); n != 2 {
			t.Fatalf("%d requests, want 2", n)
		}
	})
	t.Run("cancelled caller is unavailable and not cached", func(t *testing.T) {
		feed, r, _ := newRemote(t, RemoteConfig{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := r.Lookup(cctx, "01900001"); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Lookup = %v", err)
		}
		if _, err := r.Lookup(ctx, "01900001"); err != nil || feed.requests.Load() != 1 {
			t.Fatalf("Lookup = %v, %d requests", err, feed.requests.Load())
		}
	})
	t.Run("caching can be disabled", func(t *testing.T) {
		feed, r, _ := newRemote(t, RemoteConfig{TTL: -1, NegativeTTL: -1})
		_, _ = r.Lookup(ctx, "01900001")
		_, _ = r.Lookup(ctx, "01900001")
		feed.set(404, "")
		_, _ = r.Lookup(ctx, "01900001")
		_, _ = r.Lookup(ctx, "01900001")
		if n := feed.requests.Load(); n != 4 {
			t.Fatalf("%d requests, want 4", n)
		}
	})
	t.Run("cached registrations are copies", func(t *testing.T) {
		_, r, _ := newRemote(t, RemoteConfig{})
		got, _ := r.Lookup(ctx, "01900001")
		got.Qualifications[0].Code = "0102"
		again, _ := r.Lookup(ctx, "01900001")
		if again.Qualifications[0].Code != "0101" {
			t.Fatal("a caller changed the cached registration")
		}
	})
}

func TestTTLCacheBound(t *testing.T) {
	c := newTTLCache(2)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.put("01900001", cacheEntry{expires: now.Add(time.Minute)}, now)
	c.put("01900002", cacheEntry{expires: now.Add(3 * time.Minute)}, now)
	c.put("01900003", cacheEntry{expires: now.Add(2 * time.Minute)}, now)
	if c.len() != 2 {
		t.Fatalf("len = %d, want 2", c.len())
	}
	if _, ok := c.get("01900001", now); ok {
		t.Fatal("the entry closest to expiry should have been evicted")
	}
	// Expired entries are swept first.
	later := now.Add(150 * time.Second)
	c.put("01900004", cacheEntry{expires: later.Add(time.Minute)}, later)
	if _, ok := c.get("01900002", later); !ok {
		t.Fatal("a live entry was evicted while an expired one was present")
	}
}

func TestNewRemoteLookupConfig(t *testing.T) {
	tests := []struct {
		base    string
		wantErr bool
	}{
		{"https://agb.example.nl/v1", false},
		{"http://localhost:8080", false},
		{"agb.example.nl", true},
		{"ftp://agb.example.nl", true},
		{"https://", true},
		{"https://agb.example.nl/v1?key=x", true},
		{"", true},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			r, err := NewRemoteLookup(RemoteConfig{BaseURL: tt.base})
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewRemoteLookup(%q) error = %v", tt.base, err)
			}
			if err == nil && (r.timeout != 5*time.Second || r.ttl != 10*time.Minute || r.negativeTTL != time.Minute) {
				t.Fatalf("defaults: %v %v %v", r.timeout, r.ttl, r.negativeTTL)
			}
		})
	}
}

func TestRemoteLookupConcurrent(t *testing.T) {
	_, r, _ := newRemote(t, RemoteConfig{})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Lookup(context.Background(), "01900001"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
