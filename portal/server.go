// Package portal is the web application: the server, every route, the pages and the one map from errors
// to HTTP status. Its dependencies are fields of Server, built once in New.
package portal

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/digest"
	"zorgverlenersportaal/portal/document"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/uzi"
)

// Server is one running portal.
type Server struct {
	cfg        config.Config
	store      *store.Store
	audit      *audit.Log
	sessions   *auth.Sessions
	profile    uzi.Profile
	policy     access.Policy
	revocation *auth.Revocation
	admission  *auth.Admission
	// register is the AGB register admission checks codes against; the administrator's queue of typed
	// codes shows its records.
	register agb.Lookup
	views    *renderer
	logger   *slog.Logger
	tls      *tls.Config
	// cardDoor verifies the card of every connection (auth.DoorListener) and keeps verified chains.
	cardDoor   *auth.Door
	echo       *echo.Echo
	now        func() time.Time
	handshakes *ipWindowLimiter
	monitor    *monitor
	// searches bounds the patient searches per provider (UZI number) and minute.
	searches *ipWindowLimiter
	// malformedSearches bounds the access-log records of malformed searches to one per provider and
	// minute; the rest go to the server log.
	malformedSearches *ipWindowLimiter
	// refusedByCard and refusedByAddr bound the refused logins per certificate fingerprint and per
	// client address and minute.
	refusedByCard *ipWindowLimiter
	refusedByAddr *ipWindowLimiter
	// documents makes letters and reports safe to show in a page.
	documents *document.Sanitizer
	// checkpoints witnesses the log's head outside the database, on an interval and at shutdown.
	checkpoints *audit.Checkpointer
	// digest sends the optional e-mail digests in the background (nil when digest.enabled is off).
	digest *digest.Worker
}

// Option changes a dependency that New would otherwise build from the configuration; the portal itself
// runs without any, tests use them.
type Option func(*options)

type options struct {
	now        func() time.Time
	register   agb.Lookup
	digestPoll time.Duration
}

// WithDigestTiming makes the e-mail digest's worker look at its clock and outbox every poll instead of
// every 30 seconds, and pause poll instead of a minute after a first failed delivery: tests see a mail
// leave in milliseconds.
func WithDigestTiming(poll time.Duration) Option {
	return func(o *options) { o.digestPoll = poll }
}

// WithClock replaces the clock of the whole portal: sessions, the access log, the AGB register's "today"
// and the revocation check (a test moves it past a CRL's nextUpdate to see the portal fail closed).
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithAGBLookup replaces the portal's own AGB register (the imported tables) by another agb.Lookup, such
// as a contracted remote feed (agb.RemoteLookup).
func WithAGBLookup(l agb.Lookup) Option {
	return func(o *options) { o.register = l }
}

// New builds the server from configuration and an open store: it loads the TLS material and the session
// keys, parses every template, and registers the routes. Anything missing is an error here, at start-up,
// not on the first request.
func New(cfg config.Config, st *store.Store, logger *slog.Logger, opts ...Option) (*Server, error) {
	o := options{now: time.Now, register: store.AGBRegister{Store: st}, digestPoll: 30 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	tlsConfig, err := auth.ServerTLSConfig(cfg.Path(cfg.TLS.CertFile), cfg.Path(cfg.TLS.KeyFile), cfg.Path(cfg.TLS.ClientCAFile), cfg.TLS.MinVersion, cfg.TLS.MaxVersion)
	if err != nil {
		return nil, err
	}
	keys, err := auth.LoadOrCreateSessionKeys(cfg.Path(cfg.Session.KeysFile))
	if err != nil {
		return nil, err
	}
	checkpointKey, err := audit.LoadOrCreateCheckpointKey(cfg.Path(cfg.Audit.CheckpointKeyFile), cfg.Path(cfg.Audit.CheckpointPublicKeyFile))
	if err != nil {
		return nil, err
	}
	views, err := newRenderer()
	if err != nil {
		return nil, err
	}
	// Card types are decided by the admission policy, which admits the N cards of administrators whatever
	// uzi.admit_employee_cards says; the parser must therefore read N cards in full.
	profile := auth.Profile(cfg.UZI)
	profile.AdmitEmployeeCards = true
	revocation := auth.NewRevocation(auth.RevocationOptions{
		Refresh:      cfg.Revocation.Refresh.Duration,
		GracePeriod:  cfg.Revocation.GracePeriod.Duration,
		FetchTimeout: cfg.Revocation.FetchTimeout.Duration,
		OCSP:         cfg.Revocation.OCSP,
		Now:          o.now,
		Logger:       logger.With("component", "revocation"),
	})
	policy, err := access.PolicyFromConfig(cfg.Access)
	if err != nil {
		return nil, err
	}
	admissionPolicy := auth.PolicyFromConfig(cfg)
	admissionPolicy.HasScope = func(role string) bool { return !policy.ScopeOf(role).Empty() }
	mon := newMonitor()
	sessions := auth.NewSessions(keys, cfg.Session.IdleTimeout.Duration, cfg.Session.AbsoluteTimeout.Duration)
	sessions.Now = o.now
	sessions.Ledger, err = newSessionLedger(context.Background(), st, o.now)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:        cfg,
		store:      st,
		audit:      audit.NewWithOptions(st, audit.Options{Now: o.now, Written: mon.recordsWritten}),
		sessions:   sessions,
		profile:    profile,
		policy:     policy,
		revocation: revocation,
		admission:  auth.NewAdmission(admissionPolicy, revocation, o.register, agbLinks{st}, o.now),
		register:   o.register,
		views:      views,
		logger:     logger,
		tls:        tlsConfig,
		cardDoor:   auth.NewDoor(tlsConfig.ClientCAs),
		echo:       echo.New(),
		now:        o.now,
		handshakes: newIPWindowLimiter(handshakeLogsPerMinute, time.Minute),
		monitor:    mon,
		searches:   newIPWindowLimiter(cfg.Screens.SearchesPerMinute, time.Minute),

		malformedSearches: newIPWindowLimiter(1, time.Minute),
		documents:         document.NewSanitizer(),

		refusedByCard: newIPWindowLimiter(cfg.Limits.RefusedLoginsPerMinute, time.Minute),
		refusedByAddr: newIPWindowLimiter(cfg.Limits.RefusedLoginsPerAddressPerMinute, time.Minute),

		checkpoints: &audit.Checkpointer{Store: st, Key: checkpointKey, File: cfg.Path(cfg.Audit.CheckpointFile),
			Logger: logger.With("component", "audit"), Now: o.now},
	}
	if cfg.Digest.Enabled {
		s.digest = s.newDigestWorker(o.digestPoll)
	}
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	s.registerCollected()
	return s, nil
}

// Handler is the HTTP handler of the portal, for tests that bring their own TLS listener. Without Serve
// nothing refreshes the CRLs in the background: run Revocation().Run beside it, or the portal fails
// closed once the first CRL passes its nextUpdate and grace period.
func (s *Server) Handler() http.Handler { return s.echo }

// TLSConfig is the server's mutual-TLS configuration.
func (s *Server) TLSConfig() *tls.Config { return s.tls }

// Revocation is the server's revocation checker: monitoring reads its CRL status, operators and tests
// refresh its CRLs.
func (s *Server) Revocation() *auth.Revocation { return s.revocation }

// Serve answers mutual-TLS connections on ln until ctx ends, then shuts down gracefully: requests in
// flight get ten seconds to finish. It performs the TLS handshakes itself (auth.DoorListener), so that the
// card of every connection is verified at the door and a failed handshake is logged with its reason, and
// keeps the CRLs fresh in the background.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// The limits (limits.*) cut off clients that are slow on purpose: a handshake, the request's headers
	// (a slowloris client sends them a byte at a time), the whole request, the response, and an idle
	// kept-alive connection each get a bounded time; the request line and headers a bounded size.
	lim := s.cfg.Limits
	srv := &http.Server{
		Handler:           s.echo,
		TLSConfig:         s.tls,
		ReadHeaderTimeout: lim.ReadHeaderTimeout.Duration,
		ReadTimeout:       lim.ReadTimeout.Duration,
		WriteTimeout:      lim.WriteTimeout.Duration,
		IdleTimeout:       lim.IdleTimeout.Duration,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.logger.With("component", "http").Handler(), slog.LevelWarn),
	}
	revCtx, stopRevocation := context.WithCancel(ctx)
	defer stopRevocation()
	go s.revocation.Run(revCtx)
	go s.checkpoints.Run(revCtx, s.cfg.Audit.CheckpointInterval.Duration)
	// The digest worker stops before the access log closes: a delivery it finishes still gets its record.
	digestCtx, stopDigest := context.WithCancel(context.WithoutCancel(ctx))
	digestDone := make(chan struct{})
	go func() {
		defer close(digestDone)
		if s.digest != nil {
			s.digest.Run(digestCtx)
		}
	}()
	stopDigestWorker := func() { stopDigest(); <-digestDone }
	// The listener gets its own copy of the TLS configuration: net/http adjusts srv.TLSConfig for HTTP/2
	// while the listener may already be handshaking.
	tlsLn := auth.NewDoorListener(ln, s.tls.Clone(), s.cardDoor, s.now, lim.HandshakeTimeout.Duration, s.handshakeRefused)
	srv.ConnContext = tlsLn.ConnContext
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(tlsLn) }()
	select {
	case err := <-errc:
		stopDigestWorker()
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// The access log closes after the last request: what was queued is written, the appender stops.
	defer s.audit.Close()
	stopDigestWorker()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("portal: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// The last checkpoint witnesses the head after the last request's records are written, so that a
	// restart leaves nothing of this run's log unwitnessed. The portal stops either way; a checkpoint
	// that could not be written is an error in the server log, for the operator to run `audit checkpoint`.
	s.audit.Close()
	if _, err := s.checkpoints.WriteIfMoved(shutdownCtx); err != nil {
		s.logger.Error("access log checkpoint at shutdown failed: run `audit checkpoint`", "err", err)
	}
	return nil
}

// Route is one registered route: method and pattern as routes.go names it.
type Route struct {
	Method string
	Path   string
}

// Routes lists every registered route, so that the abuse suite can prove for each one that a connection
// without a verified card reaches nothing but the door's page.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.echo.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}
