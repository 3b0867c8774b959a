package load

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
)

// BarePage is a constant HTML page of exactly size bytes: what the bare server answers, the size of the
// portal page it stands in for.
func BarePage(size int) []byte {
	const head = "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>bare</title></head><body><p>"
	const tail = "</p></body></html>\n"
	if size < len(head)+len(tail) {
		return []byte(strings.Repeat("x", max(size, 0)))
	}
	return []byte(head + strings.Repeat("x", size-len(head)-len(tail)) + tail)
}

// ServeBare is the ceiling the portal is measured against: Go's own HTTPS server with the same TLS
// configuration as the portal (server certificate, UZI client CA bundle, versions), verifying the card in
// every handshake as crypto/tls does for RequireAndVerifyClientCert (the portal's door does the same
// checks, with a cache of verified chains), answering every request with the same constant page and
// nothing else: no application, no database, no access log. It serves on ln until ctx ends.
func ServeBare(ctx context.Context, ln net.Listener, tlsConfig *tls.Config, page []byte) error {
	tlsConfig = tlsConfig.Clone()
	tlsConfig.ClientAuth = tls.RequireAndVerifyClientCert
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(tls.NewListener(ln, tlsConfig)); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
