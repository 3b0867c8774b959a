package portal

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/uzi"
)

// doorPaths are the routes a connection without a verified card may reach: the stylesheets and images
// its refusal page needs. Everything else (every page, every form, the session, the 404 of an unknown
// address) answers with the page that says what is wrong with the card.
var doorPaths = map[string]bool{"/static/*": true, "/favicon.ico": true}

// door lets a request through only when its connection presented a verified card (auth.DoorListener), or,
// behind a listener without a door, when the TLS layer verified one. It runs after routing, so that it
// decides by the route the request matched, not by a path an attacker can spell in several ways.
func (s *Server) door(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		check, ok := auth.CardCheckOf(r)
		switch {
		case ok && check.Verified():
			return next(c)
		case !ok:
			if _, _, err := auth.ClientCertificate(r); err == nil {
				return next(c)
			}
			check = auth.CardCheck{Reason: auth.HandshakeNoCertificate}
		}
		if doorPaths[c.Path()] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			return next(c)
		}
		return s.refuseAtDoor(c, check)
	}
}

// doorRefusal is a request refused at the door; classify turns it into the page for its reason.
type doorRefusal struct {
	check auth.CardCheck
}

func (d *doorRefusal) Error() string {
	return fmt.Sprintf("refused at the door: %s: %v", d.check.Reason, d.check.Err)
}

// problem is the page: one per reason, with the day the card expired or becomes valid.
func (d *doorRefusal) problem() problem {
	p := problem{Status: http.StatusForbidden, Key: "door." + d.check.Reason}
	if d.check.Presented == nil {
		return p
	}
	switch d.check.Reason {
	case auth.HandshakeExpired:
		p.At = d.check.Presented.NotAfter
	case auth.HandshakeNotYetValid:
		p.At = d.check.Presented.NotBefore
	}
	return p
}

// refuseAtDoor records a refused card and returns the refusal for the error page. The server log gets
// every refusal of a presented certificate as a warning; a browser without a card is routine (it is told
// to insert one) and logged at info. The access log gets each refusal, within handshakeLogsPerMinute per
// client address: anyone on the network can reach the door, and the append-only log must not be theirs to
// fill. What an unverified certificate says about its holder is recorded as a claim in the detail (the
// JSON key "claimed"), never as the user.
func (s *Server) refuseAtDoor(c echo.Context, check auth.CardCheck) error {
	r := c.Request()
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	attrs := []any{"reason", check.Reason, "remote", r.RemoteAddr, "path", r.URL.Path, "request_id", rid}
	var claim, fingerprint string
	var claimed uzi.Identity
	if check.Presented != nil {
		claim = certificateClaim(check.Presented)
		claimed, _ = uzi.Parse(check.Presented, s.profile)
		fingerprint = auth.Fingerprint(check.Presented)
		attrs = append(attrs, "err", check.Err, "certificate", claim, "claimed_uzi", claimed.UZINumber, "fingerprint", fingerprint)
		s.logger.Warn("card refused at the door", attrs...)
	} else {
		s.logger.Info("request without a card: asked to insert one", attrs...)
	}
	s.monitor.handshakeRefusals.With(labelOrOther(check.Reason)).Inc()
	refusal := &doorRefusal{check: check}
	if !s.handshakes.allow(host, s.now()) {
		return refusal
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	detail := "no certificate presented"
	if check.Presented != nil {
		detail = claimDetail(claimed, claim, fmt.Sprintf("card refused at the door: %v", check.Err))
	}
	err = s.audit.Append(ctx, audit.Record{
		Event:   audit.EventLoginRefused,
		Outcome: audit.Refused,
		Reason:  check.Reason,
		Source:  audit.Source{ClientIP: host, CertFingerprint: fingerprint, RequestID: rid},
		Detail:  detail,
	})
	if err != nil {
		// No record, no answer but the log's failure: the refusal must leave its trace.
		return err
	}
	return refusal
}
