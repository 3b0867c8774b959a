package auth

import (
	"errors"
	"fmt"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/uzi"
)

// The refusal reasons that auth decides itself. Like uzi and agb reasons they are stable keys: each selects
// the Dutch and English explanation on the refusal page (refusal.<reason>.title/.what/.todo) and is written
// to the access log, so a value is never renamed or reused.
const (
	// ReasonNoCertificate: the request carries no verified client certificate.
	ReasonNoCertificate = "no-certificate"
	// ReasonRevoked: the issuing CA has revoked the card (on its CRL, or so its OCSP responder says).
	ReasonRevoked = "revoked"
	// ReasonRevocationUnavailable: no valid CRL of the issuing CA is at hand, so the portal cannot tell a
	// revoked card from a good one and admits nobody of that CA (fail closed).
	ReasonRevocationUnavailable = "revocation-unavailable"
	// ReasonCardTypeRefused: a well-formed card of a type the hospital does not admit (an N card without
	// uzi.admit_employee_cards and not of an administrator; M and S cards never).
	ReasonCardTypeRefused = "card-type-refused"
	// ReasonRoleNotAdmitted: the UZI role is not in uzi.admitted_roles.
	ReasonRoleNotAdmitted = "role-not-admitted"
	// ReasonRoleNeverAdmitted: company doctors, insurance doctors and public-health doctors, refused whatever
	// the configuration says (DESIGN.md §2 item 6).
	ReasonRoleNeverAdmitted = "role-never-admitted"
	// ReasonAGBLinkedElsewhere: the typed AGB code is already linked to another UZI number; one person's AGB
	// code must not open the portal for somebody else with the same surname.
	ReasonAGBLinkedElsewhere = "agb.linked-elsewhere"
	// ReasonAGBTooManyAttempts: too many refused AGB codes in a short time; guessing codes is stopped.
	ReasonAGBTooManyAttempts = "agb.too-many-attempts"
)

// The reasons the door refuses a card (DoorListener, Door), and the reasons a TLS handshake fails. A card
// refused by the door gets a page that explains the reason; a failed handshake has no connection to
// answer on and goes to the server log and, when a certificate was presented, to the access log.
const (
	// HandshakeNoCertificate: the client sent no certificate (no card in the reader, or none chosen).
	HandshakeNoCertificate = "tls.no-certificate"
	// HandshakeUnknownCA: the certificate does not chain to the UZI CA bundle (another environment, a
	// certificate that is not a UZI card's at all).
	HandshakeUnknownCA = "tls.unknown-ca"
	// HandshakeExpired: the certificate's validity has ended.
	HandshakeExpired = "tls.expired"
	// HandshakeNotYetValid: the certificate's validity has not begun (or the client's clock is wrong).
	HandshakeNotYetValid = "tls.not-yet-valid"
	// HandshakeKeyUsage: the certificate may not be used for client authentication: typically the card's
	// signing or encryption certificate.
	HandshakeKeyUsage = "tls.key-usage"
	// HandshakeInvalidCertificate: chain verification failed for another reason.
	HandshakeInvalidCertificate = "tls.invalid-certificate"
	// HandshakeFailed: the handshake failed without a certificate problem (a scan, a client that gave up,
	// no common protocol version).
	HandshakeFailed = "tls.handshake"
	// HandshakeAbandoned: the client closed the connection during the handshake, as browsers do with the
	// spare connections they open ahead of need.
	HandshakeAbandoned = "tls.abandoned"
	// HandshakeTimeout: the client did not finish the handshake within limits.handshake_timeout.
	HandshakeTimeout = "tls.timeout"
)

// DoorReasons lists the reasons for which the door shows its page: each needs a title, an explanation and
// advice in every language.
func DoorReasons() []string {
	return []string{HandshakeNoCertificate, HandshakeUnknownCA, HandshakeExpired, HandshakeNotYetValid, HandshakeKeyUsage, HandshakeInvalidCertificate}
}

// ErrRevocationUnavailable is wrapped by every revocation-unavailable refusal, so that the web layer can
// answer 503 (try again later) rather than 403 (you may not).
var ErrRevocationUnavailable = errors.New("auth: no valid revocation information")

// ErrRevoked is wrapped by every revoked refusal.
var ErrRevoked = errors.New("auth: certificate revoked")

// RefusalReasons lists every reason a refusal page can be shown for: the auth reasons, every uzi.Reason as
// "uzi.<reason>" and every agb.Reason as "agb.<reason>". The message catalogue test checks each one has a
// title, an explanation and advice in every language.
func RefusalReasons() []string {
	out := []string{
		ReasonNoCertificate, ReasonRevoked, ReasonRevocationUnavailable, ReasonCardTypeRefused,
		ReasonRoleNotAdmitted, ReasonRoleNeverAdmitted, ReasonAGBLinkedElsewhere, ReasonAGBTooManyAttempts,
	}
	for _, r := range uzi.Reasons() {
		out = append(out, "uzi."+string(r))
	}
	for _, r := range agb.Reasons() {
		out = append(out, "agb."+string(r))
	}
	return out
}

// agbRefusal turns an agb check error into a Refusal keyed "agb.<reason>"; an error without a reason is
// treated as the register being unavailable, so that nothing unexplained ever admits.
func agbRefusal(err error) *Refusal {
	reason, ok := agb.ReasonOf(err)
	if !ok {
		reason, err = agb.ReasonUnavailable, fmt.Errorf("%w: %w", agb.ErrUnavailable, err)
	}
	return &Refusal{Reason: "agb." + string(reason), Detail: err.Error(), Err: err}
}
