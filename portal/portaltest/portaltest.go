// Package portaltest starts the real portal for tests: a development PKI with the test cards, a real
// SQLite database in a temporary folder, the server on a free port over mutual TLS, and HTTP clients that
// present a card. Tests then use the portal the way a provider's browser does.
//
// A test package that uses it runs portaltest.Main from its TestMain, so that the PKI (RSA key generation
// is the slow part) is built once per package and removed afterwards.
package portaltest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/demodata"
	"zorgverlenersportaal/portal/devagb"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

// shared is the package's development PKI and the plain-HTTP server that publishes its CRLs at the
// distribution point its cards name.
var shared struct {
	dir string
	pki *devpki.PKI
	crl *http.Server
}

// Main builds the shared development PKI with every card, runs the tests and cleans up. Call it from
// TestMain: func TestMain(m *testing.M) { portaltest.Main(m) }.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit: it returns the exit status, for a TestMain that has more to do after the
// tests (such as printing a summary).
func Run(m *testing.M) int {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "portaltest:", err)
		code = 1
	}
	return code
}

func run(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "portaltest-pki-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	pki, srv, err := newPKI(dir, nil)
	if err != nil {
		return 1, err
	}
	defer srv.Close()
	shared.dir, shared.pki, shared.crl = dir, pki, srv
	return m.Run(), nil
}

// newPKI creates a development PKI in dir (cards: nil for all) with a CRL server of its own on a free
// port, which the cards name as their CRL distribution point.
func newPKI(dir string, cards []string) (*devpki.PKI, *http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	pki, err := devpki.Ensure(context.Background(), devpki.Options{
		Dir:        dir,
		CRLBaseURL: "http://" + ln.Addr().String() + "/crl/",
		Cards:      cards,
	})
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	srv := &http.Server{Handler: pki.CRLHandler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return pki, srv, nil
}

// Options adjust one test portal.
type Options struct {
	// Configure changes the configuration before the server starts (after the test defaults are set).
	Configure func(*config.Config)
	// PrivatePKI gives the portal a PKI of its own with only these cards, for tests that revoke cards or
	// otherwise change the PKI; nil uses the package's shared PKI.
	PrivatePKI []string
	// AGBRegister is the AGB register the portal starts with; nil gives the demo register of
	// portal/devagb, in which every demo card that may log in has its registration.
	AGBRegister []agb.Registration
	// EmptyAGBRegister starts the portal with an empty AGB register (AGBRegister is then ignored).
	EmptyAGBRegister bool
	// Server passes options to portal.New, such as portal.WithClock.
	Server []portal.Option
	// DemoData imports the demo data set (portal/demodata, dated DemoNow or else now) through the FHIR
	// import before the portal starts, so that the screens can be tested on the patients the demo
	// shows. Find them with Env.Patient.
	DemoData bool
	// DemoNow is the moment the demo data set is generated for (zero: now).
	DemoNow time.Time
	// Bundles are FHIR R4 Bundles (JSON) imported through the FHIR import before the portal starts, after
	// the demo data set when DemoData is set: a test's own patients, such as a malicious import file. A
	// bundle that is rejected, whole or in part, fails the test.
	Bundles [][]byte
}

// Env is one running test portal.
type Env struct {
	Config config.Config
	Store  *store.Store
	PKI    *devpki.PKI
	Server *portal.Server
	// URL is the portal's base URL, https://127.0.0.1:PORT.
	URL string
	// OpsURL is the base URL of the operations listener (/healthz, /metrics), http://127.0.0.1:PORT;
	// empty when the test switched it off.
	OpsURL string
	// Logs collects the server's structured log.
	Logs *SyncBuffer

	mu      sync.Mutex
	clients []*Client
}

// Start runs a portal for the test and stops it when the test ends.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	if shared.pki == nil {
		t.Fatal("portaltest: call portaltest.Main from TestMain")
	}
	pki := shared.pki
	if opts.PrivatePKI != nil {
		p, srv, err := newPKI(filepath.Join(t.TempDir(), "pki"), opts.PrivatePKI)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		pki = p
	}
	dir := t.TempDir()
	paths := pki.Paths()
	cfg := config.Default(dir)
	cfg.Addr = "127.0.0.1:0"
	cfg.TLS.CertFile = paths.ServerCert
	cfg.TLS.KeyFile = paths.ServerKey
	cfg.TLS.ClientCAFile = paths.ClientCABundle
	cfg.DevPKI.Enabled = false   // the test serves the CRLs itself
	cfg.Ops.Addr = "127.0.0.1:0" // the operations listener on a free port (empty it to switch it off)
	admin, _ := devpki.CardByName(devpki.CardAdmin)
	cfg.Hospital.Administrators = []string{admin.UZINumber}
	cfg.Hospital.URA = devpki.HospitalURA
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	if !opts.EmptyAGBRegister {
		regs := opts.AGBRegister
		if regs == nil {
			if regs, err = devagb.Registrations(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.ImportAGBRegister(ctx, regs, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if opts.DemoData || len(opts.Bundles) > 0 {
		if err := importData(ctx, st, opts.DemoData, opts.DemoNow, opts.Bundles); err != nil {
			t.Fatal(err)
		}
	}
	logs := &SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := portal.New(cfg, st, logger, opts.Server...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	servers := 1
	go func() { done <- srv.Serve(ctx, ln) }()
	env := &Env{Config: cfg, Store: st, PKI: pki, Server: srv, URL: "https://" + ln.Addr().String(), Logs: logs}
	if !cfg.Ops.Disabled() {
		opsLn, err := net.Listen("tcp", cfg.Ops.Addr)
		if err != nil {
			t.Fatal(err)
		}
		servers++
		go func() { done <- srv.ServeOps(ctx, opsLn) }()
		env.OpsURL = "http://" + opsLn.Addr().String()
	}
	t.Cleanup(func() {
		// Clients hang up first: an HTTP/2 server would otherwise wait a second for each to go away.
		env.mu.Lock()
		for _, c := range env.clients {
			c.HTTP.CloseIdleConnections()
		}
		env.mu.Unlock()
		cancel()
		for range servers {
			if err := <-done; err != nil {
				t.Errorf("server: %v", err)
			}
		}
		st.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return env
}

// importData imports the demo world (when demo is set) and the test's own bundles with an access log of
// its own, closed before the portal's log starts writing, so that the chain has one writer at a time.
func importData(ctx context.Context, st *store.Store, demo bool, at time.Time, bundles [][]byte) error {
	if at.IsZero() {
		at = time.Now()
	}
	log := audit.New(st)
	defer log.Close()
	im := fhir.NewImporter(st, log)
	im.User = audit.User{Name: "portaltest demo data"}
	im.Now = func() time.Time { return at }
	if demo {
		if _, err := demodata.Import(ctx, im, at); err != nil {
			return fmt.Errorf("portaltest: demo data: %w", err)
		}
	}
	for i, b := range bundles {
		res := im.ImportBytes(ctx, fmt.Sprintf("bundle %d", i+1), b)
		if res.Err != nil {
			return fmt.Errorf("portaltest: bundle %d: %w", i+1, res.Err)
		}
		if len(res.Rejected) > 0 {
			return fmt.Errorf("portaltest: bundle %d: %s rejected: %s", i+1, res.Rejected[0].Resource, res.Rejected[0].Reason)
		}
	}
	return nil
}

// Patient returns the patient with a BSN, e.g. one of the demo data set.
func (e *Env) Patient(t testing.TB, bsn string) access.Patient {
	t.Helper()
	p, err := e.Store.PatientByBSN(t.Context(), bsn)
	if err != nil {
		t.Fatalf("patient %s: %v", bsn, err)
	}
	return p
}

// Card returns a test card of the portal's PKI.
func (e *Env) Card(t testing.TB, name string) *devpki.Card {
	t.Helper()
	c, err := e.PKI.Card(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Client returns a browser-like client that presents the authentication certificate of a test card.
func (e *Env) Client(t testing.TB, card string) *Client {
	t.Helper()
	return e.ClientWith(t, &e.Card(t, card).Authentication.TLS)
}

// ClientWith returns a client that presents any certificate (nil: none at all).
func (e *Env) ClientWith(t testing.TB, cert *tls.Certificate) *Client {
	t.Helper()
	c := newClient(e.URL, e.ClientTLS(cert))
	e.mu.Lock()
	e.clients = append(e.clients, c)
	e.mu.Unlock()
	return c
}

// ClientTLS is the TLS configuration of a client that trusts the portal's server certificate and
// presents cert (nil: no certificate), for tests that speak to the portal over a connection of their own
// (a slow client, a raw request line, an old TLS version).
func (e *Env) ClientTLS(cert *tls.Certificate) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(e.PKI.ServerCA())
	tlsConfig := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	if cert != nil {
		c := *cert
		tlsConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &c, nil }
	}
	return tlsConfig
}

// Addr is the portal's host:port.
func (e *Env) Addr() string { return strings.TrimPrefix(e.URL, "https://") }

// SyncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
