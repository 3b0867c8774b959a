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

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/uzi"
)

// Server is one running portal.
type Server struct {
	cfg      config.Config
	store    *store.Store
	audit    *audit.Log
	sessions *auth.Sessions
	profile  uzi.Profile
	views    *renderer
	logger   *slog.Logger
	tls      *tls.Config
	echo     *echo.Echo
	now      func() time.Time
}

// New builds the server from configuration and an open store: it loads the TLS material and the session
// keys, parses every template, and registers the routes. Anything missing is an error here, at start-up,
// not on the first request.
func New(cfg config.Config, st *store.Store, logger *slog.Logger) (*Server, error) {
	tlsConfig, err := auth.ServerTLSConfig(cfg.Path(cfg.TLS.CertFile), cfg.Path(cfg.TLS.KeyFile), cfg.Path(cfg.TLS.ClientCAFile), cfg.TLS.MinVersion)
	if err != nil {
		return nil, err
	}
	keys, err := auth.LoadOrCreateSessionKeys(cfg.Path(cfg.Session.KeysFile))
	if err != nil {
		return nil, err
	}
	views, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		store:    st,
		audit:    audit.New(st),
		sessions: auth.NewSessions(keys, cfg.Session.IdleTimeout.Duration, cfg.Session.AbsoluteTimeout.Duration),
		profile:  auth.Profile(cfg.UZI),
		views:    views,
		logger:   logger,
		tls:      tlsConfig,
		echo:     echo.New(),
		now:      time.Now,
	}
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// Handler is the HTTP handler of the portal, for tests that bring their own TLS listener.
func (s *Server) Handler() http.Handler { return s.echo }

// TLSConfig is the server's mutual-TLS configuration.
func (s *Server) TLSConfig() *tls.Config { return s.tls }

// Serve answers mutual-TLS connections on ln until ctx ends, then shuts down gracefully: requests in
// flight get ten seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		TLSConfig:         s.tls,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.With("component", "http").Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(tls.NewListener(ln, s.tls)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// The access log closes after the last request: what was queued is written, the appender stops.
	defer s.audit.Close()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("portal: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
