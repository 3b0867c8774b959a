package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"regexp"
	"runtime/metrics"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal/audit"
	zvpmetrics "zorgverlenersportaal/portal/metrics"
	"zorgverlenersportaal/portal/store"
)

// The operations side of the portal: /healthz for a load balancer and /metrics for monitoring, on a plain
// HTTP listener of its own (ops.addr), because neither has a smartcard to pass the portal's mutual TLS.
// Nothing there names a patient: the metrics count by route pattern (/patients/:id/access, never an id),
// status class, event and reason, and the health check says which dependency is wrong.

// latencyBuckets fit pages that take milliseconds: fine steps below 10 ms, where the p99 target lies,
// and a few wide ones for the slow tail.
var latencyBuckets = []float64{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// monitor holds the portal's metrics. Requests count themselves in the middleware; logins, refusals and
// rate limits are counted from the access-log records as they are committed (audit.Options.Written), so
// that every handler's refusals are counted without each handler counting, and a refusal counts once it
// is in the log.
type monitor struct {
	registry          *zvpmetrics.Registry
	requests          *zvpmetrics.CounterVec
	latency           *zvpmetrics.HistogramVec
	loginRefusals     *zvpmetrics.CounterVec
	accessRefusals    *zvpmetrics.CounterVec
	handshakeRefusals *zvpmetrics.CounterVec
	sessionsStarted   *zvpmetrics.Counter
	searchRateLimited *zvpmetrics.Counter
	accessLogRecorded *zvpmetrics.CounterVec
}

func newMonitor() *monitor {
	r := zvpmetrics.NewRegistry()
	return &monitor{
		registry: r,
		requests: r.CounterVec("zvp_http_requests_total",
			"Requests answered by the portal, by method, route pattern and status class.", "method", "route", "class"),
		latency: r.HistogramVec("zvp_http_request_duration_seconds",
			"Time from the request reaching the portal until its answer was written, by route pattern.", latencyBuckets, "route"),
		loginRefusals: r.CounterVec("zvp_login_refusals_total",
			"Refused logins as written to the access log, by reason (refusal.<reason> in the messages).", "reason"),
		accessRefusals: r.CounterVec("zvp_access_refusals_total",
			"Refused looks at patient data and other refused actions as written to the access log, by event and reason.", "event", "reason"),
		handshakeRefusals: r.CounterVec("zvp_tls_handshake_refusals_total",
			"Cards refused at the door (a page says why) and TLS handshakes that failed (no page can be shown), by reason.", "reason"),
		sessionsStarted: r.Counter("zvp_sessions_started_total",
			"Sessions started: admitted logins written to the access log."),
		searchRateLimited: r.Counter("zvp_search_rate_limited_total",
			"Patient searches refused because the provider searched too often."),
		accessLogRecorded: r.CounterVec("zvp_access_log_events_total",
			"Access-log records committed by this process, by event and outcome.", "event", "outcome"),
	}
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
		s.monitor.requests.With(c.Request().Method, route, statusClass(status)).Inc()
		s.monitor.latency.With(route).Observe(time.Since(start).Seconds())
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

// registerCollected adds the families read at scrape time: the access log's counters, the CRLs, the Go
// runtime and the process.
func (s *Server) registerCollected() {
	r := s.monitor.registry
	r.Collect("zvp_access_log_records_total", "Access-log records committed through the group-commit appender.", zvpmetrics.CounterType,
		func(emit zvpmetrics.Emit) { emit(float64(s.audit.Stats().Records)) })
	r.Collect("zvp_access_log_commits_total", "Group-commit transactions of the access log (one sync to disk each).", zvpmetrics.CounterType,
		func(emit zvpmetrics.Emit) { emit(float64(s.audit.Stats().Batches)) })
	r.Collect("zvp_access_log_failed_records_total", "Access-log records whose transaction failed (their requests showed no data).", zvpmetrics.CounterType,
		func(emit zvpmetrics.Emit) { emit(float64(s.audit.Stats().Failed)) })
	r.Collect("zvp_crl_age_seconds", "Age of the CRL held for an issuing CA (now minus its thisUpdate).", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) {
			for _, st := range s.revocation.Status() {
				if !st.ThisUpdate.IsZero() {
					emit(st.Age.Seconds(), st.Issuer)
				}
			}
		}, "issuer")
	r.Collect("zvp_crl_next_update_timestamp_seconds", "nextUpdate of the CRL held for an issuing CA, as a Unix time.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) {
			for _, st := range s.revocation.Status() {
				if !st.NextUpdate.IsZero() {
					emit(float64(st.NextUpdate.Unix()), st.Issuer)
				}
			}
		}, "issuer")
	r.Collect("zvp_crl_usable", "1 when the CRL of an issuing CA may be relied on, 0 when its card holders are refused (fail closed).", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) {
			for _, st := range s.revocation.Status() {
				emit(boolValue(st.Usable), st.Issuer)
			}
		}, "issuer")
	r.Collect("zvp_crl_revoked_certificates", "Certificates listed on the CRL held for an issuing CA.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) {
			for _, st := range s.revocation.Status() {
				if !st.ThisUpdate.IsZero() {
					emit(float64(st.Revoked), st.Issuer)
				}
			}
		}, "issuer")
	runtimeSamples := []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	readRuntime := func(i int) float64 {
		sample := []metrics.Sample{runtimeSamples[i]}
		metrics.Read(sample)
		switch sample[0].Value.Kind() {
		case metrics.KindUint64:
			return float64(sample[0].Value.Uint64())
		case metrics.KindFloat64:
			return sample[0].Value.Float64()
		}
		return 0
	}
	r.Collect("go_goroutines", "Goroutines that currently exist.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) { emit(readRuntime(0)) })
	r.Collect("go_memstats_heap_alloc_bytes", "Bytes of live and not yet swept heap objects.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) { emit(readRuntime(1)) })
	r.Collect("go_memstats_sys_bytes", "Bytes of memory the Go runtime obtained from the operating system.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) { emit(readRuntime(2)) })
	r.Collect("go_gc_cycles_total", "Completed garbage-collection cycles.", zvpmetrics.CounterType,
		func(emit zvpmetrics.Emit) { emit(readRuntime(3)) })
	r.Collect("process_resident_memory_bytes", "Resident memory of the portal process (VmRSS), SQLite's page caches included.", zvpmetrics.GaugeType,
		func(emit zvpmetrics.Emit) {
			if rss, err := zvpmetrics.ResidentMemory(os.Getpid()); err == nil {
				emit(float64(rss))
			}
		})
	r.Collect("process_cpu_seconds_total", "CPU time the portal process used, user and system.", zvpmetrics.CounterType,
		func(emit zvpmetrics.Emit) {
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				emit(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds())
			}
		})
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
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", zvpmetrics.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = s.monitor.registry.WriteTo(w)
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
