package digest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"time"
)

// ErrBadAddress means an e-mail address is not one plain address.
var ErrBadAddress = errors.New("not a plain e-mail address")

// ErrNoTLS means the relay offered no STARTTLS while the configuration requires it.
var ErrNoTLS = errors.New("the SMTP relay offers no STARTTLS")

// Relay hands mail to the hospital's SMTP relay with the standard library's net/smtp.
type Relay struct {
	// Addr is host:port of the relay.
	Addr string
	// From is the envelope and header sender.
	From string
	// RequireTLS refuses a relay without STARTTLS.
	RequireTLS bool
	// TLS is the client configuration for STARTTLS (nil: the system's roots, the relay's host name).
	TLS *tls.Config
	// Timeout bounds one whole delivery: dial, dialogue and data.
	Timeout time.Duration
}

// Send delivers one message to one recipient; an error means the relay did not accept it.
func (r Relay) Send(ctx context.Context, to string, msg []byte) error {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", r.Addr)
	if err != nil {
		return fmt.Errorf("digest: relay %s: %w", r.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(r.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("digest: relay %s greeting: %w", r.Addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("digest: relay %s hello: %w", r.Addr, err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if r.TLS != nil {
			cfg = r.TLS.Clone()
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("digest: relay %s STARTTLS: %w", r.Addr, err)
		}
	} else if r.RequireTLS {
		return fmt.Errorf("digest: relay %s: %w", r.Addr, ErrNoTLS)
	}
	if err := c.Mail(r.From); err != nil {
		return fmt.Errorf("digest: relay %s MAIL FROM: %w", r.Addr, err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("digest: relay %s RCPT TO: %w", r.Addr, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("digest: relay %s DATA: %w", r.Addr, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("digest: relay %s data: %w", r.Addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("digest: relay %s end of data: %w", r.Addr, err)
	}
	return c.Quit()
}
