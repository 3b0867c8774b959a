package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// HandshakeFailure describes a client whose TLS handshake the portal refused: no certificate, one from a CA
// outside the UZI bundle, an expired one, the card's signing or encryption certificate. No page can be
// shown to such a client, so this is all the portal can record of the attempt.
type HandshakeFailure struct {
	// RemoteAddr is the client's address (host:port).
	RemoteAddr string
	// Reason is one of the Handshake* keys.
	Reason string
	// Err is the handshake error.
	Err error
	// Certificate is the leaf the client presented, NOT verified (that is why it was refused); nil when
	// the client sent none. Anything read from it is a claim, not an identity.
	Certificate *x509.Certificate
}

// HandshakeListener wraps a TCP listener: it performs the TLS handshake of every connection itself,
// before net/http sees it, so that a refused handshake is reported to onFailure with its reason and the
// presented certificate (net/http would only print a line). Connections whose handshake succeeds are
// handed to Accept as *tls.Conn with the handshake done, which net/http serves as usual (HTTP/2 included).
// Handshakes run concurrently, each bounded by timeout, so one slow client cannot hold up the others.
func HandshakeListener(inner net.Listener, config *tls.Config, timeout time.Duration, onFailure func(HandshakeFailure)) net.Listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &handshakeListener{
		inner:     inner,
		config:    config,
		timeout:   timeout,
		onFailure: onFailure,
		conns:     make(chan net.Conn),
		errs:      make(chan error),
		ctx:       ctx,
		cancel:    cancel,
	}
	go l.acceptLoop()
	return l
}

type handshakeListener struct {
	inner     net.Listener
	config    *tls.Config
	timeout   time.Duration
	onFailure func(HandshakeFailure)
	conns     chan net.Conn
	errs      chan error
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
	closeErr  error
}

func (l *handshakeListener) acceptLoop() {
	for {
		raw, err := l.inner.Accept()
		if err != nil {
			select {
			case l.errs <- err:
			case <-l.ctx.Done():
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go l.handshake(raw)
	}
}

func (l *handshakeListener) handshake(raw net.Conn) {
	conn := tls.Server(raw, l.config)
	ctx, cancel := context.WithTimeout(l.ctx, l.timeout)
	err := conn.HandshakeContext(ctx)
	cancel()
	if err != nil {
		if l.onFailure != nil && l.ctx.Err() == nil {
			l.onFailure(ClassifyHandshake(raw.RemoteAddr().String(), err))
		}
		_ = conn.Close()
		return
	}
	select {
	case l.conns <- conn:
	case <-l.ctx.Done():
		_ = conn.Close()
	}
}

// Accept returns the next connection whose handshake succeeded.
func (l *handshakeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.ctx.Done():
		return nil, net.ErrClosed
	}
}

// Close stops accepting, aborts handshakes in progress and closes the TCP listener.
func (l *handshakeListener) Close() error {
	l.closeOnce.Do(func() {
		l.cancel()
		l.closeErr = l.inner.Close()
	})
	return l.closeErr
}

// Addr is the address of the TCP listener.
func (l *handshakeListener) Addr() net.Addr { return l.inner.Addr() }

// ClassifyHandshake names the reason of a failed server handshake: which certificate rule the client broke,
// or a plain handshake failure (a port scan, a client that gave up, a protocol mismatch).
func ClassifyHandshake(remoteAddr string, err error) HandshakeFailure {
	f := HandshakeFailure{RemoteAddr: remoteAddr, Reason: HandshakeFailed, Err: err}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		if len(verr.UnverifiedCertificates) > 0 {
			f.Certificate = verr.UnverifiedCertificates[0]
		}
		f.Reason = HandshakeInvalidCertificate
		var unknown x509.UnknownAuthorityError
		var invalid x509.CertificateInvalidError
		switch {
		case errors.As(verr.Err, &unknown):
			f.Reason = HandshakeUnknownCA
		case errors.As(verr.Err, &invalid) && invalid.Reason == x509.Expired:
			f.Reason = HandshakeExpired
			if invalid.Cert != nil && time.Now().Before(invalid.Cert.NotBefore) {
				f.Reason = HandshakeNotYetValid
			}
		case errors.As(verr.Err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
			f.Reason = HandshakeKeyUsage
		}
		return f
	}
	// crypto/tls has no sentinel for a client that sent no certificate; its message is stable.
	if strings.Contains(err.Error(), "didn't provide a certificate") {
		f.Reason = HandshakeNoCertificate
	}
	return f
}
