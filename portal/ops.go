package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// The operations side of the portal: /healthz for a load balancer and /metrics for monitoring, on a plain
// HTTP listener of its own (ops.addr), because neither has a smartcard to pass the portal's mutual TLS.
// Nothing there names a patient: the metrics count by route pattern (/patients/:id/access, never an id),
// status class, event and reason, and the health check says which dependency is wrong.

// latencyBuckets fit pages that take milliseconds: fine steps below 10 ms, where the p99 target lies,
// and a few wide ones for the slow tail.
var latencyBuckets = []float64{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// monitor holds the portal's metrics in a Prometheus registry of its own (not the library's global
// default, so that two servers in one test process, or a library that registers on the default, never
// mix). Requests count themselves in the middleware; logins, refusals and rate limits are counted from
// the access-log records as they are committed (audit.Options.Written), so that every handler's refusals
// are counted without each handler counting, and a refusal counts once it is in the log.
type monitor struct {
	registry          *prometheus.Registry
	requests          *prometheus.CounterVec
	latency           *prometheus.HistogramVec
	loginRefusals     counterVec
	accessRefusals    counterVec
	handshakeRefusals counterVec
	sessionsStarted   prometheus.Counter
	searchRateLimited prometheus.Counter
	accessLogRecorded counterVec

	// series caches the request counter and latency histogram of each method, route and status class,
	// so that a request finds both with one map lookup instead of two label lookups in the library
	// (which check and hash every value): about 90 ns less per request (BenchmarkMeasureRequest).
	series sync.Map // requestSeriesKey -> requestSeries
}

// counterVec is a labelled counter family whose series are picked by label values in the family's label
// order, as the portal's counting code reads best: m.loginRefusals.With(reason).Inc().
type counterVec struct{ *prometheus.CounterVec }

// With returns the counter of these label values, creating it at zero on first use.
func (v counterVec) With(values ...string) prometheus.Counter { return v.WithLabelValues(values...) }

// requestSeriesKey names the series one request counts into.
type requestSeriesKey struct{ method, route, class string }

// requestSeries is the counter and the histogram one request moves.
type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

func newMonitor() *monitor {
	r := prometheus.NewRegistry()
	m := &monitor{
		registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_http_requests_total",
			Help: "Requests answered by the portal, by method, route pattern and status class."}, []string{"method", "route", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "zvp_http_request_duration_seconds",
			Help:    "Time from the request reaching the portal until its answer was written, by route pattern.",
			Buckets: latencyBuckets}, []string{"route"}),
		loginRefusals: counterVec{prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_login_refusals_total",
			Help: "Refused logins as written to the access log, by reason (refusal.<reason> in the messages)."}, []string{"reason"})},
		accessRefusals: counterVec{prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_access_refusals_total",
			Help: "Refused looks at patient data and other refused actions as written to the access log, by event and reason."}, []string{"event", "reason"})},
		handshakeRefusals: counterVec{prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_tls_handshake_refusals_total",
			Help: "Cards refused at the door (a page says why) and TLS handshakes that failed (no page can be shown), by reason."}, []string{"reason"})},
		sessionsStarted: prometheus.NewCounter(prometheus.CounterOpts{Name: "zvp_sessions_started_total",
			Help: "Sessions started: admitted logins written to the access log."}),
		searchRateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "zvp_search_rate_limited_total",
			Help: "Patient searches refused because the provider searched too often."}),
		accessLogRecorded: counterVec{prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zvp_access_log_events_total",
			Help: "Access-log records committed by this process, by event and outcome."}, []string{"event", "outcome"})},
	}
	r.MustRegister(m.requests, m.latency, m.loginRefusals.CounterVec, m.accessRefusals.CounterVec, m.handshakeRefusals.CounterVec,
		m.sessionsStarted, m.searchRateLimited, m.accessLogRecorded.CounterVec,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "go_gc_cycles_total", Help: "Completed garbage-collection cycles."},
			readGCCycles))
	return m
}

// readGCCycles reads the completed garbage collections from runtime/metrics: the standard Go collector
// shows their pauses (go_gc_duration_seconds) but not this counter, which the portal has always exposed.
func readGCCycles() float64 {
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(sample[0].Value.Uint64())
}

// recordRequest counts one answered request and its duration. Its label values are bounded: the method
// is one of HTTP's (anything else counts as "other"), the route a registered pattern or "unmatched", the
// class one of five.
func (m *monitor) recordRequest(method, route string, status int, took time.Duration) {
	key := requestSeriesKey{knownMethod(method), route, statusClass(status)}
	v, ok := m.series.Load(key)
	if !ok {
		v, _ = m.series.LoadOrStore(key, requestSeries{
			count:   m.requests.WithLabelValues(key.method, key.route, key.class),
			latency: m.latency.WithLabelValues(key.route),
		})
	}
	s := v.(requestSeries)
	s.count.Inc()
	s.latency.Observe(took.Seconds())
}

// knownMethod keeps the method label to the methods HTTP defines: a client may send any token as a
// method, and each would otherwise become a series of its own.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "other"
}

// safeLabel keeps a label value within a fixed vocabulary: reasons are message-key suffixes, and anything
// else (the text of an unexpected error) would make a new series per message.
var safeLabel = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func labelOrOther(v string) string {
	if safeLabel.MatchString(v) {
		return v
	}
	return "other"
}

// recordsWritten counts what the access log committed; it runs on the log's appender goroutine.
func (m *monitor) recordsWritten(recs []store.AccessRecord) {
	for i := range recs {
		r := &recs[i]
		m.accessLogRecorded.With(labelOrOther(r.Event), labelOrOther(r.Outcome)).Inc()
		switch {
		case r.Event == string(audit.EventLogin) && r.Outcome == string(audit.Success):
			m.sessionsStarted.Inc()
		case r.Event == string(audit.EventLoginRefused):
			m.loginRefusals.With(labelOrOther(r.Reason)).Inc()
		case r.Outcome == string(audit.Refused):
			m.accessRefusals.With(labelOrOther(r.Event), labelOrOther(r.Reason)).Inc()
			if r.Event == string(audit.EventSearch) && r.Reason == reasonRateLimited {
				m.searchRateLimited.Inc()
			}
		}
	}
}

// measure counts every request by route pattern and status class and times it. It runs outside every
// other middleware, so the time includes the error page of a refused request.
func (s *Server) measure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" || status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			route = "unmatched" // an unknown URL must not become a series of its own
		}
		s.monitor.recordRequest(c.Request().Method, route, status, time.Since(start))
		return nil
	}
}

func statusClass(status int) string {
	switch {
	case status >= 500:
		return "5xx"
	case status >= 400:
		return "4xx"
	case status >= 300:
		return "3xx"
	case status >= 200:
		return "2xx"
	}
	return "1xx"
}

// registerCollected adds the families read at scrape time: the access log's counters and the CRLs.
func (s *Server) registerCollected() {
	stats := func(field func(audit.Stats) int64) func() float64 {
		return func() float64 { return float64(field(s.audit.Stats())) }
	}
	s.monitor.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zvp_access_log_records_total",
			Help: "Access-log records committed through the group-commit appender."},
			stats(func(st audit.Stats) int64 { return st.Records })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zvp_access_log_commits_total",
			Help: "Group-commit transactions of the access log (one sync to disk each)."},
			stats(func(st audit.Stats) int64 { return st.Batches })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zvp_access_log_failed_records_total",
			Help: "Access-log records whose transaction failed (their requests showed no data)."},
			stats(func(st audit.Stats) int64 { return st.Failed })),
		crlCollector{s.revocation},
	)
}

// CRL families, one series per issuing CA. The issuer is the CA's name from the configured bundle: a
// short, fixed list, never a card holder.
var (
	crlAgeDesc = prometheus.NewDesc("zvp_crl_age_seconds",
		"Age of the CRL held for an issuing CA (now minus its thisUpdate).", []string{"issuer"}, nil)
	crlNextUpdateDesc = prometheus.NewDesc("zvp_crl_next_update_timestamp_seconds",
		"nextUpdate of the CRL held for an issuing CA, as a Unix time.", []string{"issuer"}, nil)
	crlUsableDesc = prometheus.NewDesc("zvp_crl_usable",
		"1 when the CRL of an issuing CA may be relied on, 0 when its card holders are refused (fail closed).", []string{"issuer"}, nil)
	crlRevokedDesc = prometheus.NewDesc("zvp_crl_revoked_certificates",
		"Certificates listed on the CRL held for an issuing CA.", []string{"issuer"}, nil)
)

// crlCollector reads the revocation checker's CRL status at every scrape.
type crlCollector struct{ revocation *auth.Revocation }

// Describe names the four CRL families.
func (crlCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- crlAgeDesc
	ch <- crlNextUpdateDesc
	ch <- crlUsableDesc
	ch <- crlRevokedDesc
}

// Collect sends the CRL status of every issuing CA seen so far; a CA whose CRL was never loaded has only
// its usable series (0).
func (c crlCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.revocation.Status() {
		ch <- prometheus.MustNewConstMetric(crlUsableDesc, prometheus.GaugeValue, boolValue(st.Usable), st.Issuer)
		if st.ThisUpdate.IsZero() {
			continue
		}
		ch <- prometheus.MustNewConstMetric(crlAgeDesc, prometheus.GaugeValue, st.Age.Seconds(), st.Issuer)
		ch <- prometheus.MustNewConstMetric(crlRevokedDesc, prometheus.GaugeValue, float64(st.Revoked), st.Issuer)
		if !st.NextUpdate.IsZero() {
			ch <- prometheus.MustNewConstMetric(crlNextUpdateDesc, prometheus.GaugeValue, float64(st.NextUpdate.Unix()), st.Issuer)
		}
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Health is the answer of /healthz: ok, or what is wrong with which dependency.
type Health struct {
	Status string            `json:"status"` // "ok" or "unavailable"
	Checks map[string]string `json:"checks"` // dependency -> "ok" or what is wrong
}

// healthTimeout bounds the whole health check: a load balancer's probe must get an answer, and a
// database that takes longer than this to answer is itself the problem.
const healthTimeout = 2 * time.Second

// CheckHealth checks what the portal needs to show data: the database answers, the access log can be
// written (no log, no data), and every issuing CA seen so far has a usable CRL (otherwise its card
// holders are refused). It writes nothing.
func (s *Server) CheckHealth(ctx context.Context) Health {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	h := Health{Status: "ok", Checks: map[string]string{}}
	fail := func(check, problem string) {
		h.Status = "unavailable"
		h.Checks[check] = problem
	}
	if err := s.store.Ping(ctx); err != nil {
		fail("database", err.Error())
	} else {
		h.Checks["database"] = "ok"
	}
	switch err := s.audit.Healthy(); {
	case err != nil:
		fail("access_log", "the last write failed: "+err.Error())
	default:
		if err := s.store.CheckWritable(ctx); err != nil {
			fail("access_log", "cannot take the write lock: "+err.Error())
		} else {
			h.Checks["access_log"] = "ok"
		}
	}
	var stale []string
	statuses := s.revocation.Status()
	for _, st := range statuses {
		if st.Usable {
			continue
		}
		problem := st.Issuer + ": no usable CRL"
		if !st.NextUpdate.IsZero() {
			problem += " (nextUpdate " + st.NextUpdate.UTC().Format(time.RFC3339) + " plus the grace period has passed)"
		}
		if st.LastError != "" {
			problem += "; last download: " + st.LastError
		}
		stale = append(stale, problem)
	}
	switch {
	case len(stale) > 0:
		fail("revocation", strings.Join(stale, "; "))
	case len(statuses) == 0:
		h.Checks["revocation"] = "ok (no issuing CA seen yet: its CRL is fetched with its first card)"
	default:
		h.Checks["revocation"] = fmt.Sprintf("ok (%d CRLs usable)", len(statuses))
	}
	return h
}

// OpsHandler serves /healthz and /metrics for the operations listener.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := s.CheckHealth(r.Context())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	})
	metricsHandler := promhttp.HandlerFor(s.monitor.registry, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(s.logger.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError, // a failing collector must not hide the others
		Registry:      s.monitor.registry,       // counts failed scrapes (promhttp_metric_handler_errors_total)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		metricsHandler.ServeHTTP(w, r)
	})
	if s.cfg.Ops.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	}
	return mux
}

// ServeOps answers the operations listener (plain HTTP) until ctx ends.
func (s *Server) ServeOps(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.OpsHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	if s.cfg.Ops.Pprof {
		srv.WriteTimeout = 10 * time.Minute // a CPU profile takes as long as it samples
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("portal: operations listener: %w", err)
	}
	return nil
}
