package portal

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/common/expfmt"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/metrics"
	"zorgverlenersportaal/portal/store"
)

// gatherText writes the monitor's registry in the text format and parses it back with expfmt.
func gatherText(t *testing.T, m *monitor) (string, metrics.Scrape) {
	t.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
	}
	s, err := metrics.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("the portal's metrics do not parse: %v", err)
	}
	return b.String(), s
}

// TestMonitorKeepsLabelsBounded: a made-up HTTP method, the text of an unexpected error as a reason, and
// a reason that carries patient data each count under "other", so that no client and no error message
// can grow a label without bound or put a BSN on the operations listener.
func TestMonitorKeepsLabelsBounded(t *testing.T) {
	s := &Server{monitor: newMonitor()}
	e := echo.New()
	handler := s.measure(func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	for _, method := range []string{"GET", "BSN999990020", "PROPFIND", "get"} {
		req := httptest.NewRequest(method, "/patients/7/access", nil)
		c := e.NewContext(req, httptest.NewRecorder())
		c.SetPath("/patients/:id/access")
		if err := handler(c); err != nil {
			t.Fatal(err)
		}
	}
	s.monitor.recordsWritten([]store.AccessRecord{
		{Event: string(audit.EventLoginRefused), Outcome: string(audit.Refused), Reason: "role-never-admitted"},
		{Event: string(audit.EventLoginRefused), Outcome: string(audit.Refused), Reason: "database is locked: SELECT * FROM patients"},
		{Event: string(audit.EventView), Outcome: string(audit.Refused), Reason: "no consent for BSN 999990020"},
		{Event: "View\nBSN 999990020", Outcome: string(audit.Success)},
	})
	s.monitor.handshakeRefusals.With(labelOrOther("tls: unknown certificate authority \"CN=Jansen\"")).Inc()

	text, scrape := gatherText(t, s.monitor)
	want := []struct {
		name   string
		labels []string
		value  float64
	}{
		{"zvp_http_requests_total", []string{"method", "GET", "route", "/patients/:id/access", "class", "2xx"}, 1},
		{"zvp_http_requests_total", []string{"method", "other", "route", "/patients/:id/access", "class", "2xx"}, 3},
		{"zvp_login_refusals_total", []string{"reason", "role-never-admitted"}, 1},
		{"zvp_login_refusals_total", []string{"reason", "other"}, 1},
		{"zvp_access_refusals_total", []string{"event", "view", "reason", "other"}, 1},
		{"zvp_access_log_events_total", []string{"event", "other", "outcome", "success"}, 1},
		{"zvp_tls_handshake_refusals_total", []string{"reason", "other"}, 1},
	}
	for _, w := range want {
		if got, ok := scrape.Value(w.name, w.labels...); !ok || got != w.value {
			t.Errorf("%s%v = %v (%v), want %v", w.name, w.labels, got, ok, w.value)
		}
	}
	for _, leak := range []string{"999990020", "Jansen", "PROPFIND", "SELECT", `method="get"`} {
		if strings.Contains(text, leak) {
			t.Errorf("the metrics show %q", leak)
		}
	}
}

// TestMonitorLatencyBuckets: the latency histogram keeps the buckets the README lists, "le" inclusive.
func TestMonitorLatencyBuckets(t *testing.T) {
	m := newMonitor()
	m.recordRequest(http.MethodGet, "/", http.StatusOK, 2*time.Millisecond)
	m.recordRequest(http.MethodGet, "/", http.StatusOK, 7*time.Second)
	_, s := gatherText(t, m)
	// 2 ms falls in every bucket from le=0.002 up; 7 s only in +Inf.
	want := map[string]float64{"0.0005": 0, "0.001": 0, "0.002": 1, "0.003": 1, "0.005": 1, "0.0075": 1, "0.01": 1,
		"0.02": 1, "0.05": 1, "0.1": 1, "0.25": 1, "0.5": 1, "1": 1, "2.5": 1, "5": 1, "+Inf": 2}
	for le, w := range want {
		if v, ok := s.Value("zvp_http_request_duration_seconds_bucket", "route", "/", "le", le); !ok || v != w {
			t.Errorf("bucket le=%s = %v (%v), want %v", le, v, ok, w)
		}
	}
	if n := len(s.Families["zvp_http_request_duration_seconds"].GetMetric()[0].GetHistogram().GetBucket()); n != len(latencyBuckets)+1 {
		t.Errorf("%d buckets, want %d and +Inf", n, len(latencyBuckets))
	}
}

// TestRecordingARequestAllocatesNothing: every request counts itself; once its series exist that costs
// no allocation.
func TestRecordingARequestAllocatesNothing(t *testing.T) {
	m := newMonitor()
	m.recordRequest(http.MethodGet, "/patients/:id/access", http.StatusOK, time.Millisecond)
	if n := testing.AllocsPerRun(100, func() {
		m.recordRequest(http.MethodGet, "/patients/:id/access", http.StatusOK, time.Millisecond)
	}); n != 0 {
		t.Fatalf("%v allocations per counted request", n)
	}
}

// TestConcurrentRequestsAddUp: requests counted from many goroutines while the registry is scraped all
// arrive, in the counter and in the histogram.
func TestConcurrentRequestsAddUp(t *testing.T) {
	m := newMonitor()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for range 1000 {
				m.recordRequest(http.MethodGet, []string{"/", "/search"}[w%2], http.StatusOK, 500*time.Millisecond)
			}
		})
	}
	for range 20 {
		gatherText(t, m)
	}
	wg.Wait()
	_, s := gatherText(t, m)
	if got := s.Sum("zvp_http_requests_total"); got != 8000 {
		t.Errorf("counted %v requests, want 8000", got)
	}
	if got := s.Sum("zvp_http_request_duration_seconds_sum"); got != 4000 {
		t.Errorf("histogram sum %v, want 4000", got)
	}
}
