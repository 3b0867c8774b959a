package command

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

func serveCommand() Command {
	return Command{
		Name:    "serve",
		Summary: "run the portal with a configuration (production or test)",
		Usage:   "[--data DIR] [--config FILE]",
		Run:     runServe,
	}
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", "[--data DIR] [--config FILE]")
	data := fs.String("data", "data", "data folder: database, keys")
	file := fs.String("config", "", "configuration file (default DIR/"+config.FileName+")")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*data, *file, env.Getenv)
	if err != nil {
		return err
	}
	if err := prepareDataFolder(cfg, existingFolder); err != nil {
		return err
	}
	return serve(ctx, env, cfg, func(addr string) {
		fmt.Fprintf(env.Stdout, "Zorgverlenersportaal listening on https://%s/\n", addr)
	})
}

// serve runs the portal until ctx ends: the store, the mutual-TLS listener and, with the development PKI,
// the plain-HTTP listener that publishes its CRLs. ready is called once the portal accepts connections.
func serve(ctx context.Context, env *Env, cfg config.Config, ready func(addr string)) error {
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := portal.New(cfg, st, env.Logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (addr): %w", cfg.Addr, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	running := 1
	go func() { errc <- srv.Serve(ctx, ln) }()
	if cfg.DevPKI.Enabled {
		pki, err := devpki.Ensure(ctx, devpki.Options{Dir: cfg.DataDir})
		if err != nil {
			ln.Close()
			return fmt.Errorf("development PKI (dev_pki.enabled): %w", err)
		}
		crlLn, err := net.Listen("tcp", cfg.DevPKI.CRLAddr)
		if err != nil {
			cancel()
			<-errc
			return fmt.Errorf("listen on %s (dev_pki.crl_addr): %w", cfg.DevPKI.CRLAddr, err)
		}
		running++
		go func() { errc <- serveHTTP(ctx, crlLn, pki.CRLHandler()) }()
	}
	if !cfg.Ops.Disabled() {
		opsLn, err := net.Listen("tcp", cfg.Ops.Addr)
		if err != nil {
			cancel()
			for range running {
				<-errc
			}
			return fmt.Errorf("listen on %s (ops.addr): %w", cfg.Ops.Addr, err)
		}
		running++
		go func() { errc <- srv.ServeOps(ctx, opsLn) }()
		fmt.Fprintf(env.Stdout, "%s http://%s/healthz and /metrics\n", opsBanner, opsLn.Addr())
	}
	ready(ln.Addr().String())
	var first error
	for range running {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
		cancel()
	}
	return first
}

// opsBanner starts the line that names the operations listener; the load command reads the address from it.
const opsBanner = "Operations listener (plain HTTP, no patient data):"

// serveHTTP runs a plain HTTP server (the development CRL endpoint) until ctx ends.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
