package uzi

import (
	"crypto/x509"
	"encoding/asn1"
	"slices"
	"strconv"
	"strings"
)

// Subject attribute types that crypto/x509's pkix.Name has no field for, or that must be read from all
// attributes rather than the single field pkix.Name keeps.
var (
	oidSurname      = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidCommonName   = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidTitle        = asn1.ObjectIdentifier{2, 5, 4, 12}
	oidGivenName    = asn1.ObjectIdentifier{2, 5, 4, 42}
)

// Parse reads the UZI identity from a client certificate and checks every rule for logging in with it
// (DESIGN.md §2 items 2-4), so that the caller gets either a fully consistent Identity or one *Error that
// says precisely why not. It assumes the TLS layer has already verified the chain to a configured UZI CA;
// Parse checks what chain verification does not: that this is the card's authentication certificate, that
// the UZI string is well formed and agrees with the rest of the certificate and with the issuing CA, and
// that the card type is admitted.
//
// The checks run in this order, so that the reason is the most useful one for the provider: the UZI
// identity is read first (without one, nothing else matters), then the card type is judged (an M card is
// refused as an M card, not for a detail of its profile), then the CA, subject and UPN are cross-checked,
// and finally key usage and policy single out the signing and encryption certificates of a valid card.
//
// On error the returned Identity holds what could be read before the failing rule, so that the access log
// can record who was refused; it must never be used to admit anyone.
func Parse(cert *x509.Certificate, p Profile) (Identity, error) {
	if cert == nil {
		return Identity{}, fail(ReasonNoCertificate, "no client certificate was presented; the authentication certificate of a UZI card is needed to log in.")
	}
	subject := readSubject(cert)
	policies := policyOIDs(cert)
	partial := func(id Identity) Identity {
		id.CommonName, id.GivenName, id.Surname, id.Title, id.Organisation =
			subject.CommonName, subject.GivenName, subject.Surname, subject.Title, subject.Organisation
		id.PolicyOIDs = policies
		return id
	}

	san, err := findSAN(cert)
	if err != nil {
		return partial(Identity{}), err
	}
	names, err := ParseSANExtension(san)
	if err != nil {
		return partial(Identity{}), err
	}
	id, err := ParseSANString(names.UZIName)
	id = partial(id)
	if err != nil {
		return id, err
	}

	if !p.Admits(id.CardType) {
		return id, cardTypeRefused(id.CardType)
	}
	caType, ok := p.OIDCAs[id.OIDCA]
	if !ok {
		return id, fail(ReasonOIDCANotAllowed, "the certificate was issued by UZI CA %s, which is not accepted here (a card from another UZI environment?).", id.OIDCA)
	}
	if caType != id.CardType {
		return id, fail(ReasonOIDCACardTypeMismatch, "UZI CA %s issues cards of type %s, but the UZI identity claims type %s.", id.OIDCA, caType, id.CardType)
	}
	if len(subject.SerialNumbers) != 1 || subject.SerialNumbers[0] != id.UZINumber {
		return id, serialNumberMismatch(subject.SerialNumbers, id.UZINumber)
	}
	if len(subject.Repeated) > 0 {
		return id, fail(ReasonSubjectAmbiguous, "the certificate's subject holds %s more than once.", strings.Join(subject.Repeated, " and "))
	}
	if names.HasUPN {
		if want := id.UZINumber + "@" + id.SubscriberNumber; names.UPN != want {
			return id, fail(ReasonUPNMismatch, "the user principal name %s does not equal %s, the UZI number and subscriber number of the UZI identity.", quote(names.UPN), want)
		}
		id.UPN = names.UPN
	}

	if err := checkKeyUsage(cert.KeyUsage); err != nil {
		return id, err
	}
	if !slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		return id, fail(ReasonExtKeyUsage, "the certificate's extended key usage does not include clientAuth, so it is not the card's authentication certificate.")
	}
	if !slices.ContainsFunc(policies, func(oid string) bool { return slices.Contains(p.AuthPolicies, oid) }) {
		return id, fail(ReasonPolicy, "none of the certificate policies %s is an accepted authentication policy (%s).", quoteList(policies), strings.Join(p.AuthPolicies, ", "))
	}
	return id, nil
}

// findSAN returns the raw value of the subjectAltName extension. More than one is malformed (crypto/x509
// refuses to parse such a certificate, but a *x509.Certificate can also be built by hand).
func findSAN(cert *x509.Certificate) ([]byte, error) {
	var found [][]byte
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSubjectAltName) {
			found = append(found, ext.Value)
		}
	}
	switch len(found) {
	case 0:
		return nil, fail(ReasonNoSAN, "the certificate has no subjectAltName extension, so it carries no UZI identity.")
	case 1:
		return found[0], nil
	}
	return nil, fail(ReasonMalformed, "the certificate has %d subjectAltName extensions.", len(found))
}

// cardTypeRefused explains per card type why it is not admitted, because the advice to the holder differs.
func cardTypeRefused(c CardType) *Error {
	switch c {
	case CardMedewerkerOpNaam:
		return fail(ReasonCardTypeRefused, "named employee cards (N) are admitted only when the hospital has configured delegated staff, which it has not.")
	case CardMedewerkerNietOpNaam:
		return fail(ReasonCardTypeRefused, "unnamed employee cards (M) are never admitted: access must be traceable to a person.")
	case CardServer:
		return fail(ReasonCardTypeRefused, "UZI server certificates (S) are never admitted: only people log in to the portal.")
	}
	return fail(ReasonCardTypeRefused, "cards of type %s are not admitted.", quote(string(c)))
}

// serialNumberMismatch explains a serialNumber failure: missing, repeated, or different.
func serialNumberMismatch(got []string, uziNumber string) *Error {
	switch len(got) {
	case 0:
		return fail(ReasonSerialNumberMismatch, "the certificate subject has no serialNumber, which must equal the UZI number %s.", uziNumber)
	case 1:
		return fail(ReasonSerialNumberMismatch, "the subject serialNumber %s does not equal the UZI number %s of the UZI identity.", quote(got[0]), uziNumber)
	}
	return fail(ReasonSerialNumberMismatch, "the certificate subject has %d serialNumber attributes; it must have exactly one, equal to the UZI number %s.", len(got), uziNumber)
}

// checkKeyUsage requires exactly digitalSignature. The signing (HND) and encryption (VRT) certificates on
// the same card carry the same UZI identity, so key usage is what tells them apart; the message names the
// certificate the provider picked, because choosing the wrong one in the browser is the common mistake.
func checkKeyUsage(ku x509.KeyUsage) error {
	const encipher = x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment
	switch {
	case ku == x509.KeyUsageDigitalSignature:
		return nil
	case ku&x509.KeyUsageContentCommitment != 0:
		return fail(ReasonKeyUsage, "this is the signing certificate of the UZI card (key usage %s); choose the authentication certificate to log in.", keyUsageNames(ku))
	case ku&encipher != 0 && ku&x509.KeyUsageDigitalSignature == 0:
		return fail(ReasonKeyUsage, "this is the encryption certificate of the UZI card (key usage %s); choose the authentication certificate to log in.", keyUsageNames(ku))
	case ku == 0:
		return fail(ReasonKeyUsage, "the certificate has no key usage; the authentication certificate of a UZI card has exactly digitalSignature.")
	}
	return fail(ReasonKeyUsage, "the certificate has key usage %s instead of exactly digitalSignature, so it is not the authentication certificate of a UZI card.", keyUsageNames(ku))
}

// keyUsageNames lists the RFC 5280 names of the bits set in ku, for messages and logs.
func keyUsageNames(ku x509.KeyUsage) string {
	names := []string{"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"}
	var set []string
	for i, n := range names {
		if ku&(1<<i) != 0 {
			set = append(set, n)
		}
	}
	return strings.Join(set, ", ")
}

// holderNames are the subject attributes that name the card's holder, each of which may occur once.
var holderNames = []struct {
	name string
	oid  asn1.ObjectIdentifier
}{{"commonName", oidCommonName}, {"surname", oidSurname}, {"givenName", oidGivenName}}

// subjectFields is what Parse reads from the subject: the display fields and every serialNumber.
type subjectFields struct {
	CommonName, GivenName, Surname, Title, Organisation string
	SerialNumbers                                       []string
	// Repeated names the holder's name attributes (commonName, surname, givenName) that occur more than
	// once: such a subject is refused, as it is unclear which name is the holder's.
	Repeated []string
}

// readSubject reads the subject attributes by OID from all RDNs, because pkix.Name has no title, surname or
// givenName fields and keeps only the last serialNumber. A certificate built in memory rather than parsed
// has no Subject.Names; its ExtraNames and SerialNumber field are used instead.
func readSubject(cert *x509.Certificate) subjectFields {
	attrs := cert.Subject.Names
	if len(attrs) == 0 {
		attrs = cert.Subject.ExtraNames
	}
	var s subjectFields
	s.CommonName = cert.Subject.CommonName
	if len(cert.Subject.Organization) > 0 {
		s.Organisation = cert.Subject.Organization[0]
	}
	counts := map[string]int{}
	for _, a := range attrs {
		for _, n := range holderNames {
			if a.Type.Equal(n.oid) {
				if counts[n.name]++; counts[n.name] == 2 {
					s.Repeated = append(s.Repeated, n.name)
				}
			}
		}
		v, ok := a.Value.(string)
		if !ok {
			continue
		}
		switch {
		case a.Type.Equal(oidTitle) && s.Title == "":
			s.Title = v
		case a.Type.Equal(oidSurname) && s.Surname == "":
			s.Surname = v
		case a.Type.Equal(oidGivenName) && s.GivenName == "":
			s.GivenName = v
		case a.Type.Equal(oidSerialNumber):
			s.SerialNumbers = append(s.SerialNumbers, v)
		}
	}
	if len(cert.Subject.Names) == 0 && len(s.SerialNumbers) == 0 && cert.Subject.SerialNumber != "" {
		s.SerialNumbers = []string{cert.Subject.SerialNumber}
	}
	return s
}

// policyOIDs returns the certificate policies in dotted form. crypto/x509 fills Policies when parsing;
// PolicyIdentifiers is the fallback for certificates built in memory with the older field.
func policyOIDs(cert *x509.Certificate) []string {
	var out []string
	for _, p := range cert.Policies {
		out = append(out, p.String())
	}
	if len(out) == 0 {
		for _, p := range cert.PolicyIdentifiers {
			out = append(out, p.String())
		}
	}
	return out
}

// maxListed bounds how many untrusted values one message lists.
const maxListed = 5

// quoteList renders untrusted values for a message, each quoted and shortened, at most maxListed of them.
func quoteList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	q := make([]string, 0, maxListed+1)
	for i, v := range vs {
		if i == maxListed {
			q = append(q, "and "+strconv.Itoa(len(vs)-maxListed)+" more")
			break
		}
		q = append(q, quote(v))
	}
	return strings.Join(q, ", ")
}
