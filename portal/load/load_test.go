package load_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/load"
	"zorgverlenersportaal/portal/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// bare starts the bare server with the test portal's TLS configuration and counts its handshakes.
func bare(t *testing.T, env *portaltest.Env, page []byte) (string, *atomic.Int64) {
	t.Helper()
	var handshakes atomic.Int64
	cfg := env.Server.TLSConfig().Clone()
	cfg.VerifyConnection = func(tls.ConnectionState) error { handshakes.Add(1); return nil }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- load.ServeBare(ctx, ln, cfg, page) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bare server: %v", err)
		}
	})
	return "https://" + ln.Addr().String(), &handshakes
}

func client(t *testing.T, env *portaltest.Env, card string) load.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(env.PKI.ServerCA())
	return load.Client{Certificate: env.Card(t, card).Authentication.TLS, RootCAs: roots, ServerName: "localhost"}
}

// TestModesAndTheBareServer: the bare server asks for and verifies the client certificate like the
// portal, answers the constant page, and the two modes really differ: a fresh handshake for every request,
// or one connection per client.
func TestModesAndTheBareServer(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	page := load.BarePage(5000)
	if len(page) != 5000 {
		t.Fatalf("bare page of %d bytes, want 5000", len(page))
	}
	c := client(t, env, devpki.CardGP)
	for _, tt := range []struct {
		mode    load.Mode
		fresh   bool
		clients int
	}{{load.FreshHandshake, true, 3}, {load.KeepAlive, false, 3}} {
		t.Run(string(tt.mode), func(t *testing.T) {
			url, handshakes := bare(t, env, page)
			res, err := load.Drive(t.Context(), c, load.Run{BaseURL: url, Paths: []string{"/a", "/b"}, Mode: tt.mode,
				Concurrency: tt.clients, Duration: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if res.Errors != 0 || res.Statuses[http.StatusOK] != res.Requests || res.Bytes != int64(res.Requests*len(page)) {
				t.Fatalf("result %+v", res)
			}
			if res.P50 <= 0 || res.P50 > res.P99 || res.P99 > res.Max || res.PerSecond <= 0 {
				t.Fatalf("latencies %+v", res)
			}
			got := handshakes.Load()
			if tt.fresh && got < int64(res.Requests) {
				t.Errorf("%d handshakes for %d requests: not a new connection per request", got, res.Requests)
			}
			if !tt.fresh && got != int64(tt.clients) {
				t.Errorf("%d handshakes for %d clients with keep-alive", got, tt.clients)
			}
		})
	}

	// Without a card there is no page.
	url, _ := bare(t, env, page)
	noCard := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.RootCAs, ServerName: "localhost"}}}
	if resp, err := noCard.Get(url + "/"); err == nil {
		resp.Body.Close()
		t.Fatal("the bare server answered a client without a certificate")
	}
}

// TestDriveCountsRefusalsAsErrors: a page the card may not see counts as an error with its status, as
// does a server that is not there.
func TestDriveCountsRefusalsAsErrors(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{})
	res, err := load.Drive(t.Context(), client(t, env, devpki.CardGP), load.Run{BaseURL: env.URL, Paths: []string{"/patients/999/access"},
		Login: "/", Mode: load.KeepAlive, Concurrency: 1, Duration: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != res.Requests || res.Statuses[http.StatusNotFound] != res.Requests || res.FirstError == "" {
		t.Fatalf("unknown patient: %+v", res)
	}
	res, err = load.Drive(t.Context(), client(t, env, devpki.CardGP), load.Run{BaseURL: "https://127.0.0.1:1", Paths: []string{"/"},
		Mode: load.FreshHandshake, Duration: 50 * time.Millisecond})
	if err != nil || res.Requests == 0 || res.Errors != res.Requests || res.FirstError == "" {
		t.Fatalf("a run against nothing: %+v, %v", res, err)
	}
	if _, err := load.Drive(t.Context(), load.Client{}, load.Run{BaseURL: env.URL}); err == nil {
		t.Fatal("a run without paths was accepted")
	}
}

func TestPercentileAndPaths(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0.001: time.Millisecond} {
		if got := load.Percentile(d, q); got != want {
			t.Errorf("Percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if load.Percentile(nil, 0.5) != 0 {
		t.Error("percentile of nothing")
	}
	if got := load.ExpandPaths("/patients/{id}/lab", []string{"3f", "42"}); len(got) != 2 || got[1] != "/patients/42/lab" {
		t.Errorf("ExpandPaths = %v", got)
	}
}
