// Package uzi reads the identity of a care provider from the authentication certificate of a UZI
// smartcard and decides whether that certificate may be used to log in to the portal.
//
// The UZI-register (CIBG) puts the identity in a subjectAltName otherName with type-id 2.5.5.5 whose
// value is an IA5String of seven dash-separated fields:
//
//	<OID CA>-<versie-nr>-<UZI-nr>-<pastype>-<abonnee-nr>-<rol>-<AGB-code>
//
// Public readers of this string have crashed on six fields, accepted any IA5String in any otherName
// and skipped the checks that tie the string to the rest of the certificate. This package therefore
// parses the DER of the extension itself, checks every field and every cross-reference (subject
// serialNumber, UPN, issuing CA, card type, role), and reports each failure as an *Error with a
// distinct Reason, so the portal can tell the provider exactly what is wrong and log it.
//
// The package imports only the standard library and never panics on any input: certificates arrive
// from the network, and a crash in the login path would lock every provider out.
package uzi
