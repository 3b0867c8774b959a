package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// HandshakeFailure describes a client whose TLS handshake failed: no common protocol version or cipher, a
// card whose handshake signature did not verify (smartcard middleware that cannot sign RSA-PSS, see
// tls.max_version), a client that hung up. No page can be shown to such a client, so this is all the
// portal can record of the attempt. (A card that is missing, expired or of an unknown CA does not fail the
// handshake: the door shows it a page, see DoorListener.)
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

// DoorListener wraps a TCP listener: it performs the TLS handshake of every connection itself, before
// net/http sees it, and verifies the presented card in the handshake's VerifyConnection with the Door. The
// handshake does not fail on the card: the verdict travels with the connection (ConnContext puts it into
// every request's context), so that a provider whose card is missing, expired or of an unknown CA gets a
// page that explains it, and the portal's door middleware lets such a connection reach nothing but that
// page and static files. A handshake that fails for another reason (no common protocol version, a client
// that hung up, a card whose signature does not verify) is reported to onFailure with its reason.
// Connections whose handshake succeeds are handed to Accept as *tls.Conn with the handshake done, which
// net/http serves as usual (HTTP/2 included). Handshakes run concurrently, each bounded by timeout, so one
// slow client cannot hold up the others.
type DoorListener struct {
	inner     net.Listener
	config    *tls.Config
	door      *Door
	now       func() time.Time
	timeout   time.Duration
	onFailure func(HandshakeFailure)
	conns     chan net.Conn
	errs      chan error
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
	closeErr  error
	// checks holds the verdict of each accepted connection until net/http asks for it (ConnContext).
	checks sync.Map
}

// NewDoorListener starts handshaking the connections of inner with config, verifying cards with door at
// the time now returns.
func NewDoorListener(inner net.Listener, config *tls.Config, door *Door, now func() time.Time, timeout time.Duration, onFailure func(HandshakeFailure)) *DoorListener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &DoorListener{
		inner:     inner,
		config:    config,
		door:      door,
		now:       now,
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

func (l *DoorListener) acceptLoop() {
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

func (l *DoorListener) handshake(raw net.Conn) {
	var check CardCheck
	config := l.config.Clone()
	config.VerifyConnection = func(cs tls.ConnectionState) error {
		check = l.door.Check(cs.PeerCertificates, l.now())
		return nil
	}
	conn := tls.Server(raw, config)
	ctx, cancel := context.WithTimeout(l.ctx, l.timeout)
	err := conn.HandshakeContext(ctx)
	cancel()
	if err != nil {
		if l.onFailure != nil && l.ctx.Err() == nil {
			f := ClassifyHandshake(raw.RemoteAddr().String(), err)
			if f.Certificate == nil {
				f.Certificate = check.Presented
			}
			l.onFailure(f)
		}
		_ = conn.Close()
		return
	}
	l.checks.Store(conn, check)
	select {
	case l.conns <- conn:
	case <-l.ctx.Done():
		l.checks.Delete(conn)
		_ = conn.Close()
	}
}

// ConnContext is the http.Server's ConnContext: it moves the connection's card verdict into the base
// context of its requests.
func (l *DoorListener) ConnContext(ctx context.Context, c net.Conn) context.Context {
	if v, ok := l.checks.LoadAndDelete(c); ok {
		return WithCardCheck(ctx, v.(CardCheck))
	}
	return ctx
}

// Accept returns the next connection whose handshake succeeded.
func (l *DoorListener) Accept() (net.Conn, error) {
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
func (l *DoorListener) Close() error {
	l.closeOnce.Do(func() {
		l.cancel()
		l.closeErr = l.inner.Close()
	})
	return l.closeErr
}

// Addr is the address of the TCP listener.
func (l *DoorListener) Addr() net.Addr { return l.inner.Addr() }

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
	switch {
	// crypto/tls has no sentinel for a client that sent no certificate; its message is stable.
	case strings.Contains(err.Error(), "didn't provide a certificate"):
		f.Reason = HandshakeNoCertificate
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed):
		f.Reason = HandshakeAbandoned
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		f.Reason = HandshakeTimeout
	}
	return f
}

// Routine reports whether a failed handshake is what browsers do every day rather than a refusal: a
// spare connection that a browser opens ahead of need and closes unused ends before any certificate was
// presented. Such failures are no warning to an operator.
func (f HandshakeFailure) Routine() bool {
	return f.Certificate == nil && (f.Reason == HandshakeAbandoned || f.Reason == HandshakeTimeout)
}
