package uzi

import (
	"errors"
	"fmt"
)

// ErrNotUZI is the sentinel every rejection wraps, so that callers who only need "admit or not" can test
// errors.Is(err, ErrNotUZI) without knowing the individual reasons.
var ErrNotUZI = errors.New("not an admissible UZI authentication certificate")

// Reason names one way in which a certificate fails the UZI rules. Its value is a short, stable machine
// string because the web layer uses it as the key of its Dutch and English refusal messages and writes it
// to the access log; renaming a value therefore breaks both, and values are never reused.
type Reason string

// The reasons, in the order Parse checks them. Each one is a separate constant so that a refusal page can
// tell the provider precisely what to do (choose another certificate, contact the UZI-register, ask the
// hospital to admit employee cards) instead of a generic "access denied".
const (
	// ReasonNoCertificate means no certificate was presented at all, so there is nothing to identify.
	ReasonNoCertificate Reason = "no-certificate"
	// ReasonNoSAN means the certificate has no subjectAltName extension, so it cannot carry a UZI identity.
	ReasonNoSAN Reason = "no-san"
	// ReasonMalformed means some DER that must be parsed (the subjectAltName extension or an otherName in it)
	// is not valid, which a genuine UZI-register certificate never is.
	ReasonMalformed Reason = "malformed"
	// ReasonNoUZIName means the subjectAltName has no otherName 2.5.5.5, so this is not a UZI certificate.
	ReasonNoUZIName Reason = "no-uzi-name"
	// ReasonMultipleUZINames means more than one otherName 2.5.5.5; which one counts would be ambiguous.
	ReasonMultipleUZINames Reason = "multiple-uzi-names"
	// ReasonNotIA5String means the 2.5.5.5 value is not an IA5String inside an explicit [0], as the CPS requires.
	ReasonNotIA5String Reason = "not-ia5string"
	// ReasonUPNEncoding means the UPN otherName is not a single valid UTF8String.
	ReasonUPNEncoding Reason = "upn-encoding"
	// ReasonMultipleUPNs means more than one UPN otherName; the UZI-register issues at most one.
	ReasonMultipleUPNs Reason = "multiple-upns"
	// ReasonFieldCount means the UZI string does not have exactly seven dash-separated fields.
	ReasonFieldCount Reason = "field-count"
	// ReasonOIDCA means the first field is not a dotted object identifier.
	ReasonOIDCA Reason = "oid-ca"
	// ReasonVersion means the version field is not "1", the only version the CPS defines.
	ReasonVersion Reason = "version"
	// ReasonUZINumber means the UZI number is not exactly nine digits.
	ReasonUZINumber Reason = "uzi-number"
	// ReasonCardType means the card type is not one of Z, N, M or S.
	ReasonCardType Reason = "card-type"
	// ReasonSubscriberNumber means the abonnee-nr (URA) is not exactly eight digits.
	ReasonSubscriberNumber Reason = "subscriber-number"
	// ReasonRole means the role is not of the form PP.SSS with digits.
	ReasonRole Reason = "role"
	// ReasonAGBCode means the AGB code is not exactly eight digits.
	ReasonAGBCode Reason = "agb-code"
	// ReasonRoleCardTypeMismatch means a Z card with profession 00, or an N, M or S card with a role other
	// than 00.000; only care providers (Z) have a professional role.
	ReasonRoleCardTypeMismatch Reason = "role-card-type-mismatch"
	// ReasonCardTypeRefused means a well-formed card of a type the portal does not admit: M and S never, N only
	// when delegated staff is configured.
	ReasonCardTypeRefused Reason = "card-type-refused"
	// ReasonOIDCANotAllowed means the OID CA is not in the profile's allow-list (for example a TEST card
	// presented to production).
	ReasonOIDCANotAllowed Reason = "oid-ca-not-allowed"
	// ReasonOIDCACardTypeMismatch means the OID CA issues a different card type than the string claims.
	ReasonOIDCACardTypeMismatch Reason = "oid-ca-card-type-mismatch"
	// ReasonSerialNumberMismatch means the subject serialNumber is missing or differs from the UZI number.
	ReasonSerialNumberMismatch Reason = "serial-number-mismatch"
	// ReasonSubjectAmbiguous means the subject names the holder twice (two commonNames, surnames or
	// givenNames): the name the portal shows and the one the AGB check compares could then differ.
	ReasonSubjectAmbiguous Reason = "subject-ambiguous"
	// ReasonUPNMismatch means the UPN is present but is not <UZI-nr>@<abonnee-nr>.
	ReasonUPNMismatch Reason = "upn-mismatch"
	// ReasonKeyUsage means the key usage is not exactly digitalSignature, typically because the provider chose
	// the card's signing (nonRepudiation) or encryption (keyEncipherment) certificate.
	ReasonKeyUsage Reason = "key-usage"
	// ReasonExtKeyUsage means the extended key usage does not contain clientAuth.
	ReasonExtKeyUsage Reason = "ext-key-usage"
	// ReasonPolicy means none of the certificate policies is an accepted authentication-certificate policy.
	ReasonPolicy Reason = "policy"
)

// reasonText holds the default English sentence of every reason. It doubles as the list of known reasons,
// so a reason without a sentence cannot be added by accident (the tests check both directions).
var reasonText = map[Reason]string{
	ReasonNoCertificate:         "No client certificate was presented.",
	ReasonNoSAN:                 "The certificate has no subjectAltName extension, so it carries no UZI identity.",
	ReasonMalformed:             "The certificate's subjectAltName is not valid DER.",
	ReasonNoUZIName:             "The certificate has no UZI identity (subjectAltName otherName 2.5.5.5).",
	ReasonMultipleUZINames:      "The certificate has more than one UZI identity (otherName 2.5.5.5).",
	ReasonNotIA5String:          "The UZI identity (otherName 2.5.5.5) is not encoded as an IA5String.",
	ReasonUPNEncoding:           "The user principal name in the certificate is not a valid UTF8String.",
	ReasonMultipleUPNs:          "The certificate has more than one user principal name.",
	ReasonFieldCount:            "The UZI identity string does not have exactly seven fields.",
	ReasonOIDCA:                 "The OID CA field of the UZI identity is not an object identifier.",
	ReasonVersion:               "The version field of the UZI identity is not 1.",
	ReasonUZINumber:             "The UZI number is not nine digits.",
	ReasonCardType:              "The card type is not Z, N, M or S.",
	ReasonSubscriberNumber:      "The subscriber number (URA) is not eight digits.",
	ReasonRole:                  "The role code is not of the form PP.SSS.",
	ReasonAGBCode:               "The AGB code is not eight digits.",
	ReasonRoleCardTypeMismatch:  "The role code does not fit the card type.",
	ReasonCardTypeRefused:       "This type of UZI card is not admitted to the portal.",
	ReasonOIDCANotAllowed:       "The certificate was issued by a UZI CA that this portal does not accept.",
	ReasonOIDCACardTypeMismatch: "The issuing UZI CA does not issue this type of card.",
	ReasonSerialNumberMismatch:  "The subject serialNumber does not equal the UZI number.",
	ReasonSubjectAmbiguous:      "The certificate's subject holds a name (commonName, surname or givenName) more than once.",
	ReasonUPNMismatch:           "The user principal name does not equal <UZI number>@<subscriber number>.",
	ReasonKeyUsage:              "This is not the authentication certificate of the UZI card.",
	ReasonExtKeyUsage:           "The certificate is not meant for client authentication.",
	ReasonPolicy:                "The certificate policy is not that of a UZI authentication certificate.",
}

// Reasons returns every known reason, in check order, so that the web layer can verify at start-up or in a
// test that its message catalogues cover all of them.
func Reasons() []Reason {
	return []Reason{
		ReasonNoCertificate, ReasonNoSAN, ReasonMalformed, ReasonNoUZIName, ReasonMultipleUZINames,
		ReasonNotIA5String, ReasonUPNEncoding, ReasonMultipleUPNs, ReasonFieldCount, ReasonOIDCA,
		ReasonVersion, ReasonUZINumber, ReasonCardType, ReasonSubscriberNumber, ReasonRole, ReasonAGBCode,
		ReasonRoleCardTypeMismatch, ReasonCardTypeRefused, ReasonOIDCANotAllowed,
		ReasonOIDCACardTypeMismatch, ReasonSerialNumberMismatch, ReasonSubjectAmbiguous, ReasonUPNMismatch, ReasonKeyUsage,
		ReasonExtKeyUsage, ReasonPolicy,
	}
}

// Description returns the reason's default English sentence, which callers without their own catalogue
// can show as is; it is empty for a value that is not a known reason.
func (r Reason) Description() string { return reasonText[r] }

// Error is the one error type of this package: a reason for machines and a detail sentence for people and
// logs. It is returned as *Error; use errors.As to get at the reason, or ReasonOf.
type Error struct {
	// Reason is the stable machine key of the failure.
	Reason Reason
	// Detail is an English sentence naming the offending value, written to follow "uzi: " in Error(). It
	// may quote certificate content (escaped and shortened) and is meant for logs and support staff; the
	// refusal page takes its text from the catalogue keyed by Reason, and no code should parse Detail.
	Detail string
}

// Error returns the detail sentence, or the reason's default sentence when there is no detail, prefixed
// with the package name so that the origin is clear in a wrapped chain.
func (e *Error) Error() string {
	if e.Detail != "" {
		return "uzi: " + e.Detail
	}
	if d := e.Reason.Description(); d != "" {
		return "uzi: " + d
	}
	return "uzi: " + string(e.Reason)
}

// Unwrap returns ErrNotUZI so that every rejection satisfies errors.Is(err, ErrNotUZI).
func (e *Error) Unwrap() error { return ErrNotUZI }

// Is reports whether target is an *Error with the same reason, so that tests and callers can write
// errors.Is(err, &uzi.Error{Reason: uzi.ReasonKeyUsage}) without comparing details.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Reason == e.Reason
}

// ReasonOf returns the reason carried by err, or "" when err is nil or did not come from this package; the
// web layer uses it to pick the refusal message and the access-log reason.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// fail builds an *Error with a formatted detail sentence; it keeps the call sites short and uniform.
func fail(r Reason, format string, args ...any) *Error {
	return &Error{Reason: r, Detail: fmt.Sprintf(format, args...)}
}
