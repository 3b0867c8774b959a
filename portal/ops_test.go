package portal_test

import (
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/metrics"
	"zorgverlenersportaal/portal/portaltest"
)

// opsGet fetches a path of the operations listener: plain HTTP, no certificate, as a load balancer does.
func opsGet(t *testing.T, env *portaltest.Env, path string) (int, http.Header, string) {
	t.Helper()
	if env.OpsURL == "" {
		t.Fatal("the test portal has no operations listener")
	}
	resp, err := http.Get(env.OpsURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

func scrapeMetrics(t *testing.T, env *portaltest.Env) (metrics.Scrape, string) {
	t.Helper()
	status, header, body := opsGet(t, env, "/metrics")
	if status != http.StatusOK || expfmt.ResponseFormat(header).FormatType() != expfmt.TypeTextPlain || header.Get("Cache-Control") != "no-store" {
		t.Fatalf("/metrics: %d %q", status, header.Get("Content-Type"))
	}
	s, err := metrics.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return s, body
}

func health(t *testing.T, env *portaltest.Env) (int, portal.Health) {
	t.Helper()
	status, header, body := opsGet(t, env, "/healthz")
	var h portal.Health
	if err := json.Unmarshal([]byte(body), &h); err != nil || header.Get("Content-Type") != "application/json" {
		t.Fatalf("/healthz is not JSON (%v): %q", err, body)
	}
	return status, h
}

// TestMetricsCountWhatHappensThroughTheMutualTLSPortal drives real requests through the mutual-TLS portal
// and reads the operations listener's /metrics before and after: requests by route pattern and status
// class, latencies, sessions started, login refusals (role, TLS handshake), access refusals (no consent),
// the access log's records and group commits, the CRL of the issuing CA, the runtime. Nothing on it names
// a patient.
func TestMetricsCountWhatHappensThroughTheMutualTLSPortal(t *testing.T) {
	w := newWorld(t)
	env := w.env
	now := time.Now()
	seen := w.patient(t, "999990020", "P0000020", "Zichtbaar", adult)
	w.relationship(t, seen, access.RegisteredGP, access.HolderOrganisation, "90000101", now.Add(-time.Hour), nil)
	w.consent(t, seen, access.Huisartsen, access.ConsentGranted)
	hidden := w.patient(t, "999990032", "P0000032", "Verborgen", adult)
	w.relationship(t, hidden, access.RegisteredGP, access.HolderOrganisation, "90000101", now.Add(-time.Hour), nil)

	before, _ := scrapeMetrics(t, env)

	gp := env.Client(t, devpki.CardGP)
	if resp := gp.Get(t, "/"); resp.Status != http.StatusOK {
		t.Fatalf("start page: %d", resp.Status)
	}
	for range 3 {
		if resp := gp.Get(t, portaltest.PatientPath(seen, "access")); resp.Status != http.StatusOK {
			t.Fatalf("allowed patient: %d", resp.Status)
		}
	}
	if resp := gp.Get(t, portaltest.PatientPath(hidden, "access")); resp.Status != http.StatusForbidden {
		t.Fatalf("patient without consent: %d", resp.Status)
	}
	if resp := gp.Get(t, "/no/such/page/999990020"); resp.Status != http.StatusNotFound {
		t.Fatalf("unknown page: %d", resp.Status)
	}
	if resp := env.Client(t, devpki.CardCompanyDoctor).Get(t, "/"); resp.Status != http.StatusForbidden {
		t.Fatalf("company doctor: %d", resp.Status)
	}
	if resp := env.Client(t, devpki.CardExpired).Get(t, "/"); resp.Status != http.StatusForbidden {
		t.Fatalf("the expired card passed the door: %d", resp.Status)
	}
	// The access log counts what its appender committed, just after the page was answered.
	waitFor(t, "the door's refusal is in the access log", func() bool {
		s, _ := scrapeMetrics(t, env)
		return s.Sum("zvp_login_refusals_total", "reason", "tls.expired") > before.Sum("zvp_login_refusals_total", "reason", "tls.expired")
	})
	runtime.GC() // at least one collection, so that go_gc_cycles_total has moved from zero
	after, text := scrapeMetrics(t, env)
	delta := func(name string, labels ...string) float64 {
		return after.Sum(name, labels...) - before.Sum(name, labels...)
	}
	access := "/patients/:id/access"
	counts := []struct {
		what   string
		name   string
		labels []string
		want   float64
	}{
		{"allowed views", "zvp_http_requests_total", []string{"method", "GET", "route", access, "class", "2xx"}, 3},
		{"refused view", "zvp_http_requests_total", []string{"route", access, "class", "4xx"}, 1},
		{"unknown page", "zvp_http_requests_total", []string{"route", "unmatched", "class", "4xx"}, 1},
		{"the door's page", "zvp_http_requests_total", []string{"route", "/", "class", "4xx"}, 2},
		{"timed views", "zvp_http_request_duration_seconds_count", []string{"route", access}, 4},
		{"timed views, +Inf bucket", "zvp_http_request_duration_seconds_bucket", []string{"route", access, "le", "+Inf"}, 4},
		{"sessions started", "zvp_sessions_started_total", nil, 1},
		{"refused view by reason", "zvp_access_refusals_total", []string{"event", "view", "reason", "no-consent"}, 1},
		{"refused login by reason", "zvp_login_refusals_total", []string{"reason", auth.ReasonRoleNeverAdmitted}, 1},
		{"card refused at the door", "zvp_tls_handshake_refusals_total", []string{"reason", "tls.expired"}, 1},
		{"card refused at the door, in the access log", "zvp_login_refusals_total", []string{"reason", "tls.expired"}, 1},
		// The start page lists the one visible patient, which is a view of its summary, then 3 views.
		{"views in the access log", "zvp_access_log_events_total", []string{"event", "view", "outcome", "success"}, 4},
	}
	for _, c := range counts {
		if got := delta(c.name, c.labels...); got != c.want {
			t.Errorf("%s: %s%v moved by %v, want %v", c.what, c.name, c.labels, got, c.want)
		}
	}
	// login, 3 views, the refused view, the company doctor's refusal, the handshake refusal.
	if got := delta("zvp_access_log_records_total"); got < 7 {
		t.Errorf("access-log records moved by %v, want at least 7", got)
	}
	if commits := delta("zvp_access_log_commits_total"); commits < 1 || commits > delta("zvp_access_log_records_total") {
		t.Errorf("group commits moved by %v", commits)
	}
	issuer := env.Server.Revocation().Status()[0].Issuer
	if v, ok := after.Value("zvp_crl_usable", "issuer", issuer); !ok || v != 1 {
		t.Errorf("zvp_crl_usable{issuer=%q} = %v (%v)", issuer, v, ok)
	}
	if v, ok := after.Value("zvp_crl_next_update_timestamp_seconds", "issuer", issuer); !ok || v < float64(now.Unix()) {
		t.Errorf("CRL next update = %v (%v)", v, ok)
	}
	if v, ok := after.Value("zvp_crl_age_seconds", "issuer", issuer); !ok || v < 0 {
		t.Errorf("CRL age = %v (%v)", v, ok)
	}
	// The standard Go and process collectors, and the GC counter the portal added to them.
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes", "go_gc_cycles_total",
		"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"} {
		if v, ok := after.Value(name); !ok || v <= 0 {
			t.Errorf("%s = %v (%v)", name, v, ok)
		}
	}
	for _, secret := range []string{seen.BSN, hidden.BSN, seen.FamilyName, hidden.FamilyName, seen.PatientNumber, portaltest.PatientPath(seen), "999990020"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics shows patient data %q", secret)
		}
	}

	status, h := health(t, env)
	if status != http.StatusOK || h.Status != "ok" || h.Checks["database"] != "ok" || h.Checks["access_log"] != "ok" || !strings.HasPrefix(h.Checks["revocation"], "ok") {
		t.Errorf("healthz: %d %+v", status, h)
	}
	if status, _, _ := opsGet(t, env, "/patients/1/access"); status != http.StatusNotFound {
		t.Errorf("the operations listener answers a portal path with %d", status)
	}
}

// TestHealthzSaysWhatIsWrong: the health check answers 503 and names the dependency when the database is
// gone or the CRL has gone stale (the portal then refuses every card of that CA), and 200 otherwise.
func TestHealthzSaysWhatIsWrong(t *testing.T) {
	t.Run("database closed", func(t *testing.T) {
		env := portaltest.Start(t, portaltest.Options{})
		if status, h := health(t, env); status != http.StatusOK {
			t.Fatalf("fresh portal: %d %+v", status, h)
		}
		env.Store.Close()
		status, h := health(t, env)
		if status != http.StatusServiceUnavailable || h.Status != "unavailable" || !strings.Contains(h.Checks["database"], "closed") {
			t.Fatalf("closed store: %d %+v", status, h)
		}
		if h.Checks["access_log"] == "ok" {
			t.Errorf("a closed store's access log is called writable: %+v", h)
		}
	})
	t.Run("stale CRL", func(t *testing.T) {
		var shift atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		env := portaltest.Start(t, portaltest.Options{Server: []portal.Option{portal.WithClock(clock)}})
		if resp := env.Client(t, devpki.CardGP).Get(t, "/"); resp.Status != http.StatusOK {
			t.Fatalf("fresh CRL: %d", resp.Status)
		}
		status, h := health(t, env)
		if status != http.StatusOK || !strings.Contains(h.Checks["revocation"], "1 CRLs usable") {
			t.Fatalf("fresh CRL: %d %+v", status, h)
		}
		crl := env.Server.Revocation().Status()[0]
		shift.Store(int64(time.Until(crl.NextUpdate) + env.Config.Revocation.GracePeriod.Duration + time.Minute))
		status, h = health(t, env)
		if status != http.StatusServiceUnavailable || !strings.Contains(h.Checks["revocation"], crl.Issuer) || h.Checks["database"] != "ok" {
			t.Fatalf("stale CRL: %d %+v", status, h)
		}
		s, _ := scrapeMetrics(t, env)
		if v, ok := s.Value("zvp_crl_usable", "issuer", crl.Issuer); !ok || v != 0 {
			t.Errorf("zvp_crl_usable of the stale CRL = %v (%v)", v, ok)
		}
	})
}
